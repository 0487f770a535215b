#pragma once

#include <mutex>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/domain/pool.hpp"
#include "chronicle/domain/record.hpp"
#include "chronicle/eventstore/event_store.hpp"

namespace chronicle::api {

struct ApiContext;

// The pool rules in force (the last PoolRulesChanged of the "pool-rules"
// stream), read by the recycle job, claims and the pool_due_at of every
// customer. Thread-safety: all methods may be called concurrently.
class PoolRules {
 public:
  Status Reload(eventstore::EventStore& store);
  [[nodiscard]] domain::pool::Rules Current() const;
  void Set(domain::pool::Rules rules);

 private:
  mutable std::mutex mu_;
  domain::pool::Rules rules_;  // guarded by mu_
};

// A customer's pool_due_at under `rules` (null when exempt or in the pool).
Json PoolDueAt(const domain::pool::Rules& rules, const domain::record::State& customer);

// The recycle job: every owned customer due under today's rules moves to
// the pool, one event each by the system actor naming the rule version.
// Returns [{"customer_id", "reason", "rule_version"}].
Result<Json> RunRecycle(ApiContext& ctx);

}  // namespace chronicle::api
