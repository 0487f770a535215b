#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "chronicle/base/result.hpp"
#include "chronicle/eventstore/event.hpp"

namespace chronicle::eventstore {

// The RocksDB database behind the log: opening (with format and corruption
// checks), column families and the raw reads. Knows the key layout of
// record_codec.hpp; knows nothing of ordering or subscribers.
//
// Thread-safety: all reads are safe concurrently with one writer.
class RocksLog {
 public:
  enum class Mode : std::uint8_t { kReadWrite, kReadOnly };

  static Result<std::unique_ptr<RocksLog>> Open(const std::filesystem::path& dir, Mode mode);
  ~RocksLog();
  RocksLog(const RocksLog&) = delete;
  RocksLog& operator=(const RocksLog&) = delete;

  // Where the log ends, recovered at open.
  struct Tail {
    std::uint64_t last_position = 0;
    Hash head_hash{};
    std::int64_t last_recorded_at_ns = 0;
  };
  Result<Tail> ReadTail() const;

  Result<std::optional<std::uint64_t>> StreamHead(std::string_view stream) const;
  Result<std::optional<std::uint64_t>> EventPosition(const EventId& id) const;
  Result<RecordedEvent> ReadRecord(std::uint64_t position) const;
  // Records at positions [from, to], ascending, at most `limit`.
  Result<std::vector<RecordedEvent>> ReadRange(std::uint64_t from, std::uint64_t to,
                                               std::size_t limit) const;
  // Positions of `stream` from `from_version`, ascending or descending.
  Result<std::vector<std::uint64_t>> StreamPositions(std::string_view stream,
                                                     std::uint64_t from_version, std::size_t limit,
                                                     bool forward) const;
  Result<std::vector<RecordedEvent>> ReadPositions(
      const std::vector<std::uint64_t>& positions) const;

  // Visits raw (position key, record bytes) in key order from position 1
  // until `visit` returns false. For verification: nothing is decoded.
  Status ScanRaw(
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  Status Write(rocksdb::WriteBatch& batch, bool sync);
  Status Checkpoint(const std::filesystem::path& target_dir);

  rocksdb::ColumnFamilyHandle* log_cf() const { return log_cf_; }
  rocksdb::ColumnFamilyHandle* stream_index_cf() const { return stream_index_cf_; }
  rocksdb::ColumnFamilyHandle* stream_head_cf() const { return stream_head_cf_; }
  rocksdb::ColumnFamilyHandle* event_id_cf() const { return event_id_cf_; }

 private:
  RocksLog() = default;
  Status CheckOrWriteFormatVersion(bool fresh, const std::filesystem::path& dir);

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; destroyed before db_
  rocksdb::ColumnFamilyHandle* meta_cf_ = nullptr;     // borrowed from handles_
  rocksdb::ColumnFamilyHandle* log_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* stream_index_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* stream_head_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* event_id_cf_ = nullptr;
};

// Converts a RocksDB status at the seam; `context` says what was attempted.
Status FromRocks(const rocksdb::Status& status, std::string_view context);

}  // namespace chronicle::eventstore
