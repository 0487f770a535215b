#include "record_codec.hpp"

#include <cstring>

#include "format.hpp"
#include "sha256.hpp"

namespace chronicle::eventstore::codec {
namespace {

void PutU16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}
void PutU32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}
void PutU64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}
void PutString(std::string& out, std::string_view s) {
  PutU32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

// Bounds-checked reader over a record; any short read marks it failed.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  std::uint64_t Fixed(std::size_t width) {
    if (!Has(width)) return 0;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) {
      v = (v << 8) | static_cast<std::uint8_t>(bytes_[offset_ + i]);
    }
    offset_ += width;
    return v;
  }
  std::string String() {
    auto len = static_cast<std::size_t>(Fixed(4));
    if (!Has(len)) return {};
    std::string s(bytes_.substr(offset_, len));
    offset_ += len;
    return s;
  }
  void Bytes(std::uint8_t* out, std::size_t len) {
    if (!Has(len)) return;
    std::memcpy(out, bytes_.data() + offset_, len);
    offset_ += len;
  }
  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - offset_; }

 private:
  bool Has(std::size_t n) {
    if (failed_ || bytes_.size() - offset_ < n) failed_ = true;
    return !failed_;
  }
  std::string_view bytes_;
  std::size_t offset_ = 0;
  bool failed_ = false;
};

constexpr std::size_t kHashBytes = 32;

}  // namespace

std::string EncodeU64(std::uint64_t value) {
  std::string out;
  out.reserve(8);
  PutU64(out, value);
  return out;
}

std::optional<std::uint64_t> DecodeU64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  Reader r(bytes);
  return r.Fixed(8);
}

std::string LogKey(std::uint64_t position) { return EncodeU64(position); }

std::string StreamIndexPrefix(std::string_view stream) {
  std::string out;
  out.reserve(4 + stream.size() + 8);
  PutString(out, stream);
  return out;
}

std::string StreamIndexKey(std::string_view stream, std::uint64_t version) {
  std::string out = StreamIndexPrefix(stream);
  PutU64(out, version);
  return out;
}

std::string EventIdKey(const EventId& id) {
  return {reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size()};
}

std::string EncodeRecord(RecordedEvent& event, const Hash& previous) {
  std::string out;
  out.reserve(64 + event.stream.size() + event.type.size() + event.metadata.actor.size() +
              event.metadata.correlation_id.size() + event.metadata.causation_id.size() +
              event.payload.size() + kHashBytes);
  out.push_back(static_cast<char>(format::kRecordTag));
  out.append(reinterpret_cast<const char*>(event.id.bytes.data()), event.id.bytes.size());
  PutU64(out, event.position);
  PutU64(out, event.version);
  PutU64(out, static_cast<std::uint64_t>(event.recorded_at_ns));
  PutU16(out, event.schema_version);
  PutString(out, event.stream);
  PutString(out, event.type);
  PutString(out, event.metadata.actor);
  PutString(out, event.metadata.correlation_id);
  PutString(out, event.metadata.causation_id);
  PutString(out, event.payload);
  event.hash = Sha256({reinterpret_cast<const char*>(previous.data()), previous.size()}, out);
  out.append(reinterpret_cast<const char*>(event.hash.data()), event.hash.size());
  return out;
}

Result<RecordedEvent> DecodeRecord(std::string_view bytes) {
  Reader r(bytes);
  if (r.Fixed(1) != format::kRecordTag) {
    return DataLossError("record has an unknown tag (corrupt, or written by a newer format)");
  }
  RecordedEvent e;
  r.Bytes(e.id.bytes.data(), e.id.bytes.size());
  e.position = r.Fixed(8);
  e.version = r.Fixed(8);
  e.recorded_at_ns = static_cast<std::int64_t>(r.Fixed(8));
  e.schema_version = static_cast<std::uint16_t>(r.Fixed(2));
  e.stream = r.String();
  e.type = r.String();
  e.metadata.actor = r.String();
  e.metadata.correlation_id = r.String();
  e.metadata.causation_id = r.String();
  e.payload = r.String();
  r.Bytes(e.hash.data(), e.hash.size());
  if (r.failed()) return DataLossError("record is truncated");
  if (r.remaining() != 0) return DataLossError("record has trailing bytes");
  return e;
}

bool VerifyRecordHash(std::string_view record_bytes, const Hash& previous) {
  if (record_bytes.size() < kHashBytes) return false;
  std::string_view body = record_bytes.substr(0, record_bytes.size() - kHashBytes);
  Hash actual = Sha256({reinterpret_cast<const char*>(previous.data()), previous.size()}, body);
  return std::memcmp(actual.data(), record_bytes.data() + body.size(), kHashBytes) == 0;
}

}  // namespace chronicle::eventstore::codec
