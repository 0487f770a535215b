#pragma once

// On-disk format constants of the event log. The grammar of keys and
// records is in record_codec.hpp and docs/event-log-format.md.

#include <cstdint>
#include <string_view>

namespace chronicle::eventstore::format {

// Bumped on any incompatible change; a data dir with a larger value is refused.
inline constexpr std::uint32_t kFormatVersion = 1;
inline constexpr std::uint8_t kRecordTag = 1;  // first byte of every record

inline constexpr std::string_view kMetaColumnFamily = "default";
inline constexpr std::string_view kLogColumnFamily = "log";
inline constexpr std::string_view kStreamIndexColumnFamily = "stream_index";
inline constexpr std::string_view kStreamHeadColumnFamily = "stream_head";
inline constexpr std::string_view kEventIdColumnFamily = "event_id";

inline constexpr std::string_view kFormatVersionKey = "format_version";

inline constexpr std::size_t kMaxStreamIdBytes = 1024;
inline constexpr std::size_t kMaxTypeBytes = 256;

}  // namespace chronicle::eventstore::format
