#pragma once

#include "api_context.hpp"
#include "router.hpp"

// Export and import of the list entities that have them (leads, customers,
// contacts), api-conventions.md "Lists":
//
//   GET  /api/v1/{collection}/export?format=csv|xlsx&<list query>|ids=a,b
//        permission NAME.export: a file of the matches in the caller's data
//        scope, written to DATA_DIR/tmp and sent as Response::body_file.
//   POST /api/v1/{collection}/import?dry_run=&skip_invalid=  (text/csv)
//        permission NAME.import: every data row validated as a create would
//        be; 200 {"total", "valid", "imported", "errors": [...]}.
namespace chronicle::api {

void AddExportRoutes(Router& router, ApiContext& ctx);

}  // namespace chronicle::api
