#pragma once

#include <functional>

#include "api_context.hpp"
#include "router.hpp"

namespace chronicle::api {

// Loads a live record the caller may see: 404 when missing or deleted,
// 403 when outside the caller's data scope.
Result<projections::RecordView> VisibleRecord(ApiContext& ctx, const Caller& caller,
                                              const projections::EntityKind& kind,
                                              const std::string& id);

void AddSystemRoutes(Router& router, ApiContext& ctx);
void AddAuthRoutes(Router& router, ApiContext& ctx);
void AddRecordRoutes(Router& router, ApiContext& ctx);
void AddOrgRoutes(Router& router, ApiContext& ctx);
void AddEntityRoutes(Router& router, ApiContext& ctx);

}  // namespace chronicle::api
