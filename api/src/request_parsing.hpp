#pragma once

// Strict parsers for what a client puts in a URL, a header or a WebSocket
// message. Each one names what it rejects; none throws; none trusts sizes.
// They are fuzzed (fuzz/), so keep them free of I/O and globals.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "chronicle/base/result.hpp"

namespace chronicle::api {

// A non-negative decimal integer of at most `max`: digits only (no sign,
// space, exponent or trailing junk), no overflow. kInvalidArgument naming
// `parameter` otherwise (HTTP 400).
Result<std::uint64_t> ParseCount(std::string_view parameter, std::string_view text,
                                 std::uint64_t max = UINT64_MAX);

// ?as_of=RFC3339 and/or ?as_of_position=N: the point a read looks back to
// (nullopt when neither is given). 400 naming the parameter when malformed.
struct AsOf {
  std::uint64_t max_position = UINT64_MAX;
  std::int64_t max_time_ns = INT64_MAX;
};
Result<std::optional<AsOf>> ParseAsOf(std::optional<std::string_view> as_of,
                                      std::optional<std::string_view> as_of_position);

// If-Match: "VERSION" (quotes optional, W/ allowed); nullopt when absent or
// "*" (any current version: no check).
Result<std::optional<std::uint64_t>> ParseIfMatch(std::optional<std::string_view> header);

// X-Request-Id: printable ASCII, 1..128 characters; anything else is
// replaced (nullopt: the caller generates one).
std::optional<std::string> SanitizeRequestId(std::optional<std::string_view> header);

// Idempotency-Key: printable ASCII, 1..255 characters; kInvalidArgument otherwise.
Result<std::optional<std::string>> ParseIdempotencyKey(std::optional<std::string_view> header);

// {"subscribe": ["topic", ...], "from_position": N?} on /api/v1/stream.
struct SubscribeMessage {
  std::set<std::string, std::less<>> topics;
  std::optional<std::uint64_t> from_position;  // nullopt: from the log's end
};
inline constexpr std::size_t kMaxTopics = 256;
Result<SubscribeMessage> ParseSubscribeMessage(std::string_view text);

// The HTTP methods the server knows; anything else is answered 405 (or 501)
// and counted under one metrics label.
bool IsKnownMethod(std::string_view method);

}  // namespace chronicle::api
