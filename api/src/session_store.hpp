#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "chronicle/base/result.hpp"
#include "chronicle/projections/read_model_store.hpp"

namespace chronicle::api {

// Login sessions: bearer tokens of 32 random bytes (hex). Only SHA-256 of a
// token is kept, in memory and on disk (DATA_DIR/sessions), so a restart
// keeps everyone logged in and a stolen data dir yields no usable token.
// A session ends at its absolute expiry, after `idle` without a request, on
// logout, and whenever its user's password is reset or changed or the user
// is disabled (RevokeUser).
//
// Thread-safety: all methods are safe concurrently. The revocation listener
// is called outside the lock, on the revoking thread.
class SessionStore {
 public:
  struct Options {
    std::chrono::seconds lifetime{12 * 3600};  // absolute
    std::chrono::seconds idle{2 * 3600};
  };
  // `disk` is borrowed and must outlive the store.
  static Result<std::unique_ptr<SessionStore>> Open(Options options,
                                                    projections::ReadModelStore& disk);

  struct Issued {
    std::string token;
    std::int64_t expires_at_ns;
  };
  Result<Issued> Issue(const std::string& user_id, std::int64_t now_ns);
  // The user id of a live session; touches its idle clock.
  std::optional<std::string> Find(const std::string& token, std::int64_t now_ns);
  // Whether the session is live, without touching it (WebSocket re-checks).
  bool Live(const std::string& token, std::int64_t now_ns);
  void Revoke(const std::string& token);
  // Ends every session of `user_id` except `keep_token` (may be empty).
  void RevokeUser(const std::string& user_id, const std::string& keep_token);

  // Called after any revocation (e.g. to close WebSockets on those sessions).
  void OnRevoked(std::function<void()> listener);

 private:
  struct Session {
    std::string user_id;
    std::int64_t expires_at_ns = 0;
    std::int64_t last_seen_ns = 0;
    std::int64_t persisted_seen_ns = 0;  // last_seen as last written to disk
  };
  SessionStore(Options options, projections::ReadModelStore& disk)
      : options_(options), disk_(&disk) {}
  [[nodiscard]] bool Expired(const Session& s, std::int64_t now_ns) const;
  void Persist(projections::DocChanges& changes, const std::string& key, const Session& s);
  void Write(const projections::DocChanges& changes);
  void Revoked();

  const Options options_;
  projections::ReadModelStore* disk_;  // borrowed
  std::mutex mu_;
  std::map<std::string, Session, std::less<>> sessions_;  // by SHA-256(token) hex; guarded by mu_
  std::function<void()> on_revoked_;                      // guarded by mu_
};

// Login throttling. The key is (username, client address): a wrong password
// from one place never locks the user out elsewhere. Attempts are counted
// before the password is checked (so concurrent guesses cannot slip past
// the count): a few attempts are free, then each further one waits
// exponentially longer (1 s, 2 s, 4 s, … up to 15 min), one at a time. A
// success clears the pair. Each address also has a higher ceiling of
// failures over a window, against guessing across many usernames.
class LoginLimiter {
 public:
  struct Options {
    int free_attempts = 3;
    std::chrono::seconds max_backoff{15 * 60};
    int address_ceiling = 100;  // failures per address per window
    std::chrono::seconds address_window{15 * 60};
  };
  explicit LoginLimiter(Options options) : options_(options) {}

  // Reserves an attempt; nullopt when it may proceed, else the seconds to wait.
  std::optional<std::int64_t> Acquire(const std::string& username, const std::string& address,
                                      std::int64_t now_ns);
  // Ends a reserved attempt.
  void Succeeded(const std::string& username, const std::string& address);
  void Failed(const std::string& username, const std::string& address, std::int64_t now_ns);

 private:
  struct Pair {
    int failures = 0;
    int pending = 0;
    std::int64_t next_allowed_ns = 0;
    std::int64_t last_failure_ns = 0;
  };
  struct Address {
    std::vector<std::int64_t> failures;  // times, within the window
    int pending = 0;
  };
  void Prune(std::int64_t now_ns);

  const Options options_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Pair> pairs_;  // guarded by mu_
  std::map<std::string, Address, std::less<>> addresses_;      // guarded by mu_
  std::int64_t last_prune_ns_ = 0;                             // guarded by mu_
};

}  // namespace chronicle::api
