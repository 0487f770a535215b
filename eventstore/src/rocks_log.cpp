#include "rocks_log.hpp"

#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>

#include <system_error>

#include "format.hpp"
#include "record_codec.hpp"

namespace chronicle::eventstore {
namespace fs = std::filesystem;

Status FromRocks(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return Status::Ok();
  std::string message = std::string(context) + ": " + status.ToString();
  if (status.IsCorruption()) return DataLossError(std::move(message));
  if (status.IsNotFound()) return NotFoundError(std::move(message));
  if (status.IsBusy() || status.IsTryAgain() || status.IsIOError()) {
    return UnavailableError(std::move(message));
  }
  if (status.IsInvalidArgument() || status.IsNotSupported()) {
    return FailedPreconditionError(std::move(message));
  }
  return InternalError(std::move(message));
}

namespace {

rocksdb::ColumnFamilyOptions PointLookupOptions() {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.OptimizeForPointLookup(64);
  return cf;
}

rocksdb::ColumnFamilyOptions OptionsFor(std::string_view name) {
  if (name == format::kStreamHeadColumnFamily || name == format::kEventIdColumnFamily) {
    return PointLookupOptions();
  }
  return {};
}

bool DirectoryIsEmpty(const fs::path& dir) {
  std::error_code ec;
  return !fs::exists(dir, ec) || fs::is_empty(dir, ec);
}

}  // namespace

Result<std::unique_ptr<RocksLog>> RocksLog::Open(const fs::path& dir, Mode mode) {
  const bool fresh = DirectoryIsEmpty(dir);
  if (fresh && mode == Mode::kReadOnly) {
    return NotFoundError("no event log in " + dir.string());
  }
  if (!fresh && !fs::exists(dir / "CURRENT")) {
    return DataLossError("data dir " + dir.string() +
                         " is not empty but holds no event log (missing CURRENT file)");
  }

  if (fresh) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return UnavailableError("cannot create " + dir.string() + ": " + ec.message());
  }
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = fresh;
  db_options.create_missing_column_families = fresh;
  db_options.paranoid_checks = true;
  db_options.IncreaseParallelism(2);
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;

