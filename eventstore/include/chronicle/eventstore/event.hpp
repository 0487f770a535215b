#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "chronicle/base/uuid.hpp"

namespace chronicle::eventstore {

using EventId = Uuid;
using Hash = std::array<std::uint8_t, 32>;  // SHA-256

// Who and why: copied verbatim into every record.
struct EventMetadata {
  std::string actor;           // user id of the caller
  std::string correlation_id;  // the request/command that started the chain
  std::string causation_id;    // the event or command that caused this one

  friend bool operator==(const EventMetadata&, const EventMetadata&) = default;
};

// An event to append. A nil `id` asks the store to generate a UUIDv7; a
// client-supplied id makes the append idempotent (see EventStore::Append).
struct NewEvent {
  EventId id;
  std::string type;
  std::uint16_t schema_version = 1;
  EventMetadata metadata;
  std::string payload;  // JSON bytes, opaque to the store
};

// An event as stored. `hash` = SHA-256(previous record's hash || canonical
// bytes of this record); it always covers the stored bytes, also when an
// upcaster has since rewritten `payload`/`schema_version` on the way out.
struct RecordedEvent {
  EventId id;
  std::string stream;
  std::uint64_t version = 0;   // 0-based within the stream
  std::uint64_t position = 0;  // 1-based, gapless, global commit order
  std::string type;
  std::uint16_t schema_version = 1;
  std::int64_t recorded_at_ns = 0;  // UTC, nanoseconds since the Unix epoch
  EventMetadata metadata;
  std::string payload;
  Hash hash{};

  friend bool operator==(const RecordedEvent&, const RecordedEvent&) = default;
};

}  // namespace chronicle::eventstore
