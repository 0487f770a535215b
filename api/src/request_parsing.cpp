#include "request_parsing.hpp"

#include <array>
#include <charconv>

#include "chronicle/base/time.hpp"
#include "chronicle/json/parse.hpp"

namespace chronicle::api {
namespace {

Status BadParameter(std::string_view parameter, std::string message) {
  return InvalidArgumentError(std::move(message)).WithParameter(std::string(parameter));
}

bool PrintableAscii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

Result<std::uint64_t> ParseCount(std::string_view parameter, std::string_view text,
                                 std::uint64_t max) {
  const std::string bound = max == UINT64_MAX ? "" : " of at most " + std::to_string(max);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return BadParameter(parameter,
                        std::string(parameter) + " must be a non-negative integer" + bound);
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) {
    return BadParameter(parameter, std::string(parameter) + " is out of range: it must be" +
                                       (bound.empty() ? " below 2^64" : bound));
  }
  return value;
}

Result<std::optional<AsOf>> ParseAsOf(std::optional<std::string_view> as_of,
                                      std::optional<std::string_view> as_of_position) {
  if (!as_of && !as_of_position) return std::optional<AsOf>();
  AsOf point;
  if (as_of) {
    auto t = ParseTimestamp(*as_of);
    if (!t) return InvalidArgumentError("as_of must be an RFC 3339 time").WithParameter("as_of");
    point.max_time_ns = *t;
  }
  if (as_of_position) {
    CHRONICLE_ASSIGN_OR_RETURN(point.max_position, ParseCount("as_of_position", *as_of_position));
  }
  return std::optional<AsOf>(point);
}

Result<std::optional<std::uint64_t>> ParseIfMatch(std::optional<std::string_view> header) {
  // Absent, or "*" (any current version, RFC 9110): no version check.
  if (!header || *header == "*") return std::optional<std::uint64_t>();
  std::string_view v = *header;
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  auto version = ParseCount("If-Match", v, static_cast<std::uint64_t>(INT64_MAX));
  if (!version.ok()) {
    return InvalidArgumentError("If-Match must be a version like \"3\"").WithParameter("If-Match");
  }
  return std::optional<std::uint64_t>(*version);
}

std::optional<std::string> SanitizeRequestId(std::optional<std::string_view> header) {
  if (!header || header->empty() || header->size() > 128 || !PrintableAscii(*header)) {
    return std::nullopt;
  }
  return std::string(*header);
}

Result<std::optional<std::string>> ParseIdempotencyKey(std::optional<std::string_view> header) {
  if (!header) return std::optional<std::string>();
  if (header->empty() || header->size() > 255 || !PrintableAscii(*header)) {
    return InvalidArgumentError("Idempotency-Key must be 1 to 255 printable ASCII characters")
        .WithParameter("Idempotency-Key");
  }
  return std::optional<std::string>(std::string(*header));
}

Result<SubscribeMessage> ParseSubscribeMessage(std::string_view text) {
  auto parsed = ParseJson(text);
  if (!parsed.ok() || !parsed->is_object()) {
    return InvalidArgumentError("messages must be JSON objects");
  }
  SubscribeMessage out;
  for (const auto& [key, value] : parsed->as_object()) {
    if (key != "subscribe" && key != "from_position") {
      return FieldError(key, "unknown field '" + key + "'");
    }
  }
  const Json* topics = parsed->Find("subscribe");
  if (topics == nullptr || !topics->is_array()) {
    return FieldError("subscribe", "subscribe must be an array of topics");
  }
  if (topics->as_array().size() > kMaxTopics) {
    return FieldError("subscribe", "at most " + std::to_string(kMaxTopics) + " topics");
  }
  for (const auto& t : topics->as_array()) {
    if (!t.is_string() || t.as_string().empty() || t.as_string().size() > 256) {
      return FieldError("subscribe", "topics are non-empty strings of at most 256 bytes");
    }
    out.topics.insert(t.as_string());
  }
  if (const Json* f = parsed->Find("from_position"); f != nullptr && !f->is_null()) {
    if (!f->is_int() || f->as_int() < 0) {
      return FieldError("from_position", "from_position must be a non-negative integer");
    }
    out.from_position = static_cast<std::uint64_t>(f->as_int());
  }
  return out;
}

bool IsKnownMethod(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kMethods = {"GET",   "HEAD",   "POST",   "PUT",
                                                               "PATCH", "DELETE", "OPTIONS"};
  for (auto m : kMethods) {
    if (m == method) return true;
  }
  return false;
}

}  // namespace chronicle::api
