#include "chronicle/projections/projection_runtime.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

namespace chronicle::projections {

namespace {
constexpr std::size_t kBatchEvents = 1024;
}  // namespace

struct ProjectionRuntime::Runner {
  Projection* projection = nullptr;  // borrowed; outlives the runtime
  std::unique_ptr<eventstore::Subscription> subscription;
  std::atomic<std::uint64_t> applied{0};
  std::thread thread;
  // Held by the runner while it applies a batch; an online rebuild holds it
  // to freeze the live model at one position.
  std::mutex apply_mu;
};

namespace {

// Applies the log from `from` to `to` (inclusive) to `projection`, in memory.
Status ApplyRange(eventstore::EventStore& store, Projection& projection, std::uint64_t from,
                  std::uint64_t to) {
  DocChanges ignored;
  while (from <= to) {
    CHRONICLE_ASSIGN_OR_RETURN(auto batch,
                               store.ReadAll(from, std::min<std::uint64_t>(4096, to - from + 1)));
    if (batch.empty()) break;
    ignored.Clear();
    CHRONICLE_RETURN_IF_ERROR(projection.Apply(batch, ignored));
    from = batch.back().position + 1;
  }
  return Status::Ok();
}

}  // namespace

Result<std::uint64_t> ProjectionRuntime::RebuildOnline(std::string_view name, Projection& fresh) {
  Runner* runner = nullptr;
  for (auto& r : runners_) {
    if (r->projection->name() == name) runner = r.get();
  }
  if (runner == nullptr) return NotFoundError("no projection named '" + std::string(name) + "'");
  CHRONICLE_RETURN_IF_ERROR(fresh.Load({}));
  // Most of the work happens while the live model keeps serving.
  const std::uint64_t first_pass = runner->applied.load(std::memory_order_acquire);
  CHRONICLE_RETURN_IF_ERROR(ApplyRange(store_, fresh, 1, first_pass));
  std::lock_guard freeze(runner->apply_mu);
  const std::uint64_t position = runner->applied.load(std::memory_order_acquire);
  CHRONICLE_RETURN_IF_ERROR(ApplyRange(store_, fresh, first_pass + 1, position));
  const auto documents = fresh.Documents();
  CHRONICLE_RETURN_IF_ERROR(read_models_.Replace(name, position, documents));
  const auto each = [&](const DocumentVisitor& visit) {
    for (const auto& [key, document] : documents) CHRONICLE_RETURN_IF_ERROR(visit(key, document));
    return Status::Ok();
  };
  CHRONICLE_RETURN_IF_ERROR(runner->projection->LoadFrom(each));
  return position;
}

ProjectionRuntime::ProjectionRuntime(eventstore::EventStore& store, ReadModelStore& read_models)
    : store_(store), read_models_(read_models) {}

ProjectionRuntime::~ProjectionRuntime() { Stop(); }

Status ProjectionRuntime::Start(Projection& projection) {
  // Documents stream from the store into the projection: never all in memory twice.
  std::uint64_t checkpoint = 0;
  CHRONICLE_RETURN_IF_ERROR(projection.LoadFrom([&](const DocumentVisitor& visit) -> Status {
    CHRONICLE_ASSIGN_OR_RETURN(checkpoint, read_models_.Scan(projection.name(), visit));
    return Status::Ok();
  }));
  CHRONICLE_ASSIGN_OR_RETURN(auto subscription, store_.Subscribe(checkpoint + 1));
  auto runner = std::make_unique<Runner>();
  runner->projection = &projection;
  runner->subscription = std::move(subscription);
  runner->applied = checkpoint;
  Runner& ref = *runner;
  {
    std::lock_guard lock(mu_);
    runners_.push_back(std::move(runner));
  }
  ref.thread = std::thread([this, &ref] { Run(ref); });
  return Status::Ok();
}

void ProjectionRuntime::Stop() {
  for (auto& runner : runners_) runner->subscription->Stop();
  for (auto& runner : runners_) {
    if (runner->thread.joinable()) runner->thread.join();
  }
  runners_.clear();
}

void ProjectionRuntime::Run(Runner& runner) {
  DocChanges changes;
  for (;;) {
    auto batch = runner.subscription->Next(kBatchEvents, std::chrono::seconds(1));
    if (!batch.ok()) {
      if (batch.status().code() == StatusCode::kCancelled) return;
      spdlog::error("projection {}: reading the log: {}", runner.projection->name(),
                    batch.status().ToString());
      std::lock_guard lock(mu_);
      health_ = batch.status();
      return;
    }
    if (batch->empty()) continue;
    std::lock_guard apply_lock(runner.apply_mu);
    changes.Clear();
    Status applied = runner.projection->Apply(*batch, changes);
    if (applied.ok()) {
      applied = read_models_.Commit(runner.projection->name(), batch->back().position, changes);
    }
    if (!applied.ok()) {
      // Never skip an event: stop this projection and report it unhealthy.
      spdlog::error("projection {} stopped: {}", runner.projection->name(), applied.ToString());
      std::lock_guard lock(mu_);
      health_ = applied;
      return;
    }
    runner.applied.store(batch->back().position, std::memory_order_release);
    Notify();
  }
}

void ProjectionRuntime::Notify() {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mu_);
    applied_changed_.notify_all();
    if (!waiters_.empty()) {
      const std::uint64_t applied = AppliedPosition();
      for (auto it = waiters_.begin(); it != waiters_.end();) {
        if (it->second.position <= applied) {
          ready.push_back(std::move(it->second.ready));
          it = waiters_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  for (auto& r : ready) r();
}

std::uint64_t ProjectionRuntime::WhenApplied(std::uint64_t position, std::function<void()> ready) {
  {
    std::lock_guard lock(mu_);
    if (AppliedPosition() < position) {
      const std::uint64_t ticket = next_ticket_++;
      waiters_.emplace(ticket, Waiter{position, std::move(ready)});
      return ticket;
    }
  }
  ready();
  return 0;
}

bool ProjectionRuntime::CancelWhenApplied(std::uint64_t ticket) {
  std::lock_guard lock(mu_);
  return waiters_.erase(ticket) > 0;
}

std::uint64_t ProjectionRuntime::AppliedPosition() const {
  std::uint64_t lowest = std::numeric_limits<std::uint64_t>::max();
  for (const auto& runner : runners_) {
    lowest = std::min(lowest, runner->applied.load(std::memory_order_acquire));
  }
  return runners_.empty() ? 0 : lowest;
}

bool ProjectionRuntime::WaitFor(std::uint64_t position, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return applied_changed_.wait_for(lock, timeout, [&] { return AppliedPosition() >= position; });
}

Status ProjectionRuntime::health() const {
  std::lock_guard lock(mu_);
  return health_;
}

Status ProjectionRuntime::Rebuild(
    eventstore::EventStore& store, ReadModelStore& read_models, Projection& projection,
    const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  CHRONICLE_RETURN_IF_ERROR(read_models.Drop(projection.name()));
  CHRONICLE_RETURN_IF_ERROR(projection.Load({}));
  const std::uint64_t last = store.LastPosition();
  DocChanges changes;
  for (std::uint64_t from = 1; from <= last;) {
    CHRONICLE_ASSIGN_OR_RETURN(auto batch, store.ReadAll(from, 4096));
    if (batch.empty()) break;
    changes.Clear();
    CHRONICLE_RETURN_IF_ERROR(projection.Apply(batch, changes));
    CHRONICLE_RETURN_IF_ERROR(
        read_models.Commit(projection.name(), batch.back().position, changes));
    from = batch.back().position + 1;
    if (progress) progress(batch.back().position, last);
  }
  return Status::Ok();
}

}  // namespace chronicle::projections