  std::vector<std::string> names;
  if (fresh) {
    names = {std::string(format::kMetaColumnFamily), std::string(format::kLogColumnFamily),
             std::string(format::kStreamIndexColumnFamily),
             std::string(format::kStreamHeadColumnFamily),
             std::string(format::kEventIdColumnFamily)};
  } else {
    rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(db_options, dir.string(), &names);
    if (!listed.ok()) {
      return DataLossError("cannot read the event log in " + dir.string() +
                           " (corrupt?): " + listed.ToString());
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(names.size());
  for (const auto& name : names) descriptors.emplace_back(name, OptionsFor(name));

  std::unique_ptr<RocksLog> log(new RocksLog());
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened =
      mode == Mode::kReadOnly
          ? rocksdb::DB::OpenForReadOnly(db_options, dir.string(), descriptors, &log->handles_,
                                         &raw)
          : rocksdb::DB::Open(db_options, dir.string(), descriptors, &log->handles_, &raw);
  if (!opened.ok()) {
    if (opened.IsIOError() && opened.ToString().find("lock") != std::string::npos) {
      return UnavailableError("event log in " + dir.string() +
                              " is in use by another process: " + opened.ToString());
    }
    return FromRocks(opened, "opening the event log in " + dir.string());
  }
  log->db_.reset(raw);
  for (auto* handle : log->handles_) {
    const std::string& name = handle->GetName();
    if (name == format::kMetaColumnFamily) log->meta_cf_ = handle;
    if (name == format::kLogColumnFamily) log->log_cf_ = handle;
    if (name == format::kStreamIndexColumnFamily) log->stream_index_cf_ = handle;
    if (name == format::kStreamHeadColumnFamily) log->stream_head_cf_ = handle;
    if (name == format::kEventIdColumnFamily) log->event_id_cf_ = handle;
  }
  CHRONICLE_RETURN_IF_ERROR(log->CheckOrWriteFormatVersion(fresh, dir));
  if (log->log_cf_ == nullptr || log->stream_index_cf_ == nullptr ||
      log->stream_head_cf_ == nullptr || log->event_id_cf_ == nullptr) {
    return DataLossError("event log in " + dir.string() + " is missing a column family");
  }
  return log;
}

RocksLog::~RocksLog() {
  if (db_ == nullptr) return;
  for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  db_->Close().PermitUncheckedError();
}

Status RocksLog::CheckOrWriteFormatVersion(bool fresh, const fs::path& dir) {
  const std::string key(format::kFormatVersionKey);
  if (fresh) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    return FromRocks(db_->Put(sync, meta_cf_, key, codec::EncodeU64(format::kFormatVersion)),
                     "writing the format version");
  }
  std::string value;
  rocksdb::Status got = db_->Get(rocksdb::ReadOptions(), meta_cf_, key, &value);
  if (got.IsNotFound()) {
    return DataLossError("data dir " + dir.string() + " holds a RocksDB database without a " +
                         "Chronicle format version: not a Chronicle event log");
  }
  CHRONICLE_RETURN_IF_ERROR(FromRocks(got, "reading the format version"));
  auto version = codec::DecodeU64(value);
  if (!version) return DataLossError("format version record is corrupt");
  if (*version > format::kFormatVersion) {
    return FailedPreconditionError("data dir " + dir.string() + " was written by format version " +
                                   std::to_string(*version) + "; this build reads versions up to " +
                                   std::to_string(format::kFormatVersion) +
                                   ": upgrade Chronicle to open it");
  }
  return Status::Ok();
}

Result<RocksLog::Tail> RocksLog::ReadTail() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log_cf_));
  it->SeekToLast();
  Tail tail;
  if (!it->Valid()) {
    CHRONICLE_RETURN_IF_ERROR(FromRocks(it->status(), "reading the end of the log"));
    return tail;
  }
  auto position = codec::DecodeU64(it->key().ToStringView());
  if (!position) return DataLossError("last log key is malformed");
  auto record = codec::DecodeRecord(it->value().ToStringView());
  if (!record.ok()) {
    return DataLossError("position " + std::to_string(*position) + ": " +
                         record.status().message());
  }
  if (record->position != *position) {
    return DataLossError("position " + std::to_string(*position) + ": record claims position " +
                         std::to_string(record->position));
  }
  tail.last_position = *position;
  tail.head_hash = record->hash;
  tail.last_recorded_at_ns = record->recorded_at_ns;
  return tail;
}

Result<std::optional<std::uint64_t>> RocksLog::StreamHead(std::string_view stream) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), stream_head_cf_, stream, &value);
  if (s.IsNotFound()) return std::optional<std::uint64_t>();
  CHRONICLE_RETURN_IF_ERROR(FromRocks(s, "reading a stream head"));
  auto version = codec::DecodeU64(value);
  if (!version) return DataLossError("stream head of '" + std::string(stream) + "' is corrupt");
  return std::optional<std::uint64_t>(*version);
}

Result<std::optional<std::uint64_t>> RocksLog::EventPosition(const EventId& id) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), event_id_cf_, codec::EventIdKey(id), &value);
  if (s.IsNotFound()) return std::optional<std::uint64_t>();
  CHRONICLE_RETURN_IF_ERROR(FromRocks(s, "reading the event-id index"));
  auto position = codec::DecodeU64(value);
  if (!position) return DataLossError("event-id index entry of " + id.ToString() + " is corrupt");
  return std::optional<std::uint64_t>(*position);
}

Result<RecordedEvent> RocksLog::ReadRecord(std::uint64_t position) const {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), log_cf_, codec::LogKey(position), &value);
  if (s.IsNotFound()) {
    return DataLossError("position " + std::to_string(position) + " is indexed but missing");
  }
  CHRONICLE_RETURN_IF_ERROR(FromRocks(s, "reading a record"));
  auto record = codec::DecodeRecord(value.ToStringView());
  if (!record.ok()) {
    return DataLossError("position " + std::to_string(position) + ": " + record.status().message());
  }
  return record;
}

