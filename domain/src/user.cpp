#include "chronicle/domain/user.hpp"

#include <algorithm>

#include "chronicle/domain/payload.hpp"
#include "overloaded.hpp"
#include "text.hpp"

namespace chronicle::domain::user {
namespace {

Status ValidateRefs(const References& refs, bool checks_supervisor, bool checks_roles,
                    bool checks_department) {
  if (checks_department && !refs.department_exists) {
    return FieldError("department_id", "department does not exist");
  }
  if (checks_supervisor && !refs.supervisor_exists) {
    return FieldError("supervisor_id", "supervisor does not exist");
  }
  if (checks_supervisor && refs.supervisor_cycle) {
    return FailedPreconditionError("the supervisor chain would form a cycle");
  }
  if (checks_roles && !refs.roles_exist) return FieldError("role_ids", "a role does not exist");
  return Status::Ok();
}

Status ValidateName(std::string_view name) {
  if (TrimmedEmpty(name)) return FieldError("name", "name is required");
  if (Utf8Length(name) > 50) return FieldError("name", "name is longer than 50 characters");
  return Status::Ok();
}

Status ValidateGender(std::string_view gender) {
  if (gender == "male" || gender == "female" || gender == "unknown") return Status::Ok();
  return FieldError("gender", "gender must be male, female or unknown");
}

Status ValidateEmail(std::string_view email) {
  if (email.empty()) return Status::Ok();
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('.', at) == std::string_view::npos ||
      email.size() > 254) {
    return FieldError("email", "email is not a valid address");
  }
  return Status::Ok();
}

Status ValidateRoles(const std::vector<std::string>& role_ids) {
  if (role_ids.empty()) return FieldError("role_ids", "at least one role is required");
  return Status::Ok();
}

}  // namespace

