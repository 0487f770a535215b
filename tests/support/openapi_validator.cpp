#include "openapi_validator.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "chronicle/json/parse.hpp"

namespace chronicle::testing {
namespace {

// Deeper than any real document nests: a "$ref" cycle that never descends
// into the instance stops here instead of overflowing the stack.
constexpr int kMaxDepth = 256;

// Keywords that only annotate: accepted, never checked.
constexpr std::array<std::string_view, 7> kAnnotations = {
    "description", "title", "examples", "default", "readOnly", "writeOnly", "deprecated"};
// Formats that only annotate; "date-time" and "date" are checked.
constexpr std::array<std::string_view, 8> kAnnotationFormats = {
    "int32", "int64", "float", "double", "email", "password", "uri", "uri-reference"};
constexpr std::array<std::string_view, 7> kTypes = {"null",   "boolean", "object", "array",
                                                    "number", "integer", "string"};
constexpr std::array<std::string_view, 8> kMethods = {"get",     "put",  "post",  "delete",
                                                      "options", "head", "patch", "trace"};

template <std::size_t N>
bool OneOf(const std::array<std::string_view, N>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 6901: "~" -> "~0", "/" -> "~1".
std::string EscapePointer(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// A value for a message: its JSON text, shortened.
std::string Show(const Json& value) {
  std::string text = value.Dump();
  constexpr std::size_t kMax = 80;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

bool IsIntegral(const Json& v) {
  if (v.is_int()) return true;
  if (!v.is_number()) return false;
  const double d = v.as_double();
  return std::isfinite(d) && std::floor(d) == d;
}

std::string TypeName(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_bool()) return "boolean";
  if (v.is_number()) return IsIntegral(v) ? "integer" : "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

bool HasType(const Json& v, std::string_view type) {
  if (type == "null") return v.is_null();
  if (type == "boolean") return v.is_bool();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "number") return v.is_number();
  if (type == "integer") return IsIntegral(v);
  if (type == "string") return v.is_string();
  return false;
}

// <0, 0, >0 like strcmp; both must be numbers. Integers compare exactly.
int CompareNumbers(const Json& a, const Json& b) {
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int());
  const double x = a.as_double();
  const double y = b.as_double();
  return x < y ? -1 : (x > y);
}

// JSON equality: numbers by value (1 == 1.0), objects regardless of order.
bool JsonEqual(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b) == 0;
  if (a.is_array() && b.is_array()) {
    const auto& x = a.as_array();
    const auto& y = b.as_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!JsonEqual(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) {
    if (a.as_object().size() != b.as_object().size()) return false;
    for (const auto& [key, value] : a.as_object()) {
      const Json* other = b.Find(key);
      if (other == nullptr || !JsonEqual(value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

// JSON Schema lengths count code points, not bytes (names are Chinese).
std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool ValidDate(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return false;
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

// RFC 3339 full-date.
bool IsDate(const std::string& text) {
  static const std::regex kDate(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::smatch m;
  return std::regex_match(text, m, kDate) &&
         ValidDate(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]));
}

// RFC 3339 date-time (section 5.6).
bool IsDateTime(const std::string& text) {
  static const std::regex kDateTime(
      R"(^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$)");
  std::smatch m;
  if (!std::regex_match(text, m, kDateTime)) return false;
  if (!ValidDate(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]))) return false;
  if (std::stoi(m[4]) > 23 || std::stoi(m[5]) > 59 || std::stoi(m[6]) > 60) return false;
  return !m[9].matched || (std::stoi(m[9]) <= 23 && std::stoi(m[10]) <= 59);
}

bool IsNonNegativeInteger(const Json& v) { return v.is_int() && v.as_int() >= 0; }

bool IsSchema(const Json& v) { return v.is_object() || v.is_bool(); }

// "application/json; charset=utf-8" -> "application/json".
std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
  return Lower(type);
}

bool IsJsonMedia(std::string_view media) {
  return media == "application/json" || media.ends_with("+json");
}

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) out.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

// The path of a request target, percent-decoded as the server's router sees
// it (undecodable escapes stay as they are).
std::string PathOf(std::string_view target) {
  std::string_view raw = target.substr(0, target.find('?'));
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size() &&
        std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(raw[i]);
    }
  }
  return out;
}

std::string Keys(const Json& object) {
  std::string out;
  if (!object.is_object()) return out;
  for (const auto& [key, value] : object.as_object()) {
    (void)value;
    if (!out.empty()) out += ", ";
    out += key;
  }
  return out;
}

// Every schema of the document with its location: components.schemas, each
// `schema` of a parameter, header or media type, and the WebSocket message
// schemas of the x-websocket-messages extension.
void CollectSchemas(const Json& node, const std::string& path,
                    std::vector<std::pair<const Json*, std::string>>& out) {
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.as_array().size(); ++i) {
      CollectSchemas(node.as_array()[i], path + "/" + std::to_string(i), out);
    }
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.as_object()) {
    const std::string at = path + "/" + EscapePointer(key);
    if (key == "schema") {
      out.emplace_back(&value, at);
    } else if ((path == "#/components" && key == "schemas") || key == "x-websocket-messages") {
      if (!value.is_object()) continue;
      for (const auto& [name, schema] : value.as_object()) {
        out.emplace_back(&schema, at + "/" + EscapePointer(name));
      }
    } else if (key != "example" && key != "examples") {  // free-form data, no schemas inside
      CollectSchemas(value, at, out);
    }
  }
}

