#include "chronicle/projections/history.hpp"

#include <algorithm>

#include "chronicle/base/time.hpp"
#include "chronicle/json/parse.hpp"
#include "chronicle/projections/record_view.hpp"

namespace chronicle::projections {
namespace {

const Json kNull;

const Json& Member(const Json& body, std::string_view key) {
  const Json* v = body.Find(key);
  return v != nullptr ? *v : kNull;
}

void AddChange(Json& changes, std::string field, const Json& from, const Json& to) {
  Json change = Json::MakeObject();
  change.Set("field", std::move(field));
  change.Set("from", from);
  change.Set("to", to);
  changes.Push(std::move(change));
}

void DiffInto(Json& changes, const Json& before, const Json& after, const std::string& prefix) {
  if (after.is_object()) {
    for (const auto& [key, value] : after.as_object()) {
      const Json& old = Member(before, key);
      if (old == value) continue;
      if (prefix.empty() && key == "custom" && (old.is_object() || old.is_null()) &&
          value.is_object()) {
        DiffInto(changes, old, value, "custom.");
        continue;
      }
      AddChange(changes, prefix + key, old, value);
    }
  }
  if (before.is_object()) {
    for (const auto& [key, value] : before.as_object()) {
      if (after.Find(key) != nullptr) continue;
      AddChange(changes, prefix + key, value, kNull);
    }
  }
}

}  // namespace

Json DiffFields(const Json& before, const Json& after) {
  Json changes = Json::MakeArray();
  DiffInto(changes, before, after, "");
  return changes;
}

Result<std::vector<Json>> ReadHistory(eventstore::EventStore& store, const EntityKind& kind,
                                      const std::string& id) {
  const std::string stream = StreamOf(kind, id);
  std::vector<Json> entries;
  RecordView view;
  for (std::uint64_t from = 0;;) {
    CHRONICLE_ASSIGN_OR_RETURN(auto events, store.ReadStreamForward(stream, from, 1024));
    for (const auto& event : events) {
      const Json before = view.exists() ? kind.to_public(view.snapshot) : Json::MakeObject();
      CHRONICLE_RETURN_IF_ERROR(ApplyToView(kind, event, view));
      Json entry = Json::MakeObject();
      entry.Set("position", static_cast<std::int64_t>(event.position));
      entry.Set("type", event.type);
      entry.Set("at", FormatTimestamp(event.recorded_at_ns));
      entry.Set("actor", event.metadata.actor);
      entry.Set("changes", DiffFields(before, kind.to_public(view.snapshot)));
      if (kind.spec != nullptr) {
        auto payload = ParseJson(event.payload);
        if (payload.ok()) {
          const Json* info = payload->Find("info");
          if (info != nullptr && info->is_object() && !info->as_object().empty()) {
            entry.Set("info", *info);
          }
        }
      }
      entries.push_back(std::move(entry));
    }
    if (events.size() < 1024) break;
    from = events.back().version + 1;
  }
  std::reverse(entries.begin(), entries.end());
  return entries;
}

}  // namespace chronicle::projections
