#include "chronicle/projections/history_projection.hpp"

#include <mutex>

#include "chronicle/base/time.hpp"
#include "chronicle/json/parse.hpp"

namespace chronicle::projections {
namespace {

// Document keys: "v<stream>" -> the record view, "e<stream>\0<position:020>" -> one entry.
std::string EntryKey(const std::string& stream, std::uint64_t position) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(position));
  std::string key = "e" + stream;
  key.push_back('\0');
  key += digits;
  return key;
}

}  // namespace

Json DiffFields(const Json& before, const Json& after) {
  Json changes = Json::MakeArray();
  static const Json kNull;
  auto field_of = [](const Json& body, std::string_view key) -> const Json& {
    const Json* v = body.Find(key);
    return v != nullptr ? *v : kNull;
  };
  if (after.is_object()) {
    for (const auto& [key, value] : after.as_object()) {
      const Json& old = field_of(before, key);
      if (old == value) continue;
      Json change = Json::MakeObject();
      change.Set("field", key);
      change.Set("from", old);
      change.Set("to", value);
      changes.Push(std::move(change));
    }
  }
  if (before.is_object()) {
    for (const auto& [key, value] : before.as_object()) {
      if (after.Find(key) != nullptr) continue;
      Json change = Json::MakeObject();
      change.Set("field", key);
      change.Set("from", value);
      change.Set("to", Json());
      changes.Push(std::move(change));
    }
  }
  return changes;
}

Status HistoryProjection::Load(std::span<const std::pair<std::string, std::string>> documents) {
  std::unique_lock lock(mu_);
  views_.clear();
  entries_.clear();
  for (const auto& [key, text] : documents) {
    auto doc = ParseJson(text);
    if (!doc.ok()) return DataLossError("read model 'history': corrupt document");
    if (key.starts_with("v")) {
      views_[key.substr(1)] = ViewFromDocument(*doc);
    } else if (key.starts_with("e")) {
      const auto nul = key.find('\0');
      // Keys sort by position within a stream, so appending keeps order.
      entries_[key.substr(1, nul - 1)].push_back(std::move(doc).value());
    }
  }
  return Status::Ok();
}

Status HistoryProjection::Apply(std::span<const eventstore::RecordedEvent> events,
                                DocChanges& changes) {
  std::unique_lock lock(mu_);
  for (const auto& event : events) {
    const EntityKind* kind = FindKindByStream(event.stream);
    if (kind == nullptr) continue;
    RecordView& view = views_[event.stream];
    const Json before = view.exists() ? kind->to_public(view.snapshot) : Json::MakeObject();
    CHRONICLE_RETURN_IF_ERROR(ApplyToView(*kind, event, view));
    const Json after = kind->to_public(view.snapshot);

    Json entry = Json::MakeObject();
    entry.Set("position", static_cast<std::int64_t>(event.position));
    entry.Set("type", event.type);
    entry.Set("at", FormatTimestamp(event.recorded_at_ns));
    entry.Set("actor", event.metadata.actor);
    entry.Set("changes", DiffFields(before, after));
    changes.Put(EntryKey(event.stream, event.position), entry.Dump());
    changes.Put("v" + event.stream, ViewToDocument(view).Dump());
    entries_[event.stream].push_back(std::move(entry));
  }
  return Status::Ok();
}

std::vector<Json> HistoryProjection::Entries(const std::string& stream) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(stream);
  if (it == entries_.end()) return {};
  return {it->second.rbegin(), it->second.rend()};
}

std::map<std::string, std::string> HistoryProjection::Documents() const {
  std::shared_lock lock(mu_);
  std::map<std::string, std::string> out;
  for (const auto& [stream, view] : views_) out["v" + stream] = ViewToDocument(view).Dump();
  for (const auto& [stream, list] : entries_) {
    for (const auto& entry : list) {
      out[EntryKey(stream, static_cast<std::uint64_t>(entry.Find("position")->as_int()))] =
          entry.Dump();
    }
  }
  return out;
}

}  // namespace chronicle::projections
