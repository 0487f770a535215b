#include "chronicle/projections/records_projection.hpp"

#include <mutex>

#include "chronicle/json/parse.hpp"

namespace chronicle::projections {

Status RecordsProjection::Load(std::span<const std::pair<std::string, std::string>> documents) {
  std::unique_lock lock(mu_);
  records_.clear();
  for (const auto& [stream, text] : documents) {
    const EntityKind* kind = FindKindByStream(stream);
    if (kind == nullptr || kind->spec != nullptr) continue;
    auto doc = ParseJson(text);
    if (!doc.ok()) return DataLossError("read model 'records', " + stream + ": corrupt document");
    RecordView view = ViewFromDocument(*doc);
    records_[std::string(kind->collection)][view.id] = std::move(view);
  }
  generation_.fetch_add(1, std::memory_order_release);
  return Status::Ok();
}

Status RecordsProjection::Apply(std::span<const eventstore::RecordedEvent> events,
                                DocChanges& changes) {
  // Events are parsed and folded outside the exclusive lock: only this
  // projection's thread writes records_, so the current views are copied
  // under a shared lock, folded, and installed under a short exclusive one.
  // Readers never wait for a batch's parsing.
  std::map<std::pair<std::string_view, std::string>, RecordView> staged;
  for (const auto& event : events) {
    const EntityKind* kind = FindKindByStream(event.stream);
    if (kind == nullptr || kind->spec != nullptr) continue;  // kept by the tables model
    auto key = std::make_pair(kind->collection, std::string(RecordIdOfStream(*kind, event.stream)));
    auto it = staged.find(key);
    if (it == staged.end()) {
      RecordView current;
      {
        std::shared_lock lock(mu_);
        if (auto c = records_.find(kind->collection); c != records_.end()) {
          if (auto r = c->second.find(key.second); r != c->second.end()) current = r->second;
        }
      }
      it = staged.emplace(std::move(key), std::move(current)).first;
    }
    CHRONICLE_RETURN_IF_ERROR(ApplyToView(*kind, event, it->second));
    changes.Put(event.stream, ViewToDocument(it->second).Dump());
  }
  if (staged.empty()) return Status::Ok();
  {
    std::unique_lock lock(mu_);
    for (auto& [key, view] : staged) records_[std::string(key.first)][key.second] = std::move(view);
  }
  // Principal caches key on the generation: only organisation changes bump it.
  generation_.fetch_add(1, std::memory_order_release);
  return Status::Ok();
}

std::optional<RecordView> RecordsProjection::Get(const EntityKind& kind,
                                                 std::string_view id) const {
  std::shared_lock lock(mu_);
  auto c = records_.find(kind.collection);
  if (c == records_.end()) return std::nullopt;
  auto it = c->second.find(id);
  if (it == c->second.end()) return std::nullopt;
  return it->second;
}

std::vector<RecordView> RecordsProjection::List(const EntityKind& kind) const {
  std::vector<RecordView> out;
  Read(kind, [&out](const auto& by_id) {
    out.reserve(by_id.size());
    for (const auto& [id, view] : by_id) out.push_back(view);
  });
  return out;
}

void RecordsProjection::Read(
    const EntityKind& kind,
    const std::function<void(const std::map<std::string, RecordView, std::less<>>&)>& read) const {
  static const std::map<std::string, RecordView, std::less<>> kEmpty;
  std::shared_lock lock(mu_);
  auto c = records_.find(kind.collection);
  read(c == records_.end() ? kEmpty : c->second);
}

std::map<std::string, std::string> RecordsProjection::Documents() const {
  std::shared_lock lock(mu_);
  std::map<std::string, std::string> out;
  for (const auto& [collection, by_id] : records_) {
    const EntityKind* kind = FindKindByCollection(collection);
    for (const auto& [id, view] : by_id) out[StreamOf(*kind, id)] = ViewToDocument(view).Dump();
  }
  return out;
}

}  // namespace chronicle::projections
