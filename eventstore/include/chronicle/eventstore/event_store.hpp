#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/result.hpp"
#include "chronicle/eventstore/event.hpp"
#include "chronicle/eventstore/expected_version.hpp"
#include "chronicle/eventstore/subscription.hpp"
#include "chronicle/eventstore/upcaster.hpp"

namespace chronicle::eventstore {

enum class Durability : std::uint8_t {
  kSync,   // an append returns after its events are fsynced (group commit)
  kAsync,  // written to the WAL without fsync: survives a process crash, not a power loss
};

struct Options {
  Durability durability = Durability::kSync;
  // Schema evolution applied on every read path. May be null.
  std::shared_ptr<const UpcasterRegistry> upcasters;
  // Events a subscriber may have buffered before it falls back to the log.
  std::size_t subscriber_buffer_events = 8192;
  // Most events merged into one group commit.
  std::size_t max_group_commit_events = 4096;
  // Wall clock in ns since the epoch; injectable for tests.
  std::function<std::int64_t()> clock;
};

struct AppendResult {
  std::uint64_t first_position = 0;
  std::uint64_t last_position = 0;
  std::uint64_t last_version = 0;  // the stream's version after the append
  bool duplicate = false;          // an idempotent repeat: nothing was appended

  friend bool operator==(const AppendResult&, const AppendResult&) = default;
};

using AppendCallback = std::function<void(Result<AppendResult>)>;

// The end of the log: a position and the hash of the record there, read together.
struct LogHead {
  std::uint64_t position = 0;
  Hash hash{};
};

// Counters of the single writer since open.
struct WriterStats {
  std::uint64_t groups = 0;  // WriteBatches written (one fsync each in kSync)
  std::uint64_t events = 0;  // events appended
};

// The append-only event log. Knows nothing about CRM.
//
// Thread-safety: every method may be called concurrently. Appends are
// serialised by one group-committing writer thread.
class EventStore {
 public:
  // Opens (creating when absent) the log in `dir`. Fails with kFailedPrecondition
  // for a newer format version, kDataLoss for a corrupt directory.
  static Result<std::unique_ptr<EventStore>> Open(const Options& options,
                                                  const std::filesystem::path& dir);

  virtual ~EventStore() = default;
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Appends `events` to `stream` atomically when `expected` holds.
  // - kAborted (with Status::current_version(), -1 for no stream) when it does not.
  // - Idempotent: when every event id is already in this stream at these
  //   versions with the same content, returns the original result with
  //   duplicate = true. The same ids with other content: kAlreadyExists.
  virtual Result<AppendResult> Append(std::string_view stream, ExpectedVersion expected,
                                      std::vector<NewEvent> events) = 0;
  // As Append, but returns at once; `done` runs on the writer thread and must
  // not block (post the result to your own executor).
  virtual void AppendAsync(std::string_view stream, ExpectedVersion expected,
                           std::vector<NewEvent> events, AppendCallback done) = 0;

  // Events of `stream` with version >= `from_version`, ascending, at most `limit`.
  virtual Result<std::vector<RecordedEvent>> ReadStreamForward(std::string_view stream,
                                                               std::uint64_t from_version,
                                                               std::size_t limit) = 0;
  // Events of `stream` with version <= `from_version`, descending, at most `limit`.
  virtual Result<std::vector<RecordedEvent>> ReadStreamBackward(std::string_view stream,
                                                                std::uint64_t from_version,
                                                                std::size_t limit) = 0;
  // The whole log from `from_position` (>= 1), ascending, at most `limit`.
  virtual Result<std::vector<RecordedEvent>> ReadAll(std::uint64_t from_position,
                                                     std::size_t limit) = 0;

  // The last committed position (0 for an empty log).
  [[nodiscard]] virtual std::uint64_t LastPosition() const = 0;
  // The hash of the last committed record (zeros for an empty log).
  [[nodiscard]] virtual Hash HeadHash() const = 0;
  // Position and hash of the last record, consistent with each other.
  [[nodiscard]] virtual LogHead Head() const = 0;
  [[nodiscard]] virtual WriterStats Stats() const = 0;
  // The last version of `stream`; nullopt when it has no events.
  virtual Result<std::optional<std::uint64_t>> StreamVersion(std::string_view stream) = 0;

  // Catch-up-then-live feed of the log from `from_position` (>= 1).
  virtual Result<std::unique_ptr<Subscription>> Subscribe(std::uint64_t from_position) = 0;

  // Writes an online, consistent copy of the log to `target_dir` (which must
  // not exist) while appends continue.
  virtual Status Backup(const std::filesystem::path& target_dir) = 0;

 protected:
  EventStore() = default;
};

}  // namespace chronicle::eventstore
