#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/domain/fields.hpp"

// A record of an entity declared by a field table (lead, customer, contact,
// follow-up, ...). Every event of such a record has one shape: an action
// name and the field values it sets, plus what explains it (`info`: the
// pool rule and its version, the lead it was converted from, ...). So one
// Evolve serves every entity, and the history of any record is the diff of
// its fields; the business actions that decide which fields to set stay
// hand-written per aggregate (lead.cpp, customer.cpp, ...).
namespace chronicle::domain::record {

// Actions every entity has.
inline constexpr std::string_view kCreated = "Created";
inline constexpr std::string_view kUpdated = "Updated";
inline constexpr std::string_view kDeleted = "Deleted";
inline constexpr std::string_view kRestored = "Restored";

struct State {
  bool exists = false;
  bool deleted = false;
  std::string id;
  Json fields = Json::MakeObject();  // the table's fields (+ "custom"), absent = null
};

struct Event {
  std::string action;              // "Created", "Transferred", "Recycled", ...
  Json set = Json::MakeObject();   // field -> new value (null clears); "custom" merges by key
  Json info = Json::MakeObject();  // why: {"rule_version": 3, "reason": "no_follow_up"}, ...
};

// EntitySpec.event_prefix + action: "CustomerTransferred".
std::string EventType(const EntitySpec& spec, const Event& event);
// {"set": {...}, "info": {...}} (info omitted when empty).
Json EncodeEvent(const Event& event);
// kInvalidArgument when `type` is not spec's prefix followed by an action.
Result<Event> DecodeEvent(const EntitySpec& spec, std::string_view type, const Json& payload);

// Created: the fields are `set` (and `id` from info.id); Deleted / Restored
// flip `deleted`; every other action merges `set` into the fields ("custom"
// merged key by key; a null value clears).
State Evolve(State state, const Event& event);

// Field value of the state, null when absent.
const Json& Field(const State& state, std::string_view name);
std::string StringField(const State& state, std::string_view name);

// The resource body's own fields, in table order, then "custom" when the
// entity has custom fields. Derived fields are left to the read side.
Json ToJson(const EntitySpec& spec, const State& state);

// A new owner for an owned record: kInvalidArgument on owner_id when it is
// missing or unknown; no event when it is the owner already; else
// "Transferred" naming the previous owner. Entity rules are checked first
// by the caller (a converted lead cannot be transferred).
Result<std::vector<Event>> DecideOwnerChange(const State& state, const std::string& owner_id,
                                             bool owner_exists);

// ---- Generic commands (create / update / delete / restore) -------------------
struct Create {
  std::string id;
  Json values;  // validated by ValidateCreate
  std::string actor;
};
struct Update {
  Json changes;  // validated by ValidatePatch: only the fields that change
};
struct Delete {
  bool has_dependents = false;  // e.g. a customer with contracts
  std::string dependents = {};  // what, for the message
};
struct Restore {
  bool name_taken = false;  // a unique field is now held by another live record
};

// The generic decisions; entity rules (a converted lead is read-only, ...)
// are checked by the caller through the aggregate's own Decide first.
Result<std::vector<Event>> DecideCreate(const State& state, const Create& command);
Result<std::vector<Event>> DecideUpdate(const State& state, const Update& command);
Result<std::vector<Event>> DecideDelete(const State& state, const Delete& command);
Result<std::vector<Event>> DecideRestore(const State& state, const Restore& command);

}  // namespace chronicle::domain::record
