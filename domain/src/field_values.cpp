// Validation and text forms of field values, driven by the field tables.
// Pure: facts about other records come in through FieldFacts.
#include <utf8proc.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <set>
#include <system_error>

#include "chronicle/base/time.hpp"
#include "chronicle/domain/fields.hpp"
#include "text.hpp"

namespace chronicle::domain {
namespace {

constexpr std::uint32_t kDefaultTextLength = 200;
constexpr std::uint32_t kDefaultLongTextLength = 5000;
constexpr std::size_t kMaxStrings = 100;
constexpr std::array<std::string_view, 5> kCommonKeys = {"id", "version", "created_at",
                                                         "updated_at", "created_by"};
constexpr std::array<std::string_view, 3> kListSeparators = {"、", "，", ","};

bool IsCommonKey(std::string_view key) {
  for (std::string_view k : kCommonKeys) {
    if (k == key) return true;
  }
  return false;
}

std::string_view Trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::uint32_t MaxLength(const FieldSpec& field) {
  if (field.max_length != 0) return field.max_length;
  return field.type == FieldType::kLongText ? kDefaultLongTextLength : kDefaultTextLength;
}

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool ValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

// The problem with `text` as a value of a text field, or empty when fine.
std::string TextProblem(const FieldSpec& field, std::string_view text, bool multi_line) {
  if (!ValidUtf8(text)) return "is not valid UTF-8";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      if (multi_line && (c == '\n' || c == '\t' || c == '\r')) continue;
      return multi_line ? "contains a control character"
                        : "contains a control character (line breaks are not allowed)";
    }
  }
  const std::uint32_t max = MaxLength(field);
  if (Utf8Length(text) > max) return "is longer than " + std::to_string(max) + " characters";
  return {};
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int Digits(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) || !AllDigits(s.substr(8, 2))) {
    return false;
  }
  using namespace std::chrono;
  const year_month_day ymd{year{Digits(s.substr(0, 4))},
                           month{static_cast<unsigned>(Digits(s.substr(5, 2)))},
                           day{static_cast<unsigned>(Digits(s.substr(8, 2)))}};
  return ymd.ok();
}

// RFC 3339 -> "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC, milliseconds), nullopt if not one.
std::optional<std::string> NormalizeDateTime(std::string_view s) {
  // ParseTimestamp reads with sscanf, which would also take signs and
  // spaces: check the shape first.
  if (s.size() < 20 || !IsDate(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':' || !AllDigits(s.substr(11, 2)) || !AllDigits(s.substr(14, 2)) ||
      !AllDigits(s.substr(17, 2))) {
    return std::nullopt;
  }
  std::string copy(s);
  copy[10] = 'T';
  const std::optional<std::int64_t> ns = ParseTimestamp(copy);
  if (!ns) return std::nullopt;
  return FormatTimestamp(*ns);
}

const EnumOption* FindOption(const FieldSpec& field, std::string_view value) {
  for (const EnumOption& o : field.options) {
    if (o.value == value) return &o;
  }
  return nullptr;
}

std::string OptionList(const FieldSpec& field) {
  std::string out;
  for (const EnumOption& o : field.options) {
    if (!out.empty()) out += ", ";
    out += o.value;
  }
  return out;
}

std::optional<std::int64_t> MoneyFromJson(const Json& value) {
  if (value.is_string()) return ParseMoney(value.as_string());
  if (value.is_int()) {
    const std::int64_t v = value.as_int();
    if (v > std::numeric_limits<std::int64_t>::max() / 100 ||
        v < std::numeric_limits<std::int64_t>::min() / 100) {
      return std::nullopt;
    }
    return v * 100;
  }
  if (value.is_number()) {
    // The parser already made a double of it: its shortest round-trip text
    // is what the client wrote for any amount with 2 decimals ("0.1"), so
    // the decimal rules apply to that text, never to binary arithmetic.
    std::array<char, 64> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value.as_double());
    if (ec != std::errc()) return std::nullopt;
    return ParseMoney(std::string_view(buf.data(), static_cast<std::size_t>(end - buf.data())));
  }
  return std::nullopt;
}

// What a value check needs besides the field: the name errors carry and
// the facts for references.
struct Context {
  const FieldSpec& field;
  const std::string& path;
  const FieldFacts& facts;
};

