#include "subscription_hub.hpp"

#include <algorithm>

namespace chronicle::eventstore {

void SubscriptionHub::Add(const std::shared_ptr<SubscriberBuffer>& buffer) {
  std::lock_guard lock(mu_);
  buffers_.push_back(buffer);
}

void SubscriptionHub::Remove(const SubscriberBuffer* buffer) {
  std::lock_guard lock(mu_);
  std::erase_if(buffers_, [buffer](const auto& b) { return b.get() == buffer; });
}

void SubscriptionHub::Publish(const std::shared_ptr<const std::vector<RecordedEvent>>& group) {
  std::lock_guard lock(mu_);
  for (const auto& buffer : buffers_) {
    {
      std::lock_guard buffer_lock(buffer->mu);
      if (buffer->overflowed) continue;
      if (buffer->buffered_events + group->size() > buffer->capacity) {
        buffer->overflowed = true;
        buffer->groups.clear();
        buffer->buffered_events = 0;
      } else {
        buffer->groups.push_back(group);
        buffer->buffered_events += group->size();
      }
    }
    buffer->changed.notify_one();
  }
}

void SubscriptionHub::StopAll() {
  std::lock_guard lock(mu_);
  for (const auto& buffer : buffers_) {
    {
      std::lock_guard buffer_lock(buffer->mu);
      buffer->stopped = true;
    }
    buffer->changed.notify_all();
  }
}

}  // namespace chronicle::eventstore
