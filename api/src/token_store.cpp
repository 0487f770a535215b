#include "token_store.hpp"

#include <random>
#include <vector>

#include "chronicle/base/hex.hpp"

namespace chronicle::api {

TokenStore::Issued TokenStore::Issue(const std::string& user_id, std::int64_t now_ns) {
  std::random_device rd;
  std::uint8_t bytes[32];
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rd());
  Issued issued{HexEncode(bytes),
                now_ns + std::chrono::duration_cast<std::chrono::nanoseconds>(lifetime_).count()};
  std::lock_guard lock(mu_);
  std::erase_if(tokens_, [now_ns](const auto& t) { return t.second.expires_at_ns <= now_ns; });
  tokens_[issued.token] = Entry{user_id, issued.expires_at_ns};
  return issued;
}

std::optional<std::string> TokenStore::Find(const std::string& token, std::int64_t now_ns) {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(token);
  if (it == tokens_.end() || it->second.expires_at_ns <= now_ns) return std::nullopt;
  return it->second.user_id;
}

void TokenStore::Revoke(const std::string& token) {
  std::lock_guard lock(mu_);
  tokens_.erase(token);
}

bool RateLimiter::Blocked(const std::string& key, std::int64_t now_ns) {
  std::lock_guard lock(mu_);
  Prune(now_ns);
  auto it = failures_.find(key);
  return it != failures_.end() && static_cast<int>(it->second.size()) >= max_;
}

void RateLimiter::Fail(const std::string& key, std::int64_t now_ns) {
  std::lock_guard lock(mu_);
  failures_[key].push_back(now_ns);
}

void RateLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

void RateLimiter::Prune(std::int64_t now_ns) {
  const std::int64_t cutoff =
      now_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(window_).count();
  for (auto it = failures_.begin(); it != failures_.end();) {
    std::erase_if(it->second, [cutoff](std::int64_t t) { return t < cutoff; });
    it = it->second.empty() ? failures_.erase(it) : std::next(it);
  }
}

}  // namespace chronicle::api
