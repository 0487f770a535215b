// ParseSubscribeMessage on arbitrary WebSocket text: no crash, refusals are
// kInvalidArgument, accepted messages respect the limits, and the canonical
// form of an accepted message parses back to the same message.

#include <cstdint>
#include <string>
#include <string_view>

#include "chronicle/base/json.hpp"
#include "fuzz_check.hpp"
#include "request_parsing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto message = chronicle::api::ParseSubscribeMessage(text);
  if (!message.ok()) {
    CHRONICLE_FUZZ_CHECK(message.status().code() == chronicle::StatusCode::kInvalidArgument,
                         message.status().ToString());
    return 0;
  }
  CHRONICLE_FUZZ_CHECK(message->topics.size() <= chronicle::api::kMaxTopics, text);
  for (const auto& topic : message->topics) {
    CHRONICLE_FUZZ_CHECK(!topic.empty() && topic.size() <= 256, topic);
  }
  if (message->from_position) {
    CHRONICLE_FUZZ_CHECK(*message->from_position <= static_cast<std::uint64_t>(INT64_MAX), text);
  }

  chronicle::JsonWriter canonical;
  canonical.BeginObject().Key("subscribe").BeginArray();
  for (const auto& topic : message->topics) canonical.String(topic);
  canonical.EndArray();
  if (message->from_position) {
    canonical.Key("from_position").Int(static_cast<std::int64_t>(*message->from_position));
  }
  canonical.EndObject();
  auto again = chronicle::api::ParseSubscribeMessage(canonical.str());
  CHRONICLE_FUZZ_CHECK(again.ok(), canonical.str());
  CHRONICLE_FUZZ_CHECK(again->topics == message->topics, canonical.str());
  CHRONICLE_FUZZ_CHECK(again->from_position == message->from_position, canonical.str());
  return 0;
}
