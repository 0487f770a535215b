#pragma once

#include <string_view>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"

namespace chronicle {

// Parses JSON text (simdjson). kInvalidArgument with the parser's reason on
// malformed input; numbers become int64 when integral and in range.
Result<Json> ParseJson(std::string_view text);

}  // namespace chronicle
