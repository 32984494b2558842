// Helpers shared by the libFuzzer harnesses (header-only): one scratch
// directory per process, and writing fuzz input to a file for the APIs that
// read from a path.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace faultgraph::fuzz {

// A directory created on first use and removed when the process exits
// normally (a crash leaves it in the temp folder for inspection).
inline const std::filesystem::path& ScratchDir() {
  struct Dir {
    std::filesystem::path path;
    Dir() {
      path = std::filesystem::temp_directory_path() / ("fg_fuzz_" + std::to_string(::getpid()));
      std::filesystem::remove_all(path);
      std::filesystem::create_directories(path);
    }
    ~Dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static Dir dir;
  return dir.path;
}

// Writes `bytes` to `name` inside ScratchDir(), replacing it; returns the path.
inline std::string WriteScratch(const std::string& name, std::string_view bytes) {
  std::filesystem::path p = ScratchDir() / name;
  std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
  return p.string();
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace faultgraph::fuzz
