#include "chronicle/domain/payload.hpp"

namespace chronicle::domain::payload {

std::string String(const Json& payload, std::string_view key) {
  const Json* v = payload.Find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

std::int64_t Int(const Json& payload, std::string_view key, std::int64_t fallback) {
  const Json* v = payload.Find(key);
  return v != nullptr && v->is_int() ? v->as_int() : fallback;
}

bool Bool(const Json& payload, std::string_view key, bool fallback) {
  const Json* v = payload.Find(key);
  return v != nullptr && v->is_bool() ? v->as_bool() : fallback;
}

std::vector<std::string> Strings(const Json& payload, std::string_view key) {
  std::vector<std::string> out;
  const Json* v = payload.Find(key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& item : v->as_array()) {
    if (item.is_string()) out.push_back(item.as_string());
  }
  return out;
}

bool Has(const Json& payload, std::string_view key) { return payload.Find(key) != nullptr; }

Json StringArray(const std::vector<std::string>& values) {
  Json::Array array;
  for (const auto& v : values) array.emplace_back(v);
  return Json(std::move(array));
}

Json NullableString(const std::string& value) { return value.empty() ? Json() : Json(value); }

}  // namespace chronicle::domain::payload
