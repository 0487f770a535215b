// The event log's record codec (eventstore/src/record_codec.hpp).
//
// Every input is used twice: as stored record bytes, which DecodeRecord must
// refuse with kDataLoss or decode to an event that encodes back to the same
// bytes (up to the hash); and, through FuzzedDataProvider, as the fields of
// an event, which must encode, verify and decode back to itself, while every
// strict prefix of the record is refused and any flipped byte breaks the hash.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "record_codec.hpp"

namespace {

namespace codec = chronicle::eventstore::codec;
using chronicle::StatusCode;
using chronicle::eventstore::Hash;
using chronicle::eventstore::RecordedEvent;

void CheckDecode(std::string_view bytes) {
  const Hash zero{};
  const bool hash_ok = codec::VerifyRecordHash(bytes, zero);
  auto event = codec::DecodeRecord(bytes);
  if (!event.ok()) {
    CHRONICLE_FUZZ_CHECK(event.status().code() == StatusCode::kDataLoss, event.status().ToString());
    return;
  }
  RecordedEvent copy = *event;
  const std::string encoded = codec::EncodeRecord(copy, zero);
  // The codec is canonical: one event, one byte string (the hash aside).
  CHRONICLE_FUZZ_CHECK(encoded.size() == bytes.size());
  CHRONICLE_FUZZ_CHECK(encoded.substr(0, encoded.size() - 32) ==
                       bytes.substr(0, bytes.size() - 32));
  CHRONICLE_FUZZ_CHECK(hash_ok == (encoded == bytes));
  CHRONICLE_FUZZ_CHECK(codec::VerifyRecordHash(encoded, zero));
}

std::string Text(FuzzedDataProvider& input) { return input.ConsumeRandomLengthString(512); }

void CheckEncode(FuzzedDataProvider& input) {
  RecordedEvent event;
  for (auto& b : event.id.bytes) b = input.ConsumeIntegral<std::uint8_t>();
  event.position = input.ConsumeIntegral<std::uint64_t>();
  event.version = input.ConsumeIntegral<std::uint64_t>();
  event.recorded_at_ns = input.ConsumeIntegral<std::int64_t>();
  event.schema_version = input.ConsumeIntegral<std::uint16_t>();
  event.stream = Text(input);
  event.type = Text(input);
  event.metadata.actor = Text(input);
  event.metadata.correlation_id = Text(input);
  event.metadata.causation_id = Text(input);
  Hash previous{};
  for (auto& b : previous) b = input.ConsumeIntegral<std::uint8_t>();
  const std::size_t flip_at = input.ConsumeIntegral<std::size_t>();
  const auto flip_bits = input.ConsumeIntegralInRange<std::uint8_t>(1, 255);
  const std::size_t cut_at = input.ConsumeIntegral<std::size_t>();
  event.payload = input.ConsumeRemainingBytesAsString();

  const std::string record = codec::EncodeRecord(event, previous);
  CHRONICLE_FUZZ_CHECK(codec::VerifyRecordHash(record, previous));
  auto decoded = codec::DecodeRecord(record);
  CHRONICLE_FUZZ_CHECK(decoded.ok(), decoded.status().ToString());
  CHRONICLE_FUZZ_CHECK(*decoded == event);

  std::string flipped = record;
  flipped[flip_at % flipped.size()] =
      static_cast<char>(flipped[flip_at % flipped.size()] ^ flip_bits);
  CHRONICLE_FUZZ_CHECK(!codec::VerifyRecordHash(flipped, previous));

  auto cut = codec::DecodeRecord(std::string_view(record).substr(0, cut_at % record.size()));
  CHRONICLE_FUZZ_CHECK(!cut.ok() && cut.status().code() == StatusCode::kDataLoss);

  // Keys: big-endian, so bytewise order is numeric order within a stream.
  CHRONICLE_FUZZ_CHECK(codec::DecodeU64(codec::EncodeU64(event.position)) == event.position);
  const bool less = event.position < event.version;
  CHRONICLE_FUZZ_CHECK((codec::LogKey(event.position) < codec::LogKey(event.version)) == less);
  CHRONICLE_FUZZ_CHECK((codec::StreamIndexKey(event.stream, event.position) <
                        codec::StreamIndexKey(event.stream, event.version)) == less);
  CHRONICLE_FUZZ_CHECK(codec::StreamIndexKey(event.stream, event.version)
                           .starts_with(codec::StreamIndexPrefix(event.stream)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  CheckDecode(std::string_view(reinterpret_cast<const char*>(data), size));
  FuzzedDataProvider input(data, size);
  CheckEncode(input);
  return 0;
}