// Checks a body of media type `media` against `schema` (nullptr: any body of
// that type), found at `schema_path` in the document.
void CheckBody(const SchemaValidator& validator, std::string_view media, const Json* schema,
               const std::string& schema_path, const std::string& text, bool closed,
               const std::function<void(std::string, std::string)>& fail) {
  if (!IsJsonMedia(media)) {
    if (schema == nullptr) return;
    for (const auto& v : validator.Validate(*schema, Json(text), {}, schema_path)) {
      fail(v.pointer, v.message);
    }
    return;
  }
  auto parsed = ParseJson(text);
  if (!parsed.ok()) {
    fail("", std::string(media) + " body is not JSON: " + parsed.status().message());
    return;
  }
  if (schema != nullptr) {
    SchemaValidator::Options options;
    options.closed_objects = closed;
    for (const auto& v : validator.Validate(*schema, *parsed, options, schema_path)) {
      fail(v.pointer, v.message);
    }
  }
}

// A problem's `status` member, when present, is the response's HTTP status.
void CheckProblemStatus(const HttpExchange& exchange,
                        const std::function<void(std::string, std::string)>& fail) {
  auto parsed = ParseJson(exchange.body);
  const Json* status = parsed.ok() ? parsed->Find("status") : nullptr;
  if (status != nullptr && status->is_int() &&
      status->as_int() != static_cast<std::int64_t>(exchange.status)) {
    fail("/status", "the problem's status " + status->Dump() + " is not the HTTP status");
  }
}

}  // namespace

// ---- SchemaValidator --------------------------------------------------------

struct SchemaValidator::Context {
  Options options;
  std::string pointer;  // the instance location being checked
  int depth = 0;
  std::vector<SchemaViolation> violations;

  void Fail(const std::string& message, const std::string& schema_path) {
    violations.push_back({pointer, message + " [" + schema_path + "]"});
  }
};

// The properties of the current object instance that the schema describes
// (for closed objects): like JSON Schema's "evaluated properties".
struct SchemaValidator::Evaluated {
  bool described = false;  // the schema says which properties the object has
  bool all = false;        // additionalProperties: every property is described
  std::set<std::string> names;

  void Merge(const Evaluated& other) {
    described = described || other.described;
    all = all || other.all;
    names.insert(other.names.begin(), other.names.end());
  }
};

SchemaValidator::SchemaValidator(const Json& root) : root_(root) {}
SchemaValidator::~SchemaValidator() = default;

const Json* SchemaValidator::Resolve(std::string_view ref) const {
  if (ref.empty() || ref.front() != '#') return nullptr;
  ref.remove_prefix(1);
  const Json* at = &root_;
  if (ref.empty()) return at;
  if (ref.front() != '/') return nullptr;
  ref.remove_prefix(1);
  while (at != nullptr) {
    const auto slash = ref.find('/');
    const std::string_view raw = ref.substr(0, slash);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += raw[i];
      }
    }
    if (at->is_array()) {
      const auto& items = at->as_array();
      std::size_t index = 0;
      const bool digits =
          !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
      if (digits) index = std::stoul(token);
      at = digits && index < items.size() ? &items[index] : nullptr;
    } else {
      at = at->Find(token);
    }
    if (slash == std::string_view::npos) break;
    ref.remove_prefix(slash + 1);
  }
  return at;
}

