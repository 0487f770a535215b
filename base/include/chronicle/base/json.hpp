#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace chronicle {

// A JSON value: the neutral shape of event payloads, request bodies and
// responses. Objects keep insertion order (stable output, readable diffs).
// Standard library only, so the pure domain layer can build and read it;
// parsing text lives in chronicle_json (simdjson).
class Json {
 public:
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() = default;                                  // null
  Json(std::nullptr_t) {}                            // NOLINT(google-explicit-constructor)
  Json(bool b) : v_(b) {}                            // NOLINT(google-explicit-constructor)
  Json(int i) : v_(static_cast<std::int64_t>(i)) {}  // NOLINT(google-explicit-constructor)
  Json(std::int64_t i) : v_(i) {}                    // NOLINT(google-explicit-constructor)
  // NOLINTNEXTLINE(google-explicit-constructor)
  Json(std::uint64_t i) : v_(static_cast<std::int64_t>(i)) {}
  Json(double d) : v_(d) {}                         // NOLINT(google-explicit-constructor)
  Json(std::string s) : v_(std::move(s)) {}         // NOLINT(google-explicit-constructor)
  Json(std::string_view s) : v_(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  Json(const char* s) : v_(std::string(s)) {}       // NOLINT(google-explicit-constructor)
  Json(Array a) : v_(std::move(a)) {}               // NOLINT(google-explicit-constructor)
  Json(Object o) : v_(std::move(o)) {}              // NOLINT(google-explicit-constructor)

  static Json MakeObject() { return Json(Object{}); }
  static Json MakeArray() { return Json(Array{}); }

  [[nodiscard]] bool is_null() const { return v_.index() == 0; }
  [[nodiscard]] bool is_bool() const { return std::holds_alternative<bool>(v_); }
  [[nodiscard]] bool is_int() const { return std::holds_alternative<std::int64_t>(v_); }
  [[nodiscard]] bool is_number() const { return is_int() || std::holds_alternative<double>(v_); }
  [[nodiscard]] bool is_string() const { return std::holds_alternative<std::string>(v_); }
  [[nodiscard]] bool is_array() const { return std::holds_alternative<Array>(v_); }
  [[nodiscard]] bool is_object() const { return std::holds_alternative<Object>(v_); }

  // Accessors assert the type (a programming error otherwise).
  [[nodiscard]] bool as_bool() const { return std::get<bool>(v_); }
  [[nodiscard]] std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  [[nodiscard]] double as_double() const {
    return is_int() ? static_cast<double>(as_int()) : std::get<double>(v_);
  }
  [[nodiscard]] const std::string& as_string() const { return std::get<std::string>(v_); }
  [[nodiscard]] const Array& as_array() const { return std::get<Array>(v_); }
  [[nodiscard]] Array& as_array() { return std::get<Array>(v_); }
  [[nodiscard]] const Object& as_object() const { return std::get<Object>(v_); }
  [[nodiscard]] Object& as_object() { return std::get<Object>(v_); }

  // Object member or nullptr (also when this is not an object).
  [[nodiscard]] const Json* Find(std::string_view key) const;
  // Sets (replacing) an object member; turns null into an object.
  Json& Set(std::string key, Json value);
  // Removes an object member if present.
  void Erase(std::string_view key);
  // Appends to an array; turns null into an array.
  Json& Push(Json value);

  // Compact JSON text (UTF-8 passed through, control characters escaped).
  [[nodiscard]] std::string Dump() const;

  friend bool operator==(const Json& a, const Json& b) { return a.v_ == b.v_; }

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Object> v_;
};

// Streams JSON text: the typed writer every response goes through. Values
// are escaped here; nothing else concatenates user data into JSON.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  JsonWriter& Value(const Json& value);

  [[nodiscard]] const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();
  std::string out_;
  bool need_comma_ = false;
};

}  // namespace chronicle
