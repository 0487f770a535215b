#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chronicle {

// RFC 3339 UTC with milliseconds: "2026-11-25T10:00:00.000Z".
std::string FormatTimestamp(std::int64_t unix_ns);
// Accepts RFC 3339 with 'Z' or a numeric offset, fractional seconds optional.
std::optional<std::int64_t> ParseTimestamp(std::string_view text);
// The current time, for the layers allowed to read the clock (not domain).
std::int64_t NowNs();

}  // namespace chronicle
