#include "api_context.hpp"

#include <algorithm>
#include <limits>

#include "chronicle/base/time.hpp"
#include "chronicle/base/uuid.hpp"
#include "request_parsing.hpp"

namespace chronicle::api {

Result<Caller> Authenticate(ApiContext& ctx, const Request& request) {
  auto header = request.Header("authorization");
  if (std::count_if(request.headers.begin(), request.headers.end(),
                    [](const auto& h) { return h.first == "authorization"; }) > 1) {
    return UnauthenticatedError("more than one Authorization header");
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (!header || header->size() <= kBearer.size() || header->substr(0, kBearer.size()) != kBearer) {
    return UnauthenticatedError("missing bearer token");
  }
  return AuthenticateToken(ctx, std::string(header->substr(kBearer.size())));
}

Result<Caller> AuthenticateToken(ApiContext& ctx, std::string token) {
  if (token.empty() || token.size() > 256) return UnauthenticatedError("missing bearer token");
  auto user_id = ctx.sessions.Find(token, NowNs());
  if (!user_id) return UnauthenticatedError("the token is invalid, expired or revoked");
  // Checked on every request: disabling a user stops its tokens at once.
  CHRONICLE_ASSIGN_OR_RETURN(auto principal, ctx.directory.PrincipalOf(*user_id));
  return Caller{std::move(principal), std::move(token)};
}

Status RequirePermission(const Caller& caller, std::string_view permission) {
  if (domain::HasPermission(caller.principal, permission)) return Status::Ok();
  return PermissionDeniedError("missing permission " + std::string(permission));
}

void CatchUpReadModels(ApiContext& ctx) {
  ctx.runtime.WaitFor(ctx.store.LastPosition(), std::chrono::seconds(2));
}

Response JsonResponse(unsigned status, const Json& body) {
  Response r;
  r.status = status;
  r.body = body.Dump();
  return r;
}

Response RecordResponse(unsigned status, const projections::EntityKind& kind,
                        const projections::RecordView& view,
                        std::optional<std::uint64_t> position) {
  Response r = JsonResponse(status, projections::RenderRecord(kind, view));
  r.SetHeader("ETag", "\"" + std::to_string(view.version) + "\"");
  if (position) r.SetHeader("X-Position", std::to_string(*position));
  return r;
}

Result<projections::RecordView> LoadView(ApiContext& ctx, const projections::EntityKind& kind,
                                         const std::string& id, std::uint64_t max_position,
                                         std::int64_t max_time_ns) {
  projections::RecordView view;
  const std::string stream = projections::StreamOf(kind, id);
  for (std::uint64_t from = 0;;) {
    CHRONICLE_ASSIGN_OR_RETURN(auto events, ctx.store.ReadStreamForward(stream, from, 1024));
    for (const auto& e : events) {
      // Positions and recorded_at only grow along a stream: stop at the first past the point.
      // API times have millisecond precision: an event belongs to the
      // millisecond it was recorded in.
      if (e.position > max_position || e.recorded_at_ns / 1'000'000 > max_time_ns / 1'000'000) {
        events.clear();
        break;
      }
      CHRONICLE_RETURN_IF_ERROR(projections::ApplyToView(kind, e, view));
    }
    if (events.size() < 1024) break;
    from = events.back().version + 1;
  }
  if (!view.exists()) return NotFoundError("no such record at that point");
  return view;
}

eventstore::EventMetadata MetadataOf(const Caller& caller, const Request& request) {
  eventstore::EventMetadata m;
  m.actor = caller.principal.user_id;
  // Stored in the log and exported: only a sane client id is kept.
  m.correlation_id = SanitizeRequestId(request.Header("x-request-id"))
                         .value_or(NewUuidV7(NowNs() / 1'000'000).ToString());
  return m;
}

}  // namespace chronicle::api
