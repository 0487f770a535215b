#pragma once

#include <map>
#include <shared_mutex>
#include <string>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/projections/projection.hpp"
#include "chronicle/projections/record_view.hpp"

namespace chronicle::projections {

// The operation log of every record: per event its position, type, time,
// actor and the field changes (from -> to) of the record's public fields.
class HistoryProjection final : public Projection {
 public:
  [[nodiscard]] std::string_view name() const override { return "history"; }
  Status Load(std::span<const std::pair<std::string, std::string>> documents) override;
  Status Apply(std::span<const eventstore::RecordedEvent> events, DocChanges& changes) override;

  // Entries of `stream`, newest first: {position, type, at, actor, changes}.
  [[nodiscard]] std::vector<Json> Entries(const std::string& stream) const;
  [[nodiscard]] std::map<std::string, std::string> Documents() const override;

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, RecordView, std::less<>> views_;           // by stream
  std::map<std::string, std::vector<Json>, std::less<>> entries_;  // by stream, oldest first
};

// The changed top-level fields between two public bodies, in field order.
Json DiffFields(const Json& before, const Json& after);

}  // namespace chronicle::projections
