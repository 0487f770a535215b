// Login, logout, the caller's own profile and password change.
#include "body.hpp"
#include "chronicle/base/time.hpp"
#include "chronicle/domain/payload.hpp"
#include "command_pipeline.hpp"
#include "routes.hpp"

namespace chronicle::api {
namespace {

Result<Response> Login(ApiContext& ctx, const Call& call) {
  const Request& request = call.request;
  CHRONICLE_ASSIGN_OR_RETURN(Body body, Body::Parse(request.body, {"username", "password"}));
  CHRONICLE_ASSIGN_OR_RETURN(std::string username, body.RequiredString("username"));
  CHRONICLE_ASSIGN_OR_RETURN(std::string password, body.RequiredString("password"));
  if (username.size() > 64) return FieldError("username", "username is too long");
  if (password.size() > 256) return FieldError("password", "password is too long");
  const std::int64_t now = NowNs();
  // Counted before the password is checked: concurrent guesses cannot slip past.
  if (auto wait = ctx.login_limiter.Acquire(username, request.remote_address, now)) {
    return ResourceExhaustedError("too many failed logins; try again in " + std::to_string(*wait) +
                                  " s");
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
    ctx.login_limiter.Failed(username, request.remote_address, NowNs());
    return UnauthenticatedError("wrong username or password");
  }
  ctx.login_limiter.Succeeded(username, request.remote_address);
  if (domain::payload::String(user->snapshot, "status") == "disabled") {
    return UnauthenticatedError("this account is disabled");
  }
  CHRONICLE_ASSIGN_OR_RETURN(auto issued, ctx.sessions.Issue(user->id, now));
  Json out = Json::MakeObject();
  out.Set("token", issued.token);
  out.Set("expires_at", FormatTimestamp(issued.expires_at_ns));
  out.Set("user", projections::RenderRecord(ctx.directory.users(), *user));
  return JsonResponse(200, out);
}

Result<Response> Me(ApiContext& ctx, const Call& call) {
  const Caller& caller = call.who();
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

Result<Response> ChangePassword(ApiContext& ctx, const Call& call) {
  const Request& request = call.request;
  const Caller& caller = call.who();
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
  // The caller's other sessions end: whoever else knew the old password is out.
  ctx.sessions.RevokeUser(caller.principal.user_id, caller.token);
  Response r;
  r.status = 204;
  r.SetHeader("X-Position", std::to_string(outcome.position));
  return r;
}

}  // namespace

void AddAuthRoutes(Router& router, ApiContext& ctx) {
  router.Add("POST", "/api/v1/auth/login", Access::Public(),
             [&ctx](const Call& call) { return Login(ctx, call); });
  router.Add("POST", "/api/v1/auth/logout", Access::Authenticated(),
             [&ctx](const Call& call) -> Result<Response> {
               ctx.sessions.Revoke(call.who().token);
               Response out;
               out.status = 204;
               return out;
             });
  router.Add("GET", "/api/v1/auth/me", Access::Authenticated(),
             [&ctx](const Call& call) { return Me(ctx, call); });
  router.Add("POST", "/api/v1/auth/change-password", Access::Authenticated(),
             [&ctx](const Call& call) { return ChangePassword(ctx, call); });
}

}  // namespace chronicle::api
