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

// A custom field definition (自定义字段) as a FieldSpec with owned storage.
struct CustomField {
  std::string key;
  std::string label;
  FieldType type = FieldType::kText;
  std::vector<std::string> options;
  bool required = false;
  bool unique = false;
  Json default_value;
};

// Facts a validation needs from read models, looked up by the caller so the
// domain stays pure: whether a referenced record exists (and is live), and
// whether a unique value is taken by another live record.
struct FieldFacts {
  std::function<bool(std::string_view collection, std::string_view id)> exists;
  std::function<bool(std::string_view field, std::string_view normalized, std::string_view self_id)>
      taken;
};

// Validates a create body (all fields) or a merge patch against the table
// and the entity's custom fields; returns the normalized values to store
// (money to 2 places, times to milliseconds, custom values under "custom").
// Errors are kInvalidArgument naming the field (custom.KEY for custom ones).
Result<Json> ValidateCreate(const EntitySpec& spec, std::span<const CustomField> custom,
                            const Json& body, const FieldFacts& facts, std::string_view self_id);
// `current`: the record's stored fields. Returns only the fields that change.
Result<Json> ValidatePatch(const EntitySpec& spec, std::span<const CustomField> custom,
                           const Json& current, const Json& patch, const FieldFacts& facts,
                           std::string_view self_id);
// Parses one field value from text (an import cell, a list filter value).
Result<Json> ParseFieldText(const FieldSpec& field, std::string_view text);
// The text of a stored value for a CSV/XLSX cell (enum labels in Chinese).
std::string FieldText(const FieldSpec& field, const Json& value);

// Uniqueness key: NFKC-like width folding (full-width ASCII to half-width)
// and ASCII lower case, trimmed: "ＡＣＭＥ " == "acme".
std::string FoldForCompare(std::string_view text);

// Money: "12500", "12500.5", "12500.50" -> 1250050 minor units; nullopt when not money.
std::optional<std::int64_t> ParseMoney(std::string_view text);
std::string FormatMoney(std::int64_t minor_units);

}  // namespace chronicle::domain
