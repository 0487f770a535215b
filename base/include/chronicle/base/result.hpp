#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "chronicle/base/status.hpp"

namespace chronicle {

// Either a value or a non-ok Status (like absl::StatusOr). Accessing the
// value of an error result is a programming error (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).ok() && "Result needs a value or an error");
  }

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(data_); }
  [[nodiscard]] Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }

  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace chronicle

// Declares/assigns `lhs` from a Result-returning expression, or returns its
// error status from the enclosing function.
#define CHRONICLE_ASSIGN_OR_RETURN(lhs, expr) \
  CHRONICLE_ASSIGN_OR_RETURN_IMPL_(CHRONICLE_CONCAT_(chronicle_result_, __LINE__), lhs, expr)
// `lhs` may be a declaration, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define CHRONICLE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) return tmp.status();                    \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
