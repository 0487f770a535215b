#include "chronicle/domain/department.hpp"

#include "chronicle/domain/payload.hpp"
#include "overloaded.hpp"
#include "text.hpp"

namespace chronicle::domain::department {
namespace {

Status ValidateName(const std::string& name) {
  if (TrimmedEmpty(name)) return FieldError("name", "name is required");
  if (Utf8Length(name) > 100) return FieldError("name", "name is longer than 100 characters");
  return Status::Ok();
}

}  // namespace

Result<std::vector<Event>> Decide(const State& state, const Command& command,
                                  std::int64_t /*now_ms*/) {
  return std::visit(
      Overloaded{
          [&](const Create& c) -> Result<std::vector<Event>> {
            if (state.exists) return AlreadyExistsError("department " + c.id + " already exists");
            CHRONICLE_RETURN_IF_ERROR(ValidateName(c.name));
            if (c.parent_id.empty()) {
              if (c.top_exists) return FieldError("parent_id", "parent_id is required");
            } else if (!c.parent_exists) {
              return FieldError("parent_id",
                                "parent department " + c.parent_id + " does not exist");
            } else if (c.parent_depth + 1 > kMaxDepth) {
              return FieldError("parent_id", "departments nest at most " +
                                                 std::to_string(kMaxDepth) + " levels deep");
            }
            return std::vector<Event>{Created{c.id, c.name, c.parent_id, c.sort}};
          },
          [&](const Update& u) -> Result<std::vector<Event>> {
            if (!state.exists || state.deleted) return NotFoundError("department not found");
            std::vector<Event> events;
            if (u.name && *u.name != state.name) {
              CHRONICLE_RETURN_IF_ERROR(ValidateName(*u.name));
              events.emplace_back(Renamed{*u.name});
            }
            if (u.parent_id && *u.parent_id != state.parent_id) {
              if (state.parent_id.empty()) {
                return FailedPreconditionError("the top department cannot be moved");
              }
              if (u.parent_id->empty()) return FieldError("parent_id", "parent_id is required");
              if (!u.parent_exists) {
                return FieldError("parent_id",
                                  "parent department " + *u.parent_id + " does not exist");
              }
              if (u.parent_is_self_or_descendant) {
                return FailedPreconditionError(
                    "a department cannot move under itself or its own sub-department");
              }
              if (u.parent_depth + u.subtree_height > kMaxDepth) {
                return FieldError("parent_id", "departments nest at most " +
                                                   std::to_string(kMaxDepth) + " levels deep");
              }
              events.emplace_back(Moved{*u.parent_id});
            }
            if (u.sort && *u.sort != state.sort) events.emplace_back(Resorted{*u.sort});
            return events;
          },
          [&](const Delete& d) -> Result<std::vector<Event>> {
            if (!state.exists || state.deleted) return NotFoundError("department not found");
            if (state.parent_id.empty())
              return FailedPreconditionError("the top department cannot be deleted");
            if (d.has_children)
              return FailedPreconditionError("the department still has sub-departments");
            if (d.has_users) return FailedPreconditionError("the department still has users");
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
                   state.parent_id = e.parent_id;
                   state.sort = e.sort;
                 },
                 [&](const Renamed& e) { state.name = e.name; },
                 [&](const Moved& e) { state.parent_id = e.parent_id; },
                 [&](const Resorted& e) { state.sort = e.sort; },
                 [&](const Deleted&) { state.deleted = true; },
             },
             event);
  return state;
}

std::string_view EventType(const Event& event) {
  return std::visit(Overloaded{
                        [](const Created&) { return "DepartmentCreated"; },
                        [](const Renamed&) { return "DepartmentRenamed"; },
                        [](const Moved&) { return "DepartmentMoved"; },
                        [](const Resorted&) { return "DepartmentResorted"; },
                        [](const Deleted&) { return "DepartmentDeleted"; },
                    },
                    event);
}

Json EncodeEvent(const Event& event) {
  Json out = Json::MakeObject();
  std::visit(Overloaded{
                 [&](const Created& e) {
                   out.Set("id", e.id);
                   out.Set("name", e.name);
                   out.Set("parent_id", payload::NullableString(e.parent_id));
                   out.Set("sort", e.sort);
                 },
                 [&](const Renamed& e) { out.Set("name", e.name); },
                 [&](const Moved& e) { out.Set("parent_id", e.parent_id); },
                 [&](const Resorted& e) { out.Set("sort", e.sort); },
                 [&](const Deleted&) {},
             },
             event);
  return out;
}

Result<Event> DecodeEvent(std::string_view type, const Json& p) {
  using payload::Int;
  using payload::String;
  if (type == "DepartmentCreated") {
    return Event{
        Created{String(p, "id"), String(p, "name"), String(p, "parent_id"), Int(p, "sort")}};
  }
  if (type == "DepartmentRenamed") return Event{Renamed{String(p, "name")}};
  if (type == "DepartmentMoved") return Event{Moved{String(p, "parent_id")}};
  if (type == "DepartmentResorted") return Event{Resorted{Int(p, "sort")}};
  if (type == "DepartmentDeleted") return Event{Deleted{}};
  return InvalidArgumentError("unknown department event type " + std::string(type));
}

Json ToJson(const State& state) {
  Json out = Json::MakeObject();
  out.Set("name", state.name);
  out.Set("parent_id", payload::NullableString(state.parent_id));
  out.Set("sort", state.sort);
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
  state.parent_id = payload::String(s, "parent_id");
  state.sort = payload::Int(s, "sort");
  return state;
}

}  // namespace chronicle::domain::department
