#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "chronicle/eventstore/event_store.hpp"
#include "chronicle/projections/projection.hpp"

namespace chronicle::projections {

// Runs projections: each loads its documents and checkpoint, subscribes to
// the log from checkpoint + 1 and, per batch, applies the events and commits
// documents + checkpoint in one write. Queries use WaitFor() to read their
// own writes (min_position).
//
// Thread-safety: Start/Stop from one thread; the rest from any.
class ProjectionRuntime {
 public:
  ProjectionRuntime(eventstore::EventStore& store, ReadModelStore& read_models);
  ~ProjectionRuntime();
  ProjectionRuntime(const ProjectionRuntime&) = delete;
  ProjectionRuntime& operator=(const ProjectionRuntime&) = delete;

  // `projection` must outlive the runtime.
  Status Start(Projection& projection);
  void Stop();

  // The lowest position every projection has applied.
  [[nodiscard]] std::uint64_t AppliedPosition() const;
  // Waits until every projection applied `position`; false on timeout.
  bool WaitFor(std::uint64_t position, std::chrono::milliseconds timeout) const;
  // Without blocking: `ready` runs once every projection applied `position`
  // (at once, on this thread, when they already have; else on a projection
  // thread, so it must only post work elsewhere). Returns a ticket for
  // CancelWhenApplied, 0 when `ready` already ran.
  std::uint64_t WhenApplied(std::uint64_t position, std::function<void()> ready);
  // True when the waiter was removed before it ran (it never will).
  bool CancelWhenApplied(std::uint64_t ticket);
  // Set when a projection stopped on an event it could not apply.
  [[nodiscard]] Status health() const;

  // While serving: rebuilds the running projection named `name` into
  // `fresh` (a new, empty instance of the same projection) from the whole
  // log, then pauses the live one, catches `fresh` up to exactly its
  // position, and replaces documents + checkpoint in one write and the live
  // in-memory state from them. Queries never see a half-built model.
  Result<std::uint64_t> RebuildOnline(std::string_view name, Projection& fresh);

  // Offline: drops `projection`'s documents and applies the whole log again.
  // `progress` gets (applied, last) now and then.
  static Status Rebuild(eventstore::EventStore& store, ReadModelStore& read_models,
                        Projection& projection,
                        const std::function<void(std::uint64_t, std::uint64_t)>& progress);

 private:
  struct Runner;
  void Run(Runner& runner);
  void Notify();

  eventstore::EventStore& store_;
  ReadModelStore& read_models_;
  std::vector<std::unique_ptr<Runner>> runners_;
  mutable std::mutex mu_;
  mutable std::condition_variable applied_changed_;
  Status health_;  // guarded by mu_
  struct Waiter {
    std::uint64_t position;
    std::function<void()> ready;
  };
  std::map<std::uint64_t, Waiter> waiters_;  // by ticket; guarded by mu_
  std::uint64_t next_ticket_ = 1;            // guarded by mu_
};

}  // namespace chronicle::projections
