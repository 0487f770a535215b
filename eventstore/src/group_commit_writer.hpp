#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "chronicle/eventstore/event_store.hpp"
#include "rocks_log.hpp"

namespace chronicle::eventstore {

struct AppendRequest {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;
  AppendCallback done;
};

// The single writer of the log. Appends queued by any number of threads are
// merged into one WriteBatch and one (f)sync per group, so concurrent callers
// share the cost of durability. Positions, versions, timestamps and the hash
// chain are assigned here, in commit order, which is why the log is gapless.
//
// Thread-safety: Submit() from any thread; everything else runs on the
// writer thread.
class GroupCommitWriter {
 public:
  using OnCommit = std::function<void(std::shared_ptr<const std::vector<RecordedEvent>>)>;

  // `log` must outlive the writer. `on_commit` runs on the writer thread after
  // each durable group, after last_position() has moved past it.
  GroupCommitWriter(RocksLog& log, const RocksLog::Tail& tail, const Options& options,
                    OnCommit on_commit);
  // Commits what is queued, then stops.
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Queues `request`; returns how many requests are queued with it (0 when
  // the writer was closing and `done` already ran with kUnavailable).
  std::size_t Submit(AppendRequest request);

  [[nodiscard]] std::uint64_t last_position() const {
    return last_position_.load(std::memory_order_acquire);
  }
  [[nodiscard]] Hash head_hash() const;
  [[nodiscard]] LogHead head() const;
  [[nodiscard]] WriterStats stats() const {
    return {groups_.load(std::memory_order_relaxed), events_.load(std::memory_order_relaxed)};
  }

 private:
  struct Group;

  void Run();
  void Commit(std::vector<AppendRequest>& requests);
  Result<AppendResult> Stage(const AppendRequest& request, Group& group);
  Result<std::optional<AppendResult>> FindIdempotentRepeat(const AppendRequest& request,
                                                           const Group& group);

  RocksLog& log_;
  const bool sync_;
  const std::size_t max_group_events_;
  const std::function<std::int64_t()> clock_;
  const OnCommit on_commit_;
  std::size_t last_group_requests_ = 0;  // writer thread only
  std::atomic<std::uint64_t> groups_{0};
  std::atomic<std::uint64_t> events_{0};

  std::mutex mu_;
  std::condition_variable work_ready_;
  std::vector<AppendRequest> queue_;    // guarded by mu_
  bool stopping_ = false;               // guarded by mu_
  std::atomic<std::size_t> queued_{0};  // queue_.size(), readable without mu_

  // Writer-thread state, published through last_position_ / head_mu_.
  std::atomic<std::uint64_t> last_position_;
  mutable std::mutex head_mu_;
  Hash head_hash_;  // guarded by head_mu_
  std::int64_t last_recorded_at_ns_;
  Status failed_;  // after a failed write the log accepts no more appends
  // Last version of recently written streams. Exact because this thread is
  // the only writer; saves the RocksDB read of the head key. Bounded.
  std::unordered_map<std::string, std::uint64_t> head_cache_;

  std::thread thread_;  // last: starts after every member above is ready
};

}  // namespace chronicle::eventstore
