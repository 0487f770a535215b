// The header parsers on one arbitrary header value: If-Match, X-Request-Id,
// Idempotency-Key, the method check, and ParseCount, each against its
// documented contract (request_parsing.hpp).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "count_contract.hpp"
#include "fuzz_check.hpp"
#include "request_parsing.hpp"

namespace {

using chronicle::StatusCode;

bool PrintableAscii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// If-Match: "VERSION", quotes optional, W/ allowed; VERSION fits in int64.
// "*" (any current version) is no check at all, like an absent header.
void CheckIfMatch(std::string_view header) {
  auto version = chronicle::api::ParseIfMatch(header);
  if (header == "*") {
    CHRONICLE_FUZZ_CHECK(version.ok() && !version->has_value(), header);
    return;
  }
  std::string_view inner = header;
  if (inner.starts_with("W/")) inner.remove_prefix(2);
  if (inner.size() >= 2 && inner.front() == '"' && inner.back() == '"') {
    inner = inner.substr(1, inner.size() - 2);
  }
  const bool digits =
      !inner.empty() && inner.find_first_not_of("0123456789") == std::string_view::npos;
  CHRONICLE_FUZZ_CHECK(version.ok() == (digits && chronicle::fuzz::DigitsFitIn(inner, INT64_MAX)),
                       header);
  if (!version.ok()) {
    CHRONICLE_FUZZ_CHECK(version.status().code() == StatusCode::kInvalidArgument, header);
    CHRONICLE_FUZZ_CHECK(version.status().parameter() == std::string("If-Match"), header);
    return;
  }
  CHRONICLE_FUZZ_CHECK(version->has_value(), header);
  // The ETag the server sends for that version reads back as the same version.
  const std::string etag = "\"" + std::to_string(**version) + "\"";
  for (const std::string& form : {etag, "W/" + etag, std::to_string(**version)}) {
    auto again = chronicle::api::ParseIfMatch(std::string_view(form));
    CHRONICLE_FUZZ_CHECK(again.ok() && *again == *version, form);
  }
}

// X-Request-Id: kept iff printable ASCII of 1..128 characters, verbatim.
void CheckRequestId(std::string_view header) {
  const auto id = chronicle::api::SanitizeRequestId(header);
  const bool acceptable = !header.empty() && header.size() <= 128 && PrintableAscii(header);
  CHRONICLE_FUZZ_CHECK(id.has_value() == acceptable, header);
  if (id) {
    CHRONICLE_FUZZ_CHECK(*id == header, header);
    CHRONICLE_FUZZ_CHECK(!id->empty() && id->size() <= 128 && PrintableAscii(*id), *id);
  }
}

// Idempotency-Key: kept iff printable ASCII of 1..255 characters, verbatim.
void CheckIdempotencyKey(std::string_view header) {
  auto key = chronicle::api::ParseIdempotencyKey(header);
  const bool acceptable = !header.empty() && header.size() <= 255 && PrintableAscii(header);
  CHRONICLE_FUZZ_CHECK(key.ok() == acceptable, header);
  if (key.ok()) {
    CHRONICLE_FUZZ_CHECK(key->has_value() && **key == header, header);
  } else {
    CHRONICLE_FUZZ_CHECK(key.status().code() == StatusCode::kInvalidArgument, header);
    CHRONICLE_FUZZ_CHECK(key.status().parameter() == std::string("Idempotency-Key"), header);
  }
}

// Exactly the seven methods the router knows, spelled exactly (case matters).
void CheckMethod(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",   "HEAD",   "POST",   "PUT",
                                                             "PATCH", "DELETE", "OPTIONS"};
  bool known = false;
  for (auto m : kKnown) known = known || m == method;
  CHRONICLE_FUZZ_CHECK(chronicle::api::IsKnownMethod(method) == known, method);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);

  // An absent header is no error and no value.
  auto no_version = chronicle::api::ParseIfMatch(std::nullopt);
  CHRONICLE_FUZZ_CHECK(no_version.ok() && !no_version->has_value());
  CHRONICLE_FUZZ_CHECK(!chronicle::api::SanitizeRequestId(std::nullopt).has_value());
  auto no_key = chronicle::api::ParseIdempotencyKey(std::nullopt);
  CHRONICLE_FUZZ_CHECK(no_key.ok() && !no_key->has_value());

  CheckIfMatch(header);
  CheckRequestId(header);
  CheckIdempotencyKey(header);
  CheckMethod(header);
  chronicle::fuzz::CheckCount("limit", header, UINT64_MAX);
  chronicle::fuzz::CheckCount("limit", header, 500);
  return 0;
}
