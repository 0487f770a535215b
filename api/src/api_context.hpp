#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "chronicle/api/http.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/domain/access.hpp"
#include "chronicle/eventstore/event_store.hpp"
#include "chronicle/projections/history.hpp"
#include "chronicle/projections/projection_runtime.hpp"
#include "chronicle/projections/records_projection.hpp"
#include "chronicle/projections/tables_projection.hpp"
#include "metrics.hpp"
#include "org_directory.hpp"
#include "password_hasher.hpp"
#include "pool_routes.hpp"
#include "session_store.hpp"

namespace chronicle::api {

// Everything a handler may use. Owned by the Application; handlers borrow.
struct ApiContext {
  eventstore::EventStore& store;
  projections::ProjectionRuntime& runtime;
  projections::RecordsProjection& records;
  projections::TablesProjection& tables;  // field-table entities (leads, customers, ...)
  OrgDirectory& directory;
  PasswordHasher& hasher;
  SessionStore& sessions;
  LoginLimiter& login_limiter;
  Metrics& metrics;
  PoolRules& pool_rules;
  std::string openapi_json;
  std::uint64_t ready_position = 0;  // the log's end at start: /readyz waits for it
  std::filesystem::path data_dir;    // the server's own (a backup never goes inside it)
};

// The authenticated caller of one request.
struct Caller {
  domain::Principal principal;
  std::string token;
};

// Bearer token -> Caller; kUnauthenticated without a live session or user.
// The dispatcher calls it for every non-public route, before anything else.
Result<Caller> Authenticate(ApiContext& ctx, const Request& request);
// The token alone (WebSocket upgrades carry it in ?token=).
Result<Caller> AuthenticateToken(ApiContext& ctx, std::string token);
Status RequirePermission(const Caller& caller, std::string_view permission);

// Lets a command see the records its caller just wrote (bounded wait).
void CatchUpReadModels(ApiContext& ctx);

Response JsonResponse(unsigned status, const Json& body);
// A record body with ETag (and X-Position when `position` is set).
Response RecordResponse(unsigned status, const projections::EntityKind& kind,
                        const projections::RecordView& view, std::optional<std::uint64_t> position);

// Rebuilds a record from its stream up to `max_position` / `max_time_ns`
// (inclusive). kNotFound when it did not exist by then.
Result<projections::RecordView> LoadView(ApiContext& ctx, const projections::EntityKind& kind,
                                         const std::string& id, std::uint64_t max_position,
                                         std::int64_t max_time_ns);

eventstore::EventMetadata MetadataOf(const Caller& caller, const Request& request);

}  // namespace chronicle::api
