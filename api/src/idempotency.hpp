#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "chronicle/api/http.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/projections/read_model_store.hpp"

namespace chronicle::api {

// Idempotency-Key on POST, per authenticated user: the first answer is kept;
// a repeat with the same key and body gets it again without running the
// command; the same key with another body is 409. A repeat that arrives
// while the first is still running waits for it.
//
// Only a SHA-256 of the body is kept, never the body. Answers are bounded by
// bytes (oldest forgotten first) and by age, and written to disk
// (DATA_DIR/sessions, key space "idempotency"), so a retry after a restart
// still gets the first answer. A key is marked on disk as pending before its
// command runs: after a crash in between, a retry gets 409 (it may have been
// applied) rather than a second application. 5xx answers are not kept
// (nothing changed).
//
// Thread-safety: all methods are safe concurrently.
class IdempotencyCache {
 public:
  struct Options {
    std::size_t max_bytes = 64u << 20;
    std::chrono::seconds max_age{24 * 3600};
  };
  // `disk` may be null (memory only). Loads what a previous run kept.
  static Result<std::unique_ptr<IdempotencyCache>> Open(Options options,
                                                        projections::ReadModelStore* disk,
                                                        std::int64_t now_ns);

  // `scope` names the user and route; `key` is the client's header.
  Response Run(const std::string& scope, const std::string& key, std::string_view body,
               std::int64_t now_ns, const std::function<Response()>& run);

  [[nodiscard]] std::size_t bytes() const;

 private:
  struct Entry {
    std::string fingerprint;           // SHA-256 of the body
    std::optional<Response> response;  // nullopt while the first request runs
    std::int64_t at_ns = 0;
    std::size_t bytes = 0;
  };
  IdempotencyCache(Options options, projections::ReadModelStore* disk)
      : options_(options), disk_(disk) {}
  void Keep(const std::string& id, Entry& entry, std::int64_t now_ns);  // mu_ held
  void Persist(const std::string& id, std::string document);            // mu_ held
  void Forget(const std::string& id);                                   // mu_ held
  void Evict(std::int64_t now_ns);                                      // mu_ held

  const Options options_;
  projections::ReadModelStore* disk_;  // borrowed; may be null
  mutable std::mutex mu_;
  std::condition_variable done_;
  std::map<std::string, Entry, std::less<>> entries_;  // guarded by mu_
  std::deque<std::string> order_;                      // completed ids, oldest first; guarded
  std::size_t bytes_ = 0;                              // guarded by mu_
};

}  // namespace chronicle::api
