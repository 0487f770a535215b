#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "chronicle/projections/entity_kind.hpp"
#include "chronicle/projections/projection.hpp"
#include "chronicle/projections/record_view.hpp"

namespace chronicle::projections {

// The current state of every record of every entity kind: what lists, reads
// and the organisation (tree, scopes, login) are served from.
class RecordsProjection final : public Projection {
 public:
  [[nodiscard]] std::string_view name() const override { return "records"; }
  Status Load(std::span<const std::pair<std::string, std::string>> documents) override;
  Status Apply(std::span<const eventstore::RecordedEvent> events, DocChanges& changes) override;

  // Queries: copies, taken under a shared lock.
  [[nodiscard]] std::optional<RecordView> Get(const EntityKind& kind, std::string_view id) const;
  // Every record of `kind` (deleted ones too: callers decide), in id order.
  [[nodiscard]] std::vector<RecordView> List(const EntityKind& kind) const;
  // Runs `read` under the shared lock with the records of `kind` (no copies).
  void Read(
      const EntityKind& kind,
      const std::function<void(const std::map<std::string, RecordView, std::less<>>&)>& read) const;
  // Changes whenever the model does: callers cache derived answers by it.
  [[nodiscard]] std::uint64_t generation() const {
    return generation_.load(std::memory_order_acquire);
  }
  // Equality for rebuild checks: every record's document, by stream.
  [[nodiscard]] std::map<std::string, std::string> Documents() const override;

 private:
  mutable std::shared_mutex mu_;
  std::atomic<std::uint64_t> generation_{0};
  // collection -> record id -> view
  std::map<std::string, std::map<std::string, RecordView, std::less<>>, std::less<>> records_;
};

}  // namespace chronicle::projections
