#include "common/status.h"

namespace faultgraph {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      name = "InvalidArgument";
      break;
    case Code::kNotFound:
      name = "NotFound";
      break;
    case Code::kIOError:
      name = "IOError";
      break;
    case Code::kCorruption:
      name = "Corruption";
      break;
    case Code::kBusy:
      name = "Busy";
      break;
    case Code::kAborted:
      name = "Aborted";
      break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace faultgraph
