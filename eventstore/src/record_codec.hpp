#pragma once

// Keys and records of the event log. All integers are big-endian so that
// RocksDB's bytewise order is numeric order.
//
// Column family "default" (meta):
//   "format_version"                          -> u32           (format::kFormatVersion)
// Column family "log" (the log itself):
//   position:u64                              -> record
// Column family "stream_index":
//   len:u32 stream:len version:u64            -> position:u64
// Column family "stream_head" (the optimistic-concurrency check reads only this):
//   stream                                    -> last_version:u64
// Column family "event_id" (idempotency):
//   event_id:16                               -> position:u64
//
// record := tag:u8 (=1) event_id:16 position:u64 version:u64 recorded_at_ns:i64
//           schema_version:u16 str(stream) str(type) str(actor)
//           str(correlation_id) str(causation_id) str(payload) hash:32
// str    := len:u32 bytes:len
// hash   := SHA-256(previous record's hash || every record byte before hash);
//           the record at position 1 chains from 32 zero bytes.
//
// One append writes all four index entries of each event in one WriteBatch.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "chronicle/base/result.hpp"
#include "chronicle/eventstore/event.hpp"

namespace chronicle::eventstore::codec {

std::string EncodeU64(std::uint64_t value);
std::optional<std::uint64_t> DecodeU64(std::string_view bytes);

std::string LogKey(std::uint64_t position);
std::string StreamIndexPrefix(std::string_view stream);
std::string StreamIndexKey(std::string_view stream, std::uint64_t version);
std::string EventIdKey(const EventId& id);

// The record bytes of `event` chained from `previous`; sets `event.hash`.
std::string EncodeRecord(RecordedEvent& event, const Hash& previous);

// Decodes a record; kDataLoss when it is malformed (not when its hash is
// wrong: that takes the previous hash, see VerifyRecordHash).
Result<RecordedEvent> DecodeRecord(std::string_view bytes);

// Whether the stored hash of `record_bytes` equals SHA-256(previous || body).
bool VerifyRecordHash(std::string_view record_bytes, const Hash& previous);

}  // namespace chronicle::eventstore::codec
