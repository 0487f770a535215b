#include "problem.hpp"

#include "chronicle/base/json.hpp"

namespace chronicle::api {
namespace {

struct Mapping {
  unsigned http_status;
  std::string_view code;
  std::string_view title;
};

Mapping MapStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      // A named field is a validation failure; otherwise the request itself is malformed.
      if (status.field().has_value()) return {422, "validation_failed", "Validation failed"};
      return {400, "bad_request", "Bad request"};
    case StatusCode::kNotFound:
      return {404, "not_found", "Not found"};
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return {409, "conflict", "Conflict"};
    case StatusCode::kAborted:
      return {412, "version_conflict", "Version conflict"};
    case StatusCode::kPermissionDenied:
      return {403, "forbidden", "Forbidden"};
    case StatusCode::kUnauthenticated:
      return {401, "unauthorized", "Unauthorized"};
    case StatusCode::kResourceExhausted:
      return {429, "rate_limited", "Too many requests"};
    case StatusCode::kUnavailable:
      return {503, "unavailable", "Service unavailable"};
    case StatusCode::kOk:
    case StatusCode::kCancelled:
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
      break;
  }
  return {500, "internal", "Internal error"};
}

Response Build(unsigned http_status, std::string_view code, std::string_view title,
               std::string_view detail, const Status* status) {
  JsonWriter w;
  w.BeginObject();
  w.Key("type").String("https://chronicle-crm.dev/problems/" + std::string(code));
  w.Key("title").String(title);
  w.Key("status").Int(http_status);
  w.Key("code").String(code);
  w.Key("detail").String(detail);
  if (status != nullptr && (status->field() || status->parameter())) {
    w.Key("errors").BeginArray().BeginObject();
    w.Key("field").String(status->field() ? *status->field() : *status->parameter());
    w.Key("message").String(status->message());
    w.EndObject().EndArray();
  }
  if (status != nullptr && status->current_version()) {
    w.Key("current_version").Int(*status->current_version());
  }
  w.EndObject();
  Response response;
  response.status = http_status;
  response.content_type = "application/problem+json";
  response.body = w.Take();
  return response;
}

}  // namespace

Response ProblemResponse(const Status& status) {
  const Mapping m = MapStatus(status);
  // Internal details never leave the server: they are logged instead.
  const std::string detail = m.http_status == 500 ? "internal error" : status.message();
  return Build(m.http_status, m.code, m.title, detail, &status);
}

Response ProblemResponse(unsigned http_status, std::string_view code, std::string_view detail) {
  return Build(http_status, code, code, detail, nullptr);
}

}  // namespace chronicle::api
