#include "group_commit_writer.hpp"

#include <chrono>
#include <unordered_map>

#include "completion.hpp"
#include "record_codec.hpp"

namespace chronicle::eventstore {

// Everything staged for one WriteBatch. Later requests in the same group see
// the streams and event ids staged by earlier ones.
struct GroupCommitWriter::Group {
  rocksdb::WriteBatch batch;
  std::uint64_t next_position = 0;
  Hash previous_hash{};
  std::int64_t recorded_at_ns = 0;
  std::unordered_map<std::string, std::uint64_t> stream_heads;
  std::unordered_map<EventId, std::size_t, UuidHash> event_index;  // id -> index in events
  std::vector<RecordedEvent> events;
};

namespace {

constexpr std::size_t kHeadCacheStreams = 1 << 20;
constexpr int kIdleSpins = 10000;

bool SameContent(const RecordedEvent& stored, const NewEvent& candidate) {
  return stored.type == candidate.type && stored.schema_version == candidate.schema_version &&
         stored.metadata == candidate.metadata && stored.payload == candidate.payload;
}

std::int64_t SystemClockNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

GroupCommitWriter::GroupCommitWriter(RocksLog& log, const RocksLog::Tail& tail,
                                     const Options& options, OnCommit on_commit)
    : log_(log),
      sync_(options.durability == Durability::kSync),
      max_group_events_(std::max<std::size_t>(1, options.max_group_commit_events)),
      clock_(options.clock ? options.clock : SystemClockNs),
      on_commit_(std::move(on_commit)),

      last_position_(tail.last_position),
      head_hash_(tail.head_hash),
      last_recorded_at_ns_(tail.last_recorded_at_ns),
      thread_([this] { Run(); }) {}

GroupCommitWriter::~GroupCommitWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_ready_.notify_one();
  thread_.join();
}

Hash GroupCommitWriter::head_hash() const {
  std::lock_guard lock(head_mu_);
  return head_hash_;
}

LogHead GroupCommitWriter::head() const {
  std::lock_guard lock(head_mu_);
  return {last_position_.load(std::memory_order_acquire), head_hash_};
}

std::size_t GroupCommitWriter::Submit(AppendRequest request) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(request));
      const std::size_t queued = queue_.size();
      queued_.store(queued, std::memory_order_relaxed);
      work_ready_.notify_one();
      return queued;
    }
  }
  request.done(UnavailableError("the event store is closing"));
  return 0;
}

void GroupCommitWriter::Run() {
  std::vector<AppendRequest> group;
  std::vector<AppendRequest> overflow;
  for (;;) {
    // A caller usually submits again within microseconds of being answered;
    // catching that by spinning saves a sleep and a wake-up per append.
    // Only for a lone caller: under load the next group is already queued.
    if (last_group_requests_ <= 1) {
      SpinUntil([this] { return queued_.load(std::memory_order_relaxed) != 0; }, kIdleSpins);
    }
    {
      std::unique_lock lock(mu_);
      work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      // Take as many queued requests as fit in one group; whoever arrived while
      // the previous group was syncing rides along in this one.
      std::size_t events = 0;
      std::size_t taken = 0;
      while (taken < queue_.size() && (taken == 0 || events < max_group_events_)) {
        events += queue_[taken].events.size();
        ++taken;
      }
      group.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(taken)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(taken));
      queued_.store(queue_.size(), std::memory_order_relaxed);
    }
    Commit(group);
    group.clear();
  }
}

void GroupCommitWriter::Commit(std::vector<AppendRequest>& requests) {
  Group group;
  group.next_position = last_position_.load(std::memory_order_relaxed) + 1;
  group.previous_hash = head_hash();
  // Never earlier than the last record: as-of-time reads rely on recorded_at
  // being monotonic in position order, even if the wall clock steps back.
  group.recorded_at_ns = std::max(clock_(), last_recorded_at_ns_);

  std::vector<Result<AppendResult>> results;
  std::vector<bool> staged;  // whose outcome depends on the write
  results.reserve(requests.size());
  staged.reserve(requests.size());
  for (const auto& request : requests) {
    if (!failed_.ok()) {
      results.emplace_back(failed_);
      staged.push_back(false);
      continue;
    }
    std::size_t before = group.events.size();
    results.push_back(Stage(request, group));
    staged.push_back(results.back().ok() && group.events.size() > before);
  }

  if (!group.events.empty()) {
    Status written = log_.Write(group.batch, sync_);
    if (!written.ok()) {
      // RocksDB refuses writes after a failed WAL write; refuse them here too,
      // with the cause, rather than acknowledge anything we cannot keep.
      failed_ = UnavailableError("the event log is read-only after a storage error: " +
                                 written.message());
      for (std::size_t i = 0; i < results.size(); ++i) {
        if (staged[i]) results[i] = written;
      }
    } else {
      last_recorded_at_ns_ = group.recorded_at_ns;
      if (head_cache_.size() + group.stream_heads.size() > kHeadCacheStreams) head_cache_.clear();
      for (auto& [stream, version] : group.stream_heads) head_cache_[stream] = version;
      groups_.fetch_add(1, std::memory_order_relaxed);
      events_.fetch_add(group.events.size(), std::memory_order_relaxed);
      {
        std::lock_guard lock(head_mu_);  // hash and position move together
        head_hash_ = group.previous_hash;
        last_position_.store(group.next_position - 1, std::memory_order_release);
      }
      on_commit_(std::make_shared<const std::vector<RecordedEvent>>(std::move(group.events)));
    }
  }
  for (std::size_t i = 0; i < requests.size(); ++i) requests[i].done(std::move(results[i]));
  last_group_requests_ = requests.size();
}

