#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chronicle {

// Canonical error codes (the abseil/gRPC set). The API maps them to HTTP
// status and problem codes in exactly one place.
enum class StatusCode : std::uint8_t {
  kOk,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kAborted,  // a concurrency conflict: the caller may re-read and retry
  kPermissionDenied,
  kUnauthenticated,
  kResourceExhausted,
  kCancelled,
  kUnavailable,
  kDataLoss,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

// The outcome of an operation that returns no value. Cheap to copy when ok.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  [[nodiscard]] bool ok() const { return code_ == StatusCode::kOk; }
  [[nodiscard]] StatusCode code() const { return code_; }
  [[nodiscard]] const std::string& message() const { return message_; }
  [[nodiscard]] std::string ToString() const;

  // For kAborted from an optimistic-concurrency check: the version the
  // record/stream actually has (-1 when it does not exist), so callers can
  // report it (HTTP 412 bodies) without parsing the message.
  [[nodiscard]] std::optional<std::int64_t> current_version() const { return current_version_; }
  Status&& WithCurrentVersion(std::int64_t version) && {
    current_version_ = version;
    return std::move(*this);
  }

  // For kInvalidArgument about one input field (API: 422 naming the field).
  [[nodiscard]] const std::optional<std::string>& field() const { return field_; }
  Status&& WithField(std::string field) && {
    field_ = std::move(field);
    return std::move(*this);
  }

  // For kInvalidArgument about one query parameter or header (API: 400
  // naming it). Distinct from field(): the request, not the resource, is bad.
  [[nodiscard]] const std::optional<std::string>& parameter() const { return parameter_; }
  Status&& WithParameter(std::string parameter) && {
    parameter_ = std::move(parameter);
    return std::move(*this);
  }

  // Marks a deliberately ignored status; greppable, unlike a cast.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::optional<std::int64_t> current_version_;
  std::optional<std::string> field_;
  std::optional<std::string> parameter_;
};

// kInvalidArgument naming the offending field.
inline Status FieldError(std::string field, std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message)).WithField(std::move(field));
}

inline Status InvalidArgumentError(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) {
  return {StatusCode::kAlreadyExists, std::move(m)};
}
inline Status FailedPreconditionError(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status AbortedError(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status PermissionDeniedError(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status UnauthenticatedError(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status ResourceExhaustedError(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status CancelledError(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

}  // namespace chronicle

#define CHRONICLE_CONCAT_INNER_(a, b) a##b
#define CHRONICLE_CONCAT_(a, b) CHRONICLE_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when it is not ok.
#define CHRONICLE_RETURN_IF_ERROR(expr)                    \
  do {                                                     \
    ::chronicle::Status chronicle_status_ = (expr);        \
    if (!chronicle_status_.ok()) return chronicle_status_; \
  } while (false)
