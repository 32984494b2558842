// Reading small files (configs, mappings) whole.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "common/status.h"

namespace faultgraph {

// The file's bytes; IOError naming `what` and the path when it cannot be read.
inline Result<std::string> ReadFileToString(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + what + " " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace faultgraph
