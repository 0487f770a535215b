#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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

  void Submit(AppendRequest request);

  [[nodiscard]] std::uint64_t last_position() const {
    return last_position_.load(std::memory_order_acquire);
  }
  [[nodiscard]] Hash head_hash() const;

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

  std::mutex mu_;
  std::condition_variable work_ready_;
  std::vector<AppendRequest> queue_;  // guarded by mu_
  bool stopping_ = false;             // guarded by mu_

  // Writer-thread state, published through last_position_ / head_mu_.
  std::atomic<std::uint64_t> last_position_;
  mutable std::mutex head_mu_;
  Hash head_hash_;  // guarded by head_mu_
  std::int64_t last_recorded_at_ns_;
  Status failed_;  // after a failed write the log accepts no more appends

  std::thread thread_;  // last: starts after every member above is ready
};

}  // namespace chronicle::eventstore
