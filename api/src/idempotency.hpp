#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "chronicle/api/http.hpp"

namespace chronicle::api {

// Idempotency-Key on POST: the first answer is kept; a repeat with the same
// key and body gets it again without running the command; the same key with
// another body is 409. A repeat that arrives while the first is still
// running waits for it. Bounded (oldest keys are forgotten first).
class IdempotencyCache {
 public:
  explicit IdempotencyCache(std::size_t capacity) : capacity_(capacity) {}
  Response Run(const std::string& key, const std::string& fingerprint,
               const std::function<Response()>& run);

 private:
  struct Entry {
    std::string fingerprint;
    std::optional<Response> response;  // nullopt while the first request runs
  };
  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable done_;
  std::map<std::string, Entry, std::less<>> entries_;  // guarded by mu_
  std::deque<std::string> order_;                      // guarded by mu_
};

}  // namespace chronicle::api
