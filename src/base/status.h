#pragma once
// Status: the outcome of an operation that can fail for an expected reason (bad input, a
// vanished peer, a full disk). It costs one null pointer on success, like LevelDB's Status.
// Thread safety: a Status is a value; distinct objects may be used from distinct threads.
// Our code does not throw: functions that can fail return Status or Result<T> (result.h).

#include <memory>
#include <string>
#include <string_view>

namespace sb {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the input is malformed or contradictory
  kNotFound,            // an id or name that does not exist
  kFailedPrecondition,  // valid input, wrong state (e.g. accepting an offer that expired)
  kOutOfRange,          // a value outside its allowed range, or an event out of order
  kUnavailable,         // a resource that may come back (disk, database, peer)
  kInternal,            // a broken invariant; a bug
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status Ok() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message without the code; empty when OK.
  const std::string& message() const;
  // "InvalidArgument: message", or "OK".
  std::string ToString() const;

  // Returns a copy with "context: " in front of the message (no-op when OK).
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

inline Status InvalidArgument(std::string msg) {
  return Status(StatusCode::kInvalidArgument, std::move(msg));
}
inline Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
inline Status FailedPrecondition(std::string msg) {
  return Status(StatusCode::kFailedPrecondition, std::move(msg));
}
inline Status OutOfRange(std::string msg) {
  return Status(StatusCode::kOutOfRange, std::move(msg));
}
inline Status Unavailable(std::string msg) {
  return Status(StatusCode::kUnavailable, std::move(msg));
}
inline Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }

}  // namespace sb

// Returns early from the enclosing function if `expr` (a Status) is not OK.
#define SB_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::sb::Status sb_status_ = (expr);        \
    if (!sb_status_.ok()) return sb_status_; \
  } while (0)