Result<std::vector<RecordedEvent>> RocksLog::ReadRange(std::uint64_t from, std::uint64_t to,
                                                       std::size_t limit) const {
  std::vector<RecordedEvent> out;
  if (from > to || limit == 0) return out;
  const std::string upper = codec::LogKey(to + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  options.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, log_cf_));
  out.reserve(std::min<std::uint64_t>(limit, to - from + 1));
  std::uint64_t expected = from;
  for (it->Seek(codec::LogKey(from)); it->Valid() && out.size() < limit; it->Next(), ++expected) {
    auto record = codec::DecodeRecord(it->value().ToStringView());
    if (!record.ok() || record->position != expected) {
      // Reads never skip: a gap or a bad record is reported with its position.
      return DataLossError(
          "position " + std::to_string(expected) + ": " +
          (record.ok() ? "record missing (gap in the log)" : record.status().message()));
    }
    out.push_back(std::move(record).value());
  }
  CHRONICLE_RETURN_IF_ERROR(FromRocks(it->status(), "reading the log"));
  if (out.size() < limit && expected <= to) {
    return DataLossError("position " + std::to_string(expected) +
                         ": record missing (gap in the log)");
  }
  return out;
}

Result<std::vector<std::uint64_t>> RocksLog::StreamPositions(std::string_view stream,
                                                             std::uint64_t from_version,
                                                             std::size_t limit,
                                                             bool forward) const {
  std::vector<std::uint64_t> positions;
  if (limit == 0) return positions;
  const std::string prefix = codec::StreamIndexPrefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), stream_index_cf_));
  const std::string start = codec::StreamIndexKey(stream, from_version);
  if (forward) {
    it->Seek(start);
  } else {
    it->SeekForPrev(start);
  }
  for (; it->Valid() && positions.size() < limit; forward ? it->Next() : it->Prev()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != prefix.size() + 8 || key.substr(0, prefix.size()) != prefix) break;
    auto position = codec::DecodeU64(it->value().ToStringView());
    if (!position)
      return DataLossError("stream index entry of '" + std::string(stream) + "' is corrupt");
    positions.push_back(*position);
  }
  CHRONICLE_RETURN_IF_ERROR(FromRocks(it->status(), "reading a stream index"));
  return positions;
}

Result<std::vector<RecordedEvent>> RocksLog::ReadPositions(
    const std::vector<std::uint64_t>& positions) const {
  std::vector<std::string> keys;
  keys.reserve(positions.size());
  for (std::uint64_t position : positions) keys.push_back(codec::LogKey(position));
  std::vector<rocksdb::Slice> key_slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), log_cf_, keys.size(), key_slices.data(), values.data(),
                statuses.data());
  std::vector<RecordedEvent> out;
  out.reserve(positions.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const std::string where = "position " + std::to_string(positions[i]);
    if (statuses[i].IsNotFound()) return DataLossError(where + " is indexed but missing");
    CHRONICLE_RETURN_IF_ERROR(FromRocks(statuses[i], "reading " + where));
    auto record = codec::DecodeRecord(values[i].ToStringView());
    if (!record.ok()) return DataLossError(where + ": " + record.status().message());
    out.push_back(std::move(record).value());
  }
  return out;
}

Status RocksLog::ScanRaw(
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
  rocksdb::ReadOptions options;
  options.readahead_size = 2 << 20;
  options.fill_cache = false;
  options.verify_checksums = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, log_cf_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!visit(it->key().ToStringView(), it->value().ToStringView())) return Status::Ok();
  }
  return FromRocks(it->status(), "scanning the log");
}

Status RocksLog::Write(rocksdb::WriteBatch& batch, bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  return FromRocks(db_->Write(options, &batch), "appending to the log");
}

Status RocksLog::Checkpoint(const fs::path& target_dir) {
  std::error_code ec;
  if (fs::exists(target_dir, ec)) {
    return AlreadyExistsError("backup target " + target_dir.string() + " already exists");
  }
  rocksdb::Checkpoint* raw = nullptr;
  CHRONICLE_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "backup"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush = 0: flush memtables so the copy needs no WAL replay.
  return FromRocks(checkpoint->CreateCheckpoint(target_dir.string(), 0),
                   "writing the backup to " + target_dir.string());
}

}  // namespace chronicle::eventstore
