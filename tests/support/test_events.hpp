#pragma once

#include <string>

#include "chronicle/eventstore/event.hpp"

// Event builders shared by tests and the crash child (which has no gtest).
namespace chronicle::testing {

inline eventstore::NewEvent MakeEvent(std::string type, std::string payload = "{}",
                                      eventstore::EventId id = {}) {
  eventstore::NewEvent event;
  event.id = id;
  event.type = std::move(type);
  event.payload = std::move(payload);
  event.metadata.actor = "user-1";
  event.metadata.correlation_id = "corr-1";
  return event;
}

inline eventstore::EventId IdFromNumber(std::uint64_t n) {
  eventstore::EventId id;
  for (int i = 0; i < 8; ++i)
    id.bytes[static_cast<std::size_t>(15 - i)] = static_cast<std::uint8_t>(n >> (8 * i));
  id.bytes[0] = 0xEE;  // never nil
  return id;
}

}  // namespace chronicle::testing
