// Status and Result<T>: how every module reports expected failures
// (bad input, not found, I/O, corruption). Bugs are asserts, not Statuses.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace faultgraph {

class [[nodiscard]] Status {
 public:
  // What went wrong, for callers that act on it (the API maps codes to its
  // typed errors). Never persisted: the values may change.
  enum class Code {
    kOk = 0,
    kInvalidArgument,     // the caller's input is wrong
    kNotFound,            // what was named does not exist
    kIOError,             // the file system or the store failed
    kCorruption,          // stored data cannot be read as what it should be
    kBusy,                // held by another process or writer; may work later
    kAborted,             // stopped on request (a cancelled training)
    kUnavailable,         // a service this needs is not there (no search index)
    kFailedPrecondition,  // the system is not in a state for this (run X first)
    kInternal,            // unexpected: an exception from below, turned into a value
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return Status(Code::kInvalidArgument, std::move(m));
  }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status IOError(std::string m) { return Status(Code::kIOError, std::move(m)); }
  static Status Corruption(std::string m) { return Status(Code::kCorruption, std::move(m)); }
  static Status Busy(std::string m) { return Status(Code::kBusy, std::move(m)); }
  static Status Aborted(std::string m) { return Status(Code::kAborted, std::move(m)); }
  static Status Unavailable(std::string m) { return Status(Code::kUnavailable, std::move(m)); }
  static Status FailedPrecondition(std::string m) {
    return Status(Code::kFailedPrecondition, std::move(m));
  }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  const std::string& message() const { return message_; }
  // "InvalidArgument: <message>", or "OK".
  std::string ToString() const;

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Inside a catch block: the exception being handled as an Internal Status,
// "<where>: <what()>". Thread entry points and task bodies end with it, since
// an exception that leaves a thread terminates the process.
Status CurrentExceptionStatus(std::string_view where);

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

// Calls fn(), which returns a Status or a Result<T>; an exception it throws
// comes back as CurrentExceptionStatus(where). For the body of a thread.
template <typename Fn>
auto CatchExceptions(std::string_view where, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (...) {
    return CurrentExceptionStatus(where);
  }
}

}  // namespace faultgraph

#define FG_RETURN_IF_ERROR(expr)      \
  do {                                \
    ::faultgraph::Status _s = (expr); \
    if (!_s.ok()) return _s;          \
  } while (0)
