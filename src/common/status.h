// Errors as values. A Status is either OK or carries a message that says what failed, where, and
// what to do about it; a Result<T> is a T or such a Status. Usage errors (bad command line, bad URL)
// are kept apart from other failures because the CLI maps them to different exit codes. A failure
// may also carry a Reason, set where the error is born, for code that must decide on it: the
// message text is for people and is never inspected.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sicoop {

class [[nodiscard]] Status {
 public:
  enum class Code { kOk, kUsage, kFailure };
  // Why a failure happened, where a caller must tell these apart; kUnspecified for the rest.
  enum class Reason {
    kUnspecified,
    kAuthentication,   // a server refused the user or password
    kUnreachable,      // no server answered at the host and port
    kMissingDatabase,  // the server has no such database
    kNotFound,         // the object or file asked for does not exist
    kConflict,         // a conditional write found the target changed (an object store's precondition)
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status Usage(std::string message) { return Status(Code::kUsage, std::move(message)); }
  static Status Failure(std::string message, Reason reason = Reason::kUnspecified) {
    return Status(Code::kFailure, std::move(message), reason);
  }

  bool ok() const { return code_ == Code::kOk; }
  bool is_usage() const { return code_ == Code::kUsage; }
  Code code() const { return code_; }
  Reason reason() const { return reason_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message", keeping the code and the reason.
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_, reason_);
  }

 private:
  Status(Code code, std::string message, Reason reason = Reason::kUnspecified)
      : code_(code), reason_(reason), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  Reason reason_ = Reason::kUnspecified;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design, like arrow::Result
  Result(Status status) : value_(std::move(status)) { assert(!std::get<Status>(value_).ok()); }

  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(value_);
  }
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace sicoop

#define SICOOP_CONCAT_INNER(a, b) a##b
#define SICOOP_CONCAT(a, b) SICOOP_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the calling function when it is not OK.
#define SICOOP_RETURN_IF_ERROR(expr)                \
  do {                                              \
    ::sicoop::Status sicoop_status_ = (expr);       \
    if (!sicoop_status_.ok()) return sicoop_status_; \
  } while (0)

#define SICOOP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

// `lhs = value of expr`, or returns its Status from the calling function.
#define SICOOP_ASSIGN_OR_RETURN(lhs, expr) \
  SICOOP_ASSIGN_OR_RETURN_IMPL(SICOOP_CONCAT(sicoop_result_, __LINE__), lhs, expr)
