// Organisation commands: departments, users, roles. Each handler turns the
// request into a domain command (with facts from the directory), runs it
// through the command pipeline, and answers with the record as it now is.
#include <chrono>

#include "body.hpp"
#include "chronicle/base/time.hpp"
#include "chronicle/base/uuid.hpp"
#include "chronicle/domain/payload.hpp"
#include "command_pipeline.hpp"
#include "request_parsing.hpp"
#include "routes.hpp"

namespace chronicle::api {
namespace {

using projections::EntityKind;
using projections::RecordView;

struct Command {
  ApiContext& ctx;
  const Request& request;
  Caller caller;
};

// Runs a command and renders the outcome: 201 + Location for creates.
template <class Aggregate>
Result<Response> Execute(
    Command& c, const EntityKind& kind, const std::string& id, bool create,
    const std::function<Result<typename Aggregate::Command>(const typename Aggregate::State&)>&
        make) {
  std::optional<std::uint64_t> if_match;
  if (!create) {
    CHRONICLE_ASSIGN_OR_RETURN(if_match, ParseIfMatch(c.request.Header("if-match")));
  }
  const auto started = std::chrono::steady_clock::now();
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome, RunCommand<Aggregate>(c.ctx.store, projections::StreamOf(kind, id), if_match,
                                          make, MetadataOf(c.caller, c.request)));
  c.ctx.metrics.ObserveCommand(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  CHRONICLE_ASSIGN_OR_RETURN(auto view, LoadView(c.ctx, kind, id, outcome.position,
                                                 std::numeric_limits<std::int64_t>::max()));
  Response r = RecordResponse(create ? 201 : 200, kind, view, outcome.position);
  if (create) r.SetHeader("Location", "/api/v1/" + std::string(kind.collection) + "/" + id);
  return r;
}

Command Begin(ApiContext& ctx, const Call& call) {
  CatchUpReadModels(ctx);
  return Command{ctx, call.request, call.who()};
}

std::string NewId() { return NewUuidV7(NowNs() / 1'000'000).ToString(); }

Response NoContent(std::uint64_t position) {
  Response r;
  r.status = 204;
  r.content_type = "application/json";
  r.SetHeader("X-Position", std::to_string(position));
  return r;
}

// ---- departments -----------------------------------------------------------

Result<Response> CreateDepartment(ApiContext& ctx, const Call& call) {
  const Request& request = call.request;
  Command c = Begin(ctx, call);
  CHRONICLE_ASSIGN_OR_RETURN(Body body, Body::Parse(request.body, {"name", "parent_id", "sort"}));
  CHRONICLE_ASSIGN_OR_RETURN(std::string name, body.RequiredString("name"));
  CHRONICLE_ASSIGN_OR_RETURN(std::string parent, body.RequiredString("parent_id"));
  CHRONICLE_ASSIGN_OR_RETURN(auto sort, body.OptionalInt("sort"));
  // A department is created inside a department the caller may see.
  if (ctx.directory.DepartmentExists(parent) &&
      !domain::InScope(c.caller.principal, {"", parent})) {
    return PermissionDeniedError("the parent department is outside your data scope");
  }
  const std::string id = NewId();
  domain::department::Create cmd{id,
                                 name,
                                 parent,
                                 sort.value_or(0),
                                 ctx.directory.DepartmentExists(parent),
                                 true,
                                 ctx.directory.DepartmentDepth(parent)};
  return Execute<DepartmentAggregate>(c, ctx.directory.departments(), id, true, [&](const auto&) {
    return domain::department::Command{cmd};
  });
}

Result<Response> UpdateDepartment(ApiContext& ctx, const Call& call) {
  const Request& request = call.request;
  const std::string& id = call.param("id");
  Command c = Begin(ctx, call);
  CHRONICLE_RETURN_IF_ERROR(VisibleRecord(ctx, c.caller, ctx.directory.departments(), id).status());
  CHRONICLE_ASSIGN_OR_RETURN(Body body, Body::Parse(request.body, {"name", "parent_id", "sort"}));
  domain::department::Update cmd;
  CHRONICLE_ASSIGN_OR_RETURN(cmd.name, body.OptionalString("name"));
  if (body.IsNull("name")) return FieldError("name", "name cannot be null");
  CHRONICLE_ASSIGN_OR_RETURN(cmd.parent_id, body.OptionalString("parent_id"));
  CHRONICLE_ASSIGN_OR_RETURN(cmd.sort, body.OptionalInt("sort"));
  if (cmd.parent_id && !cmd.parent_id->empty()) {
    cmd.parent_exists = ctx.directory.DepartmentExists(*cmd.parent_id);
    // A move needs both ends in scope: the department (checked above) and its new parent.
    if (cmd.parent_exists && !domain::InScope(c.caller.principal, {"", *cmd.parent_id})) {
      return PermissionDeniedError("the new parent department is outside your data scope");
    }
    cmd.parent_is_self_or_descendant = ctx.directory.IsSelfOrDescendant(id, *cmd.parent_id);
    cmd.parent_depth = ctx.directory.DepartmentDepth(*cmd.parent_id);
    cmd.subtree_height = ctx.directory.SubtreeHeight(id);
  }
  return Execute<DepartmentAggregate>(c, ctx.directory.departments(), id, false, [&](const auto&) {
    return domain::department::Command{cmd};
  });
}

Result<Response> DeleteDepartment(ApiContext& ctx, const Call& call) {
  const Request& request = call.request;
  const std::string& id = call.param("id");
  Command c = Begin(ctx, call);
  CHRONICLE_RETURN_IF_ERROR(VisibleRecord(ctx, c.caller, ctx.directory.departments(), id).status());
  CHRONICLE_ASSIGN_OR_RETURN(auto if_match, ParseIfMatch(request.Header("if-match")));
  domain::department::Delete cmd{ctx.directory.HasSubDepartments(id), ctx.directory.HasUsers(id)};
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome, RunCommand<DepartmentAggregate>(
                        ctx.store, projections::StreamOf(ctx.directory.departments(), id), if_match,
                        [&](const auto&) { return domain::department::Command{cmd}; },
                        MetadataOf(c.caller, request)));
  return NoContent(outcome.position);
}

// The visible part of the department tree, in one pass over the
// departments (children indexed by parent) and bounded by the depth cap.
Json TreeOf(ApiContext& ctx, const Caller& caller) {
  const auto& kind = ctx.directory.departments();
  const auto all = ctx.records.List(kind);
  std::multimap<std::string, const RecordView*> children;
  for (const auto& view : all) {
    if (!view.exists() || kind.deleted(view.snapshot)) continue;
    children.emplace(domain::payload::String(view.snapshot, "parent_id"), &view);
  }
  std::function<Json(const RecordView&, std::size_t)> node = [&](const RecordView& view,
                                                                 std::size_t depth) {
    Json out = projections::RenderRecord(kind, view);
    Json list = Json::MakeArray();
    if (depth < domain::department::kMaxDepth) {
      auto [begin, end] = children.equal_range(view.id);
      for (auto it = begin; it != end; ++it) list.Push(node(*it->second, depth + 1));
    }
    out.Set("children", std::move(list));
    return out;
  };
  // The tree below every visible department whose parent is not visible.
  Json roots = Json::MakeArray();
  for (const auto& view : all) {
    if (!view.exists() || kind.deleted(view.snapshot)) continue;
    if (!domain::InScope(caller.principal, {"", view.id})) continue;
    const std::string parent = domain::payload::String(view.snapshot, "parent_id");
    if (!parent.empty() && domain::InScope(caller.principal, {"", parent})) continue;
    roots.Push(node(view, 1));
  }
  return roots;
}

// ---- users -----------------------------------------------------------------

Result<domain::user::References> ReferencesOf(ApiContext& ctx, const std::string& user_id,
                                              const domain::user::ProfileChanged& p) {
  domain::user::References refs;
  if (p.department_id && !p.department_id->empty()) {
    refs.department_exists = ctx.directory.DepartmentExists(*p.department_id);
  }
  if (p.supervisor_id && !p.supervisor_id->empty()) {
    refs.supervisor_exists = ctx.directory.UserExists(*p.supervisor_id);
    refs.supervisor_cycle =
        !user_id.empty() && ctx.directory.SupervisorCycle(user_id, *p.supervisor_id);
  }
  if (p.role_ids) refs.roles_exist = ctx.directory.RolesExist(*p.role_ids);
  return refs;
}

Result<domain::user::ProfileChanged> ProfileFields(const Body& body) {
  domain::user::ProfileChanged p;
  CHRONICLE_ASSIGN_OR_RETURN(p.name, body.OptionalString("name"));
  CHRONICLE_ASSIGN_OR_RETURN(p.gender, body.OptionalString("gender"));
  CHRONICLE_ASSIGN_OR_RETURN(p.email, body.OptionalString("email"));
  CHRONICLE_ASSIGN_OR_RETURN(p.department_id, body.OptionalString("department_id"));
  CHRONICLE_ASSIGN_OR_RETURN(p.position, body.OptionalString("position"));
  CHRONICLE_ASSIGN_OR_RETURN(p.supervisor_id, body.OptionalString("supervisor_id"));
  CHRONICLE_ASSIGN_OR_RETURN(p.role_ids, body.OptionalStrings("role_ids"));
  if (body.IsNull("role_ids")) return FieldError("role_ids", "role_ids cannot be null");
  if (body.IsNull("department_id"))
    return FieldError("department_id", "department_id cannot be null");
  return p;
}

Status CheckDepartmentInScope(const Caller& caller, const std::optional<std::string>& department,
                              const std::string& user_id) {
  if (!department) return Status::Ok();
  if (!domain::InScope(caller.principal, {user_id, *department}) &&
      !domain::InScope(caller.principal, {"", *department})) {
    return PermissionDeniedError("the department is outside your data scope");
  }
  return Status::Ok();
}

// Every role in `role_ids` must be one the caller may grant (unknown ids are
// left to the domain's existence check: 422).
Status CheckGrantable(ApiContext& ctx, const Caller& caller,
                      const std::vector<std::string>& role_ids) {
  for (const auto& role_id : role_ids) {
    if (auto rights = ctx.directory.RoleRightsOf(role_id)) {
      CHRONICLE_RETURN_IF_ERROR(domain::MayGrant(caller.principal, *rights));
    }
  }
  return Status::Ok();
}

domain::UserTarget TargetOf(ApiContext& ctx, const std::string& user_id) {
  return {user_id, ctx.directory.IsSuperAdmin(user_id)};
}

Result<Response> CreateUser(ApiContext& ctx, const Call& call) {
  const Request& request = call.request;
  Command c = Begin(ctx, call);
  CHRONICLE_ASSIGN_OR_RETURN(
      Body body,
      Body::Parse(request.body, {"username", "password", "name", "gender", "email", "department_id",
                                 "position", "supervisor_id", "role_ids", "status"}));
  CHRONICLE_ASSIGN_OR_RETURN(std::string username, body.RequiredString("username"));
  CHRONICLE_ASSIGN_OR_RETURN(std::string password, body.RequiredString("password"));
  CHRONICLE_RETURN_IF_ERROR(domain::user::ValidateUsername(username));
  CHRONICLE_RETURN_IF_ERROR(domain::user::ValidatePassword(password));
  CHRONICLE_ASSIGN_OR_RETURN(std::string name, body.RequiredString("name"));
  CHRONICLE_ASSIGN_OR_RETURN(std::string department, body.RequiredString("department_id"));
  if (!body.Has("role_ids")) return FieldError("role_ids", "role_ids is required");
  CHRONICLE_ASSIGN_OR_RETURN(auto status, body.OptionalString("status"));
  if (status && *status != "active" && *status != "disabled") {
    return FieldError("status", "status must be active or disabled");
  }
  CHRONICLE_ASSIGN_OR_RETURN(auto fields, ProfileFields(body));
  const std::string id = NewId();
  CHRONICLE_RETURN_IF_ERROR(CheckDepartmentInScope(c.caller, department, id));
  CHRONICLE_RETURN_IF_ERROR(
      CheckGrantable(ctx, c.caller, fields.role_ids.value_or(std::vector<std::string>{})));
  CHRONICLE_ASSIGN_OR_RETURN(std::string hash, ctx.hasher.Hash(password));
  domain::user::Create cmd;
  cmd.id = id;
  cmd.username = username;
  cmd.password_hash = hash;
  cmd.profile = {name,
                 fields.gender.value_or("unknown"),
                 fields.email.value_or(""),
                 department,
                 fields.position.value_or(""),
                 fields.supervisor_id.value_or(""),
                 fields.role_ids.value_or(std::vector<std::string>{})};
  cmd.username_taken = ctx.directory.FindUserByUsername(username).has_value();
  CHRONICLE_ASSIGN_OR_RETURN(cmd.refs, ReferencesOf(ctx, "", fields));
  // Uniqueness of usernames is checked against the read model; creations are
  // serialised so two concurrent requests cannot both pass that check.
  static std::mutex create_mu;
  std::lock_guard lock(create_mu);
  CatchUpReadModels(ctx);
  cmd.username_taken = ctx.directory.FindUserByUsername(username).has_value();
  auto created = Execute<UserAggregate>(c, ctx.directory.users(), id, true,
                                        [&](const auto&) { return domain::user::Command{cmd}; });
  if (!created.ok() || !status || *status != "disabled") return created;
  // Created disabled: a second event, answered with the final state.
  auto disabled = Execute<UserAggregate>(c, ctx.directory.users(), id, false, [](const auto&) {
    return domain::user::Command{domain::user::Disable{}};
  });
  if (disabled.ok()) disabled->status = 201;
  return disabled;
}

Result<Response> UpdateUser(ApiContext& ctx, const Call& call) {
  const Request& request = call.request;
  const std::string& id = call.param("id");
  Command c = Begin(ctx, call);
  CHRONICLE_RETURN_IF_ERROR(VisibleRecord(ctx, c.caller, ctx.directory.users(), id).status());
  const domain::UserTarget target = TargetOf(ctx, id);
  CHRONICLE_RETURN_IF_ERROR(domain::MayActOnUser(c.caller.principal, target));
  CHRONICLE_ASSIGN_OR_RETURN(
      Body body, Body::Parse(request.body, {"name", "gender", "email", "department_id", "position",
                                            "supervisor_id", "role_ids"}));
  CHRONICLE_ASSIGN_OR_RETURN(auto fields, ProfileFields(body));
  CHRONICLE_RETURN_IF_ERROR(CheckDepartmentInScope(c.caller, fields.department_id, id));
  if (fields.role_ids) {
    CHRONICLE_RETURN_IF_ERROR(domain::MayChangeRolesOf(c.caller.principal, target));
    CHRONICLE_RETURN_IF_ERROR(CheckGrantable(ctx, c.caller, *fields.role_ids));
  }
  CHRONICLE_ASSIGN_OR_RETURN(auto refs, ReferencesOf(ctx, id, fields));
  domain::user::Update cmd{fields, refs};
  return Execute<UserAggregate>(c, ctx.directory.users(), id, false,
                                [&](const auto&) { return domain::user::Command{cmd}; });
}

// Disable, enable, reset password: the target must be visible and one the
// caller may act on (only a super administrator touches a super administrator).
Result<Response> UserAction(ApiContext& ctx, const Call& call, domain::user::Command cmd) {
  const std::string& id = call.param("id");
  Command c = Begin(ctx, call);
  CHRONICLE_RETURN_IF_ERROR(VisibleRecord(ctx, c.caller, ctx.directory.users(), id).status());
  CHRONICLE_RETURN_IF_ERROR(domain::MayActOnUser(c.caller.principal, TargetOf(ctx, id)));
  if (std::holds_alternative<domain::user::Disable>(cmd) && id == c.caller.principal.user_id) {
    return FailedPreconditionError("you cannot disable yourself");
  }
  return Execute<UserAggregate>(c, ctx.directory.users(), id, false,
                                [&](const auto&) { return cmd; });
}

Result<Response> ResetPassword(ApiContext& ctx, const Call& call) {
  const std::string& id = call.param("id");
  // Target checks before the (expensive) hash.
  CHRONICLE_RETURN_IF_ERROR(VisibleRecord(ctx, call.who(), ctx.directory.users(), id).status());
  CHRONICLE_RETURN_IF_ERROR(domain::MayActOnUser(call.who().principal, TargetOf(ctx, id)));
  CHRONICLE_ASSIGN_OR_RETURN(Body body, Body::Parse(call.request.body, {"password"}));
  CHRONICLE_ASSIGN_OR_RETURN(std::string password, body.RequiredString("password"));
  CHRONICLE_RETURN_IF_ERROR(domain::user::ValidatePassword(password));
  CHRONICLE_ASSIGN_OR_RETURN(std::string hash, ctx.hasher.Hash(password));
  auto reset = UserAction(ctx, call, domain::user::SetPassword{hash, true});
  // Every session of the user ends: whoever knew the old password is out.
  if (reset.ok()) ctx.sessions.RevokeUser(id, "");
  return reset;
}

// ---- roles -----------------------------------------------------------------

Result<std::optional<domain::DataScope>> ScopeField(const Body& body) {
  CHRONICLE_ASSIGN_OR_RETURN(auto raw, body.OptionalString("data_scope"));
  if (!raw) return std::optional<domain::DataScope>();
  auto scope = domain::ParseDataScope(*raw);
  if (!scope) {
    return FieldError("data_scope",
                      "data_scope must be self, self_and_subordinates, department, "
                      "department_and_children or all");
  }
  return std::optional<domain::DataScope>(*scope);
}

Result<Response> CreateRole(ApiContext& ctx, const Call& call) {
  const Request& request = call.request;
  Command c = Begin(ctx, call);
  CHRONICLE_ASSIGN_OR_RETURN(Body body,
                             Body::Parse(request.body, {"name", "permissions", "data_scope"}));
  CHRONICLE_ASSIGN_OR_RETURN(std::string name, body.RequiredString("name"));
  if (!body.Has("permissions")) return FieldError("permissions", "permissions is required");
  CHRONICLE_ASSIGN_OR_RETURN(auto permissions, body.OptionalStrings("permissions"));
  if (!body.Has("data_scope")) return FieldError("data_scope", "data_scope is required");
  CHRONICLE_ASSIGN_OR_RETURN(auto scope, ScopeField(body));
  CHRONICLE_RETURN_IF_ERROR(
      domain::MayGrant(c.caller.principal, {permissions.value_or(std::vector<std::string>{}),
                                            scope.value_or(domain::DataScope::kSelf), false}));
  const std::string id = NewId();
  domain::role::Create cmd{id,
                           name,
                           permissions.value_or(std::vector<std::string>{}),
                           scope.value_or(domain::DataScope::kSelf),
                           false,
                           ctx.directory.RoleNameTaken(name, "")};
  return Execute<RoleAggregate>(c, ctx.directory.roles(), id, true,
                                [&](const auto&) { return domain::role::Command{cmd}; });
}

Result<Response> UpdateRole(ApiContext& ctx, const Call& call) {
  const Request& request = call.request;
  const std::string& id = call.param("id");
  Command c = Begin(ctx, call);
  CHRONICLE_RETURN_IF_ERROR(VisibleRecord(ctx, c.caller, ctx.directory.roles(), id).status());
  CHRONICLE_ASSIGN_OR_RETURN(Body body,
                             Body::Parse(request.body, {"name", "permissions", "data_scope"}));
  domain::role::Update cmd;
  CHRONICLE_ASSIGN_OR_RETURN(cmd.changes.name, body.OptionalString("name"));
  CHRONICLE_ASSIGN_OR_RETURN(cmd.changes.permissions, body.OptionalStrings("permissions"));
  CHRONICLE_ASSIGN_OR_RETURN(cmd.changes.data_scope, ScopeField(body));
  if (cmd.changes.name) cmd.name_taken = ctx.directory.RoleNameTaken(*cmd.changes.name, id);
  // A caller edits only roles it could grant, and only into roles it could grant.
  if (auto rights = ctx.directory.RoleRightsOf(id)) {
    CHRONICLE_RETURN_IF_ERROR(domain::MayGrant(c.caller.principal, *rights));
    if (cmd.changes.permissions) rights->permissions = *cmd.changes.permissions;
    if (cmd.changes.data_scope) rights->scope = *cmd.changes.data_scope;
    CHRONICLE_RETURN_IF_ERROR(domain::MayGrant(c.caller.principal, *rights));
  }
  return Execute<RoleAggregate>(c, ctx.directory.roles(), id, false,
                                [&](const auto&) { return domain::role::Command{cmd}; });
}

Result<Response> DeleteRole(ApiContext& ctx, const Call& call) {
  const Request& request = call.request;
  const std::string& id = call.param("id");
  Command c = Begin(ctx, call);
  CHRONICLE_RETURN_IF_ERROR(VisibleRecord(ctx, c.caller, ctx.directory.roles(), id).status());
  CHRONICLE_ASSIGN_OR_RETURN(auto if_match, ParseIfMatch(request.Header("if-match")));
  domain::role::Delete cmd{ctx.directory.RoleAssigned(id)};
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome,
      RunCommand<RoleAggregate>(
          ctx.store, projections::StreamOf(ctx.directory.roles(), id), if_match,
          [&](const auto&) { return domain::role::Command{cmd}; }, MetadataOf(c.caller, request)));
  return NoContent(outcome.position);
}

}  // namespace

