#include "chronicle/base/json.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace chronicle {

const Json* Json::Find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : as_object()) {
    if (k == key) return &v;
  }
  return nullptr;
}

Json& Json::Set(std::string key, Json value) {
  if (is_null()) v_ = Object{};
  auto& object = as_object();
  for (auto& [k, v] : object) {
    if (k == key) {
      v = std::move(value);
      return v;
    }
  }
  object.emplace_back(std::move(key), std::move(value));
  return object.back().second;
}

void Json::Erase(std::string_view key) {
  if (!is_object()) return;
  std::erase_if(as_object(), [key](const auto& member) { return member.first == key; });
}

Json& Json::Push(Json value) {
  if (is_null()) v_ = Array{};
  as_array().push_back(std::move(value));
  return as_array().back();
}

std::string Json::Dump() const {
  JsonWriter w;
  w.Value(*this);
  return w.Take();
}

void JsonWriter::Separate() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}

JsonWriter& JsonWriter::BeginObject() {
  Separate();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  Separate();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  String(key);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  Separate();
  out_.push_back('"');
  for (char c : value) {
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out_ += buf;
        } else {
          out_.push_back(c);  // UTF-8 bytes pass through: Chinese stays readable
        }
    }
  }
  out_.push_back('"');
  return *this;
}

JsonWriter& JsonWriter::Int(std::int64_t value) {
  Separate();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  Separate();
  if (!std::isfinite(value)) {
    out_ += "null";  // JSON has no NaN/Infinity
    return *this;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  out_ += buf;
  // An integral double keeps a fraction ("1.0", not "1"), or it would parse
  // back as an integer: a different Json value.
  if (std::strpbrk(buf, ".e") == nullptr) out_ += ".0";
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Separate();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::Value(const Json& value) {
  if (value.is_null()) return Null();
  if (value.is_bool()) return Bool(value.as_bool());
  if (value.is_int()) return Int(value.as_int());
  if (value.is_number()) return Double(value.as_double());
  if (value.is_string()) return String(value.as_string());
  if (value.is_array()) {
    BeginArray();
    for (const auto& item : value.as_array()) Value(item);
    return EndArray();
  }
  BeginObject();
  for (const auto& [k, v] : value.as_object()) {
    Key(k);
    Value(v);
  }
  return EndObject();
}

}  // namespace chronicle
