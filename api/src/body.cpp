#include "body.hpp"

#include <algorithm>

#include "chronicle/json/parse.hpp"

namespace chronicle::api {

Result<Body> Body::Parse(std::string_view text, std::initializer_list<std::string_view> allowed) {
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return InvalidArgumentError(parsed.status().message());
  if (!parsed->is_object()) return InvalidArgumentError("the request body must be a JSON object");
  for (const auto& [key, value] : parsed->as_object()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return FieldError(key, "unknown field '" + key + "'");
    }
  }
  return Body(std::move(parsed).value());
}

bool Body::IsNull(std::string_view field) const {
  const Json* v = json_.Find(field);
  return v != nullptr && v->is_null();
}

Result<std::string> Body::RequiredString(std::string_view field) const {
  const Json* v = json_.Find(field);
  if (v == nullptr || v->is_null()) {
    return FieldError(std::string(field), std::string(field) + " is required");
  }
  if (!v->is_string())
    return FieldError(std::string(field), std::string(field) + " must be a string");
  return v->as_string();
}

Result<std::optional<std::string>> Body::OptionalString(std::string_view field) const {
  const Json* v = json_.Find(field);
  if (v == nullptr) return std::optional<std::string>();
  if (v->is_null()) return std::optional<std::string>(std::string());
  if (!v->is_string())
    return FieldError(std::string(field), std::string(field) + " must be a string");
  return std::optional<std::string>(v->as_string());
}

Result<std::optional<std::int64_t>> Body::OptionalInt(std::string_view field) const {
  const Json* v = json_.Find(field);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  if (!v->is_int())
    return FieldError(std::string(field), std::string(field) + " must be an integer");
  return std::optional<std::int64_t>(v->as_int());
}

Result<std::optional<std::vector<std::string>>> Body::OptionalStrings(
    std::string_view field) const {
  const Json* v = json_.Find(field);
  if (v == nullptr) return std::optional<std::vector<std::string>>();
  if (!v->is_array()) {
    return FieldError(std::string(field), std::string(field) + " must be an array of strings");
  }
  std::vector<std::string> out;
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) {
      return FieldError(std::string(field), std::string(field) + " must be an array of strings");
    }
    out.push_back(item.as_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

}  // namespace chronicle::api
