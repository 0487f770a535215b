// chronicle_openapi_gen BASE OUTPUT
//
// Writes the OpenAPI document the server embeds and serves: the hand-written
// BASE (info, security, problems, the organisation, auth and system routes)
// plus, for every entity declared by a field table (domain::AllEntitySpecs),
// its resource, create, patch and list schemas, its list parameters and all
// its routes, each with the `x-permission` the router enforces. The field
// tables are the single source of the entity shapes, so the document cannot
// drift from the server; the routes below mirror api/src/entity_routes.cpp,
// api/src/entity_actions.cpp and the pool routes (tests/api/openapi_test.cpp
// fails on any difference).
//
// Exit status: 0 written, 1 on any error (unreadable base, a name the base
// already defines), with the reason on stderr.
#include <array>
#include <cstdio>
#include <exception>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/domain/fields.hpp"
#include "chronicle/json/parse.hpp"

namespace chronicle::openapi {
namespace {

using domain::EntitySpec;
using domain::FieldSpec;
using domain::FieldType;

// ---- Routes beyond the generic ones: one row per action ---------------------------

// What an action's request body carries.
enum class Body : std::uint8_t {
  kNone,      // no parameters (an empty or `{}` body)
  kTransfer,  // {"owner_id"}
  kCustomerTransfer,
  kTeamAdd,
  kTeamRemove,
  kAssign,  // {"owner_id"} (pool)
};

// What an action answers.
enum class Answer : std::uint8_t {
  kRecord,     // the record after the action (200, ETag)
  kConverted,  // {"customer_id", "contact_id"}
};

// POST /api/v1/{collection}/{id}/{path} and, when `batch`, the same action on
// many records at POST /api/v1/{collection}/batch/{path}.
struct Action {
  std::string_view entity;      // EntitySpec::name of the record acted on
  std::string_view collection;  // the URL's collection ("pool" for pool actions)
  std::string_view path;        // "transfer", "team/add"
  std::string_view permission;  // what the router checks
  Body body;
  Answer answer;
  bool batch;
  std::string_view summary;  // "Transfer {label}" with the entity's plural
  std::string_view description;
};

constexpr auto kActions = std::to_array<Action>({
    {"lead", "leads", "transfer", "lead.transfer", Body::kTransfer, Answer::kRecord, true,
     "Transfer", "Gives the record to another user in the caller's scope."},
    {"customer", "customers", "transfer", "customer.transfer", Body::kCustomerTransfer,
     Answer::kRecord, true, "Transfer",
     "Gives the customer to another user in the caller's scope; `with_contacts` moves its "
     "contacts too, `keep_old_owner_as` keeps the old owner in the team."},
    {"contact", "contacts", "transfer", "contact.transfer", Body::kTransfer, Answer::kRecord, true,
     "Transfer", "Gives the record to another user in the caller's scope."},
    {"lead", "leads", "convert", "lead.convert", Body::kNone, Answer::kConverted, true, "Convert",
     "Creates a customer (and a contact, when the lead names a person) from the lead, owned by "
     "the lead's owner; the lead becomes `converted` and read-only."},
    {"customer", "customers", "lock", "customer.lock", Body::kNone, Answer::kRecord, true, "Lock",
     "A locked customer is exempt from recycling to the pool (when the rules say so)."},
    {"customer", "customers", "unlock", "customer.lock", Body::kNone, Answer::kRecord, true,
     "Unlock", "Undoes `lock`."},
    {"customer", "customers", "team/add", "customer.update", Body::kTeamAdd, Answer::kRecord, false,
     "Add a team member to",
     "Adds (or replaces) a team member with read or write access, optionally until `expires_at`."},
    {"customer", "customers", "team/remove", "customer.update", Body::kTeamRemove, Answer::kRecord,
     false, "Remove a team member from", "Removes a team member."},
    {"customer", "customers", "release", "customer.transfer", Body::kNone, Answer::kRecord, true,
     "Release", "Moves the customer to the public pool (公海): it loses its owner and team."},
    {"customer", "pool", "claim", "customer.pool", Body::kNone, Answer::kRecord, true, "Claim",
     "The caller becomes the owner of a customer in the pool (within `max_owned_per_user` and "
     "after `reclaim_cooldown_days`)."},
    {"customer", "pool", "assign", "customer.pool", Body::kAssign, Answer::kRecord, true, "Assign",
     "Gives a customer in the pool to a user in the caller's scope."},
});

// Query parameters a list reads itself (api/src/list_query.cpp): a field of
// the same name filters only through its operators (`sort.gte=`).
constexpr std::array<std::string_view, 8> kReservedQuery = {
    "limit", "cursor", "sort", "q", "scope", "min_position", "as_of", "as_of_position"};

// Entities whose lists export to CSV/XLSX and import from CSV.
constexpr std::array<std::string_view, 3> kExportable = {"lead", "customer", "contact"};

// ---- JSON building ----------------------------------------------------------------

Json Obj(Json::Object members = {}) { return Json(std::move(members)); }
Json Arr(Json::Array items = {}) { return Json(std::move(items)); }
Json Ref(std::string_view section, std::string_view name) {
  return Obj({{"$ref", "#/components/" + std::string(section) + "/" + std::string(name)}});
}
Json RefWith(std::string_view section, std::string_view name, std::string_view description) {
  Json r = Ref(section, name);
  r.Set("description", description);
  return r;
}
Json Str() { return Obj({{"type", "string"}}); }
Json Described(Json schema, std::string_view description) {
  if (!description.empty()) schema.Set("description", description);
  return schema;
}

// "follow-ups" -> "FollowUps".
std::string Pascal(std::string_view kebab) {
  std::string out;
  bool upper = true;
  for (char c : kebab) {
    if (c == '-' || c == '_' || c == '/') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

// Human words of a collection: "follow-ups" -> "follow-ups", used in summaries.
std::string Words(std::string_view kebab) {
  std::string out(kebab);
  for (auto& c : out) {
    if (c == '-' || c == '_') c = ' ';
  }
  return out;
}

// The text of the tables' kinds, for descriptions.
std::string CodeList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += "`" + n + "`";
  }
  return out;
}

bool Has(std::span<const std::string_view> set, std::string_view value) {
  for (auto v : set) {
    if (v == value) return true;
  }
  return false;
}

// ---- Field schemas from the table ---------------------------------------------------

enum class Side : std::uint8_t { kResponse, kRequest, kFilter };

Json EnumValues(const FieldSpec& field) {
  Json values = Arr();
  for (const auto& option : field.options) values.Push(option.value);
  return values;
}

// The schema of a present (non-null) value of `field`.
Json ValueSchema(const FieldSpec& field, Side side) {
  switch (field.type) {
    case FieldType::kText:
    case FieldType::kLongText: {
      Json s = Str();
      if (field.max_length > 0 && side != Side::kFilter) {
        s.Set("maxLength", static_cast<std::int64_t>(field.max_length));
      }
      return s;
    }
    case FieldType::kNumber:
      return Obj({{"type", "integer"}, {"format", "int64"}});
    case FieldType::kMoney:
      // The server answers exactly 2 places; it accepts 0 to 2.
      return Obj({{"type", "string"},
                  {"pattern", side == Side::kResponse ? "^-?[0-9]+\\.[0-9]{2}$"
                                                      : "^-?[0-9]+(\\.[0-9]{1,2})?$"},
                  {"examples", Arr({"12500.00"})}});
    case FieldType::kDate:
      return Obj({{"type", "string"}, {"format", "date"}});
    case FieldType::kDateTime:
      return Obj({{"type", "string"}, {"format", "date-time"}});
    case FieldType::kEnum:
      return Obj({{"type", "string"}, {"enum", EnumValues(field)}});
    case FieldType::kEnumSet:
      if (side == Side::kFilter) return Obj({{"type", "string"}, {"enum", EnumValues(field)}});
      return Obj({{"type", "array"},
                  {"items", Obj({{"type", "string"}, {"enum", EnumValues(field)}})},
                  {"uniqueItems", true}});
    case FieldType::kBool:
      return Obj({{"type", "boolean"}});
    case FieldType::kUser:
      return Described(Str(), "A user id.");
    case FieldType::kRef:
      return Described(Str(), "The id of a record of `" + std::string(field.ref) + "`.");
    case FieldType::kTeam:
      if (side == Side::kFilter) return Described(Str(), "A user id.");
      return Obj({{"type", "array"}, {"items", Ref("schemas", "TeamMember")}});
    case FieldType::kStrings: {
      Json item = Str();
      if (field.max_length > 0) item.Set("maxLength", static_cast<std::int64_t>(field.max_length));
      if (side == Side::kFilter) return item;
      return Obj({{"type", "array"}, {"items", std::move(item)}});
    }
  }
  return Str();
}

// Adds null to a schema's type (and to its enum).
Json Nullable(Json schema) {
  if (const Json* type = schema.Find("type"); type != nullptr && type->is_string()) {
    schema.Set("type", Arr({*type, "null"}));
  }
  if (const Json* values = schema.Find("enum"); values != nullptr) {
    Json with_null = *values;
    with_null.Push(Json());
    schema.Set("enum", std::move(with_null));
  }
  return schema;
}

Json FieldSchema(const FieldSpec& field, Side side) {
  Json schema = ValueSchema(field, side);
  // Absent values are null, except booleans (false) and teams ([]); a
  // required field always has a value.
  const bool never_null = field.Has(domain::kRequired) || field.type == FieldType::kBool ||
                          field.type == FieldType::kTeam;
  if (!never_null) schema = Nullable(std::move(schema));
  std::string description(field.label);
  if (field.Has(domain::kDerived)) description += " (derived by the server)";
  if (field.Has(domain::kUnique))
    description += " (unique among live records, ignoring case and width)";
  if (!description.empty() && schema.Find("description") != nullptr) {
    description += ". " + schema.Find("description")->as_string();
  }
  schema.Set("description", description);
  if (side == Side::kResponse && field.Has(domain::kReadOnly)) schema.Set("readOnly", true);
  return schema;
}

// ---- Entity schemas -------------------------------------------------------------------

struct Names {
  std::string type;    // "FollowUp"
  std::string plural;  // "FollowUps"
  std::string words;   // "follow-ups"
};

Names NamesOf(const EntitySpec& spec) {
  return {std::string(spec.event_prefix), Pascal(spec.collection), Words(spec.collection)};
}

Json CommonProperty(std::string_view name) {
  if (name == "id") {
    return Obj({{"type", "string"},
                {"readOnly", true},
                {"description", "Opaque, time-ordered identifier assigned by the server."}});
  }
  if (name == "version") {
    return Obj({{"type", "integer"},
                {"format", "int64"},
                {"minimum", 0},
                {"readOnly", true},
                {"description", "The record's stream version; the value of its `ETag`."}});
  }
  if (name == "created_by") {
    return Obj({{"type", "string"},
                {"readOnly", true},
                {"description", "The id of the user who created the record."}});
  }
  return Obj({{"type", "string"}, {"format", "date-time"}, {"readOnly", true}});
}

Json CustomProperty(Side side) {
  return Obj({{"type", "object"},
              {"description", side == Side::kResponse
                                  ? "Custom field values by key (自定义字段); `{}` when none."
                                  : "Custom field values by key; validated against the "
                                    "entity's custom fields (errors name `custom.KEY`)."}});
}

Json ResourceSchema(const EntitySpec& spec) {
  Json properties = Obj();
  Json required = Arr();
  for (std::string_view common : {"id", "version", "created_at", "updated_at", "created_by"}) {
    properties.Set(std::string(common), CommonProperty(common));
    required.Push(common);
  }
  for (const auto& field : spec.fields) {
    properties.Set(std::string(field.name), FieldSchema(field, Side::kResponse));
    // Derived fields come from the current read model only: a point-in-time
    // read (as_of) leaves them out.
    if (!field.Has(domain::kDerived)) required.Push(field.name);
  }
  if (spec.custom_fields) {
    properties.Set("custom", CustomProperty(Side::kResponse));
    required.Push("custom");
  }
  return Obj({{"type", "object"},
              {"description", std::string(spec.label) + " (" + std::string(spec.collection) +
                                  "), from its field table."},
              {"required", std::move(required)},
              {"properties", std::move(properties)}});
}

// Create (required fields required) or merge patch (nothing required); never
// the read-only or derived fields.
Json WriteSchema(const EntitySpec& spec, bool create) {
  Json properties = Obj();
  Json required = Arr();
  for (const auto& field : spec.fields) {
    if (field.Has(domain::kReadOnly) || field.Has(domain::kDerived)) continue;
    properties.Set(std::string(field.name), FieldSchema(field, Side::kRequest));
    if (create && field.Has(domain::kRequired)) required.Push(field.name);
  }
  if (spec.custom_fields) properties.Set("custom", CustomProperty(Side::kRequest));
  Json schema = Obj({{"type", "object"}});
  schema.Set("description",
             create ? "A new " + std::string(spec.name) + "; fields left out are null."
                    : "JSON merge patch (RFC 7396): only the fields present change; null clears "
                      "an optional field.");
  if (create && !required.as_array().empty()) schema.Set("required", std::move(required));
  schema.Set("properties", std::move(properties));
  return schema;
}

Json ListSchema(const EntitySpec& spec, const Names& names) {
  return Obj({{"type", "object"},
              {"description", "A page of " + names.words + "."},
              {"required", Arr({"items", "total"})},
              {"properties",
               Obj({{"items", Obj({{"type", "array"}, {"items", Ref("schemas", names.type)}})},
                    {"next_cursor",
                     Obj({{"type", "string"},
                          {"description",
                           "Pass as `cursor` for the next page; absent on the last page."}})},
                    {"total", Obj({{"type", "integer"},
                                   {"format", "int64"},
                                   {"minimum", 0},
                                   {"description", "How many " + std::string(spec.collection) +
                                                       " match (over all pages)."}})}})}});
}

// ---- Shared schemas (entity-independent shapes of the generic routes) -------------------

Json IdString() { return Obj({{"type", "string"}, {"minLength", 1}}); }

Json BatchIds() {
  return Obj({{"type", "array"},
              {"items", IdString()},
              {"minItems", 1},
              {"maxItems", 500},
              {"description", "The records to act on (1 to 500); each succeeds or fails alone."}});
}

Json Properties(Json::Object properties) { return Obj(std::move(properties)); }

void AddSharedSchemas(Json& schemas, const EntitySpec& customer) {
  schemas.Set(
      "TeamMember",
      Obj({{"type", "object"},
           {"description", "A customer's team member (团队成员)."},
           {"required", Arr({"user_id", "access", "expires_at"})},
           {"properties",
            Properties({{"user_id", Described(Str(), "A user id.")},
                        {"access", Obj({{"type", "string"}, {"enum", Arr({"read", "write"})}})},
                        {"expires_at",
                         Obj({{"type", Arr({"string", "null"})},
                              {"format", "date-time"},
                              {"description", "Null: the membership does not expire."}})}})}}));
  schemas.Set("BatchRequest", Obj({{"type", "object"},
                                   {"required", Arr({"ids"})},
                                   {"properties", Properties({{"ids", BatchIds()}})}}));
  schemas.Set(
      "BatchResults",
      Obj({{"type", "object"},
           {"description", "One result per id, in the order given."},
           {"required", Arr({"results"})},
           {"properties",
            Properties(
                {{"results",
                  Obj({{"type", "array"},
                       {"items",
                        Obj({{"type", "object"},
                             {"required", Arr({"id", "status"})},
                             {"properties",
                              Properties({{"id", Str()},
                                          {"status", Obj({{"type", "string"},
                                                          {"enum", Arr({"ok", "failed"})}})},
                                          {"error", RefWith("schemas", "Problem",
                                                            "Why this record failed (status "
                                                            "`failed` only).")}})}})}})}})}}));
  schemas.Set(
      "Duplicates",
      Obj({{"type", "object"},
           {"description",
            "Live records with the same name (ignoring case and width) or the same "
            "mobile/phone, whoever owns them (at most 50)."},
           {"required", Arr({"items"})},
           {"properties",
            Properties(
                {{"items",
                  Obj({{"type", "array"},
                       {"items",
                        Obj({{"type", "object"},
                             {"required", Arr({"id", "name", "owner_id"})},
                             {"properties",
                              Properties({{"id", Str()},
                                          {"name", Obj({{"type", Arr({"string", "null"})}})},
                                          {"owner_id",
                                           Obj({{"type", Arr({"string", "null"})}})}})}})}})}})}}));
  schemas.Set(
      "ImportReport",
      Obj({{"type", "object"},
           {"required", Arr({"total", "valid", "imported", "errors"})},
           {"properties",
            Properties(
                {{"total", Obj({{"type", "integer"}, {"minimum", 0}})},
                 {"valid", Obj({{"type", "integer"}, {"minimum", 0}})},
                 {"imported", Obj({{"type", "integer"}, {"minimum", 0}})},
                 {"errors",
                  Obj({{"type", "array"},
                       {"items",
                        Obj({{"type", "object"},
                             {"required", Arr({"row", "field", "message"})},
                             {"properties", Properties({{"row", Obj({{"type", "integer"},
                                                                     {"minimum", 1},
                                                                     {"description",
                                                                      "Data rows count from 1."}})},
                                                        {"field", Str()},
                                                        {"message", Str()}})}})}})}})}}));
  // The transfer bodies: the single forms; the batch forms add `ids`.
  schemas.Set(
      "TransferRequest",
      Obj({{"type", "object"},
           {"required", Arr({"owner_id"})},
           {"properties", Properties({{"owner_id", Described(IdString(), "The new owner.")}})}}));
  schemas.Set(
      "CustomerTransferRequest",
      Obj({{"type", "object"},
           {"required", Arr({"owner_id"})},
           {"properties",
            Properties(
                {{"owner_id", Described(IdString(), "The new owner.")},
                 {"with_contacts", Obj({{"type", Arr({"boolean", "null"})}, {"default", false}})},
                 {"with_opportunities",
                  Obj({{"type", Arr({"boolean", "null"})}, {"default", false}})},
                 {"with_contracts", Obj({{"type", Arr({"boolean", "null"})}, {"default", false}})},
                 {"keep_old_owner_as", Obj({{"type", Arr({"string", "null"})},
                                            {"enum", Arr({"none", "read", "write", Json()})},
                                            {"default", "none"}})}})}}));
  schemas.Set(
      "TeamAddRequest",
      Obj({{"type", "object"},
           {"required", Arr({"user_id"})},
           {"properties", Properties({{"user_id", IdString()},
                                      {"access", Obj({{"type", Arr({"string", "null"})},
                                                      {"enum", Arr({"read", "write", Json()})},
                                                      {"default", "read"}})},
                                      {"expires_at", Obj({{"type", Arr({"string", "null"})},
                                                          {"format", "date-time"}})}})}}));
  schemas.Set("TeamRemoveRequest", Obj({{"type", "object"},
                                        {"required", Arr({"user_id"})},
                                        {"properties", Properties({{"user_id", IdString()}})}}));
  schemas.Set(
      "AssignRequest",
      Obj({{"type", "object"},
           {"required", Arr({"owner_id"})},
           {"properties", Properties({{"owner_id", Described(IdString(), "The new owner.")}})}}));
  schemas.Set(
      "Converted",
      Obj({{"type", "object"},
           {"required", Arr({"customer_id", "contact_id"})},
           {"properties",
            Properties({{"customer_id", Str()},
                        {"contact_id",
                         Obj({{"type", Arr({"string", "null"})},
                              {"description", "Null when the lead named no person."}})}})}}));
  // The pool rules: `levels` takes the customer table's level values.
  Json levels = Obj({{"type", "array"},
                     {"description", "The customer levels the rules apply to."},
                     {"items", ValueSchema(*customer.Find("level"), Side::kRequest)}});
  Json days = Obj({{"type", "integer"}, {"minimum", 0}});
  Json::Object rules = {
      {"enabled", Obj({{"type", "boolean"}})},
      {"no_follow_up_days", Described(days, "Recycle after this many days without a follow-up.")},
      {"no_deal_days", Described(days, "Recycle after this many days without a deal.")},
      {"remind_days_before", Described(days, "Show `pool_due` in the schedule this early.")},
      {"exempt_locked", Obj({{"type", "boolean"}})},
      {"exempt_closed", Obj({{"type", "boolean"}})},
      {"max_owned_per_user",
       Obj({{"type", Arr({"integer", "null"})},
            {"minimum", 0},
            {"description", "How many customers one user may own; null: no limit."}})},
      {"reclaim_cooldown_days",
       Described(days, "Days before a user may claim back a customer recycled from them.")},
      {"levels", levels},
  };
  Json update = Obj({{"type", "object"}, {"description", "The pool's recycle rules."}});
  update.Set("properties", Obj(rules));
  schemas.Set("PoolRulesUpdate", std::move(update));
  Json::Object with_version = rules;
  with_version.emplace_back(
      "version", Obj({{"type", "integer"},
                      {"minimum", 0},
                      {"readOnly", true},
                      {"description", "Grows with every PUT; recycle events name it."}}));
  Json required = Arr();
  for (const auto& [name, schema] : with_version) required.Push(name);
  schemas.Set("PoolRules", Obj({{"type", "object"},
                                {"description", "The pool's recycle rules."},
                                {"required", std::move(required)},
                                {"properties", Obj(std::move(with_version))}}));
  schemas.Set(
      "RecycleReport",
      Obj({{"type", "object"},
           {"required", Arr({"recycled"})},
           {"properties",
            Properties(
                {{"recycled",
                  Obj({{"type", "array"},
                       {"items",
                        Obj({{"type", "object"},
                             {"required", Arr({"customer_id", "reason", "rule_version"})},
                             {"properties",
                              Properties({{"customer_id", Str()},
                                          {"reason", ValueSchema(*customer.Find("pool_reason"),
                                                                 Side::kResponse)},
                                          {"rule_version", Obj({{"type", "integer"},
                                                                {"minimum", 0}})}})}})}})}})}}));
  schemas.Set(
      "Schedule",
      Obj({{"type", "object"},
           {"required", Arr({"days"})},
           {"properties",
            Properties(
                {{"days",
                  Obj({{"type", "array"},
                       {"items",
                        Obj({{"type", "object"},
                             {"required", Arr({"date", "items"})},
                             {"properties",
                              Properties(
                                  {{"date", Obj({{"type", "string"}, {"format", "date"}})},
                                   {"items",
                                    Obj({{"type", "array"},
                                         {"items",
                                          Obj({{"type", "object"},
                                               {"required", Arr({"type", "target_type", "target_id",
                                                                 "title", "at"})},
                                               {"properties",
                                                Properties(
                                                    {{"type",
                                                      Obj({{"type", "string"},
                                                           {"enum", Arr({"next_contact", "task",
                                                                         "pool_due"})}})},
                                                     {"target_type", Str()},
                                                     {"target_id", Str()},
                                                     {"title", Str()},
                                                     {"at",
                                                      Obj({{"type", "string"},
                                                           {"format",
                                                            "date-time"}})}})}})}})}})}})}})}})}}));
}

// ---- Parameters ---------------------------------------------------------------------

std::vector<std::string> FieldsWith(const EntitySpec& spec, domain::FieldFlag flag) {
  std::vector<std::string> out;
  for (const auto& f : spec.fields) {
    if (f.Has(flag)) out.emplace_back(f.name);
  }
  return out;
}

std::string Alternatives(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "|") + n;
  return out;
}

// Whether scope= narrows this entity's lists (owned records; saved views are
// private to their user whatever the scope).
bool Scoped(const EntitySpec& spec) { return spec.owned && spec.name != "view"; }

// Adds the entity's list parameters to components.parameters; returns refs
// to them in order (also used by export and the pool list).
Json ListParameters(Json& parameters, const EntitySpec& spec, const Names& names) {
  Json refs = Arr({Ref("parameters", "Limit"), Ref("parameters", "Cursor")});
  const auto sortable = FieldsWith(spec, domain::kSort);
  const std::string sort_name = names.type + "Sort";
  const std::string one = "-?(" + Alternatives(sortable) + ")";
  parameters.Set(sort_name, Obj({{"name", "sort"},
                                 {"in", "query"},
                                 {"description",
                                  "Sort keys, comma-separated; `-` before a field sorts "
                                  "descending. Sortable: " +
                                      CodeList(sortable) + "."},
                                 {"schema", Obj({{"type", "string"},
                                                 {"pattern", "^" + one + "(," + one + ")*$"},
                                                 {"examples", Arr({"-" + sortable.front()})}})}}));
  refs.Push(Ref("parameters", sort_name));
  const auto searched = FieldsWith(spec, domain::kSearch);
  if (!searched.empty()) {
    const std::string q_name = names.type + "Q";
    parameters.Set(q_name, Obj({{"name", "q"},
                                {"in", "query"},
                                {"description", "Case-insensitive substring of any of " +
                                                    CodeList(searched) + " (Chinese included)."},
                                {"schema", Str()}}));
    refs.Push(Ref("parameters", q_name));
  }
  if (Scoped(spec)) refs.Push(Ref("parameters", "Scope"));
  for (const auto& field : spec.fields) {
    if (!field.Has(domain::kFilter) || Has(kReservedQuery, field.name)) continue;
    const std::string name = names.type + "Filter." + std::string(field.name);
    const std::string f(field.name);
    parameters.Set(
        name, Obj({{"name", f},
                   {"in", "query"},
                   {"description", std::string(field.label) + " equals this value. Also `" + f +
                                       ".ne`, `" + f + ".gt`, `" + f + ".gte`, `" + f + ".lt`, `" +
                                       f + ".lte`, `" + f + ".in` (comma-separated) and `" + f +
                                       ".contains` (case-insensitive substring)."},
                   {"schema", ValueSchema(field, Side::kFilter)}}));
    refs.Push(Ref("parameters", name));
  }
  refs.Push(Ref("parameters", "MinPosition"));
  return refs;
}

std::string FilterDescription(const EntitySpec& spec) {
  std::string text =
      "Filters combine with AND. Filterable: " + CodeList(FieldsWith(spec, domain::kFilter)) +
      "; each also takes the operators `.ne`, `.gt`, `.gte`, `.lt`, `.lte`, `.in` "
      "and `.contains`.";
  for (const auto& field : spec.fields) {
    if (field.Has(domain::kFilter) && Has(kReservedQuery, field.name)) {
      const std::string f(field.name);
      text += " `" + f + "=` is the list's own parameter, so `" + f + "` filters only through " +
              "its operators (`" + f + ".gte=`, `" + f + ".in=`, ...).";
    }
  }
  if (spec.custom_fields) text += " Custom fields filter as `custom.KEY=value`.";
  return text;
}

// ---- Operations -----------------------------------------------------------------------

Json Responses(Json::Object ok, std::initializer_list<std::string_view> errors) {
  Json responses = Obj(std::move(ok));
  for (std::string_view code : errors) {
    std::string_view name;
    if (code == "400") name = "BadRequest";
    if (code == "401") name = "Unauthorized";
    if (code == "403") name = "Forbidden";
    if (code == "404") name = "NotFound";
    if (code == "409") name = "Conflict";
    if (code == "412") name = "VersionConflict";
    if (code == "413") name = "PayloadTooLarge";
    if (code == "415") name = "UnsupportedMediaType";
    if (code == "422") name = "ValidationFailed";
    if (code == "503") name = "Unavailable";
    responses.Set(std::string(code), Ref("responses", name));
  }
  responses.Set("default", Ref("responses", "Unexpected"));
  return responses;
}

Json JsonContent(Json schema) {
  return Obj({{"application/json", Obj({{"schema", std::move(schema)}})}});
}

Json Headers(std::initializer_list<std::string_view> names) {
  Json headers = Obj();
  for (std::string_view name : names) {
    if (name == "ETag") headers.Set("ETag", Ref("headers", "ETag"));
    if (name == "Location") headers.Set("Location", Ref("headers", "Location"));
    if (name == "X-Position") headers.Set("X-Position", Ref("headers", "XPosition"));
    if (name == "X-Position?") {
      // Only when the command appended events (a batch where every id failed appends none).
      headers.Set(
          "X-Position",
          Obj({{"description", "The log position of the last event appended, if any."},
               {"schema", Obj({{"type", "integer"}, {"format", "int64"}, {"minimum", 1}})}}));
    }
  }
  return headers;
}

Json Ok(std::string_view description, Json headers, Json content) {
  Json response = Obj({{"description", description}});
  if (!headers.as_object().empty()) response.Set("headers", std::move(headers));
  if (!content.is_null()) response.Set("content", std::move(content));
  return response;
}

Json RequestBody(Json schema, bool required) {
  return Obj({{"required", required}, {"content", JsonContent(std::move(schema))}});
}

struct Operation {
  std::string operation_id;
  std::string summary;
  std::string tag;
  std::string description;
  Json parameters;  // array or null
  Json request_body;
  Json responses;
  std::string permission;
};

Json ToJson(Operation op) {
  Json out =
      Obj({{"operationId", op.operation_id}, {"summary", op.summary}, {"tags", Arr({op.tag})}});
  if (!op.description.empty()) out.Set("description", op.description);
  if (!op.parameters.is_null() && !op.parameters.as_array().empty()) {
    out.Set("parameters", std::move(op.parameters));
  }
  if (!op.request_body.is_null()) out.Set("requestBody", std::move(op.request_body));
  out.Set("responses", std::move(op.responses));
  out.Set("x-permission", op.permission);
  return out;
}

class PathWriter {
 public:
  PathWriter(Json& paths, std::string& error) : paths_(paths), error_(error) {}

