#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "chronicle/base/result.hpp"
#include "chronicle/eventstore/event.hpp"

namespace chronicle::eventstore {

// An ordered feed of the whole log from a start position: catch-up over
// history, then live. Every committed event is delivered exactly once, in
// position order. A consumer that falls behind never blocks appends: when its
// bounded live buffer overflows it silently reads from the log again and
// catches up.
//
// Thread-safety: Next() is called by one consumer thread; Stop() may be called
// from any thread. Destroy every subscription before its EventStore.
class Subscription {
 public:
  virtual ~Subscription() = default;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // Waits until at least one event is available (up to `max_events` are
  // returned), `timeout` passes (empty result) or Stop() is called
  // (kCancelled). Upcasters have been applied.
  virtual Result<std::vector<RecordedEvent>> Next(std::size_t max_events,
                                                  std::chrono::milliseconds timeout) = 0;

  // Wakes a waiting Next(); later calls return kCancelled.
  virtual void Stop() = 0;

  // The position the next delivered event will have.
  [[nodiscard]] virtual std::uint64_t next_position() const = 0;

 protected:
  Subscription() = default;
};

}  // namespace chronicle::eventstore