std::shared_ptr<const std::regex> SchemaValidator::Pattern(const std::string& pattern,
                                                           std::string* error) const {
  std::lock_guard lock(patterns_mu_);
  auto it = patterns_.find(pattern);
  if (it != patterns_.end()) return it->second;
  try {
    auto compiled = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
    patterns_.emplace(pattern, compiled);
    return compiled;
  } catch (const std::regex_error& e) {
    *error = e.what();
    return nullptr;
  }
}

std::vector<SchemaViolation> SchemaValidator::Validate(const Json& schema, const Json& instance,
                                                       Options options,
                                                       std::string_view schema_path) const {
  Context ctx;
  ctx.options = options;
  CheckLocation(schema, instance, std::string(schema_path), ctx);
  return std::move(ctx.violations);
}

void SchemaValidator::CheckLocation(const Json& schema, const Json& instance,
                                    const std::string& schema_path, Context& ctx) const {
  Evaluated evaluated;
  CheckSchema(schema, instance, schema_path, ctx, evaluated);
  if (!ctx.options.closed_objects || !instance.is_object() || !evaluated.described ||
      evaluated.all) {
    return;
  }
  for (const auto& [key, value] : instance.as_object()) {
    (void)value;
    if (evaluated.names.contains(key)) continue;
    const std::size_t size = ctx.pointer.size();
    ctx.pointer += "/" + EscapePointer(key);
    ctx.Fail("property '" + key + "' is not in the document", schema_path);
    ctx.pointer.resize(size);
  }
}

void SchemaValidator::CheckSchema(const Json& schema, const Json& instance,
                                  const std::string& schema_path, Context& ctx,
                                  Evaluated& evaluated) const {
  if (ctx.depth >= kMaxDepth) {
    ctx.Fail("schemas nest deeper than " + std::to_string(kMaxDepth) + " (a $ref cycle?)",
             schema_path);
    return;
  }
  ++ctx.depth;
  if (schema.is_bool()) {
    if (!schema.as_bool()) ctx.Fail("no value is allowed here", schema_path);
  } else if (!schema.is_object()) {
    ctx.Fail("a schema must be an object or a boolean", schema_path);
  } else {
    for (const auto& [keyword, value] : schema.as_object()) {
      CheckKeyword(keyword, value, schema, instance, schema_path, ctx, evaluated);
    }
  }
  --ctx.depth;
}