Status Invalid(const Context& c, const std::string& message) {
  return FieldError(c.path, c.path + " " + message);
}

Status CheckExists(const Context& c, std::string_view collection, std::string_view id) {
  if (c.facts.exists && !c.facts.exists(collection, id)) {
    return Invalid(c, "refers to " + std::string(collection) + " " + std::string(id) +
                          ", which does not exist");
  }
  return Status::Ok();
}

Result<Json> NormalizeTeam(const Context& c, const Json& value) {
  if (!value.is_array()) return Invalid(c, "must be an array of team members");
  Json out = Json::MakeArray();
  std::set<std::string> seen;
  for (std::size_t i = 0; i < value.as_array().size(); ++i) {
    const Json& m = value.as_array()[i];
    const std::string at = "member " + std::to_string(i) + " ";
    if (!m.is_object()) return Invalid(c, at + "must be an object");
    for (const auto& [k, v] : m.as_object()) {
      if (k != "user_id" && k != "access" && k != "expires_at") {
        return Invalid(c, at + "has an unknown key " + k);
      }
    }
    const Json* user = m.Find("user_id");
    if (user == nullptr || !user->is_string() || TrimmedEmpty(user->as_string())) {
      return Invalid(c, at + "needs a user_id");
    }
    if (!seen.insert(user->as_string()).second) {
      return Invalid(c, at + "lists user " + user->as_string() + " twice");
    }
    CHRONICLE_RETURN_IF_ERROR(CheckExists(c, "users", user->as_string()));
    const Json* access = m.Find("access");
    if (access == nullptr || !access->is_string() ||
        (access->as_string() != "read" && access->as_string() != "write")) {
      return Invalid(c, at + "needs access \"read\" or \"write\"");
    }
    Json expires;
    if (const Json* e = m.Find("expires_at"); e != nullptr && !e->is_null()) {
      std::optional<std::string> t;
      if (e->is_string()) t = NormalizeDateTime(e->as_string());
      if (!t) return Invalid(c, at + "expires_at must be an RFC 3339 time or null");
      expires = std::move(*t);
    }
    Json member = Json::MakeObject();
    member.Set("user_id", user->as_string());
    member.Set("access", access->as_string());
    member.Set("expires_at", std::move(expires));
    out.Push(std::move(member));
  }
  return out;
}

// One non-null value of `c.field`, normalized for storage. Blank text
// comes back as null (the same as absent).
Result<Json> Normalize(const Context& c, const Json& value) {
  const FieldSpec& field = c.field;
  switch (field.type) {
    case FieldType::kText:
    case FieldType::kLongText: {
      if (!value.is_string()) return Invalid(c, "must be a string");
      const bool multi = field.type == FieldType::kLongText;
      const std::string_view text =
          multi ? std::string_view(value.as_string()) : Trim(value.as_string());
      if (TrimmedEmpty(text)) return Json();
      if (std::string p = TextProblem(field, text, multi); !p.empty()) return Invalid(c, p);
      return Json(text);
    }
    case FieldType::kNumber:
      if (value.is_int()) return value;
      if (field.Has(kDecimal) && value.is_number()) return value;
      return Invalid(c, field.Has(kDecimal) ? "must be a number" : "must be an integer");
    case FieldType::kMoney: {
      const std::optional<std::int64_t> minor = MoneyFromJson(value);
      if (!minor) {
        return Invalid(c, "must be an amount of money with at most 2 decimals (\"12500.00\")");
      }
      return Json(FormatMoney(*minor));
    }
    case FieldType::kDate:
      if (!value.is_string() || !IsDate(value.as_string())) {
        return Invalid(c, "must be a date YYYY-MM-DD");
      }
      return value;
    case FieldType::kDateTime: {
      std::optional<std::string> t;
      if (value.is_string()) t = NormalizeDateTime(value.as_string());
      if (!t) return Invalid(c, "must be an RFC 3339 time (2026-11-25T10:00:00.000Z)");
      return Json(std::move(*t));
    }
    case FieldType::kEnum:
      if (!value.is_string() || FindOption(field, value.as_string()) == nullptr) {
        return Invalid(c, "must be one of " + OptionList(field));
      }
      return value;
    case FieldType::kEnumSet: {
      if (!value.is_array()) return Invalid(c, "must be an array of " + OptionList(field));
      std::set<std::string_view> seen;
      for (const Json& v : value.as_array()) {
        if (!v.is_string() || FindOption(field, v.as_string()) == nullptr) {
          return Invalid(c, "must hold only " + OptionList(field));
        }
        if (!seen.insert(v.as_string()).second) {
          return Invalid(c, "lists " + v.as_string() + " twice");
        }
      }
      return value;
    }
    case FieldType::kBool:
      if (!value.is_bool()) return Invalid(c, "must be true or false");
      return value;
    case FieldType::kUser:
    case FieldType::kRef: {
      if (!value.is_string() || TrimmedEmpty(value.as_string())) {
        return Invalid(c, "must be the id of a record");
      }
      const std::string_view collection =
          field.type == FieldType::kUser ? std::string_view("users") : field.ref;
      CHRONICLE_RETURN_IF_ERROR(CheckExists(c, collection, value.as_string()));
      return value;
    }
    case FieldType::kTeam:
      return NormalizeTeam(c, value);
    case FieldType::kStrings: {
      if (!value.is_array()) return Invalid(c, "must be an array of strings");
      if (value.as_array().size() > kMaxStrings) {
        return Invalid(c, "holds more than " + std::to_string(kMaxStrings) + " strings");
      }
      for (const Json& v : value.as_array()) {
        if (!v.is_string() || TrimmedEmpty(v.as_string())) {
          return Invalid(c, "must hold only non-blank strings");
        }
        if (std::string p = TextProblem(field, v.as_string(), false); !p.empty()) {
          return Invalid(c, "holds a string that " + p);
        }
      }
      return value;
    }
  }
  return Invalid(c, "has an unknown type");
}

