#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"

// One table per entity declares its fields once. The table drives
// validation (422 naming the field), the event payloads (field values as
// JSON), the resource body, list filters and sorts, export columns, import
// parsing and history diffs. Custom fields become FieldSpecs of the same
// shape at run time.
namespace chronicle::domain {

enum class FieldType : std::uint8_t {
  kText,      // one line, max_length characters
  kLongText,  // multi-line
  kNumber,    // integer
  kMoney,     // decimal string with 2 places ("12500.00"), exact
  kDate,      // "YYYY-MM-DD"
  kDateTime,  // RFC 3339 UTC with milliseconds
  kEnum,      // one of options[].value
  kEnumSet,   // array of options[].value (multiselect)
  kBool,
  kUser,     // a user id
  kRef,      // the id of a record of `ref` (a collection)
  kTeam,     // [{"user_id", "access": "read"|"write", "expires_at"}]
  kStrings,  // array of short strings (labels)
};

std::string_view FieldTypeName(FieldType type);

struct EnumOption {
  std::string_view value;  // snake_case, what the API carries
  std::string_view label;  // Chinese, what the console and exports show
};

// What a field takes part in (bit flags).
enum FieldFlag : std::uint32_t {
  kRequired = 1U << 0,  // on create
  kUnique = 1U << 1,    // among live records (case- and width-insensitive)
  kFilter = 1U << 2,    // list filters
  kSort = 1U << 3,      // list sorts
  kSearch = 1U << 4,    // q= substring search
  kReadOnly = 1U << 5,  // set by actions or the server, never by create/patch
  kDerived = 1U << 6,   // computed by the read side (pool_due_at)
  kNoExport = 1U << 7,  // left out of exports and imports
  kDecimal = 1U << 8,   // kNumber that also takes decimals (custom "number" fields)
  kSecret = 1U << 9,    // never leaves the server (domain/secrets.hpp)
  kFilterSort = kFilter | kSort,
};

struct FieldSpec {
  std::string_view name;
  FieldType type = FieldType::kText;
  std::string_view label;  // Chinese export/import header
  std::uint32_t flags = 0;
  std::uint32_t max_length = 0;              // characters (text); 0: the type's default
  std::span<const EnumOption> options = {};  // kEnum / kEnumSet
  std::string_view ref = {};                 // kRef: the referenced collection
  std::string_view initial = {};             // the value a new record starts with (as text)

  [[nodiscard]] bool Has(FieldFlag flag) const { return (flags & flag) != 0; }
};

// One entity: its naming and its field table.
struct EntitySpec {
  std::string_view name;           // "customer": permissions customer.read, ...
  std::string_view collection;     // "customers": the API path
  std::string_view stream_prefix;  // "customer-" + id
  std::string_view event_prefix;   // "Customer": CustomerCreated, CustomerTransferred, ...
  std::string_view label;          // 客户
  std::span<const FieldSpec> fields;
  bool owned = false;          // has owner_id (and so a data-scope placement)
  bool custom_fields = false;  // has `custom`

  [[nodiscard]] const FieldSpec* Find(std::string_view field) const;
};

// Every entity declared by a field table.
std::span<const EntitySpec* const> AllEntitySpecs();
const EntitySpec* FindEntityByCollection(std::string_view collection);
const EntitySpec* FindEntityByName(std::string_view name);
// Exact match of "customer-<id>" to its entity (never a prefix of another kind's prefix).
const EntitySpec* FindEntityByStream(std::string_view stream);

// A custom field definition (自定义字段) as the API stores it. Types map
// text -> kText (200), textarea -> kLongText (5000), number -> kNumber with
// decimals (a JSON number), money, date, datetime, select -> kEnum,
// multiselect -> kEnumSet, boolean -> kBool, user -> kUser.
struct CustomField {
  std::string key;
  std::string label;
  FieldType type = FieldType::kText;
  std::vector<std::string> options;
  bool required = false;
  bool unique = false;
  Json default_value;  // null: none; a string is parsed as field text (ParseFieldText)
};

// A custom field seen as a FieldSpec (for ParseFieldText / FieldText and
// the validators). The spec's views borrow `field`, which must outlive
// this, and the option list this owns. Movable (a moved vector keeps its
// buffer), not copyable.
class CustomFieldSpec {
 public:
  explicit CustomFieldSpec(const CustomField& field);
  CustomFieldSpec(const CustomFieldSpec&) = delete;
  CustomFieldSpec& operator=(const CustomFieldSpec&) = delete;
  CustomFieldSpec(CustomFieldSpec&&) noexcept = default;
  CustomFieldSpec& operator=(CustomFieldSpec&&) noexcept = default;
  ~CustomFieldSpec() = default;

