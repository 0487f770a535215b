#include "chronicle/eventstore/verify.hpp"

#include "record_codec.hpp"
#include "rocks_log.hpp"

namespace chronicle::eventstore {

Result<VerifyReport> VerifyLog(const std::filesystem::path& dir,
                               const std::function<void(std::uint64_t)>& progress) {
  CHRONICLE_ASSIGN_OR_RETURN(auto log, RocksLog::Open(dir, RocksLog::Mode::kReadOnly));
  VerifyReport report;
  Status broken;
  std::uint64_t expected = 1;
  auto fail = [&](std::uint64_t position, const std::string& why) {
    broken = DataLossError("position " + std::to_string(position) + ": " + why);
    return false;
  };
  Status scanned = log->ScanRaw([&](std::string_view key, std::string_view value) {
    auto position = codec::DecodeU64(key);
    if (!position) return fail(expected, "malformed log key");
    if (*position != expected) {
      return fail(expected,
                  *position > expected ? "record missing (gap in the log)" : "duplicate log key");
    }
    auto record = codec::DecodeRecord(value);
    if (!record.ok()) return fail(expected, record.status().message());
    if (record->position != expected) {
      return fail(expected, "record claims position " + std::to_string(record->position));
    }
    if (!codec::VerifyRecordHash(value, report.head_hash)) {
      return fail(expected, "hash mismatch: the record or the chain before it was altered");
    }
    report.head_hash = record->hash;
    report.events = expected;
    if (progress && expected % 65536 == 0) progress(expected);
    ++expected;
    return true;
  });
  CHRONICLE_RETURN_IF_ERROR(broken);
  if (!scanned.ok()) {
    return DataLossError("position " + std::to_string(expected) + ": " + scanned.message());
  }
  return report;
}

}  // namespace chronicle::eventstore