void AddOrgRoutes(Router& router, ApiContext& ctx) {
  using P = Access;
  auto bind = [&ctx](Result<Response> (*f)(ApiContext&, const Call&)) {
    return [&ctx, f](const Call& call) { return f(ctx, call); };
  };
  router.Add("POST", "/api/v1/departments", P::Permission("department.create"),
             bind(CreateDepartment));
  router.Add("GET", "/api/v1/departments/tree", P::Permission("department.read"),
             [&ctx](const Call& call) -> Result<Response> {
               return JsonResponse(200, TreeOf(ctx, call.who()));
             });
  router.Add("PATCH", "/api/v1/departments/{id}", P::Permission("department.update"),
             bind(UpdateDepartment));
  router.Add("DELETE", "/api/v1/departments/{id}", P::Permission("department.delete"),
             bind(DeleteDepartment));

  router.Add("POST", "/api/v1/users", P::Permission("user.create"), bind(CreateUser));
  router.Add("PATCH", "/api/v1/users/{id}", P::Permission("user.update"), bind(UpdateUser));
  router.Add("POST", "/api/v1/users/{id}/disable", P::Permission("user.disable"),
             [&ctx](const Call& call) -> Result<Response> {
               auto done = UserAction(ctx, call, domain::user::Disable{});
               if (done.ok()) ctx.sessions.RevokeUser(call.param("id"), "");
               return done;
             });
  router.Add("POST", "/api/v1/users/{id}/enable", P::Permission("user.disable"),
             [&ctx](const Call& call) { return UserAction(ctx, call, domain::user::Enable{}); });
  router.Add("POST", "/api/v1/users/{id}/reset-password", P::Permission("user.reset_password"),
             bind(ResetPassword));

  router.Add("POST", "/api/v1/roles", P::Permission("role.create"), bind(CreateRole));
  router.Add("PATCH", "/api/v1/roles/{id}", P::Permission("role.update"), bind(UpdateRole));
  router.Add("DELETE", "/api/v1/roles/{id}", P::Permission("role.delete"), bind(DeleteRole));
}

}  // namespace chronicle::api
