#include "chronicle/replay/replay.hpp"

#include <openssl/evp.h>

#include "chronicle/base/hex.hpp"
#include "chronicle/base/json.hpp"
#include "chronicle/base/time.hpp"
#include "chronicle/eventstore/event_store.hpp"
#include "chronicle/domain/secrets.hpp"
#include "chronicle/json/parse.hpp"
#include "chronicle/projections/catalog.hpp"
#include "chronicle/projections/data_dir.hpp"
#include "chronicle/projections/projection_runtime.hpp"
#include "chronicle/projections/record_view.hpp"
#include "chronicle/projections/records_projection.hpp"

namespace chronicle::replay {
namespace {

using projections::LogDir;
using projections::ReadModelDir;

Result<std::unique_ptr<eventstore::EventStore>> OpenLog(const std::filesystem::path& data_dir) {
  if (!std::filesystem::exists(LogDir(data_dir) / "CURRENT")) {
    return NotFoundError("no event log in " + data_dir.string());
  }
  eventstore::Options options;
  options.durability = eventstore::Durability::kAsync;  // replay never appends
  return eventstore::EventStore::Open(options, LogDir(data_dir));
}

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  return HexEncode(std::span<const std::uint8_t>(digest, length));
}

}  // namespace

std::vector<std::string> ProjectionNames() { return projections::ProjectionNames(); }

Status Rebuild(
    const std::filesystem::path& data_dir, const std::optional<std::string>& projection,
    const std::function<void(const std::string&, std::uint64_t, std::uint64_t)>& progress) {
  CHRONICLE_ASSIGN_OR_RETURN(auto store, OpenLog(data_dir));
  CHRONICLE_ASSIGN_OR_RETURN(auto read_models,
                             projections::ReadModelStore::Open(ReadModelDir(data_dir)));
  bool found = false;
  for (const auto& candidate : projections::ProjectionNames()) {
    if (projection && *projection != candidate) continue;
    found = true;
    auto p = projections::MakeProjection(candidate);
    const std::string name(p->name());
    CHRONICLE_RETURN_IF_ERROR(projections::ProjectionRuntime::Rebuild(
        *store, *read_models, *p, [&](std::uint64_t applied, std::uint64_t last) {
          if (progress) progress(name, applied, last);
        }));
  }
  if (!found) return NotFoundError("no projection named '" + projection.value_or("") + "'");
  return Status::Ok();
}

Result<std::vector<std::string>> Digest(const std::filesystem::path& data_dir) {
  CHRONICLE_ASSIGN_OR_RETURN(auto read_models,
                             projections::ReadModelStore::Open(ReadModelDir(data_dir)));
  std::vector<std::string> lines;
  for (const auto& name : ProjectionNames()) {
    CHRONICLE_ASSIGN_OR_RETURN(auto loaded, read_models->Load(name));
    std::string all;
    for (const auto& [key, value] : loaded.documents) {
      all += key;
      all.push_back('\0');
      all += value;
      all.push_back('\n');
    }
    lines.push_back(name + " " + std::to_string(loaded.checkpoint) + " " + Sha256Hex(all));
  }
  return lines;
}

Status Show(const std::filesystem::path& data_dir, const std::string& stream, std::int64_t as_of_ns,
            std::ostream& out) {
  CHRONICLE_ASSIGN_OR_RETURN(auto store, OpenLog(data_dir));
  const projections::EntityKind* kind = projections::FindKindByStream(stream);
  projections::RecordView view;
  std::size_t shown = 0;
  for (std::uint64_t from = 0;;) {
    CHRONICLE_ASSIGN_OR_RETURN(auto events, store->ReadStreamForward(stream, from, 1024));
    for (const auto& e : events) {
      if (e.recorded_at_ns / 1'000'000 > as_of_ns / 1'000'000) break;  // ms precision, as the API
      auto payload = ParseJson(e.payload);
      Json shown_payload = payload.ok() ? std::move(payload).value() : Json(e.payload);
      domain::RemoveSecrets(shown_payload);
      out << "#" << e.position << " v" << e.version << " " << FormatTimestamp(e.recorded_at_ns)
          << " " << e.type << " by " << (e.metadata.actor.empty() ? "-" : e.metadata.actor) << " "
          << shown_payload.Dump() << "\n";
      if (kind != nullptr) CHRONICLE_RETURN_IF_ERROR(projections::ApplyToView(*kind, e, view));
      ++shown;
    }
    if (events.size() < 1024) break;
    from = events.back().version + 1;
  }
  if (shown == 0) return NotFoundError("stream '" + stream + "' has no events by then");
  if (kind != nullptr) out << "state: " << projections::RenderRecord(*kind, view).Dump() << "\n";
  return Status::Ok();
}

Status ExportJsonl(const std::filesystem::path& data_dir, std::uint64_t from, std::uint64_t to,
                   std::ostream& out) {
  CHRONICLE_ASSIGN_OR_RETURN(auto store, OpenLog(data_dir));
  to = std::min(to, store->LastPosition());
  for (std::uint64_t next = std::max<std::uint64_t>(from, 1); next <= to;) {
    CHRONICLE_ASSIGN_OR_RETURN(auto events,
                               store->ReadAll(next, std::min<std::uint64_t>(4096, to - next + 1)));
    if (events.empty()) break;
    for (const auto& e : events) {
      auto payload = ParseJson(e.payload);
      Json data = payload.ok() ? std::move(payload).value() : Json(e.payload);
      const bool redacted = domain::RemoveSecrets(data);
      JsonWriter w;
      w.BeginObject();
      w.Key("position").Int(static_cast<std::int64_t>(e.position));
      w.Key("stream").String(e.stream);
      w.Key("version").Int(static_cast<std::int64_t>(e.version));
      w.Key("id").String(e.id.ToString());
      w.Key("type").String(e.type);
      w.Key("schema_version").Int(e.schema_version);
      w.Key("recorded_at").String(FormatTimestamp(e.recorded_at_ns));
      w.Key("actor").String(e.metadata.actor);
      w.Key("correlation_id").String(e.metadata.correlation_id);
      w.Key("causation_id").String(e.metadata.causation_id);
      w.Key("payload").Value(data);
      if (redacted) w.Key("redacted").BeginArray().String("password_hash").EndArray();
      w.Key("hash").String(HexEncode(e.hash));
      w.EndObject();
      out << w.str() << "\n";
    }
    next = events.back().position + 1;
  }
  return Status::Ok();
}

}  // namespace chronicle::replay