bool Blank(const Json& value) {
  return value.is_null() || (value.is_string() && TrimmedEmpty(value.as_string())) ||
         (value.is_array() && value.as_array().empty());
}

Status CheckUnique(const Context& c, const Json& value, std::string_view self_id) {
  if (!c.field.Has(kUnique) || !c.facts.taken || !value.is_string()) return Status::Ok();
  if (c.facts.taken(c.path, FoldForCompare(value.as_string()), self_id)) {
    return Status(StatusCode::kAlreadyExists,
                  c.path + " " + value.as_string() + " is already taken by another record")
        .WithField(c.path);
  }
  return Status::Ok();
}

// The custom fields of an entity as FieldSpecs with their error names.
struct CustomRule {
  const CustomField* def;
  CustomFieldSpec spec;
  std::string path;
};

std::vector<CustomRule> CustomRules(std::span<const CustomField> custom) {
  std::vector<CustomRule> rules;
  rules.reserve(custom.size());
  for (const CustomField& f : custom) {
    rules.push_back(CustomRule{&f, CustomFieldSpec(f), "custom." + f.key});
  }
  return rules;
}

const CustomRule* FindRule(const std::vector<CustomRule>& rules, std::string_view key) {
  for (const CustomRule& r : rules) {
    if (r.def->key == key) return &r;
  }
  return nullptr;
}

const Json& Null() {
  static const Json kNull;
  return kNull;
}

const Json& Member(const Json& object, std::string_view key) {
  const Json* v = object.Find(key);
  return v == nullptr ? Null() : *v;
}

// A default as stored in the definition: text goes through the field's
// text parser (the custom-field table keeps defaults as text).
Result<Json> DefaultValue(const Context& c, const Json& def) {
  if (def.is_string() && c.field.type != FieldType::kText && c.field.type != FieldType::kLongText) {
    Result<Json> parsed = ParseFieldText(c.field, def.as_string());
    if (!parsed.ok()) return Invalid(c, "has a default that " + parsed.status().message());
    return parsed;
  }
  return Normalize(c, def);
}

