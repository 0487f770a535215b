// Writes the seed corpus of fuzz_record_codec: the events of a JSONL fixture
// ({"type", "schema_version", "payload"} per line) encoded and hash-chained
// by the real codec as positions 1..N, plus damaged copies of the last one.
// usage: make_record_seeds tests/fixtures/events/org_v1.jsonl fuzz/corpus/fuzz_record_codec

#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>

#include "chronicle/json/parse.hpp"
#include "record_codec.hpp"

namespace {

namespace codec = chronicle::eventstore::codec;
using chronicle::eventstore::Hash;
using chronicle::eventstore::RecordedEvent;

bool Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  return static_cast<bool>(out);
}

std::string StreamOf(const std::string& type) {
  if (type.starts_with("Department")) return "department-d-sales";
  if (type.starts_with("User")) return "user-u-1";
  return "role-r-sales";
}

int Run(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s EVENTS.jsonl OUT_DIR\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1]);
  const std::string out_dir = argv[2];
  Hash previous{};
  std::uint64_t position = 0;
  std::string last;
  std::string line;
  bool ok = static_cast<bool>(in);
  while (ok && std::getline(in, line)) {
    if (line.empty()) continue;
    auto doc = chronicle::ParseJson(line);
    if (!doc.ok() || doc->Find("type") == nullptr || !doc->Find("type")->is_string()) {
      std::fprintf(stderr, "%s: not an event line: %s\n", argv[1], line.c_str());
      return 1;
    }
    ++position;
    RecordedEvent event;
    for (std::size_t i = 0; i < event.id.bytes.size(); ++i) {
      event.id.bytes[i] = static_cast<std::uint8_t>(position * 16 + i);
    }
    event.id.bytes[6] = static_cast<std::uint8_t>(0x70 | (event.id.bytes[6] & 0x0f));  // UUIDv7
    event.type = doc->Find("type")->as_string();
    event.stream = StreamOf(event.type);
    event.version = position - 1;
    event.position = position;
    event.recorded_at_ns =
        1'795'600'000'000'000'000 + static_cast<std::int64_t>(position) * 1'000'000;
    if (const chronicle::Json* v = doc->Find("schema_version"); v != nullptr && v->is_int()) {
      event.schema_version = static_cast<std::uint16_t>(v->as_int());
    }
    event.metadata.actor = "u-admin";
    event.metadata.correlation_id = "0192f6a4-7c3e-7a4b-9d2e-5f1c3b8a6e21";
    event.metadata.causation_id = position > 1 ? "cmd-" + std::to_string(position) : "";
    if (const chronicle::Json* payload = doc->Find("payload")) event.payload = payload->Dump();
    last = codec::EncodeRecord(event, previous);
    previous = event.hash;
    char name[80];
    std::snprintf(name, sizeof name, "%02llu_%s", static_cast<unsigned long long>(position),
                  event.type.c_str());
    ok = Write(out_dir + "/" + name, last);
  }
  if (!ok || last.empty()) {
    std::fprintf(stderr, "could not read %s or write %s\n", argv[1], out_dir.c_str());
    return 1;
  }

  RecordedEvent empty;
  ok = Write(out_dir + "/empty_fields", codec::EncodeRecord(empty, Hash{}));
  // The damage a log reader meets: short, long, unknown tag, bad hash, lying length.
  std::string tag = last;
  tag[0] = 2;
  std::string hash = last;
  hash.back() = static_cast<char>(hash.back() ^ 1);
  std::string length = last;
  length[1 + 16 + 8 + 8 + 8 + 2] = '\x7f';  // high byte of the stream's length
  ok = ok && Write(out_dir + "/bad_truncated", last.substr(0, last.size() - 1)) &&
       Write(out_dir + "/bad_trailing_byte", last + '\0') && Write(out_dir + "/bad_tag", tag) &&
       Write(out_dir + "/bad_hash", hash) && Write(out_dir + "/bad_string_length", length) &&
       Write(out_dir + "/bad_tag_only", std::string(1, '\1'));
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_record_seeds: %s\n", e.what());
    return 1;
  }
}
