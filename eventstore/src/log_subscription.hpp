#pragma once

#include <functional>
#include <memory>

#include "chronicle/eventstore/subscription.hpp"
#include "subscription_hub.hpp"

namespace chronicle::eventstore {

// Where a subscription reads what its live buffer does not hold.
struct LogSource {
  std::function<std::uint64_t()> last_position;
  // Events at positions [from, from + limit) that are committed, upcast.
  std::function<Result<std::vector<RecordedEvent>>(std::uint64_t from, std::size_t limit)> read;
  std::function<void(RecordedEvent&)> upcast;
};

// Catch-up from the log, then live from the buffer; falls back to the log
// whenever the buffer does not start at the next position (after an
// overflow, or before the first live group). Dedup by position makes the
// switch exact: nothing missed, nothing repeated.
class LogSubscription final : public Subscription {
 public:
  LogSubscription(SubscriptionHub& hub, LogSource source, std::uint64_t from_position,
                  std::size_t buffer_events);
  ~LogSubscription() override;

  Result<std::vector<RecordedEvent>> Next(std::size_t max_events,
                                          std::chrono::milliseconds timeout) override;
  void Stop() override;
  [[nodiscard]] std::uint64_t next_position() const override { return next_position_; }

 private:
  // Moves buffered events starting exactly at next_position_ into `out`.
  void TakeBuffered(std::size_t max_events, std::vector<RecordedEvent>& out);

  SubscriptionHub& hub_;
  LogSource source_;
  std::shared_ptr<SubscriberBuffer> buffer_;
  std::uint64_t next_position_;  // consumer thread only
};

}  // namespace chronicle::eventstore