void SchemaValidator::CheckKeyword(const std::string& keyword, const Json& value,
                                   const Json& schema, const Json& instance,
                                   const std::string& schema_path, Context& ctx,
                                   Evaluated& evaluated) const {
  const std::string at = schema_path + "/" + EscapePointer(keyword);
  auto fail = [&](const std::string& message) { ctx.Fail(message, at); };
  auto malformed = [&](const std::string& expected) {
    fail("malformed schema: '" + keyword + "' must be " + expected);
  };
  if (OneOf(kAnnotations, keyword)) return;

  if (keyword == "$ref") {
    const Json* target = value.is_string() ? Resolve(value.as_string()) : nullptr;
    if (target == nullptr) return fail("unresolvable $ref " + Show(value));
    CheckSchema(*target, instance, value.as_string(), ctx, evaluated);
  } else if (keyword == "type") {
    std::vector<std::string> types;
    if (value.is_string()) types.push_back(value.as_string());
    if (value.is_array()) {
      for (const auto& t : value.as_array()) {
        if (t.is_string()) types.push_back(t.as_string());
      }
    }
    if (types.empty() || (value.is_array() && types.size() != value.as_array().size())) {
      return malformed("a type name or an array of type names");
    }
    for (const auto& t : types) {
      if (!OneOf(kTypes, t)) return fail("unknown type '" + t + "'");
    }
    if (std::none_of(types.begin(), types.end(),
                     [&](const std::string& t) { return HasType(instance, t); })) {
      std::string expected;
      for (const auto& t : types) expected += (expected.empty() ? "" : " or ") + t;
      fail("expected " + expected + ", got " + TypeName(instance) + " " + Show(instance));
    }
  } else if (keyword == "enum") {
    if (!value.is_array()) return malformed("an array");
    const auto& options = value.as_array();
    if (std::none_of(options.begin(), options.end(),
                     [&](const Json& v) { return JsonEqual(v, instance); })) {
      fail(Show(instance) + " is not one of " + Show(value));
    }
  } else if (keyword == "const") {
    if (!JsonEqual(value, instance)) fail(Show(instance) + " is not " + Show(value));
  } else if (keyword == "properties") {
    if (!value.is_object()) return malformed("an object of schemas");
    evaluated.described = true;
    for (const auto& [name, sub] : value.as_object()) {
      evaluated.names.insert(name);
      const Json* child = instance.is_object() ? instance.Find(name) : nullptr;
      if (child == nullptr) continue;
      const std::size_t size = ctx.pointer.size();
      ctx.pointer += "/" + EscapePointer(name);
      CheckLocation(sub, *child, at + "/" + EscapePointer(name), ctx);
      ctx.pointer.resize(size);
    }
  } else if (keyword == "required") {
    if (!value.is_array()) return malformed("an array of property names");
    for (const auto& name : value.as_array()) {
      if (!name.is_string()) return malformed("an array of property names");
      if (instance.is_object() && instance.Find(name.as_string()) == nullptr) {
        fail("required property '" + name.as_string() + "' is missing");
      }
    }
  } else if (keyword == "additionalProperties") {
    if (!IsSchema(value)) return malformed("a schema");
    evaluated.described = true;
    evaluated.all = true;
    if (!instance.is_object()) return;
    const Json* declared = schema.Find("properties");
    for (const auto& [key, child] : instance.as_object()) {
      if (declared != nullptr && declared->Find(key) != nullptr) continue;
      const std::size_t size = ctx.pointer.size();
      ctx.pointer += "/" + EscapePointer(key);
      if (value.is_bool() && !value.as_bool()) {
        ctx.Fail("property '" + key + "' is not allowed", at);
      } else {
        CheckLocation(value, child, at, ctx);
      }
      ctx.pointer.resize(size);
    }
  } else if (keyword == "items") {
    if (!IsSchema(value)) return malformed("one schema");
    if (!instance.is_array()) return;
    const auto& items = instance.as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::size_t size = ctx.pointer.size();
      ctx.pointer += "/" + std::to_string(i);
      CheckLocation(value, items[i], at, ctx);
      ctx.pointer.resize(size);
    }
  } else if (keyword == "minItems") {
    if (!IsNonNegativeInteger(value)) return malformed("a non-negative integer");
    if (instance.is_array() &&
        instance.as_array().size() < static_cast<std::size_t>(value.as_int())) {
      fail(std::to_string(instance.as_array().size()) + " items, fewer than the minimum " +
           value.Dump());
    }
  } else if (keyword == "maxItems") {
    if (!IsNonNegativeInteger(value)) return malformed("a non-negative integer");
    if (instance.is_array() &&
        instance.as_array().size() > static_cast<std::size_t>(value.as_int())) {
      fail(std::to_string(instance.as_array().size()) + " items, more than the maximum " +
           value.Dump());
    }
  } else if (keyword == "uniqueItems") {
    if (!value.is_bool()) return malformed("a boolean");
    if (!value.as_bool() || !instance.is_array()) return;
    const auto& items = instance.as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      for (std::size_t j = i + 1; j < items.size(); ++j) {
        if (JsonEqual(items[i], items[j])) {
          return fail("items " + std::to_string(i) + " and " + std::to_string(j) +
                      " are equal: " + Show(items[i]));
        }
      }
    }
  } else if (keyword == "minimum" || keyword == "maximum") {
    if (!value.is_number()) return malformed("a number");
    if (!instance.is_number()) return;
    const int order = CompareNumbers(instance, value);
    if (keyword == "minimum" && order < 0) {
      fail(instance.Dump() + " is less than the minimum " + value.Dump());
    }
    if (keyword == "maximum" && order > 0) {
      fail(instance.Dump() + " is greater than the maximum " + value.Dump());
    }
  } else if (keyword == "minLength" || keyword == "maxLength") {
    if (!IsNonNegativeInteger(value)) return malformed("a non-negative integer");
    if (!instance.is_string()) return;
    const std::size_t length = CodePoints(instance.as_string());
    const auto limit = static_cast<std::size_t>(value.as_int());
    if (keyword == "minLength" && length < limit) {
      fail(Show(instance) + " has " + std::to_string(length) +
           " characters, fewer than the minimum " + value.Dump());
    }
    if (keyword == "maxLength" && length > limit) {
      fail(Show(instance) + " has " + std::to_string(length) +
           " characters, more than the maximum " + value.Dump());
    }
  } else if (keyword == "pattern") {
    if (!value.is_string()) return malformed("a string");
    std::string error;
    auto pattern = Pattern(value.as_string(), &error);
    if (pattern == nullptr) return fail("pattern " + Show(value) + " does not compile: " + error);
    if (instance.is_string() && !std::regex_search(instance.as_string(), *pattern)) {
      fail(Show(instance) + " does not match the pattern " + value.as_string());
    }
  } else if (keyword == "format") {
    if (!value.is_string()) return malformed("a string");
    const std::string& format = value.as_string();
    if (format == "date-time") {
      if (instance.is_string() && !IsDateTime(instance.as_string())) {
        fail(Show(instance) + " is not an RFC 3339 date-time");
      }
    } else if (format == "date") {
      if (instance.is_string() && !IsDate(instance.as_string())) {
        fail(Show(instance) + " is not an RFC 3339 date");
      }
    } else if (!OneOf(kAnnotationFormats, format)) {
      fail("unsupported format '" + format + "'");
    }
  } else if (keyword == "allOf") {
    if (!value.is_array() || value.as_array().empty()) return malformed("an array of schemas");
    const auto& branches = value.as_array();
    for (std::size_t i = 0; i < branches.size(); ++i) {
      CheckSchema(branches[i], instance, at + "/" + std::to_string(i), ctx, evaluated);
    }
  } else if (keyword == "anyOf" || keyword == "oneOf") {
    if (!value.is_array() || value.as_array().empty()) return malformed("an array of schemas");
    const auto& branches = value.as_array();
    std::vector<std::size_t> passed;
    std::string reasons;
    for (std::size_t i = 0; i < branches.size(); ++i) {
      Context branch;
      branch.options = ctx.options;
      branch.pointer = ctx.pointer;
      branch.depth = ctx.depth;
      Evaluated branch_evaluated;
      CheckSchema(branches[i], instance, at + "/" + std::to_string(i), branch, branch_evaluated);
      if (branch.violations.empty()) {
        passed.push_back(i);
        evaluated.Merge(branch_evaluated);
      } else {
        const auto& first = branch.violations.front();
        reasons += "; " + std::to_string(i) + ": " +
                   (first.pointer.empty() ? "" : first.pointer + ": ") + first.message;
      }
    }
    if (passed.empty()) {
      fail(Show(instance) + " matches none of the " + keyword + " schemas (" + reasons.substr(2) +
           ")");
    } else if (keyword == "oneOf" && passed.size() > 1) {
      fail(Show(instance) + " matches more than one of the oneOf schemas (" +
           std::to_string(passed[0]) + " and " + std::to_string(passed[1]) + ")");
    }
  } else {
    fail("unsupported keyword '" + keyword + "': the validator does not implement it");
  }
}

