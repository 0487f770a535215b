#pragma once

#include <string>

#include "chronicle/eventstore/event.hpp"
#include "test_events.hpp"

namespace chronicle::testing {

// The crash child and its parent both derive event `index` from its number,
// so the parent can check byte for byte what the child acknowledged.
inline std::string CrashStream(std::uint64_t index) { return "crash-" + std::to_string(index % 5); }

inline eventstore::NewEvent CrashEvent(std::uint64_t index) {
  eventstore::NewEvent e = MakeEvent("CrashTested",
                                     R"({"index":)" + std::to_string(index) + R"(,"pad":")" +
                                         std::string(64 + index % 200, 'x') + R"("})",
                                     IdFromNumber(index));
  e.metadata.actor = "crash-child";
  e.metadata.causation_id = std::to_string(index);
  return e;
}

}  // namespace chronicle::testing