Result<Json> ValidateCustomCreate(std::span<const CustomField> custom, const Json* body,
                                  const FieldFacts& facts, std::string_view self_id) {
  const std::vector<CustomRule> rules = CustomRules(custom);
  if (body != nullptr && !body->is_null()) {
    if (!body->is_object()) return FieldError("custom", "custom must be an object");
    for (const auto& [key, v] : body->as_object()) {
      if (FindRule(rules, key) == nullptr) {
        return FieldError("custom." + key, "custom." + key + " is not a custom field");
      }
    }
  }
  Json out = Json::MakeObject();
  for (const CustomRule& r : rules) {
    const Context c{r.spec.spec(), r.path, facts};
    const Json& given = body != nullptr ? Member(*body, r.def->key) : Null();
    Json value;
    if (!given.is_null()) {
      CHRONICLE_ASSIGN_OR_RETURN(value, Normalize(c, given));
    } else if (!r.def->default_value.is_null()) {
      CHRONICLE_ASSIGN_OR_RETURN(value, DefaultValue(c, r.def->default_value));
    }
    if (Blank(value)) {
      if (r.def->required) return Invalid(c, "is required");
      continue;
    }
    CHRONICLE_RETURN_IF_ERROR(CheckUnique(c, value, self_id));
    out.Set(r.def->key, std::move(value));
  }
  return out;
}

// One field of a patch: the value to store when it changes, nullopt when
// it stays as it is.
Result<std::optional<Json>> PatchValue(const Context& c, bool required, const Json& current,
                                       const Json& given, std::string_view self_id) {
  Json value;
  if (!given.is_null()) {
    CHRONICLE_ASSIGN_OR_RETURN(value, Normalize(c, given));
  }
  if (Blank(value)) {
    if (required) return Invalid(c, "is required");
    if (Blank(current)) return std::optional<Json>();
    return std::optional<Json>(Json());
  }
  if (value == current) return std::optional<Json>();
  CHRONICLE_RETURN_IF_ERROR(CheckUnique(c, value, self_id));
  return std::optional<Json>(std::move(value));
}

Result<Json> ValidateCustomPatch(std::span<const CustomField> custom, const Json& current,
                                 const Json& patch, const FieldFacts& facts,
                                 std::string_view self_id) {
  const std::vector<CustomRule> rules = CustomRules(custom);
  Json out = Json::MakeObject();
  auto apply = [&](const CustomRule& r, const Json& given) -> Status {
    const Context c{r.spec.spec(), r.path, facts};
    CHRONICLE_ASSIGN_OR_RETURN(
        std::optional<Json> change,
        PatchValue(c, r.def->required, Member(current, r.def->key), given, self_id));
    if (change) out.Set(r.def->key, std::move(*change));
    return Status::Ok();
  };
  if (patch.is_null()) {
    // "custom": null removes every custom value (RFC 7396).
    for (const CustomRule& r : rules) CHRONICLE_RETURN_IF_ERROR(apply(r, Json()));
    return out;
  }
  if (!patch.is_object()) return FieldError("custom", "custom must be an object");
  for (const auto& [key, given] : patch.as_object()) {
    const CustomRule* r = FindRule(rules, key);
    if (r == nullptr) {
      return FieldError("custom." + key, "custom." + key + " is not a custom field");
    }
    CHRONICLE_RETURN_IF_ERROR(apply(*r, given));
  }
  return out;
}

Status ReadOnly(const std::string& name) { return FieldError(name, name + " is read-only"); }

Status Unknown(const std::string& name) {
  return FieldError(name, name + " is not a field of this resource");
}

std::vector<std::string_view> SplitList(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    std::size_t cut = std::string_view::npos;
    std::size_t width = 0;
    for (std::string_view sep : kListSeparators) {
      const std::size_t at = text.find(sep);
      if (at < cut) {
        cut = at;
        width = sep.size();
      }
    }
    const std::string_view part = Trim(text.substr(0, cut));
    if (!part.empty()) parts.push_back(part);
    if (cut == std::string_view::npos) return parts;
    text.remove_prefix(cut + width);
  }
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

Result<std::string> EnumFromText(const FieldSpec& field, std::string_view text) {
  for (const EnumOption& o : field.options) {
    if (o.value == text || o.label == text) return std::string(o.value);
  }
  return InvalidArgumentError("\"" + std::string(text) + "\" is not one of " + OptionList(field));
}

std::string NumberText(const Json& value) {
  if (value.is_int()) return std::to_string(value.as_int());
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value.as_double());
  if (ec != std::errc()) return {};
  return {buf.data(), end};
}