std::vector<std::string> SchemaValidator::Lint(const Json& schema,
                                               std::string_view schema_path) const {
  std::vector<std::string> out;
  LintSchema(schema, std::string(schema_path), out);
  return out;
}

void SchemaValidator::LintSchema(const Json& schema, const std::string& schema_path,
                                 std::vector<std::string>& out) const {
  if (schema.is_bool()) return;
  if (!schema.is_object()) {
    out.push_back(schema_path + ": a schema must be an object or a boolean");
    return;
  }
  for (const auto& [keyword, value] : schema.as_object()) {
    const std::string at = schema_path + "/" + EscapePointer(keyword);
    auto bad = [&](const std::string& message) { out.push_back(at + ": " + message); };
    if (OneOf(kAnnotations, keyword) || keyword == "const") continue;
    if (keyword == "$ref") {
      // The target is linted where it is defined; following it here could loop.
      if (!value.is_string() || !value.as_string().starts_with("#")) {
        bad("only local references (\"#/...\") are supported");
      } else if (Resolve(value.as_string()) == nullptr) {
        bad("unresolvable reference " + value.as_string());
      }
    } else if (keyword == "type") {
      std::vector<Json> types = value.is_array() ? value.as_array() : std::vector<Json>{value};
      if (types.empty()) bad("an empty type array");
      for (const auto& t : types) {
        if (!t.is_string() || !OneOf(kTypes, t.as_string())) bad("unknown type " + Show(t));
      }
    } else if (keyword == "enum") {
      if (!value.is_array() || value.as_array().empty()) bad("must be a non-empty array");
    } else if (keyword == "properties") {
      if (!value.is_object()) {
        bad("must be an object of schemas");
        continue;
      }
      for (const auto& [name, sub] : value.as_object()) {
        LintSchema(sub, at + "/" + EscapePointer(name), out);
      }
    } else if (keyword == "required") {
      const bool names =
          value.is_array() && std::all_of(value.as_array().begin(), value.as_array().end(),
                                          [](const Json& n) { return n.is_string(); });
      if (!names) bad("must be an array of property names");
    } else if (keyword == "additionalProperties" || keyword == "items") {
      if (!IsSchema(value)) {
        bad("must be one schema (tuple `items` is not supported)");
      } else {
        LintSchema(value, at, out);
      }
    } else if (keyword == "minItems" || keyword == "maxItems" || keyword == "minLength" ||
               keyword == "maxLength") {
      if (!IsNonNegativeInteger(value)) bad("must be a non-negative integer");
    } else if (keyword == "uniqueItems") {
      if (!value.is_bool()) bad("must be a boolean");
    } else if (keyword == "minimum" || keyword == "maximum") {
      if (!value.is_number()) bad("must be a number");
    } else if (keyword == "pattern") {
      std::string error;
      if (!value.is_string()) {
        bad("must be a string");
      } else if (Pattern(value.as_string(), &error) == nullptr) {
        bad("does not compile: " + error);
      }
    } else if (keyword == "format") {
      if (!value.is_string() || (value.as_string() != "date-time" && value.as_string() != "date" &&
                                 !OneOf(kAnnotationFormats, value.as_string()))) {
        bad("unsupported format " + Show(value));
      }
    } else if (keyword == "allOf" || keyword == "anyOf" || keyword == "oneOf") {
      if (!value.is_array() || value.as_array().empty()) {
        bad("must be a non-empty array of schemas");
        continue;
      }
      for (std::size_t i = 0; i < value.as_array().size(); ++i) {
        LintSchema(value.as_array()[i], at + "/" + std::to_string(i), out);
      }
    } else {
      bad("unsupported keyword '" + keyword + "': the validator does not implement it");
    }
  }
}

