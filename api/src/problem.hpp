#pragma once

#include "chronicle/api/http.hpp"
#include "chronicle/base/status.hpp"

namespace chronicle::api {

// The one mapping from Status to HTTP status and RFC 9457 problem+json with
// a stable `code`.
Response ProblemResponse(const Status& status);
// For conditions found by the transport itself (413, 400 on a bad target).
Response ProblemResponse(unsigned http_status, std::string_view code, std::string_view detail);

}  // namespace chronicle::api
