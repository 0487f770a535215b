#include "chronicle/projections/record_view.hpp"

#include "chronicle/base/time.hpp"
#include "chronicle/json/parse.hpp"

namespace chronicle::projections {

Status ApplyToView(const EntityKind& kind, const eventstore::RecordedEvent& event,
                   RecordView& view) {
  auto payload = ParseJson(event.payload);
  if (!payload.ok()) {
    return DataLossError("position " + std::to_string(event.position) + ": payload is not JSON");
  }
  auto folded = kind.fold(view.snapshot, event.type, *payload);
  if (!folded.ok()) {
    return DataLossError("position " + std::to_string(event.position) + ": " +
                         folded.status().message());
  }
  if (!view.exists()) {
    view.id = std::string(RecordIdOfStream(kind, event.stream));
    view.created_at_ns = event.recorded_at_ns;
    view.created_by = event.metadata.actor;
  }
  view.snapshot = std::move(folded).value();
  view.version = event.version;
  view.updated_at_ns = event.recorded_at_ns;
  view.position = event.position;
  return Status::Ok();
}

Json RenderRecord(const EntityKind& kind, const RecordView& view) {
  Json out = Json::MakeObject();
  out.Set("id", view.id);
  out.Set("version", static_cast<std::int64_t>(view.version));
  out.Set("created_at", FormatTimestamp(view.created_at_ns));
  out.Set("updated_at", FormatTimestamp(view.updated_at_ns));
  out.Set("created_by", view.created_by);
  Json fields = kind.to_public(view.snapshot);
  if (fields.is_object()) {
    for (auto& [k, v] : fields.as_object()) out.Set(k, std::move(v));
  }
  return out;
}

Json ViewToDocument(const RecordView& view) {
  Json doc = Json::MakeObject();
  doc.Set("id", view.id);
  doc.Set("snapshot", view.snapshot);
  doc.Set("version", static_cast<std::int64_t>(view.version));
  doc.Set("created_at_ns", view.created_at_ns);
  doc.Set("updated_at_ns", view.updated_at_ns);
  doc.Set("created_by", view.created_by);
  doc.Set("position", static_cast<std::int64_t>(view.position));
  return doc;
}

RecordView ViewFromDocument(const Json& doc) {
  RecordView view;
  auto str = [&doc](std::string_view k) {
    const Json* v = doc.Find(k);
    return v != nullptr && v->is_string() ? v->as_string() : std::string();
  };
  auto num = [&doc](std::string_view k) -> std::int64_t {
    const Json* v = doc.Find(k);
    return v != nullptr && v->is_int() ? v->as_int() : 0;
  };
  view.id = str("id");
  if (const Json* s = doc.Find("snapshot")) view.snapshot = *s;
  view.version = static_cast<std::uint64_t>(num("version"));
  view.created_at_ns = num("created_at_ns");
  view.updated_at_ns = num("updated_at_ns");
  view.created_by = str("created_by");
  view.position = static_cast<std::uint64_t>(num("position"));
  return view;
}

}  // namespace chronicle::projections