// ---- OpenApiDocument --------------------------------------------------------

std::string ExchangeViolation::ToString() const {
  std::string out = route + " -> " + std::to_string(status) + ", ";
  if (where.starts_with("header ") || where.starts_with("request")) {
    out += where;
  } else {
    out += "body at \"" + where + "\"";
  }
  return out + ": " + message;
}

OpenApiDocument::OpenApiDocument(std::unique_ptr<const Json> root, std::vector<PathTemplate> paths)
    : root_(std::move(root)),
      validator_(std::make_unique<SchemaValidator>(*root_)),
      paths_(std::move(paths)) {}

Result<OpenApiDocument> OpenApiDocument::Load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return NotFoundError("cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  auto parsed = ParseJson(text.str());
  if (!parsed.ok()) return InvalidArgumentError(path + ": " + parsed.status().message());
  return FromJson(std::move(parsed).value());
}

Result<OpenApiDocument> OpenApiDocument::FromJson(Json document) {
  const Json* version = document.Find("openapi");
  if (version == nullptr || !version->is_string() || !version->as_string().starts_with("3.1.")) {
    return InvalidArgumentError("not an OpenAPI 3.1 document (\"openapi\": \"3.1.x\")");
  }
  const Json* paths = document.Find("paths");
  if (paths == nullptr || !paths->is_object()) return InvalidArgumentError("no \"paths\" object");
  std::vector<PathTemplate> templates;
  for (const auto& [path, item] : paths->as_object()) {
    (void)item;
    PathTemplate t{path, Segments(path), 0};
    for (const auto& s : t.segments) t.params += s.starts_with("{") && s.ends_with("}");
    templates.push_back(std::move(t));
  }
  OpenApiDocument doc(std::make_unique<const Json>(std::move(document)), std::move(templates));
  std::vector<std::pair<const Json*, std::string>> schemas;
  CollectSchemas(*doc.root_, "#", schemas);
  std::string problems;
  for (const auto& [schema, location] : schemas) {
    for (const auto& problem : doc.validator_->Lint(*schema, location)) {
      problems += "\n  " + problem;
    }
  }
  if (!problems.empty()) {
    return InvalidArgumentError(
        "the OpenAPI document uses schemas the test validator cannot check:" + problems);
  }
  return doc;
}

const OpenApiDocument::PathTemplate* OpenApiDocument::Match(std::string_view path) const {
  const auto segments = Segments(path);
  const PathTemplate* best = nullptr;
  for (const auto& t : paths_) {
    if (t.segments.size() != segments.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& s = t.segments[i];
      ok = (s.starts_with("{") && s.ends_with("}")) || s == segments[i];
    }
    if (ok && (best == nullptr || t.params < best->params)) best = &t;
  }
  return best;
}

