// Liveness, readiness, metrics, the OpenAPI document, the permission list
// and the log's head hash for auditors.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "body.hpp"
#include "chronicle/base/hex.hpp"
#include "chronicle/eventstore/verify.hpp"
#include "chronicle/projections/catalog.hpp"
#include "chronicle/projections/data_dir.hpp"
#include "routes.hpp"

namespace chronicle::api {

void AddSystemRoutes(Router& router, ApiContext& ctx) {
  using C = const Call&;
  router.Add("GET", "/healthz", Access::Public(), [](C) -> Result<Response> {
    Json out = Json::MakeObject();
    out.Set("status", "ok");
    return JsonResponse(200, out);
  });
  router.Add("GET", "/readyz", Access::Public(), [&ctx](C) -> Result<Response> {
    const std::uint64_t applied = ctx.runtime.AppliedPosition();
    const bool ready = ctx.runtime.health().ok() && applied >= ctx.ready_position;
    Json out = Json::MakeObject();
    out.Set("status", ready ? "ready" : "not_ready");
    out.Set("applied_position", static_cast<std::int64_t>(applied));
    out.Set("last_position", static_cast<std::int64_t>(ctx.store.LastPosition()));
    return JsonResponse(ready ? 200 : 503, out);
  });
  router.Add("GET", "/metrics", Access::Public(), [&ctx](C) -> Result<Response> {
    const auto last = static_cast<double>(ctx.store.LastPosition());
    const auto applied = static_cast<double>(ctx.runtime.AppliedPosition());
    const auto stats = ctx.store.Stats();
    Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = ctx.metrics.Render(
        {{"chronicle_log_last_position", last},
         {"chronicle_projection_lag_events", last - applied},
         {"chronicle_log_group_commits_total", static_cast<double>(stats.groups)},
         {"chronicle_log_events_appended_total", static_cast<double>(stats.events)}});
    return r;
  });
  router.Add("GET", "/api/openapi.json", Access::Public(), [&ctx](C) -> Result<Response> {
    Response r;
    r.body = ctx.openapi_json;
    return r;
  });
  router.Add("GET", "/api/v1/permissions", Access::Authenticated(), [](C) -> Result<Response> {
    Json items = Json::MakeArray();
    for (const auto& p : domain::AllPermissions()) {
      Json item = Json::MakeObject();
      item.Set("name", std::string(p.name));
      item.Set("description", std::string(p.description));
      items.Push(std::move(item));
    }
    Json out = Json::MakeObject();
    out.Set("items", std::move(items));
    return JsonResponse(200, out);
  });
  router.Add(
      "POST", "/api/v1/admin/rebuild", Access::SuperAdmin(), [&ctx](C call) -> Result<Response> {
        const Request& r = call.request;
        std::vector<std::string> names = projections::ProjectionNames();
        if (!r.body.empty()) {
          CHRONICLE_ASSIGN_OR_RETURN(Body body, Body::Parse(r.body, {"projection"}));
          CHRONICLE_ASSIGN_OR_RETURN(auto only, body.OptionalString("projection"));
          if (only && !only->empty()) {
            if (projections::MakeProjection(*only) == nullptr) {
              return FieldError("projection", "no read model named '" + *only + "'");
            }
            names = {*only};
          }
        }
        Json items = Json::MakeArray();
        for (const auto& name : names) {
          const auto started = std::chrono::steady_clock::now();
          auto fresh = projections::MakeProjection(name);
          auto rebuilt = ctx.runtime.RebuildOnline(name, *fresh);
          fresh.reset();  // the model built aside is not needed once swapped in
          // The old and the aside model were freed; give their pages back to
          // the system (glibc keeps freed arenas otherwise, and each rebuild
          // grew the process).
          malloc_trim(0);
          CHRONICLE_ASSIGN_OR_RETURN(auto position, std::move(rebuilt));
          const double seconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
          Json item = Json::MakeObject();
          item.Set("projection", name);
          item.Set("position", static_cast<std::int64_t>(position));
          item.Set("seconds", seconds);
          item.Set("events_per_second",
                   seconds > 0 ? static_cast<double>(position) / seconds : 0.0);
          items.Push(std::move(item));
        }
        Json out = Json::MakeObject();
        out.Set("items", std::move(items));
        return JsonResponse(200, out);
      });
  router.Add(
      "POST", "/api/v1/admin/backup", Access::SuperAdmin(), [&ctx](C call) -> Result<Response> {
        const Request& r = call.request;
        CHRONICLE_ASSIGN_OR_RETURN(Body body, Body::Parse(r.body, {"to"}));
        CHRONICLE_ASSIGN_OR_RETURN(std::string to, body.RequiredString("to"));
        const std::filesystem::path target(to);
        if (!target.is_absolute()) return FieldError("to", "to must be an absolute path");
        // Never inside the live data dir (a backup there would nest in the log).
        const auto data = std::filesystem::weakly_canonical(ctx.data_dir);
        const auto where = std::filesystem::weakly_canonical(target);
        if (std::mismatch(data.begin(), data.end(), where.begin(), where.end()).first ==
            data.end()) {
          return FieldError("to", "the backup target is inside the server's data dir");
        }
        std::error_code ec;
        if (std::filesystem::exists(target, ec)) {
          return FieldError("to", "the backup target already exists");
        }
        std::filesystem::create_directories(target, ec);
        if (ec) {
          return FieldError("to", "cannot create the backup target: " + ec.message());
        }
        // The same layout as a data dir: `chronicle serve --data-dir TO` runs on it.
        CHRONICLE_RETURN_IF_ERROR(ctx.store.Backup(projections::LogDir(target)));
        CHRONICLE_ASSIGN_OR_RETURN(auto report, eventstore::VerifyLog(projections::LogDir(target)));
        Json out = Json::MakeObject();
        out.Set("to", to);
        out.Set("position", static_cast<std::int64_t>(report.events));
        out.Set("hash", HexEncode(report.head_hash));
        return JsonResponse(200, out);
      });
  router.Add("GET", "/api/v1/audit/head", Access::Permission("audit.read"),
             [&ctx](C) -> Result<Response> {
               const eventstore::LogHead head = ctx.store.Head();
               Json out = Json::MakeObject();
               out.Set("position", static_cast<std::int64_t>(head.position));
               out.Set("hash", HexEncode(head.hash));
               return JsonResponse(200, out);
             });
}

}  // namespace chronicle::api
