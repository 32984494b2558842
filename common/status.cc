#include "common/status.h"

#include <exception>

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
    case Code::kUnavailable:
      name = "Unavailable";
      break;
    case Code::kFailedPrecondition:
      name = "FailedPrecondition";
      break;
    case Code::kInternal:
      name = "Internal";
      break;
  }
  return std::string(name) + ": " + message_;
}

Status CurrentExceptionStatus(std::string_view where) {
  std::string what;
  try {
    throw;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "an exception of an unknown type";
  }
  return Status::Internal(std::string(where) + ": " + what.substr(0, 500));
}

}  // namespace faultgraph