Result<Json> NumberFromText(const FieldSpec& field, std::string_view text) {
  std::int64_t i = 0;
  const char* end = text.data() + text.size();
  if (auto [p, ec] = std::from_chars(text.data(), end, i); ec == std::errc() && p == end) {
    return Json(i);
  }
  if (field.Has(kDecimal)) {
    double d = 0;
    if (auto [p, ec] = std::from_chars(text.data(), end, d, std::chars_format::fixed);
        ec == std::errc() && p == end) {
      return Json(d);
    }
    return InvalidArgumentError("\"" + std::string(text) + "\" is not a number");
  }
  return InvalidArgumentError("\"" + std::string(text) + "\" is not an integer");
}

}  // namespace

CustomFieldSpec::CustomFieldSpec(const CustomField& field) {
  options_.reserve(field.options.size());
  for (const std::string& o : field.options) options_.push_back(EnumOption{o, o});
  spec_.name = field.key;
  spec_.label = field.label;
  spec_.type = field.type;
  spec_.flags = kFilterSort | (field.required ? kRequired : 0U) | (field.unique ? kUnique : 0U) |
                (field.type == FieldType::kNumber ? kDecimal : 0U);
  spec_.max_length =
      field.type == FieldType::kLongText ? kDefaultLongTextLength : kDefaultTextLength;
  spec_.options = options_;
}

Result<Json> ValidateCreate(const EntitySpec& spec, std::span<const CustomField> custom,
                            const Json& body, const FieldFacts& facts, std::string_view self_id) {
  if (!body.is_object()) return InvalidArgumentError("the body must be a JSON object");
  for (const auto& [key, value] : body.as_object()) {
    if (IsCommonKey(key)) continue;
    if (key == "custom" && spec.custom_fields) continue;
    const FieldSpec* field = spec.Find(key);
    if (field == nullptr) return Unknown(key);
    if (!value.is_null() && (field->Has(kReadOnly) || field->Has(kDerived))) return ReadOnly(key);
  }
  Json out = Json::MakeObject();
  for (const FieldSpec& field : spec.fields) {
    const std::string path(field.name);
    const Context c{field, path, facts};
    const Json& given = Member(body, field.name);
    Json value;
    if (!given.is_null()) {
      CHRONICLE_ASSIGN_OR_RETURN(value, Normalize(c, given));
    }
    if (Blank(value)) {
      if (field.Has(kRequired)) return Invalid(c, "is required");
      continue;
    }
    CHRONICLE_RETURN_IF_ERROR(CheckUnique(c, value, self_id));
    out.Set(path, std::move(value));
  }
  if (spec.custom_fields) {
    CHRONICLE_ASSIGN_OR_RETURN(Json values,
                               ValidateCustomCreate(custom, body.Find("custom"), facts, self_id));
    if (!values.as_object().empty()) out.Set("custom", std::move(values));
  }
  return out;
}

Result<Json> ValidatePatch(const EntitySpec& spec, std::span<const CustomField> custom,
                           const Json& current, const Json& patch, const FieldFacts& facts,
                           std::string_view self_id) {
  if (!patch.is_object()) return InvalidArgumentError("a merge patch must be a JSON object");
  Json out = Json::MakeObject();
  for (const auto& [key, given] : patch.as_object()) {
    if (IsCommonKey(key)) continue;
    if (key == "custom" && spec.custom_fields) {
      CHRONICLE_ASSIGN_OR_RETURN(
          Json changes,
          ValidateCustomPatch(custom, Member(current, "custom"), given, facts, self_id));
      if (!changes.as_object().empty()) out.Set("custom", std::move(changes));
      continue;
    }
    const FieldSpec* field = spec.Find(key);
    if (field == nullptr) return Unknown(key);
    const Context c{*field, key, facts};
    const Json& now = Member(current, key);
    if (field->Has(kReadOnly) || field->Has(kDerived)) {
      // Clients send back what they read: an unchanged read-only value is fine.
      if (given == now || (Blank(given) && Blank(now))) continue;
      Result<Json> normalized = given.is_null() ? Result<Json>(Json()) : Normalize(c, given);
      if (normalized.ok() && *normalized == now) continue;
      return ReadOnly(key);
    }
    CHRONICLE_ASSIGN_OR_RETURN(std::optional<Json> change,
                               PatchValue(c, field->Has(kRequired), now, given, self_id));
    if (change) out.Set(key, std::move(*change));
  }
  return out;
}

