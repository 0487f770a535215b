#pragma once

#include <cstdint>
#include <string>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/eventstore/event.hpp"
#include "chronicle/projections/entity_kind.hpp"

namespace chronicle::projections {

// One record as the read side knows it: its snapshot plus the common fields
// that come from the log rather than the domain.
struct RecordView {
  std::string id;
  Json snapshot;              // domain Snapshot(), internal fields included
  std::uint64_t version = 0;  // stream version of the last applied event
  std::int64_t created_at_ns = 0;
  std::int64_t updated_at_ns = 0;
  std::string created_by;
  std::uint64_t position = 0;  // log position of the last applied event

  [[nodiscard]] bool exists() const { return !snapshot.is_null(); }
};

// Folds one stored event into `view` (a default view: the record is new).
Status ApplyToView(const EntityKind& kind, const eventstore::RecordedEvent& event,
                   RecordView& view);

// The API body: id, version, created_at, updated_at, created_by, then the
// public fields. Built with the typed writer.
Json RenderRecord(const EntityKind& kind, const RecordView& view);

// Persistence of a view inside read models (internal fields included).
Json ViewToDocument(const RecordView& view);
RecordView ViewFromDocument(const Json& document);

}  // namespace chronicle::projections
