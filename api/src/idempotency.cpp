#include "idempotency.hpp"

#include "problem.hpp"

namespace chronicle::api {

Response IdempotencyCache::Run(const std::string& key, const std::string& fingerprint,
                               const std::function<Response()>& run) {
  std::unique_lock lock(mu_);
  for (;;) {
    auto it = entries_.find(key);
    if (it == entries_.end()) break;
    if (it->second.fingerprint != fingerprint) {
      return ProblemResponse(409, "conflict",
                             "this Idempotency-Key was used with a different request body");
    }
    if (it->second.response) return *it->second.response;
    done_.wait(lock);
  }
  entries_[key] = Entry{fingerprint, std::nullopt};
  lock.unlock();
  Response response = run();
  lock.lock();
  if (response.status >= 500) {
    entries_.erase(key);  // a failure that changed nothing may be retried
  } else {
    entries_[key].response = response;
    order_.push_back(key);
    while (order_.size() > capacity_) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
  }
  done_.notify_all();
  return response;
}

}  // namespace chronicle::api