const Json& OpenApiDocument::Deref(const Json& object) const {
  const Json* ref = object.Find("$ref");
  if (ref == nullptr || !ref->is_string()) return object;
  const Json* target = validator_->Resolve(ref->as_string());
  return target != nullptr ? *target : object;
}

std::vector<ExchangeViolation> OpenApiDocument::Check(const HttpExchange& exchange) const {
  std::vector<ExchangeViolation> out;
  const std::string path = PathOf(exchange.target);
  const PathTemplate* matched = Match(path);
  if (matched == nullptr) {
    CheckProblemOnly(exchange, exchange.method + " " + path + " (no such path in the document)",
                     out);
    return out;
  }
  const Json& item = Deref(*root_->Find("paths")->Find(matched->path));
  const std::string method = Lower(exchange.method);
  const Json* operation = OneOf(kMethods, method) ? item.Find(method) : nullptr;
  if (operation == nullptr) {
    CheckProblemOnly(
        exchange, exchange.method + " " + matched->path + " (no such method in the document)", out);
    return out;
  }
  const std::string route = exchange.method + " " + matched->path;
  CheckResponse(exchange, route, *operation, out);
  if (exchange.status >= 200 && exchange.status < 300) {
    CheckRequest(exchange, route, *operation, out);
  }
  return out;
}

std::vector<ExchangeViolation> OpenApiDocument::CheckServerMessage(std::string_view path,
                                                                   const std::string& text) const {
  std::vector<ExchangeViolation> out;
  const PathTemplate* matched = Match(PathOf(path));
  const std::string route =
      "WebSocket message from " + (matched ? matched->path : std::string(path));
  auto fail = [&](std::string where, std::string message) {
    out.push_back({route, 101, std::move(where), std::move(message)});
  };
  const Json* schema = nullptr;
  if (matched != nullptr) {
    const Json& item = Deref(*root_->Find("paths")->Find(matched->path));
    const Json* get = item.Find("get");
    const Json* responses = get != nullptr ? get->Find("responses") : nullptr;
    const Json* upgrade = responses != nullptr ? responses->Find("101") : nullptr;
    const Json* messages =
        upgrade != nullptr ? Deref(*upgrade).Find("x-websocket-messages") : nullptr;
    schema = messages != nullptr ? messages->Find("server") : nullptr;
  }
  if (schema == nullptr) {
    fail("", "the document describes no server messages here (x-websocket-messages.server)");
    return out;
  }
  CheckBody(
      *validator_, "application/json", schema,
      "#/paths/" + EscapePointer(matched->path) + "/get/responses/101/x-websocket-messages/server",
      text, true, fail);
  return out;
}

void OpenApiDocument::CheckProblemOnly(const HttpExchange& exchange, const std::string& route,
                                       std::vector<ExchangeViolation>& out) const {
  auto fail = [&](std::string where, std::string message) {
    out.push_back({route, exchange.status, std::move(where), std::move(message)});
  };
  if (exchange.status < 400 || exchange.status > 499) {
    fail("", "a request the document does not describe must be refused with a 4xx status");
  }
  auto it = exchange.headers.find("content-type");
  const std::string media = it == exchange.headers.end() ? "" : MediaType(it->second);
  if (media != "application/problem+json") {
    return fail("", "expected an application/problem+json body, got content type '" + media + "'");
  }
  const Json* problem = validator_->Resolve("#/components/schemas/Problem");
  if (problem == nullptr) return fail("", "the document has no #/components/schemas/Problem");
  CheckBody(*validator_, media, problem, "#/components/schemas/Problem", exchange.body, true, fail);
  CheckProblemStatus(exchange, fail);
}

