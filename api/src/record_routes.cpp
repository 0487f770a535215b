// Reads shared by every entity kind: list, read (also as of a time or
// position) and history. Data scope is applied here, once, for all.
#include <limits>

#include "chronicle/base/time.hpp"
#include "list_query.hpp"
#include "problem.hpp"
#include "request_parsing.hpp"
#include "routes.hpp"

namespace chronicle::api {

Result<projections::RecordView> VisibleRecord(ApiContext& ctx, const Caller& caller,
                                              const projections::EntityKind& kind,
                                              const std::string& id) {
  auto view = ctx.records.Get(kind, id);
  if (!view || !view->exists() || kind.deleted(view->snapshot)) {
    return NotFoundError(std::string(kind.collection) + "/" + id + " not found");
  }
  if (!ctx.directory.Visible(caller.principal, kind, *view)) {
    return PermissionDeniedError("the record is outside your data scope");
  }
  return *view;
}

namespace {

// scope=mine|subordinates|department narrows within the data scope.
bool InNarrowing(const Caller& caller, const domain::Placement& placement,
                 std::string_view narrowing) {
  const auto& p = caller.principal;
  if (narrowing == "mine") return placement.owner_id == p.user_id;
  if (narrowing == "subordinates") {
    return placement.owner_id != p.user_id && p.subordinates.contains(placement.owner_id);
  }
  if (narrowing == "department") return placement.department_id == p.department_id;
  return true;
}

Result<Response> List(ApiContext& ctx, const projections::EntityKind& kind, const Call& call) {
  const Request& request = call.request;
  const Caller& caller = call.who();
  CHRONICLE_ASSIGN_OR_RETURN(ListQuery query,
                             ListQuery::Parse(request, kind.fields, kind.search_fields));
  const std::string narrowing(request.Query("scope").value_or(""));
  if (!narrowing.empty() && narrowing != "mine" && narrowing != "subordinates" &&
      narrowing != "department") {
    return InvalidArgumentError("scope must be mine, subordinates or department")
        .WithParameter("scope");
  }
  std::vector<Json> matched;
  // A copy: placing a record reads the records model again (its lock is not re-entered).
  const std::vector<projections::RecordView> all = ctx.records.List(kind);
  for (const auto& view : all) {
    if (!view.exists() || kind.deleted(view.snapshot)) continue;
    const domain::Placement placement = ctx.directory.PlacementOf(kind, view);
    if (!ctx.directory.Visible(caller.principal, kind, placement)) continue;
    if (!InNarrowing(caller, placement, narrowing)) continue;
    Json body = projections::RenderRecord(kind, view);
    if (query.Matches(body)) matched.push_back(std::move(body));
  }
  CHRONICLE_ASSIGN_OR_RETURN(Json page, query.Page(std::move(matched)));
  return JsonResponse(200, page);
}

Result<Response> Read(ApiContext& ctx, const projections::EntityKind& kind, const Call& call) {
  const Request& request = call.request;
  const Caller& caller = call.who();
  const std::string& id = call.param("id");
  CHRONICLE_ASSIGN_OR_RETURN(auto point,
                             ParseAsOf(request.Query("as_of"), request.Query("as_of_position")));
  if (!point) {
    CHRONICLE_ASSIGN_OR_RETURN(auto view, VisibleRecord(ctx, caller, kind, id));
    return RecordResponse(200, kind, view, std::nullopt);
  }
  CHRONICLE_ASSIGN_OR_RETURN(auto view,
                             LoadView(ctx, kind, id, point->max_position, point->max_time_ns));
  if (kind.deleted(view.snapshot)) return NotFoundError("the record was deleted by then");
  if (!ctx.directory.Visible(caller.principal, kind, view)) {
    return PermissionDeniedError("the record is outside your data scope");
  }
  return RecordResponse(200, kind, view, std::nullopt);
}

Result<Response> History(ApiContext& ctx, const projections::EntityKind& kind, const Call& call) {
  const Caller& caller = call.who();
  const std::string& id = call.param("id");
  // History stays readable after a delete: scope is checked on the last state.
  auto view = ctx.records.Get(kind, id);
  if (!view || !view->exists())
    return NotFoundError(std::string(kind.collection) + "/" + id + " not found");
  if (!ctx.directory.Visible(caller.principal, kind, *view)) {
    return PermissionDeniedError("the record is outside your data scope");
  }
  Json items = Json::MakeArray();
  CHRONICLE_ASSIGN_OR_RETURN(auto entries, projections::ReadHistory(ctx.store, kind, id));
  for (auto& entry : entries) items.Push(std::move(entry));
  Json body = Json::MakeObject();
  body.Set("items", std::move(items));
  return JsonResponse(200, body);
}

}  // namespace

void AddRecordRoutes(Router& router, ApiContext& ctx) {
  for (const auto& kind : projections::AllEntityKinds()) {
    if (kind.spec != nullptr) continue;  // field-table entities: entity_routes.cpp
    const std::string base = "/api/v1/" + std::string(kind.collection);
    const projections::EntityKind* k = &kind;
    const Access read = Access::Permission(std::string(kind.permission) + ".read");
    router.Add("GET", base, read, [&ctx, k](const Call& call) { return List(ctx, *k, call); });
    router.Add("GET", base + "/{id}", read,
               [&ctx, k](const Call& call) { return Read(ctx, *k, call); });
    router.Add("GET", base + "/{id}/history", read,
               [&ctx, k](const Call& call) { return History(ctx, *k, call); });
  }
}

}  // namespace chronicle::api
