// ParseJson on arbitrary bytes: it must not crash, refuses only with
// kInvalidArgument, and whatever it accepts round-trips: Dump() re-parses to
// an equal value, and dumping that again gives the same text.

#include <string>
#include <string_view>

#include "chronicle/base/json.hpp"
#include "chronicle/json/parse.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = chronicle::ParseJson(text);
  if (!parsed.ok()) {
    CHRONICLE_FUZZ_CHECK(parsed.status().code() == chronicle::StatusCode::kInvalidArgument,
                         parsed.status().ToString());
    return 0;
  }
  const std::string dumped = parsed->Dump();
  auto reparsed = chronicle::ParseJson(dumped);
  CHRONICLE_FUZZ_CHECK(reparsed.ok(), dumped + " -> " + reparsed.status().ToString());
  CHRONICLE_FUZZ_CHECK(*reparsed == *parsed, dumped + " re-parses to " + reparsed->Dump());
  CHRONICLE_FUZZ_CHECK(reparsed->Dump() == dumped, dumped);
  return 0;
}
