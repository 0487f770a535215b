// Login, logout, the caller's own profile and password change.
#include "body.hpp"
#include "chronicle/base/time.hpp"
#include "chronicle/domain/payload.hpp"
#include "command_pipeline.hpp"
#include "routes.hpp"

namespace chronicle::api {
namespace {

Result<Response> Login(ApiContext& ctx, const Request& request) {
  CHRONICLE_ASSIGN_OR_RETURN(Body body, Body::Parse(request.body, {"username", "password"}));
  CHRONICLE_ASSIGN_OR_RETURN(std::string username, body.RequiredString("username"));
  CHRONICLE_ASSIGN_OR_RETURN(std::string password, body.RequiredString("password"));
  const std::int64_t now = NowNs();
  const std::string address_key = "addr:" + request.remote_address;
  const std::string user_key = "user:" + username;
  if (ctx.login_by_username.Blocked(user_key, now) ||
      ctx.login_by_address.Blocked(address_key, now)) {
    return ResourceExhaustedError("too many failed logins; try again later");
  }
  CatchUpReadModels(ctx);  // a user created a moment ago can log in
  auto user = ctx.directory.FindUserByUsername(username);
  const std::string hash = user ? domain::payload::String(user->snapshot, "password_hash") : "";
  bool password_ok = false;
  if (hash.empty()) {
    ctx.hasher.VerifyNothing(password);  // unknown users cost the same time
  } else {
    password_ok = ctx.hasher.Verify(hash, password);
  }
  if (!password_ok) {
    ctx.login_by_username.Fail(user_key, now);
    ctx.login_by_address.Fail(address_key, now);
    return UnauthenticatedError("wrong username or password");
  }
  if (domain::payload::String(user->snapshot, "status") == "disabled") {
    return UnauthenticatedError("this account is disabled");
  }
  ctx.login_by_username.Reset(user_key);
  auto issued = ctx.tokens.Issue(user->id, now);
  Json out = Json::MakeObject();
  out.Set("token", issued.token);
  out.Set("expires_at", FormatTimestamp(issued.expires_at_ns));
  out.Set("user", projections::RenderRecord(ctx.directory.users(), *user));
  return JsonResponse(200, out);
}

Result<Response> Me(ApiContext& ctx, const Request& request) {
  CHRONICLE_ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx, request));
  auto user = ctx.records.Get(ctx.directory.users(), caller.principal.user_id);
  if (!user) return UnauthenticatedError("the user is unknown");
  Json out = projections::RenderRecord(ctx.directory.users(), *user);
  Json permissions = Json::MakeArray();
  if (caller.principal.super_admin) {
    for (const auto& p : domain::AllPermissions()) permissions.Push(std::string(p.name));
  } else {
    for (const auto& p : caller.principal.permissions) permissions.Push(p);
  }
  out.Set("permissions", std::move(permissions));
  out.Set("data_scope", std::string(domain::DataScopeName(caller.principal.scope)));
  return JsonResponse(200, out);
}

Result<Response> ChangePassword(ApiContext& ctx, const Request& request) {
  CHRONICLE_ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx, request));
  CHRONICLE_ASSIGN_OR_RETURN(Body body,
                             Body::Parse(request.body, {"old_password", "new_password"}));
  CHRONICLE_ASSIGN_OR_RETURN(std::string old_password, body.RequiredString("old_password"));
  CHRONICLE_ASSIGN_OR_RETURN(std::string new_password, body.RequiredString("new_password"));
  auto user = ctx.records.Get(ctx.directory.users(), caller.principal.user_id);
  if (!user) return UnauthenticatedError("the user is unknown");
  if (!ctx.hasher.Verify(domain::payload::String(user->snapshot, "password_hash"), old_password)) {
    // 422, not 401: the session is fine, the field is wrong.
    return FieldError("old_password", "the old password is wrong");
  }
  if (Status s = domain::user::ValidatePassword(new_password); !s.ok()) {
    return FieldError("new_password", s.message());
  }
  CHRONICLE_ASSIGN_OR_RETURN(std::string hash, ctx.hasher.Hash(new_password));
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome,
      RunCommand<UserAggregate>(
          ctx.store, projections::StreamOf(ctx.directory.users(), user->id), std::nullopt,
          [&](const auto&) {
            return domain::user::Command{domain::user::SetPassword{hash, false}};
          },
          MetadataOf(caller, request)));
  Response r;
  r.status = 204;
  r.SetHeader("X-Position", std::to_string(outcome.position));
  return r;
}

}  // namespace

void AddAuthRoutes(Router& router, ApiContext& ctx) {
  using P = const PathParams&;
  using R = const Request&;
  router.Add("POST", "/api/v1/auth/login", Fallible([&ctx](R r, P) { return Login(ctx, r); }));
  router.Add("POST", "/api/v1/auth/logout", Fallible([&ctx](R r, P) -> Result<Response> {
               CHRONICLE_ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx, r));
               ctx.tokens.Revoke(caller.token);
               Response out;
               out.status = 204;
               return out;
             }));
  router.Add("GET", "/api/v1/auth/me", Fallible([&ctx](R r, P) { return Me(ctx, r); }));
  router.Add("POST", "/api/v1/auth/change-password",
             Fallible([&ctx](R r, P) { return ChangePassword(ctx, r); }));
}

}  // namespace chronicle::api
