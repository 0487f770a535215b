#include "chronicle/eventstore/event_store.hpp"
#include "completion.hpp"
#include "format.hpp"
#include "group_commit_writer.hpp"
#include "log_subscription.hpp"
#include "rocks_log.hpp"
#include "subscription_hub.hpp"

namespace chronicle::eventstore {
namespace {

Status ValidateAppend(std::string_view stream, const std::vector<NewEvent>& events) {
  if (stream.empty()) return InvalidArgumentError("stream id is empty");
  if (stream.size() > format::kMaxStreamIdBytes) {
    return InvalidArgumentError("stream id is longer than " +
                                std::to_string(format::kMaxStreamIdBytes) + " bytes");
  }
  if (events.empty()) return InvalidArgumentError("an append needs at least one event");
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& type = events[i].type;
    if (type.empty() || type.size() > format::kMaxTypeBytes) {
      return InvalidArgumentError("event " + std::to_string(i) + ": type must be 1.." +
                                  std::to_string(format::kMaxTypeBytes) + " bytes");
    }
    if (events[i].id.is_nil()) continue;
    for (std::size_t j = 0; j < i; ++j) {
      if (events[j].id == events[i].id) {
        return InvalidArgumentError("event id " + events[i].id.ToString() +
                                    " appears twice in one append");
      }
    }
  }
  return Status::Ok();
}

// The RocksDB-backed EventStore: a RocksLog, its single writer and the
// subscriber fan-out.
class RocksEventStore final : public EventStore {
 public:
  RocksEventStore(std::unique_ptr<RocksLog> log, const RocksLog::Tail& tail, const Options& options)
      : options_(options),
        log_(std::move(log)),
        writer_(*log_, tail, options_,
                [this](const std::shared_ptr<const std::vector<RecordedEvent>>& group) {
                  hub_.Publish(group);
                }) {}

  ~RocksEventStore() override { hub_.StopAll(); }

  Result<AppendResult> Append(std::string_view stream, ExpectedVersion expected,
                              std::vector<NewEvent> events) override {
    if (Status valid = ValidateAppend(stream, events); !valid.ok()) return valid;
    Completion completion;
    const std::size_t queued = writer_.Submit(AppendRequest{
        std::string(stream), expected, std::move(events),
        [&completion](Result<AppendResult> result) { completion.Set(std::move(result)); }});
    completion.Wait(/*may_spin=*/queued <= 1);
    auto& outcome = completion.outcome;
    return std::move(*outcome);
  }

  void AppendAsync(std::string_view stream, ExpectedVersion expected, std::vector<NewEvent> events,
                   AppendCallback done) override {
    if (Status valid = ValidateAppend(stream, events); !valid.ok()) {
      done(std::move(valid));
      return;
    }
    writer_.Submit(
        AppendRequest{std::string(stream), expected, std::move(events), std::move(done)});
  }

  Result<std::vector<RecordedEvent>> ReadStreamForward(std::string_view stream,
                                                       std::uint64_t from_version,
                                                       std::size_t limit) override {
    return ReadStream(stream, from_version, limit, true);
  }

  Result<std::vector<RecordedEvent>> ReadStreamBackward(std::string_view stream,
                                                        std::uint64_t from_version,
                                                        std::size_t limit) override {
    return ReadStream(stream, from_version, limit, false);
  }

  Result<std::vector<RecordedEvent>> ReadAll(std::uint64_t from_position,
                                             std::size_t limit) override {
    from_position = std::max<std::uint64_t>(from_position, 1);
    // Only committed positions: a reader never sees a group still being written.
    CHRONICLE_ASSIGN_OR_RETURN(auto events,
                               log_->ReadRange(from_position, writer_.last_position(), limit));
    Upcast(events);
    return events;
  }

  [[nodiscard]] std::uint64_t LastPosition() const override { return writer_.last_position(); }
  [[nodiscard]] Hash HeadHash() const override { return writer_.head_hash(); }
  [[nodiscard]] WriterStats Stats() const override { return writer_.stats(); }
  [[nodiscard]] LogHead Head() const override { return writer_.head(); }

  Result<std::optional<std::uint64_t>> StreamVersion(std::string_view stream) override {
    return log_->StreamHead(stream);
  }

  Result<std::unique_ptr<Subscription>> Subscribe(std::uint64_t from_position) override {
    LogSource source{[this] { return writer_.last_position(); },
                     [this](std::uint64_t from, std::size_t limit) { return ReadAll(from, limit); },
                     [this](RecordedEvent& event) {
                       if (options_.upcasters) options_.upcasters->Upcast(event);
                     }};
    return std::unique_ptr<Subscription>(
        new LogSubscription(hub_, std::move(source), std::max<std::uint64_t>(from_position, 1),
                            options_.subscriber_buffer_events));
  }

  Status Backup(const std::filesystem::path& target_dir) override {
    return log_->Checkpoint(target_dir);
  }

 private:
  Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream, std::uint64_t from_version,
                                                std::size_t limit, bool forward) {
    CHRONICLE_ASSIGN_OR_RETURN(auto positions,
                               log_->StreamPositions(stream, from_version, limit, forward));
    // The index may already hold a group whose write has not been published.
    const std::uint64_t last = writer_.last_position();
    std::erase_if(positions, [last](std::uint64_t p) { return p > last; });
    CHRONICLE_ASSIGN_OR_RETURN(auto events, log_->ReadPositions(positions));
    Upcast(events);
    return events;
  }

  void Upcast(std::vector<RecordedEvent>& events) const {
    if (!options_.upcasters || options_.upcasters->empty()) return;
    for (auto& event : events) options_.upcasters->Upcast(event);
  }

  const Options options_;
  std::unique_ptr<RocksLog> log_;
  SubscriptionHub hub_;
  GroupCommitWriter writer_;  // last: its thread uses everything above
};

}  // namespace

Result<std::unique_ptr<EventStore>> EventStore::Open(const Options& options,
                                                     const std::filesystem::path& dir) {
  CHRONICLE_ASSIGN_OR_RETURN(auto log, RocksLog::Open(dir, RocksLog::Mode::kReadWrite));
  CHRONICLE_ASSIGN_OR_RETURN(auto tail, log->ReadTail());
  return std::unique_ptr<EventStore>(new RocksEventStore(std::move(log), tail, options));
}

}  // namespace chronicle::eventstore
