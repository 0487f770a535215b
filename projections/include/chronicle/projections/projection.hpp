#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chronicle/base/status.hpp"
#include "chronicle/eventstore/event.hpp"
#include "chronicle/projections/read_model_store.hpp"

namespace chronicle::projections {

// A read model fed by the log. It never writes events.
// Thread-safety: Load/Reset/Apply run on the projection's runtime thread;
// queries (declared by each projection) may run concurrently from any thread,
// so each projection guards its state with its own lock.
class Projection {
 public:
  virtual ~Projection() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // Replaces the in-memory state with persisted documents.
  virtual Status Load(std::span<const std::pair<std::string, std::string>> documents) = 0;
  // The same, with the documents streamed: `source` calls its visitor with
  // each one. The default collects them and calls Load; a projection with
  // many documents decodes them as they come.
  using DocumentSource = std::function<Status(const DocumentVisitor&)>;
  virtual Status LoadFrom(const DocumentSource& source) {
    std::vector<std::pair<std::string, std::string>> documents;
    CHRONICLE_RETURN_IF_ERROR(source([&](std::string_view key, std::string_view document) {
      documents.emplace_back(key, document);
      return Status::Ok();
    }));
    return Load(documents);
  }
  // Applies events in position order, recording document writes in `changes`.
  virtual Status Apply(std::span<const eventstore::RecordedEvent> events, DocChanges& changes) = 0;
  // Every document of the current state (what Load would restore).
  [[nodiscard]] virtual std::map<std::string, std::string> Documents() const = 0;
};

}  // namespace chronicle::projections