Result<Json> ParseFieldText(const FieldSpec& field, std::string_view raw) {
  const std::string_view text = field.type == FieldType::kLongText ? raw : Trim(raw);
  if (TrimmedEmpty(text)) return Json();
  const auto quoted = [&] { return "\"" + std::string(text) + "\""; };
  switch (field.type) {
    case FieldType::kText:
    case FieldType::kLongText:
      if (std::string p = TextProblem(field, text, field.type == FieldType::kLongText);
          !p.empty()) {
        return InvalidArgumentError("the text " + p);
      }
      return Json(text);
    case FieldType::kNumber:
      return NumberFromText(field, text);
    case FieldType::kMoney: {
      const std::optional<std::int64_t> minor = ParseMoney(text);
      if (!minor) {
        return InvalidArgumentError(quoted() +
                                    " is not an amount of money with at most 2 decimals");
      }
      return Json(FormatMoney(*minor));
    }
    case FieldType::kDate:
      if (!IsDate(text)) return InvalidArgumentError(quoted() + " is not a date YYYY-MM-DD");
      return Json(text);
    case FieldType::kDateTime: {
      std::string candidate(text);
      // "2026-11-25 10:00:00" (spreadsheets) is read as UTC.
      if (candidate.size() == 19 && candidate[10] == ' ') {
        candidate[10] = 'T';
        candidate += 'Z';
      }
      std::optional<std::string> t = NormalizeDateTime(candidate);
      if (!t) {
        return InvalidArgumentError(quoted() +
                                    " is not a time (RFC 3339 or YYYY-MM-DD HH:MM:SS UTC)");
      }
      return Json(std::move(*t));
    }
    case FieldType::kEnum: {
      CHRONICLE_ASSIGN_OR_RETURN(std::string value, EnumFromText(field, text));
      return Json(std::move(value));
    }
    case FieldType::kEnumSet: {
      Json out = Json::MakeArray();
      std::set<std::string> seen;
      for (std::string_view part : SplitList(text)) {
        CHRONICLE_ASSIGN_OR_RETURN(std::string value, EnumFromText(field, part));
        if (!seen.insert(value).second) {
          return InvalidArgumentError("\"" + value + "\" is listed twice");
        }
        out.Push(std::move(value));
      }
      return out;
    }
    case FieldType::kBool: {
      const std::string lower = Lower(text);
      if (lower == "true" || lower == "1" || lower == "yes" || text == "是") return Json(true);
      if (lower == "false" || lower == "0" || lower == "no" || text == "否") return Json(false);
      return InvalidArgumentError(quoted() + " is not a boolean (true/false, 1/0, 是/否)");
    }
    case FieldType::kUser:
    case FieldType::kRef:
      if (std::string p = TextProblem(field, text, false); !p.empty()) {
        return InvalidArgumentError("the id " + p);
      }
      return Json(text);
    case FieldType::kTeam: {
      Json out = Json::MakeArray();
      for (std::string_view part : SplitList(text)) {
        const std::size_t colon = part.find(':');
        const std::size_t at = part.find('@');
        if (colon == std::string_view::npos || (at != std::string_view::npos && at < colon)) {
          return InvalidArgumentError("\"" + std::string(part) +
                                      "\" is not a team member USER_ID:read|write[@EXPIRES]");
        }
        Json member = Json::MakeObject();
        member.Set("user_id", Trim(part.substr(0, colon)));
        member.Set("access",
                   Trim(part.substr(colon + 1, at == std::string_view::npos ? std::string_view::npos
                                                                            : at - colon - 1)));
        member.Set("expires_at",
                   at == std::string_view::npos ? Json() : Json(Trim(part.substr(at + 1))));
        out.Push(std::move(member));
      }
      const std::string path(field.name);
      const FieldFacts no_facts;
      Result<Json> normalized = NormalizeTeam(Context{field, path, no_facts}, out);
      if (!normalized.ok()) return InvalidArgumentError(normalized.status().message());
      return normalized;
    }
    case FieldType::kStrings: {
      Json out = Json::MakeArray();
      for (std::string_view part : SplitList(text)) out.Push(Json(part));
      const std::string path(field.name);
      const FieldFacts no_facts;
      Result<Json> normalized = Normalize(Context{field, path, no_facts}, out);
      if (!normalized.ok()) return InvalidArgumentError(normalized.status().message());
      return normalized;
    }
  }
  return InvalidArgumentError("the field has an unknown type");
}

