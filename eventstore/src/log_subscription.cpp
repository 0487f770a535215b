#include "log_subscription.hpp"

namespace chronicle::eventstore {

LogSubscription::LogSubscription(SubscriptionHub& hub, LogSource source,
                                 std::uint64_t from_position, std::size_t buffer_events)
    : hub_(hub),
      source_(std::move(source)),
      buffer_(std::make_shared<SubscriberBuffer>(std::max<std::size_t>(1, buffer_events))),
      next_position_(from_position) {
  hub_.Add(buffer_);
}

LogSubscription::~LogSubscription() { hub_.Remove(buffer_.get()); }

void LogSubscription::Stop() {
  {
    std::lock_guard lock(buffer_->mu);
    buffer_->stopped = true;
  }
  buffer_->changed.notify_all();
}

void LogSubscription::TakeBuffered(std::size_t max_events, std::vector<RecordedEvent>& out) {
  auto& groups = buffer_->groups;
  while (!groups.empty() && out.size() < max_events) {
    const auto& group = *groups.front();
    const std::uint64_t first = group.front().position;
    const std::uint64_t last = group.back().position;
    if (last < next_position_) {  // already read from the log
      buffer_->buffered_events -= group.size();
      groups.pop_front();
      continue;
    }
    if (first > next_position_) return;  // a gap: the log has to fill it
    for (auto i = static_cast<std::size_t>(next_position_ - first);
         i < group.size() && out.size() < max_events; ++i) {
      out.push_back(group[i]);
      ++next_position_;
    }
    if (next_position_ > last) {
      buffer_->buffered_events -= group.size();
      groups.pop_front();
    }
  }
}

Result<std::vector<RecordedEvent>> LogSubscription::Next(std::size_t max_events,
                                                         std::chrono::milliseconds timeout) {
  std::vector<RecordedEvent> out;
  if (max_events == 0) return out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(buffer_->mu);
  bool timed_out = false;
  for (;;) {
    if (buffer_->stopped) return CancelledError("subscription stopped");
    TakeBuffered(max_events, out);
    if (!out.empty()) break;
    if (next_position_ <= source_.last_position()) {
      // Committed events that are not (or no longer) buffered: read them from
      // the log. Live buffering resumes from here on.
      buffer_->overflowed = false;
      lock.unlock();
      CHRONICLE_ASSIGN_OR_RETURN(out, source_.read(next_position_, max_events));
      next_position_ += out.size();
      return out;
    }
    if (timed_out) return out;
    timed_out = buffer_->changed.wait_until(lock, deadline) == std::cv_status::timeout;
  }
  lock.unlock();
  for (auto& event : out) source_.upcast(event);
  return out;
}

}  // namespace chronicle::eventstore
