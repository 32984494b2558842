// Statuses from below as the API's typed exceptions (api/faultgraph.thrift):
// shared by the handler's files.
#pragma once

#include <string>

#include "api/gen-cpp/faultgraph_types.h"
#include "api/limits.h"
#include "common/status.h"

namespace faultgraph::api {

[[noreturn]] inline void ThrowBad(const std::string& field, const std::string& message) {
  BadRequest e;
  e.field = field;
  e.message = message;
  throw e;
}

[[noreturn]] inline void ThrowNotFound(const std::string& kind, const std::string& message) {
  NotFound e;
  e.kind = kind;
  e.message = message;
  throw e;
}

// A list's `limit`: from 1 to kMaxLimit.
inline int32_t CheckLimit(int32_t limit) {
  if (limit < 1 || limit > kMaxLimit) {
    ThrowBad("limit", "limit is " + std::to_string(limit) + "; it must be from 1 to " +
                          std::to_string(kMaxLimit));
  }
  return limit;
}

// A file path in a request (`field`): 1 to kMaxPathBytes bytes.
inline void CheckPath(const std::string& field, const std::string& path) {
  if (path.empty() || path.size() > kMaxPathBytes)
    ThrowBad(field, field + " must be a path of 1 to " + std::to_string(kMaxPathBytes) + " bytes");
}

// A required id: not empty, at most kMaxIdBytes.
inline void CheckId(const std::string& field, const std::string& value) {
  if (value.empty()) ThrowBad(field, field + " is empty");
  if (value.size() > kMaxIdBytes) {
    ThrowBad(field, field + " is " + std::to_string(value.size()) + " bytes; at most " +
                        std::to_string(kMaxIdBytes) + " are allowed");
  }
}

// Maps a Status from below to the API's typed exceptions: NotFound to
// NotFound, InvalidArgument to BadRequest{field}; everything else — a
// service that is not there (Unavailable), a state that does not allow the
// call (FailedPrecondition, Busy), a store failure (IOError, Corruption) or
// a bug (Internal) — is not the request's fault and becomes Unavailable,
// whose message starts with the code.
inline void ThrowIfError(const Status& s, const std::string& field) {
  switch (s.code()) {
    case Status::Code::kOk:
      return;
    case Status::Code::kNotFound:
      ThrowNotFound(field, s.message());
    case Status::Code::kInvalidArgument:
      ThrowBad(field, s.message());
    case Status::Code::kUnavailable:
    case Status::Code::kFailedPrecondition:
    case Status::Code::kBusy:
    case Status::Code::kIOError:
    case Status::Code::kCorruption:
    case Status::Code::kAborted:
    case Status::Code::kInternal:
      break;
  }
  Unavailable e;
  e.message = s.ToString();
  throw e;
}

template <typename T>
T Unwrap(Result<T> r, const std::string& field) {
  ThrowIfError(r.status(), field);
  return std::move(r).value();
}

}  // namespace faultgraph::api
