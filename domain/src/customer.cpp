// 客户: transfer, lock, team.
#include "chronicle/base/time.hpp"
#include "chronicle/domain/lifecycle.hpp"

namespace chronicle::domain::customer {
namespace {

Status CheckLive(const record::State& state) {
  if (!state.exists || state.deleted) return NotFoundError("customer not found");
  return Status::Ok();
}

record::Event Action(std::string action) {
  record::Event e;
  e.action = std::move(action);
  return e;
}

Json TeamWithout(const Json& team, std::string_view user_id) {
  Json out = Json::MakeArray();
  if (!team.is_array()) return out;
  for (const auto& member : team.as_array()) {
    const Json* id = member.Find("user_id");
    if (id != nullptr && id->is_string() && id->as_string() == user_id) continue;
    out.Push(member);
  }
  return out;
}

Json Member(const std::string& user_id, const std::string& access, const Json& expires_at) {
  Json m = Json::MakeObject();
  m.Set("user_id", user_id);
  m.Set("access", access);
  m.Set("expires_at", expires_at);
  return m;
}

}  // namespace

const EntitySpec& Spec() { return *FindEntityByName("customer"); }

Result<std::vector<record::Event>> DecideTransfer(const record::State& state, const Transfer& c) {
  CHRONICLE_RETURN_IF_ERROR(CheckLive(state));
  const std::string old_owner = record::StringField(state, "owner_id");
  if (old_owner.empty()) {
    return FailedPreconditionError("the customer is in the public pool: assign it instead");
  }
  if (c.owner_id.empty()) return FieldError("owner_id", "owner_id is required");
  if (!c.owner_exists) return FieldError("owner_id", "user " + c.owner_id + " does not exist");
  if (c.keep_old_owner_as != "none" && c.keep_old_owner_as != "read" &&
      c.keep_old_owner_as != "write") {
    return FieldError("keep_old_owner_as", "keep_old_owner_as must be none, read or write");
  }
  if (c.owner_id == old_owner) return std::vector<record::Event>{};
  Json team = TeamWithout(record::Field(state, "team"), c.owner_id);
  if (c.keep_old_owner_as != "none") {
    team = TeamWithout(team, old_owner);
    team.Push(Member(old_owner, c.keep_old_owner_as, nullptr));
  }
  record::Event e = Action("Transferred");
  e.set.Set("owner_id", c.owner_id);
  e.set.Set("owned_since", FormatTimestamp(c.now_ns));
  e.set.Set("team", std::move(team));
  e.info.Set("previous_owner_id", old_owner);
  return std::vector<record::Event>{std::move(e)};
}

Result<std::vector<record::Event>> DecideLock(const record::State& state, bool locked) {
  CHRONICLE_RETURN_IF_ERROR(CheckLive(state));
  const Json& current = record::Field(state, "locked");
  if ((current.is_bool() && current.as_bool()) == locked) return std::vector<record::Event>{};
  record::Event e = Action(locked ? "Locked" : "Unlocked");
  e.set.Set("locked", locked);
  return std::vector<record::Event>{std::move(e)};
}

Result<std::vector<record::Event>> DecideTeamAdd(const record::State& state, const TeamAdd& c,
                                                 std::int64_t now_ns) {
  CHRONICLE_RETURN_IF_ERROR(CheckLive(state));
  if (c.user_id.empty()) return FieldError("user_id", "user_id is required");
  if (!c.user_exists) return FieldError("user_id", "user " + c.user_id + " does not exist");
  if (c.access != "read" && c.access != "write") {
    return FieldError("access", "access must be read or write");
  }
  if (c.user_id == record::StringField(state, "owner_id")) {
    return FieldError("user_id", "the owner is not a team member");
  }
  if (c.expires_at_ns && *c.expires_at_ns <= now_ns) {
    return FieldError("expires_at", "expires_at must be in the future");
  }
  Json team = TeamWithout(record::Field(state, "team"), c.user_id);
  team.Push(Member(c.user_id, c.access,
                   c.expires_at_ns ? Json(FormatTimestamp(*c.expires_at_ns)) : Json(nullptr)));
  record::Event e = Action("TeamMemberAdded");
  e.set.Set("team", std::move(team));
  e.info.Set("user_id", c.user_id);
  return std::vector<record::Event>{std::move(e)};
}

Result<std::vector<record::Event>> DecideTeamRemove(const record::State& state,
                                                    const std::string& user_id) {
  CHRONICLE_RETURN_IF_ERROR(CheckLive(state));
  if (user_id.empty()) return FieldError("user_id", "user_id is required");
  const Json& team = record::Field(state, "team");
  Json rest = TeamWithout(team, user_id);
  if (team.is_array() && rest.as_array().size() == team.as_array().size()) {
    return NotFoundError("user " + user_id + " is not on the team");
  }
  record::Event e = Action("TeamMemberRemoved");
  e.set.Set("team", std::move(rest));
  e.info.Set("user_id", user_id);
  return std::vector<record::Event>{std::move(e)};
}

std::string TeamAccess(const Json& team, std::string_view user_id, std::int64_t now_ns) {
  if (!team.is_array()) return "";
  for (const auto& member : team.as_array()) {
    const Json* id = member.Find("user_id");
    if (id == nullptr || !id->is_string() || id->as_string() != user_id) continue;
    if (const Json* expires = member.Find("expires_at");
        expires != nullptr && expires->is_string()) {
      auto t = ParseTimestamp(expires->as_string());
      if (t && *t <= now_ns) return "";
    }
    const Json* access = member.Find("access");
    return access != nullptr && access->is_string() ? access->as_string() : "read";
  }
  return "";
}

}  // namespace chronicle::domain::customer