  void Add(const std::string& path, std::string_view method, Operation op) {
    Json* item = nullptr;
    for (auto& [p, value] : paths_.as_object()) {
      if (p == path) item = &value;
    }
    if (item == nullptr) {
      Json fresh = Obj();
      if (path.find("{id}") != std::string::npos) {
        fresh.Set("parameters", Arr({Ref("parameters", "Id")}));
      }
      paths_.Set(path, std::move(fresh));
      item = &paths_.as_object().back().second;
    }
    if (item->Find(method) != nullptr) {
      error_ += "duplicate operation " + std::string(method) + " " + path + "\n";
      return;
    }
    item->Set(std::string(method), ToJson(std::move(op)));
  }

 private:
  Json& paths_;
  std::string& error_;
};

std::string Access(const EntitySpec& spec, std::string_view action) {
  // Saved views belong to whoever is signed in.
  if (spec.name == "view") return "authenticated";
  return std::string(spec.name) + "." + std::string(action);
}

Json MaybeParams(std::initializer_list<Json> items) { return Arr(Json::Array(items)); }

void AddEntityPaths(PathWriter& out, const EntitySpec& spec, const Names& n,
                    const Json& list_parameters) {
  const std::string base = "/api/v1/" + std::string(spec.collection);
  const std::string tag(spec.collection);
  const Json record = Ref("schemas", n.type);
  const std::string label(spec.label);

  out.Add(
      base, "get",
      {"list" + n.plural, "List " + n.words, tag, FilterDescription(spec), list_parameters, Json(),
       Responses({{"200", Ok("A page of " + n.words + ", in the caller's data scope.", Obj(),
                             JsonContent(Ref("schemas", n.type + "List")))}},
                 {"400", "401", "403", "503"}),
       Access(spec, "read")});
  out.Add(
      base, "post",
      {"create" + n.type, "Create a " + std::string(spec.name), tag,
       spec.owned ? "The record is the caller's unless `owner_id` names someone in the "
                    "caller's scope."
                  : "",
       MaybeParams({Ref("parameters", "IdempotencyKey")}),
       RequestBody(Ref("schemas", n.type + "Create"), true),
       Responses({{"201", Ok("The created " + std::string(spec.name) + ".",
                             Headers({"Location", "ETag", "X-Position"}), JsonContent(record))}},
                 {"400", "401", "403", "409", "413", "422"}),
       Access(spec, "create")});
  out.Add(
      base + "/duplicates", "get",
      {"find" + n.type + "Duplicates", "Find duplicate " + n.words, tag,
       "查重: give `name`, `mobile` or both.",
       MaybeParams({Obj({{"name", "name"},
                         {"in", "query"},
                         {"description", "Compared ignoring case and width."},
                         {"schema", Str()}}),
                    Obj({{"name", "mobile"},
                         {"in", "query"},
                         {"description", "Compared with mobile and phone."},
                         {"schema", Str()}})}),
       Json(),
       Responses(
           {{"200", Ok("The matching records.", Obj(), JsonContent(Ref("schemas", "Duplicates")))}},
           {"400", "401", "403"}),
       Access(spec, "read")});
  out.Add(base + "/batch/delete", "post",
          {"batchDelete" + n.plural, "Delete many " + n.words, tag, "",
           MaybeParams({Ref("parameters", "IdempotencyKey")}),
           RequestBody(Ref("schemas", "BatchRequest"), true),
           Responses({{"200", Ok("One result per id.", Headers({"X-Position?"}),
                                 JsonContent(Ref("schemas", "BatchResults")))}},
                     {"400", "401", "403", "409", "413", "422"}),
           Access(spec, "delete")});
  if (Has(kExportable, spec.name)) {
    Json params = Arr({Obj({{"name", "format"},
                            {"in", "query"},
                            {"required", true},
                            {"schema", Obj({{"type", "string"}, {"enum", Arr({"csv", "xlsx"})}})}}),
                       Obj({{"name", "ids"},
                            {"in", "query"},
                            {"description", "Only these records (comma-separated ids)."},
                            {"schema", Str()}})});
    for (const auto& p : list_parameters.as_array()) {
      const std::string& ref = p.Find("$ref")->as_string();
      if (!ref.ends_with("/Limit") && !ref.ends_with("/Cursor")) params.Push(p);
    }
    out.Add(base + "/export", "get",
            {"export" + n.plural, "Export " + n.words, tag,
             "Streams every matching record (the list's filters) as a file with Chinese column "
             "headers.",
             std::move(params), Json(),
             Responses(
                 {{"200",
                   Ok("The file.",
                      Obj({{"Content-Disposition", Obj({{"description", "attachment; filename=..."},
                                                        {"schema", Str()}})}}),
                      Obj({{"text/csv", Obj({{"schema", Str()}})},
                           {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            Obj()}}))}},
                 {"400", "401", "403"}),
             Access(spec, "export")});
    out.Add(base + "/import", "post",
            {"import" + n.plural, "Import " + n.words, tag,
             "A UTF-8 CSV (BOM optional) whose header row names the fields (or the Chinese "
             "labels the export writes). Without `skip_invalid`, one bad row imports nothing.",
             MaybeParams({Obj({{"name", "dry_run"},
                               {"in", "query"},
                               {"schema", Obj({{"type", "boolean"}, {"default", false}})}}),
                          Obj({{"name", "skip_invalid"},
                               {"in", "query"},
                               {"schema", Obj({{"type", "boolean"}, {"default", false}})}}),
                          Ref("parameters", "IdempotencyKey")}),
             Obj({{"required", true}, {"content", Obj({{"text/csv", Obj({{"schema", Str()}})}})}}),
             Responses({{"200", Ok("What was (or, with `dry_run`, would be) imported.",
                                   Headers({"X-Position?"}),
                                   JsonContent(Ref("schemas", "ImportReport")))}},
                       {"400", "401", "403", "409", "413", "415", "422"}),
             Access(spec, "import")});
  }
  const std::string item = base + "/{id}";
  out.Add(item, "get",
          {"get" + n.type, "Get a " + std::string(spec.name), tag, "",
           MaybeParams({Ref("parameters", "AsOf"), Ref("parameters", "AsOfPosition"),
                        Ref("parameters", "MinPosition")}),
           Json(),
           Responses({{"200", Ok("The record (as it was then, with `as_of`/`as_of_position`; "
                                 "derived fields only for the current record).",
                                 Headers({"ETag"}), JsonContent(record))}},
                     {"400", "401", "403", "404", "503"}),
           Access(spec, "read")});
  out.Add(
      item, "patch",
      {"update" + n.type, "Update a " + std::string(spec.name), tag,
       spec.owned ? "`owner_id` changes through `transfer`, never a plain edit." : "",
       MaybeParams({Ref("parameters", "IfMatch")}),
       Obj({{"required", true},
            {"content",
             Obj({{"application/merge-patch+json",
                   Obj({{"schema", Ref("schemas", n.type + "Patch")}})},
                  {"application/json", Obj({{"schema", Ref("schemas", n.type + "Patch")}})}})}}),
       Responses({{"200", Ok("The updated record.", Headers({"ETag", "X-Position"}),
                             JsonContent(record))}},
                 {"400", "401", "403", "404", "409", "412", "413", "422"}),
       Access(spec, "update")});
  out.Add(item, "delete",
          {"delete" + n.type, "Delete a " + std::string(spec.name), tag,
           "The record leaves lists; its history stays and `restore` brings it back.",
           MaybeParams({Ref("parameters", "IfMatch")}), Json(),
           Responses({{"204", Ok("Deleted.", Headers({"X-Position"}), Json())}},
                     {"400", "401", "403", "404", "409", "412"}),
           Access(spec, "delete")});
  out.Add(item + "/restore", "post",
          {"restore" + n.type, "Restore a deleted " + std::string(spec.name), tag,
           "Undoes a delete (a unique value taken meanwhile is a 409).",
           MaybeParams({Ref("parameters", "IdempotencyKey")}), Ref("requestBodies", "NoParameters"),
           Responses({{"200", Ok("The restored record.", Headers({"ETag", "X-Position"}),
                                 JsonContent(record))}},
                     {"400", "401", "403", "404", "409"}),
           Access(spec, "delete")});
  out.Add(item + "/history", "get",
          {"get" + n.type + "History", "Get a " + std::string(spec.name) + "'s history", tag, "",
           MaybeParams({Ref("parameters", "MinPosition")}), Json(),
           Responses({{"200", Ok("The record's events, newest first.", Obj(),
                                 JsonContent(Ref("schemas", "History")))}},
                     {"400", "401", "403", "404", "503"}),
           Access(spec, "read")});
}

Json ActionBody(Body body, bool batch) {
  std::string_view name;
  switch (body) {
    case Body::kNone:
      return batch ? RequestBody(Ref("schemas", "BatchRequest"), true)
                   : Ref("requestBodies", "NoParameters");
    case Body::kTransfer:
      name = "TransferRequest";
      break;
    case Body::kCustomerTransfer:
      name = "CustomerTransferRequest";
      break;
    case Body::kTeamAdd:
      name = "TeamAddRequest";
      break;
    case Body::kTeamRemove:
      name = "TeamRemoveRequest";
      break;
    case Body::kAssign:
      name = "AssignRequest";
      break;
  }
  if (!batch) return RequestBody(Ref("schemas", name), true);
  return RequestBody(Obj({{"allOf", Arr({Ref("schemas", "BatchRequest"), Ref("schemas", name)})}}),
                     true);
}

void AddAction(PathWriter& out, const Action& action) {
  const EntitySpec& spec = *domain::FindEntityByName(action.entity);
  const Names n = NamesOf(spec);
  const std::string base = "/api/v1/" + std::string(action.collection);
  const std::string tag(action.collection);
  const std::string verb = Pascal(action.path);
  const std::string prefix =
      action.collection == spec.collection ? std::string() : Pascal(action.collection);
  Json answer = action.answer == Answer::kConverted
                    ? Ok("The customer and contact created.", Headers({"X-Position"}),
                         JsonContent(Ref("schemas", "Converted")))
                    : Ok("The record after the action.", Headers({"ETag", "X-Position?"}),
                         JsonContent(Ref("schemas", n.type)));
  out.Add(
      base + "/{id}/" + std::string(action.path), "post",
      {std::string(1, static_cast<char>(verb[0] - 'A' + 'a')) + verb.substr(1) + prefix + n.type,
       std::string(action.summary) + " a " + std::string(spec.name), tag,
       std::string(action.description), MaybeParams({Ref("parameters", "IdempotencyKey")}),
       ActionBody(action.body, false),
       Responses({{"200", std::move(answer)}}, {"400", "401", "403", "404", "409", "413", "422"}),
       std::string(action.permission)});
  if (!action.batch) return;
  out.Add(base + "/batch/" + std::string(action.path), "post",
          {"batch" + verb + prefix + n.plural, std::string(action.summary) + " many " + n.words,
           tag, std::string(action.description) + " Each id succeeds or fails on its own.",
           MaybeParams({Ref("parameters", "IdempotencyKey")}), ActionBody(action.body, true),
           Responses({{"200", Ok("One result per id.", Headers({"X-Position?"}),
                                 JsonContent(Ref("schemas", "BatchResults")))}},
                     {"400", "401", "403", "409", "413", "422"}),
           std::string(action.permission)});
}

void AddPoolAndSchedulePaths(PathWriter& out, const Json& customer_list_parameters) {
  out.Add("/api/v1/pool", "get",
          {"listPool", "List the public pool", "pool",
           "Customers with no owner (公海), with the customer list's parameters.",
           customer_list_parameters, Json(),
           Responses({{"200", Ok("A page of customers in the pool.", Obj(),
                                 JsonContent(Ref("schemas", "CustomerList")))}},
                     {"400", "401", "403", "503"}),
           "customer.read"});
  out.Add("/api/v1/pool/{id}", "get",
          {"getPoolCustomer", "Get a customer in the pool", "pool",
           "404 when the customer has an owner (it is not in the pool).",
           MaybeParams({Ref("parameters", "MinPosition")}), Json(),
           Responses({{"200", Ok("The customer.", Headers({"ETag"}),
                                 JsonContent(Ref("schemas", "Customer")))}},
                     {"400", "401", "403", "404", "503"}),
           "customer.read"});
  out.Add("/api/v1/pool/rules", "get",
          {"getPoolRules", "Get the pool's recycle rules", "pool", "", Json(), Json(),
           Responses({{"200", Ok("The rules.", Obj(), JsonContent(Ref("schemas", "PoolRules")))}},
                     {"401", "403"}),
           "customer.read"});
  out.Add("/api/v1/pool/rules", "put",
          {"replacePoolRules", "Replace the pool's recycle rules", "pool",
           "Every PUT makes a new rules `version`.", Json(),
           RequestBody(Ref("schemas", "PoolRulesUpdate"), true),
           Responses({{"200", Ok("The rules as stored.", Headers({"X-Position"}),
                                 JsonContent(Ref("schemas", "PoolRules")))}},
                     {"400", "401", "403", "413", "422"}),
           "pool.rules"});
  out.Add("/api/v1/pool/recycle", "post",
          {"recyclePool", "Run the recycle job now", "pool",
           "Moves every owned customer the rules make due to the pool (the job also runs at "
           "start and every hour).",
           MaybeParams({Ref("parameters", "IdempotencyKey")}), Ref("requestBodies", "NoParameters"),
           Responses({{"200", Ok("The customers recycled.", Headers({"X-Position?"}),
                                 JsonContent(Ref("schemas", "RecycleReport")))}},
                     {"400", "401", "403", "409"}),
           "pool.rules"});
  Json date = Obj({{"type", "string"}, {"format", "date"}});
  out.Add("/api/v1/schedule", "get",
          {"getSchedule", "Get the caller's schedule", "schedule",
           "Next contacts, tasks and customers due for the pool, per day.",
           MaybeParams({Obj({{"name", "from"}, {"in", "query"}, {"schema", date}}),
                        Obj({{"name", "to"}, {"in", "query"}, {"schema", date}}),
                        Ref("parameters", "MinPosition")}),
           Json(),
           Responses({{"200", Ok("The days from `from` to `to`.", Obj(),
                                 JsonContent(Ref("schemas", "Schedule")))}},
                     {"400", "401", "503"}),
           "authenticated"});
}

// ---- The document -----------------------------------------------------------------------

// A mutable object member, or nullptr.
Json* Member(Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  for (auto& [name, value] : object.as_object()) {
    if (name == key) return &value;
  }
  return nullptr;
}

// Sets `name` in `section`, refusing to replace what the base defines.
void SetNew(Json& section, const std::string& name, Json value, std::string& error) {
  if (section.Find(name) != nullptr) {
    error += "the base document already defines " + name + "\n";
    return;
  }
  section.Set(name, std::move(value));
}

Result<Json> Generate(Json doc) {
  std::string error;
  Json* components = Member(doc, "components");
  Json* paths = Member(doc, "paths");
  Json* tags = Member(doc, "tags");
  if (components == nullptr || paths == nullptr || tags == nullptr) {
    return InvalidArgumentError("the base document needs components, paths and tags");
  }
  Json schemas = *components->Find("schemas");
  Json parameters = *components->Find("parameters");
  const EntitySpec* customer = domain::FindEntityByName("customer");
  if (customer == nullptr) return InvalidArgumentError("no customer table");

  Json shared = Obj();
  AddSharedSchemas(shared, *customer);
  for (auto& [name, schema] : shared.as_object()) SetNew(schemas, name, std::move(schema), error);
  SetNew(parameters, "Scope",
         Obj({{"name", "scope"},
              {"in", "query"},
              {"description",
               "Narrows the list within the caller's data scope: their own "
               "records, their subordinates', or their department's."},
              {"schema",
               Obj({{"type", "string"}, {"enum", Arr({"mine", "subordinates", "department"})}})}}),
         error);

  PathWriter out(*paths, error);
  Json customer_list_parameters;
  for (const EntitySpec* spec : domain::AllEntitySpecs()) {
    const Names n = NamesOf(*spec);
    if (FieldsWith(*spec, domain::kSort).empty()) {
      error += std::string(spec->name) + ": a table needs a sortable field\n";
      continue;
    }
    SetNew(schemas, n.type, ResourceSchema(*spec), error);
    SetNew(schemas, n.type + "Create", WriteSchema(*spec, true), error);
    SetNew(schemas, n.type + "Patch", WriteSchema(*spec, false), error);
    SetNew(schemas, n.type + "List", ListSchema(*spec, n), error);
    Json list_parameters = ListParameters(parameters, *spec, n);
    if (spec == customer) customer_list_parameters = list_parameters;
    tags->Push(
        Obj({{"name", std::string(spec->collection)},
             {"description", std::string(spec->label) + " (" + std::string(spec->collection) +
                                 "): shapes and filters from its field table."}}));
    AddEntityPaths(out, *spec, n, list_parameters);
  }
  for (const Action& action : kActions) AddAction(out, action);
  tags->Push(Obj({{"name", "pool"},
                  {"description",
                   "公海: customers with no owner, and the rules "
                   "that recycle customers into it."}}));
  tags->Push(Obj({{"name", "schedule"}, {"description", "日程: what is due, per day."}}));
  AddPoolAndSchedulePaths(out, customer_list_parameters);

  components->Set("schemas", std::move(schemas));
  components->Set("parameters", std::move(parameters));
  if (!error.empty()) return InvalidArgumentError(error);
  return doc;
}

// Indented JSON text (2 spaces, as the hand-written base), so Redocly's
// messages point at a readable line. Scalars and keys go through Json::Dump,
// which escapes them.
void Pretty(const Json& value, int depth, std::string& out) {
  const std::string indent(static_cast<std::size_t>(depth + 1) * 2, ' ');
  const std::string close(static_cast<std::size_t>(depth) * 2, ' ');
  if (value.is_object() && !value.as_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : value.as_object()) {
      out += first ? "" : ",\n";
      first = false;
      out += indent + Json(key).Dump() + ": ";
      Pretty(member, depth + 1, out);
    }
    out += "\n" + close + "}";
  } else if (value.is_array() && !value.as_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& item : value.as_array()) {
      out += first ? "" : ",\n";
      first = false;
      out += indent;
      Pretty(item, depth + 1, out);
    }
    out += "\n" + close + "]";
  } else {
    out += value.Dump();
  }
}