std::string FieldText(const FieldSpec& field, const Json& value) {
  if (value.is_null()) return {};
  const auto join = [](const Json& list, auto&& text_of) {
    std::string out;
    if (!list.is_array()) return out;
    for (const Json& v : list.as_array()) {
      if (!out.empty()) out += "、";
      out += text_of(v);
    }
    return out;
  };
  const auto option_label = [&](const Json& v) -> std::string {
    if (!v.is_string()) return v.Dump();
    const EnumOption* o = FindOption(field, v.as_string());
    return std::string(o != nullptr && !o->label.empty() ? o->label : v.as_string());
  };
  switch (field.type) {
    case FieldType::kEnum:
      return option_label(value);
    case FieldType::kEnumSet:
      return join(value, option_label);
    case FieldType::kBool:
      return value.is_bool() ? (value.as_bool() ? "是" : "否") : value.Dump();
    case FieldType::kNumber:
      return value.is_number() ? NumberText(value) : value.Dump();
    case FieldType::kTeam:
      return join(value, [](const Json& m) {
        std::string out = m.Find("user_id") != nullptr && m.Find("user_id")->is_string()
                              ? m.Find("user_id")->as_string()
                              : std::string();
        if (const Json* a = m.Find("access"); a != nullptr && a->is_string()) {
          out += ":" + a->as_string();
        }
        if (const Json* e = m.Find("expires_at"); e != nullptr && e->is_string()) {
          out += "@" + e->as_string();
        }
        return out;
      });
    case FieldType::kStrings:
      return join(value, [](const Json& v) { return v.is_string() ? v.as_string() : v.Dump(); });
    case FieldType::kText:
    case FieldType::kLongText:
    case FieldType::kMoney:
    case FieldType::kDate:
    case FieldType::kDateTime:
    case FieldType::kUser:
    case FieldType::kRef:
      break;
  }
  return value.is_string() ? value.as_string() : value.Dump();
}

std::string FoldForCompare(std::string_view text) {
  std::string folded;
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n =
      text.empty()
          ? 0
          : utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                         static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                         static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                                        UTF8PROC_CASEFOLD | UTF8PROC_STABLE));
  if (n >= 0 && mapped != nullptr) {
    folded.assign(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
  } else {
    folded = Lower(text);  // not UTF-8: fold what can be folded safely
  }
  std::free(mapped);  // NOLINT(cppcoreguidelines-no-malloc): utf8proc allocates with malloc
  // Trimmed after folding, so an ideographic space (U+3000 -> ' ') trims too.
  return std::string(Trim(folded));
}

std::optional<std::int64_t> ParseMoney(std::string_view raw) {
  std::string_view text = Trim(raw);
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view cents = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (!AllDigits(whole) || (dot != std::string_view::npos && !AllDigits(cents)) ||
      cents.size() > 2) {
    return std::nullopt;
  }
  // Accumulated as a negative number: its range holds INT64_MIN too.
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  std::int64_t acc = 0;
  const auto push = [&](char digit) {
    const int d = digit - '0';
    if (acc < kMin / 10 || acc * 10 < kMin + d) return false;
    acc = acc * 10 - d;
    return true;
  };
  for (char ch : whole) {
    if (!push(ch)) return std::nullopt;
  }
  for (std::size_t i = 0; i < 2; ++i) {
    if (!push(i < cents.size() ? cents[i] : '0')) return std::nullopt;
  }
  if (negative) return acc;
  if (acc == kMin) return std::nullopt;
  return -acc;
}

std::string FormatMoney(std::int64_t minor_units) {
  // The magnitude as unsigned, so INT64_MIN has one too.
  const bool negative = minor_units < 0;
  const std::uint64_t magnitude = negative ? ~static_cast<std::uint64_t>(minor_units) + 1
                                           : static_cast<std::uint64_t>(minor_units);
  std::string cents = std::to_string(magnitude % 100);
  if (cents.size() < 2) cents.insert(0, 1, '0');
  return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + cents;
}

}  // namespace chronicle::domain