void OpenApiDocument::CheckResponse(const HttpExchange& exchange, const std::string& route,
                                    const Json& operation,
                                    std::vector<ExchangeViolation>& out) const {
  auto fail = [&](std::string where, std::string message) {
    out.push_back({route, exchange.status, std::move(where), std::move(message)});
  };
  const Json* responses = operation.Find("responses");
  if (responses == nullptr || !responses->is_object()) {
    return fail("", "the operation documents no responses");
  }
  const std::string code = std::to_string(exchange.status);
  std::string key = code;
  const Json* response = responses->Find(key);
  if (response == nullptr) {
    key = code.substr(0, 1) + "XX";
    response = responses->Find(key);
  }
  if (response == nullptr && exchange.status >= 500) {
    key = "default";
    response = responses->Find(key);
  }
  if (response == nullptr) {
    return fail("", "status " + code + " is not documented for this operation (documented: " +
                        Keys(*responses) + ")");
  }
  std::string response_path = "#/paths/" + EscapePointer(route.substr(route.find(' ') + 1)) + "/" +
                              Lower(exchange.method) + "/responses/" + key;
  if (const Json* ref = response->Find("$ref"); ref != nullptr && ref->is_string()) {
    response_path = ref->as_string();
  }
  const Json& resolved = Deref(*response);

  if (const Json* headers = resolved.Find("headers"); headers != nullptr && headers->is_object()) {
    for (const auto& [name, declared] : headers->as_object()) {
      if (Lower(name) == "content-type") continue;  // OpenAPI ignores it here
      const Json& header = Deref(declared);
      auto it = exchange.headers.find(Lower(name));
      if (it == exchange.headers.end()) {
        const Json* required = header.Find("required");
        if (required != nullptr && required->is_bool() && required->as_bool()) {
          fail("header " + name, "the document requires this header; the response has none");
        }
        continue;
      }
      const Json* schema = header.Find("schema");
      if (schema == nullptr) continue;
      // Header values are text; a numeric header is checked as the number it spells.
      const Json& typed = Deref(*schema);
      const Json* type = typed.Find("type");
      const bool numeric = type != nullptr && type->is_string() &&
                           (type->as_string() == "integer" || type->as_string() == "number");
      Json value(it->second);
      if (auto number = ParseJson(it->second); numeric && number.ok() && number->is_number()) {
        value = std::move(number).value();
      }
      for (const auto& v : validator_->Validate(
               *schema, value, {}, response_path + "/headers/" + EscapePointer(name))) {
        fail("header " + name, "'" + it->second + "': " + v.message);
      }
    }
  }

  auto it = exchange.headers.find("content-type");
  const std::string content_type = it == exchange.headers.end() ? "" : it->second;
  const std::string media = MediaType(content_type);
  const Json* content = resolved.Find("content");
  if (content == nullptr || !content->is_object() || content->as_object().empty()) {
    if (!exchange.body.empty()) {
      fail("", "the document declares no body for this response; got " +
                   std::to_string(exchange.body.size()) + " bytes of '" + content_type + "'");
    }
    return;
  }
  const Json* media_object = content->Find(media);
  if (media_object == nullptr) {
    return fail("", "content type '" + content_type +
                        "' is not documented for this response (documented: " + Keys(*content) +
                        ")");
  }
  CheckBody(*validator_, media, media_object->Find("schema"),
            response_path + "/content/" + EscapePointer(media) + "/schema", exchange.body, true,
            fail);
  if (media == "application/problem+json") CheckProblemStatus(exchange, fail);
}

void OpenApiDocument::CheckRequest(const HttpExchange& exchange, const std::string& route,
                                   const Json& operation,
                                   std::vector<ExchangeViolation>& out) const {
  auto fail = [&](std::string where, std::string message) {
    out.push_back({route, exchange.status, std::move(where), std::move(message)});
  };
  const Json* declared = operation.Find("requestBody");
  if (exchange.request_body.empty()) {
    const Json* required = declared != nullptr ? Deref(*declared).Find("required") : nullptr;
    if (required != nullptr && required->is_bool() && required->as_bool()) {
      fail("request", "the server accepted a request without the body the document requires");
    }
    return;
  }
  if (declared == nullptr) {
    return fail("request",
                "the server accepted a request body, but the operation declares none "
                "(declare an optional requestBody)");
  }
  const Json& body = Deref(*declared);
  const Json* content = body.Find("content");
  const std::string media = MediaType(exchange.request_content_type);
  const Json* media_object = content != nullptr ? content->Find(media) : nullptr;
  if (media_object == nullptr) {
    return fail("request", "the server accepted a request body of content type '" + media +
                               "', which the document does not list (" +
                               (content != nullptr ? Keys(*content) : "") + ")");
  }
  std::string path = "#/paths/" + EscapePointer(route.substr(route.find(' ') + 1)) + "/" +
                     Lower(exchange.method) + "/requestBody";
  if (const Json* ref = declared->Find("$ref"); ref != nullptr && ref->is_string()) {
    path = ref->as_string();
  }
  CheckBody(*validator_, media, media_object->Find("schema"),
            path + "/content/" + EscapePointer(media) + "/schema", exchange.request_body, false,
            [&](std::string pointer, std::string message) {
              fail("request body at \"" + pointer + "\"", std::move(message));
            });
}

}  // namespace chronicle::testing