Status ValidateUsername(std::string_view username) {
  const bool digits =
      std::all_of(username.begin(), username.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (username.size() != 11 || !digits || username[0] != '1') {
    return FieldError("username", "username must be an 11-digit mobile number");
  }
  return Status::Ok();
}

Status ValidatePassword(std::string_view password) {
  const std::size_t length = Utf8Length(password);
  if (length < 8) return FieldError("password", "password needs at least 8 characters");
  if (length > 128) return FieldError("password", "password is longer than 128 characters");
  return Status::Ok();
}

Result<std::vector<Event>> Decide(const State& state, const Command& command,
                                  std::int64_t /*now_ms*/) {
  return std::visit(
      Overloaded{
          [&](const Create& c) -> Result<std::vector<Event>> {
            if (state.exists) return AlreadyExistsError("user " + c.id + " already exists");
            if (!c.system_account) CHRONICLE_RETURN_IF_ERROR(ValidateUsername(c.username));
            if (c.username_taken) return AlreadyExistsError("username " + c.username + " is taken");
            CHRONICLE_RETURN_IF_ERROR(ValidateName(c.profile.name));
            CHRONICLE_RETURN_IF_ERROR(ValidateGender(c.profile.gender));
            CHRONICLE_RETURN_IF_ERROR(ValidateEmail(c.profile.email));
            if (c.profile.department_id.empty()) {
              return FieldError("department_id", "department_id is required");
            }
            CHRONICLE_RETURN_IF_ERROR(ValidateRoles(c.profile.role_ids));
            if (c.password_hash.empty()) return FieldError("password", "password is required");
            CHRONICLE_RETURN_IF_ERROR(
                ValidateRefs(c.refs, !c.profile.supervisor_id.empty(), true, true));
            return std::vector<Event>{Created{c.id, c.username, c.profile, c.password_hash}};
          },
          [&](const Update& u) -> Result<std::vector<Event>> {
            if (!state.exists) return NotFoundError("user not found");
            const ProfileChanged& c = u.changes;
            ProfileChanged effective;
            const Profile& p = state.profile;
            if (c.name && *c.name != p.name) {
              CHRONICLE_RETURN_IF_ERROR(ValidateName(*c.name));
              effective.name = c.name;
            }
            if (c.gender && *c.gender != p.gender) {
              CHRONICLE_RETURN_IF_ERROR(ValidateGender(*c.gender));
              effective.gender = c.gender;
            }
            if (c.email && *c.email != p.email) {
              CHRONICLE_RETURN_IF_ERROR(ValidateEmail(*c.email));
              effective.email = c.email;
            }
            if (c.department_id && *c.department_id != p.department_id) {
              if (c.department_id->empty())
                return FieldError("department_id", "department_id is required");
              effective.department_id = c.department_id;
            }
            if (c.position && *c.position != p.position) effective.position = c.position;
            if (c.supervisor_id && *c.supervisor_id != p.supervisor_id) {
              if (*c.supervisor_id == state.id) {
                return FailedPreconditionError("a user cannot supervise themselves");
              }
              effective.supervisor_id = c.supervisor_id;
            }
            if (c.role_ids && *c.role_ids != p.role_ids) {
              CHRONICLE_RETURN_IF_ERROR(ValidateRoles(*c.role_ids));
              effective.role_ids = c.role_ids;
            }
            CHRONICLE_RETURN_IF_ERROR(ValidateRefs(
                u.refs, effective.supervisor_id.has_value() && !effective.supervisor_id->empty(),
                effective.role_ids.has_value(), effective.department_id.has_value()));
            const bool changed = effective.name || effective.gender || effective.email ||
                                 effective.department_id || effective.position ||
                                 effective.supervisor_id || effective.role_ids;
            if (!changed) return std::vector<Event>{};
            return std::vector<Event>{effective};
          },
          [&](const Disable&) -> Result<std::vector<Event>> {
            if (!state.exists) return NotFoundError("user not found");
            if (state.disabled) return std::vector<Event>{};
            return std::vector<Event>{Disabled{}};
          },
          [&](const Enable&) -> Result<std::vector<Event>> {
            if (!state.exists) return NotFoundError("user not found");
            if (!state.disabled) return std::vector<Event>{};
            return std::vector<Event>{Enabled{}};
          },
          [&](const SetPassword& s) -> Result<std::vector<Event>> {
            if (!state.exists) return NotFoundError("user not found");
            if (s.password_hash.empty()) return FieldError("password", "password is required");
            return std::vector<Event>{PasswordSet{s.password_hash, s.by_admin}};
          },
      },
      command);
}

State Evolve(State state, const Event& event) {
  std::visit(Overloaded{
                 [&](const Created& e) {
                   state.exists = true;
                   state.id = e.id;
                   state.username = e.username;
                   state.profile = e.profile;
                   state.password_hash = e.password_hash;
                 },
                 [&](const ProfileChanged& e) {
                   Profile& p = state.profile;
                   if (e.name) p.name = *e.name;
                   if (e.gender) p.gender = *e.gender;
                   if (e.email) p.email = *e.email;
                   if (e.department_id) p.department_id = *e.department_id;
                   if (e.position) p.position = *e.position;
                   if (e.supervisor_id) p.supervisor_id = *e.supervisor_id;
                   if (e.role_ids) p.role_ids = *e.role_ids;
                 },
                 [&](const Disabled&) { state.disabled = true; },
                 [&](const Enabled&) { state.disabled = false; },
                 [&](const PasswordSet& e) { state.password_hash = e.password_hash; },
             },
             event);
  return state;
}

std::string_view EventType(const Event& event) {
  return std::visit(Overloaded{
                        [](const Created&) { return "UserCreated"; },
                        [](const ProfileChanged&) { return "UserProfileChanged"; },
                        [](const Disabled&) { return "UserDisabled"; },
                        [](const Enabled&) { return "UserEnabled"; },
                        [](const PasswordSet&) { return "UserPasswordSet"; },
                    },
                    event);
}

namespace {

void WriteProfile(Json& out, const Profile& p) {
  out.Set("name", p.name);
  out.Set("gender", p.gender);
  out.Set("email", p.email);
  out.Set("department_id", p.department_id);
  out.Set("position", p.position);
  out.Set("supervisor_id", payload::NullableString(p.supervisor_id));
  out.Set("role_ids", payload::StringArray(p.role_ids));
}

std::optional<std::string> OptionalString(const Json& p, std::string_view key) {
  if (!payload::Has(p, key)) return std::nullopt;
  return payload::String(p, key);
}

}  // namespace

Json EncodeEvent(const Event& event) {
  Json out = Json::MakeObject();
  std::visit(Overloaded{
                 [&](const Created& e) {
                   out.Set("id", e.id);
                   out.Set("username", e.username);
                   WriteProfile(out, e.profile);
                   out.Set("password_hash", e.password_hash);
                 },
                 [&](const ProfileChanged& e) {
                   if (e.name) out.Set("name", *e.name);
                   if (e.gender) out.Set("gender", *e.gender);
                   if (e.email) out.Set("email", *e.email);
                   if (e.department_id) out.Set("department_id", *e.department_id);
                   if (e.position) out.Set("position", *e.position);
                   if (e.supervisor_id)
                     out.Set("supervisor_id", payload::NullableString(*e.supervisor_id));
                   if (e.role_ids) out.Set("role_ids", payload::StringArray(*e.role_ids));
                 },
                 [&](const Disabled&) {},
                 [&](const Enabled&) {},
                 [&](const PasswordSet& e) {
                   out.Set("password_hash", e.password_hash);
                   out.Set("by_admin", e.by_admin);
                 },
             },
             event);
  return out;
}

Result<Event> DecodeEvent(std::string_view type, const Json& p) {
  using payload::String;
  if (type == "UserCreated") {
    Profile profile{String(p, "name"),
                    String(p, "gender"),
                    String(p, "email"),
                    String(p, "department_id"),
                    String(p, "position"),
                    String(p, "supervisor_id"),
                    payload::Strings(p, "role_ids")};
    if (profile.gender.empty()) profile.gender = "unknown";
    return Event{Created{String(p, "id"), String(p, "username"), std::move(profile),
                         String(p, "password_hash")}};
  }
  if (type == "UserProfileChanged") {
    ProfileChanged e;
    e.name = OptionalString(p, "name");
    e.gender = OptionalString(p, "gender");
    e.email = OptionalString(p, "email");
    e.department_id = OptionalString(p, "department_id");
    e.position = OptionalString(p, "position");
    e.supervisor_id = OptionalString(p, "supervisor_id");
    if (payload::Has(p, "role_ids")) e.role_ids = payload::Strings(p, "role_ids");
    return Event{std::move(e)};
  }
  if (type == "UserDisabled") return Event{Disabled{}};
  if (type == "UserEnabled") return Event{Enabled{}};
  if (type == "UserPasswordSet") {
    return Event{PasswordSet{String(p, "password_hash"), payload::Bool(p, "by_admin")}};
  }
  return InvalidArgumentError("unknown user event type " + std::string(type));
}

Json ToJson(const State& state) {
  Json out = Json::MakeObject();
  out.Set("username", state.username);
  WriteProfile(out, state.profile);
  out.Set("status", state.disabled ? "disabled" : "active");
  return out;
}

Json Snapshot(const State& state) {
  Json out = ToJson(state);
  out.Set("id", state.id);
  out.Set("exists", state.exists);
  out.Set("password_hash", state.password_hash);
  return out;
}

State Restore(const Json& s) {
  using payload::String;
  State state;
  state.exists = payload::Bool(s, "exists");
  state.id = String(s, "id");
  state.username = String(s, "username");
  state.profile = Profile{String(s, "name"),
                          String(s, "gender"),
                          String(s, "email"),
                          String(s, "department_id"),
                          String(s, "position"),
                          String(s, "supervisor_id"),
                          payload::Strings(s, "role_ids")};
  state.disabled = String(s, "status") == "disabled";
  state.password_hash = String(s, "password_hash");
  return state;
}

}  // namespace chronicle::domain::user
