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

// A required id: not empty, at most kMaxIdBytes.
inline void CheckId(const std::string& field, const std::string& value) {
  if (value.empty()) ThrowBad(field, field + " is empty");
  if (value.size() > kMaxIdBytes) {
    ThrowBad(field, field + " is " + std::to_string(value.size()) + " bytes; at most " +
                        std::to_string(kMaxIdBytes) + " are allowed");
  }
}

// Maps a Status from below to the API's typed exceptions.
inline void ThrowIfError(const Status& s, const std::string& field) {
  if (s.ok()) return;
  if (s.IsNotFound()) {
    NotFound e;
    e.kind = field;
    e.message = s.message();
    throw e;
  }
  if (s.IsInvalidArgument()) ThrowBad(field, s.message());
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
