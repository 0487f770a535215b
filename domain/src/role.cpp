#include "chronicle/domain/role.hpp"

#include <algorithm>

#include "chronicle/domain/payload.hpp"
#include "overloaded.hpp"
#include "text.hpp"

namespace chronicle::domain::role {
namespace {

Status ValidateName(std::string_view name) {
  if (TrimmedEmpty(name)) return FieldError("name", "name is required");
  if (Utf8Length(name) > 50) return FieldError("name", "name is longer than 50 characters");
  return Status::Ok();
}

Status ValidatePermissions(const std::vector<std::string>& permissions) {
  for (const auto& p : permissions) {
    if (!IsKnownPermission(p)) return FieldError("permissions", "unknown permission '" + p + "'");
  }
  return Status::Ok();
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

Result<std::vector<Event>> Decide(const State& state, const Command& command,
                                  std::int64_t /*now_ms*/) {
  return std::visit(
      Overloaded{
          [&](const Create& c) -> Result<std::vector<Event>> {
            if (state.exists) return AlreadyExistsError("role " + c.id + " already exists");
            CHRONICLE_RETURN_IF_ERROR(ValidateName(c.name));
            if (c.name_taken) return AlreadyExistsError("a role named '" + c.name + "' exists");
            CHRONICLE_RETURN_IF_ERROR(ValidatePermissions(c.permissions));
            return std::vector<Event>{
                Created{c.id, c.name, Sorted(c.permissions), c.data_scope, c.builtin}};
          },
          [&](const Update& u) -> Result<std::vector<Event>> {
            if (!state.exists || state.deleted) return NotFoundError("role not found");
            if (state.builtin) return FailedPreconditionError("the built-in role cannot be edited");
            Changed effective;
            if (u.changes.name && *u.changes.name != state.name) {
              CHRONICLE_RETURN_IF_ERROR(ValidateName(*u.changes.name));
              if (u.name_taken)
                return AlreadyExistsError("a role named '" + *u.changes.name + "' exists");
              effective.name = u.changes.name;
            }
            if (u.changes.permissions) {
              CHRONICLE_RETURN_IF_ERROR(ValidatePermissions(*u.changes.permissions));
              auto sorted = Sorted(*u.changes.permissions);
              if (sorted != state.permissions) effective.permissions = std::move(sorted);
            }
            if (u.changes.data_scope && *u.changes.data_scope != state.data_scope) {
              effective.data_scope = u.changes.data_scope;
            }
            if (!effective.name && !effective.permissions && !effective.data_scope) {
              return std::vector<Event>{};
            }
            return std::vector<Event>{effective};
          },
          [&](const Delete& d) -> Result<std::vector<Event>> {
            if (!state.exists || state.deleted) return NotFoundError("role not found");
            if (state.builtin)
              return FailedPreconditionError("the built-in role cannot be removed");
            if (d.assigned) return FailedPreconditionError("the role is still assigned to users");
            return std::vector<Event>{Deleted{}};
          },
      },
      command);
}

State Evolve(State state, const Event& event) {
  std::visit(Overloaded{
                 [&](const Created& e) {
                   state.exists = true;
                   state.id = e.id;
                   state.name = e.name;
                   state.permissions = e.permissions;
                   state.data_scope = e.data_scope;
                   state.builtin = e.builtin;
                 },
                 [&](const Changed& e) {
                   if (e.name) state.name = *e.name;
                   if (e.permissions) state.permissions = *e.permissions;
                   if (e.data_scope) state.data_scope = *e.data_scope;
                 },
                 [&](const Deleted&) { state.deleted = true; },
             },
             event);
  return state;
}

std::string_view EventType(const Event& event) {
  return std::visit(Overloaded{
                        [](const Created&) { return "RoleCreated"; },
                        [](const Changed&) { return "RoleChanged"; },
                        [](const Deleted&) { return "RoleDeleted"; },
                    },
                    event);
}

Json EncodeEvent(const Event& event) {
  Json out = Json::MakeObject();
  std::visit(Overloaded{
                 [&](const Created& e) {
                   out.Set("id", e.id);
                   out.Set("name", e.name);
                   out.Set("permissions", payload::StringArray(e.permissions));
                   out.Set("data_scope", DataScopeName(e.data_scope));
                   out.Set("builtin", e.builtin);
                 },
                 [&](const Changed& e) {
                   if (e.name) out.Set("name", *e.name);
                   if (e.permissions) out.Set("permissions", payload::StringArray(*e.permissions));
                   if (e.data_scope) out.Set("data_scope", DataScopeName(*e.data_scope));
                 },
                 [&](const Deleted&) {},
             },
             event);
  return out;
}

Result<Event> DecodeEvent(std::string_view type, const Json& p) {
  using payload::String;
  auto scope = [&p]() {
    return ParseDataScope(String(p, "data_scope")).value_or(DataScope::kSelf);
  };
  if (type == "RoleCreated") {
    return Event{Created{String(p, "id"), String(p, "name"), payload::Strings(p, "permissions"),
                         scope(), payload::Bool(p, "builtin")}};
  }
  if (type == "RoleChanged") {
    Changed e;
    if (payload::Has(p, "name")) e.name = String(p, "name");
    if (payload::Has(p, "permissions")) e.permissions = payload::Strings(p, "permissions");
    if (payload::Has(p, "data_scope")) e.data_scope = scope();
    return Event{std::move(e)};
  }
  if (type == "RoleDeleted") return Event{Deleted{}};
  return InvalidArgumentError("unknown role event type " + std::string(type));
}

Json ToJson(const State& state) {
  Json out = Json::MakeObject();
  out.Set("name", state.name);
  out.Set("permissions", payload::StringArray(state.permissions));
  out.Set("data_scope", DataScopeName(state.data_scope));
  out.Set("builtin", state.builtin);
  return out;
}

Json Snapshot(const State& state) {
  Json out = ToJson(state);
  out.Set("id", state.id);
  out.Set("exists", state.exists);
  out.Set("deleted", state.deleted);
  return out;
}

State Restore(const Json& s) {
  State state;
  state.exists = payload::Bool(s, "exists");
  state.deleted = payload::Bool(s, "deleted");
  state.id = payload::String(s, "id");
  state.name = payload::String(s, "name");
  state.permissions = payload::Strings(s, "permissions");
  state.data_scope = ParseDataScope(payload::String(s, "data_scope")).value_or(DataScope::kSelf);
  state.builtin = payload::Bool(s, "builtin");
  return state;
}

}  // namespace chronicle::domain::role