Result<std::optional<AppendResult>> GroupCommitWriter::FindIdempotentRepeat(
    const AppendRequest& request, const Group& group) {
  std::vector<RecordedEvent> originals;
  std::size_t supplied = 0;
  for (const auto& event : request.events) {
    if (event.id.is_nil()) continue;
    ++supplied;
    if (auto it = group.event_index.find(event.id); it != group.event_index.end()) {
      originals.push_back(group.events[it->second]);
      continue;
    }
    CHRONICLE_ASSIGN_OR_RETURN(auto position, log_.EventPosition(event.id));
    if (!position) continue;
    CHRONICLE_ASSIGN_OR_RETURN(RecordedEvent original, log_.ReadRecord(*position));
    originals.push_back(std::move(original));
  }
  if (originals.empty()) return std::optional<AppendResult>();
  if (originals.size() != request.events.size() || supplied != request.events.size()) {
    return AlreadyExistsError(
        "some of these event ids were already appended (event " + originals.front().id.ToString() +
        " at position " + std::to_string(originals.front().position) + "), the others were not");
  }
  for (std::size_t i = 0; i < originals.size(); ++i) {
    const RecordedEvent& original = originals[i];
    if (original.stream != request.stream || original.version != originals.front().version + i ||
        !SameContent(original, request.events[i])) {
      return AlreadyExistsError("event id " + original.id.ToString() +
                                " was already appended with other content (stream '" +
                                original.stream + "', version " + std::to_string(original.version) +
                                ")");
    }
  }
  return std::optional<AppendResult>(AppendResult{
      originals.front().position, originals.back().position, originals.back().version, true});
}

Result<AppendResult> GroupCommitWriter::Stage(const AppendRequest& request, Group& group) {
  CHRONICLE_ASSIGN_OR_RETURN(auto repeat, FindIdempotentRepeat(request, group));
  if (repeat) return *repeat;

  std::optional<std::uint64_t> current;
  if (auto it = group.stream_heads.find(request.stream); it != group.stream_heads.end()) {
    current = it->second;
  } else if (auto cached = head_cache_.find(request.stream); cached != head_cache_.end()) {
    current = cached->second;
  } else {
    CHRONICLE_ASSIGN_OR_RETURN(current, log_.StreamHead(request.stream));
  }
  if (!request.expected.Matches(current)) {
    const std::int64_t actual = current ? static_cast<std::int64_t>(*current) : -1;
    return AbortedError("stream '" + request.stream + "' is at version " +
                        (current ? std::to_string(*current) : std::string("none (no stream)")) +
                        ", expected " + request.expected.ToString())
        .WithCurrentVersion(actual);
  }

  const std::uint64_t first_version = current ? *current + 1 : 0;
  const std::uint64_t first_position = group.next_position;
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    const NewEvent& source = request.events[i];
    RecordedEvent event;
    event.id = source.id.is_nil() ? NewUuidV7(group.recorded_at_ns / 1'000'000) : source.id;
    event.stream = request.stream;
    event.version = first_version + i;
    event.position = group.next_position++;
    event.type = source.type;
    event.schema_version = source.schema_version;
    event.recorded_at_ns = group.recorded_at_ns;
    event.metadata = source.metadata;
    event.payload = source.payload;
    const std::string record = codec::EncodeRecord(event, group.previous_hash);
    group.previous_hash = event.hash;

    const std::string position_value = codec::EncodeU64(event.position);
    group.batch.Put(log_.log_cf(), codec::LogKey(event.position), record);
    group.batch.Put(log_.stream_index_cf(), codec::StreamIndexKey(event.stream, event.version),
                    position_value);
    group.batch.Put(log_.event_id_cf(), codec::EventIdKey(event.id), position_value);
    group.event_index.emplace(event.id, group.events.size());
    group.events.push_back(std::move(event));
  }
  const std::uint64_t last_version = first_version + request.events.size() - 1;
  group.batch.Put(log_.stream_head_cf(), request.stream, codec::EncodeU64(last_version));
  group.stream_heads[request.stream] = last_version;
  return AppendResult{first_position, group.next_position - 1, last_version, false};
}

}  // namespace chronicle::eventstore
