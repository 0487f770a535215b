#include "session_store.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "chronicle/base/hex.hpp"
#include "chronicle/base/json.hpp"
#include "chronicle/json/parse.hpp"
#include "sha256.hpp"

namespace chronicle::api {
namespace {

constexpr std::string_view kKeySpace = "sessions";
constexpr std::int64_t kSecondNs = 1'000'000'000;

std::int64_t Ns(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(s).count();
}

}  // namespace

Result<std::unique_ptr<SessionStore>> SessionStore::Open(Options options,
                                                         projections::ReadModelStore& disk) {
  std::unique_ptr<SessionStore> store(new SessionStore(options, disk));
  CHRONICLE_ASSIGN_OR_RETURN(auto loaded, store->disk_->Load(kKeySpace));
  for (const auto& [key, text] : loaded.documents) {
    auto doc = ParseJson(text);
    if (!doc.ok() || !doc->is_object()) continue;  // an unreadable session is no session
    Session s;
    const Json* user = doc->Find("user_id");
    const Json* expires = doc->Find("expires_at_ns");
    const Json* seen = doc->Find("last_seen_ns");
    if (user == nullptr || !user->is_string() || expires == nullptr || !expires->is_int() ||
        seen == nullptr || !seen->is_int()) {
      continue;
    }
    s.user_id = user->as_string();
    s.expires_at_ns = expires->as_int();
    s.last_seen_ns = s.persisted_seen_ns = seen->as_int();
    store->sessions_.emplace(key, std::move(s));
  }
  return store;
}

bool SessionStore::Expired(const Session& s, std::int64_t now_ns) const {
  return s.expires_at_ns <= now_ns || s.last_seen_ns + Ns(options_.idle) <= now_ns;
}

void SessionStore::Persist(projections::DocChanges& changes, const std::string& key,
                           const Session& s) {
  JsonWriter w;
  w.BeginObject();
  w.Key("user_id").String(s.user_id);
  w.Key("expires_at_ns").Int(s.expires_at_ns);
  w.Key("last_seen_ns").Int(s.last_seen_ns);
  w.EndObject();
  changes.Put(key, w.Take());
}

void SessionStore::Write(const projections::DocChanges& changes) {
  if (changes.puts().empty() && changes.deletes().empty()) return;
  if (Status s = disk_->Commit(kKeySpace, 0, changes); !s.ok()) {
    // The in-memory answer stands; a restart may then forget (or keep) this change.
    spdlog::error("sessions: writing to disk: {}", s.ToString());
  }
}

Result<SessionStore::Issued> SessionStore::Issue(const std::string& user_id, std::int64_t now_ns) {
  std::uint8_t bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return InternalError("no randomness for a token");
  Issued issued{HexEncode(bytes), now_ns + Ns(options_.lifetime)};
  const std::string key = Sha256Hex(issued.token);
  projections::DocChanges changes;
  {
    std::lock_guard lock(mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (Expired(it->second, now_ns)) {
        changes.Delete(it->first);
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
    Session& s = sessions_[key];
    s = Session{user_id, issued.expires_at_ns, now_ns, now_ns};
    Persist(changes, key, s);
    Write(changes);
  }
  return issued;
}

std::optional<std::string> SessionStore::Find(const std::string& token, std::int64_t now_ns) {
  const std::string key = Sha256Hex(token);
  std::lock_guard lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end() || Expired(it->second, now_ns)) return std::nullopt;
  Session& s = it->second;
  s.last_seen_ns = now_ns;
  // The idle clock reaches the disk at most once a minute per session.
  if (now_ns - s.persisted_seen_ns >= 60 * kSecondNs) {
    s.persisted_seen_ns = now_ns;
    projections::DocChanges changes;
    Persist(changes, key, s);
    Write(changes);
  }
  return s.user_id;
}

bool SessionStore::Live(const std::string& token, std::int64_t now_ns) {
  const std::string key = Sha256Hex(token);
  std::lock_guard lock(mu_);
  auto it = sessions_.find(key);
  return it != sessions_.end() && !Expired(it->second, now_ns);
}

void SessionStore::Revoke(const std::string& token) {
  const std::string key = Sha256Hex(token);
  {
    std::lock_guard lock(mu_);
    if (sessions_.erase(key) == 0) return;
    projections::DocChanges changes;
    changes.Delete(key);
    Write(changes);
  }
  Revoked();
}

void SessionStore::RevokeUser(const std::string& user_id, const std::string& keep_token) {
  const std::string keep = keep_token.empty() ? std::string() : Sha256Hex(keep_token);
  {
    std::lock_guard lock(mu_);
    projections::DocChanges changes;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second.user_id == user_id && it->first != keep) {
        changes.Delete(it->first);
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
    Write(changes);
  }
  Revoked();
}

void SessionStore::OnRevoked(std::function<void()> listener) {
  std::lock_guard lock(mu_);
  on_revoked_ = std::move(listener);
}

void SessionStore::Revoked() {
  std::function<void()> listener;
  {
    std::lock_guard lock(mu_);
    listener = on_revoked_;
  }
  if (listener) listener();
}

// ---- LoginLimiter -------------------------------------------------------------

std::optional<std::int64_t> LoginLimiter::Acquire(const std::string& username,
                                                  const std::string& address, std::int64_t now_ns) {
  std::lock_guard lock(mu_);
  Prune(now_ns);
  Address& a = addresses_[address];
  if (static_cast<int>(a.failures.size()) + a.pending >= options_.address_ceiling) {
    const std::int64_t oldest = a.failures.empty() ? now_ns : a.failures.front();
    return std::max<std::int64_t>(1, (oldest + Ns(options_.address_window) - now_ns) / kSecondNs);
  }
  Pair& p = pairs_[{username, address}];
  if (now_ns < p.next_allowed_ns) {
    return std::max<std::int64_t>(1, (p.next_allowed_ns - now_ns + kSecondNs - 1) / kSecondNs);
  }
  // Past the free attempts, one guess at a time.
  if (p.failures + p.pending >= options_.free_attempts && p.pending > 0) return 1;
  ++p.pending;
  ++a.pending;
  return std::nullopt;
}

void LoginLimiter::Succeeded(const std::string& username, const std::string& address) {
  std::lock_guard lock(mu_);
  pairs_.erase({username, address});
  // A success from an address clears its ceiling too: behind a proxy the
  // address is everyone's, and one user's typos must not lock out the rest.
  addresses_.erase(address);
}

void LoginLimiter::Failed(const std::string& username, const std::string& address,
                          std::int64_t now_ns) {
  std::lock_guard lock(mu_);
  Pair& p = pairs_[{username, address}];
  p.pending = std::max(0, p.pending - 1);
  ++p.failures;
  p.last_failure_ns = now_ns;
  if (p.failures >= options_.free_attempts) {
    const int doublings = std::min(p.failures - options_.free_attempts, 20);
    const std::int64_t backoff =
        std::min<std::int64_t>(kSecondNs << doublings, Ns(options_.max_backoff));
    p.next_allowed_ns = now_ns + backoff;
  }
  Address& a = addresses_[address];
  a.pending = std::max(0, a.pending - 1);
  a.failures.push_back(now_ns);
}

void LoginLimiter::Prune(std::int64_t now_ns) {
  if (now_ns - last_prune_ns_ < kSecondNs) return;
  last_prune_ns_ = now_ns;
  const std::int64_t cutoff = now_ns - Ns(options_.address_window);
  for (auto it = addresses_.begin(); it != addresses_.end();) {
    auto& f = it->second.failures;
    f.erase(f.begin(), std::lower_bound(f.begin(), f.end(), cutoff));
    it = f.empty() && it->second.pending == 0 ? addresses_.erase(it) : std::next(it);
  }
  // A pair is forgotten once quiet for twice the longest backoff.
  const std::int64_t stale = now_ns - 2 * Ns(options_.max_backoff);
  std::erase_if(pairs_, [stale](const auto& entry) {
    return entry.second.pending == 0 && entry.second.last_failure_ns < stale &&
           entry.second.next_allowed_ns < stale;
  });
}

}  // namespace chronicle::api