int Main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: chronicle_openapi_gen BASE.json OUTPUT.json\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "chronicle_openapi_gen: cannot read %s\n", argv[1]);
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto base = ParseJson(text.str());
  if (!base.ok() || !base->is_object()) {
    std::fprintf(stderr, "chronicle_openapi_gen: %s is not a JSON object: %s\n", argv[1],
                 base.ok() ? "" : base.status().message().c_str());
    return 1;
  }
  auto doc = Generate(std::move(base).value());
  if (!doc.ok()) {
    std::fprintf(stderr, "chronicle_openapi_gen: %s\n", doc.status().message().c_str());
    return 1;
  }
  std::string out;
  Pretty(*doc, 0, out);
  out += "\n";
  const std::string tmp = std::string(argv[2]) + ".tmp";
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    file << out;
    if (!file) {
      std::fprintf(stderr, "chronicle_openapi_gen: cannot write %s\n", tmp.c_str());
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), argv[2]) != 0) {
    std::fprintf(stderr, "chronicle_openapi_gen: cannot rename %s\n", tmp.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace chronicle::openapi

int main(int argc, char** argv) {
  // A base document of an unexpected shape trips a Json accessor: report it
  // and fail the build rather than abort without a word.
  try {
    return chronicle::openapi::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chronicle_openapi_gen: %s\n", e.what());
    return 1;
  }
}
