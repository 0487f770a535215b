#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "chronicle/eventstore/event.hpp"

namespace chronicle::eventstore {

// The live buffer of one subscriber: committed groups pushed by the writer,
// bounded in events. On overflow it is emptied and marked, and the
// subscriber reads the missed events from the log instead.
struct SubscriberBuffer {
  explicit SubscriberBuffer(std::size_t capacity_events) : capacity(capacity_events) {}

  const std::size_t capacity;
  std::mutex mu;
  std::condition_variable changed;
  std::deque<std::shared_ptr<const std::vector<RecordedEvent>>> groups;  // guarded by mu
  std::size_t buffered_events = 0;                                       // guarded by mu
  bool overflowed = false;                                               // guarded by mu
  bool stopped = false;                                                  // guarded by mu
};

// Fans committed groups out to subscribers. Publishing never waits for a
// subscriber beyond a short buffer lock.
class SubscriptionHub {
 public:
  void Add(const std::shared_ptr<SubscriberBuffer>& buffer);
  void Remove(const SubscriberBuffer* buffer);
  // Called by the writer after each commit, in commit order.
  void Publish(const std::shared_ptr<const std::vector<RecordedEvent>>& group);
  // Stops every subscriber (store shutdown).
  void StopAll();

 private:
  std::mutex mu_;
  std::vector<std::shared_ptr<SubscriberBuffer>> buffers_;  // guarded by mu_
};

}  // namespace chronicle::eventstore
