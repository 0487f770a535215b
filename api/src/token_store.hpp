#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace chronicle::api {

// Bearer tokens: 32 random bytes (hex), valid for a fixed time, revocable.
// In memory: a restart asks everyone to log in again.
// Thread-safety: all methods are safe concurrently.
class TokenStore {
 public:
  explicit TokenStore(std::chrono::seconds lifetime) : lifetime_(lifetime) {}

  struct Issued {
    std::string token;
    std::int64_t expires_at_ns;
  };
  Issued Issue(const std::string& user_id, std::int64_t now_ns);
  // The user id of a live token.
  std::optional<std::string> Find(const std::string& token, std::int64_t now_ns);
  void Revoke(const std::string& token);

 private:
  struct Entry {
    std::string user_id;
    std::int64_t expires_at_ns;
  };
  const std::chrono::seconds lifetime_;
  std::mutex mu_;
  std::map<std::string, Entry, std::less<>> tokens_;  // guarded by mu_
};

// Counts login failures per key (username, client address) in a sliding
// window; over the limit, logins are refused without checking the password.
class RateLimiter {
 public:
  RateLimiter(int max_failures, std::chrono::seconds window)
      : max_(max_failures), window_(window) {}
  [[nodiscard]] bool Blocked(const std::string& key, std::int64_t now_ns);
  void Fail(const std::string& key, std::int64_t now_ns);
  void Reset(const std::string& key);

 private:
  void Prune(std::int64_t now_ns);
  const int max_;
  const std::chrono::seconds window_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::int64_t>, std::less<>> failures_;  // guarded by mu_
};

}  // namespace chronicle::api