  [[nodiscard]] const FieldSpec& spec() const { return spec_; }

 private:
  std::vector<EnumOption> options_;
  FieldSpec spec_;
};

// Facts a validation needs from read models, looked up by the caller so the
// domain stays pure: whether a referenced record exists (and is live), and
// whether a unique value is taken by another live record. `field` is the
// field's name ("custom.KEY" for custom fields); `normalized` is
// FoldForCompare of the value. An empty function skips that check.
struct FieldFacts {
  std::function<bool(std::string_view collection, std::string_view id)> exists;
  std::function<bool(std::string_view field, std::string_view normalized, std::string_view self_id)>
      taken;
};

// Validates a create body against the table and the entity's custom fields;
// returns the normalized values to store, table order, then "custom" (money
// to 2 places, times to UTC milliseconds, blank text dropped, custom
// defaults applied). The common keys (id, version, created_at, updated_at,
// created_by) are ignored; null is the same as absent.
// Errors: kInvalidArgument without a field when `body` is not an object;
// kInvalidArgument naming the field (custom.KEY for custom ones) for an
// unknown, read-only, missing required or ill-typed value, or a reference
// to a record that does not exist; kAlreadyExists naming the field when a
// unique value is taken by another live record (self_id excepted).
Result<Json> ValidateCreate(const EntitySpec& spec, std::span<const CustomField> custom,
                            const Json& body, const FieldFacts& facts, std::string_view self_id);
// Validates a JSON merge patch (RFC 7396) against `current` (the record's
// stored fields). Returns only the fields that change (null: cleared;
// "custom" holding only the custom keys that change). A read-only field
// equal to its current value is ignored. Errors as ValidateCreate; a null
// for a required field is refused.
Result<Json> ValidatePatch(const EntitySpec& spec, std::span<const CustomField> custom,
                           const Json& current, const Json& patch, const FieldFacts& facts,
                           std::string_view self_id);

// The table's initial values (FieldSpec::initial) for the fields `values`
// lacks: a new lead is "open", a new customer "not_closed" and unlocked.
Json WithInitialValues(const EntitySpec& spec, Json values);

// Parses one field value from text (an import cell, a list filter value):
// enum values or their Chinese labels, booleans true/false/1/0/是/否, money,
// dates, RFC 3339 times (also "YYYY-MM-DD HH:MM:SS", read as UTC), numbers;
// lists (enum sets, strings) separated by "、", "," or "，"; team members as
// "USER_ID:read|write[@EXPIRES]". Blank text is null. Does not check that
// references exist (ValidateCreate does). Errors: kInvalidArgument with a
// message naming the expectation; no field is attached, so the caller names
// the field (import) or the parameter (list filter).
Result<Json> ParseFieldText(const FieldSpec& field, std::string_view text);
// The text of a stored value for a CSV/XLSX cell: enum labels in Chinese,
// booleans 是/否, lists joined with "、", null as "".
std::string FieldText(const FieldSpec& field, const Json& value);

// Uniqueness and search key: Unicode NFKC, case folded (utf8proc), trimmed:
// "ＡＣＭＥ " == "acme". Invalid UTF-8 is folded as ASCII only.
std::string FoldForCompare(std::string_view text);

// Money: "12500", "12500.5", "12500.50", "-3.10" -> minor units (1250050);
// nullopt when not money (more than 2 decimals, exponents, separators) or
// beyond the int64 range of minor units.
std::optional<std::int64_t> ParseMoney(std::string_view text);
// Minor units to "12500.50" (two places, '-' for negatives).
std::string FormatMoney(std::int64_t minor_units);

}  // namespace chronicle::domain
