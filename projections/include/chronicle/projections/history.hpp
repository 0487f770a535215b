#pragma once

#include <string>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/eventstore/event_store.hpp"
#include "chronicle/projections/entity_kind.hpp"

namespace chronicle::projections {

// The operation log of one record, read from its stream when asked (nothing
// is kept in memory): per event, newest first, {position, type, at, actor,
// changes: [{field, from, to}], info?} where `info` explains an action (the
// pool rule and its version of a recycle, the lead of a conversion, ...).
Result<std::vector<Json>> ReadHistory(eventstore::EventStore& store, const EntityKind& kind,
                                      const std::string& id);

// The changed top-level fields between two public bodies, in field order;
// custom fields are compared one by one ("custom.KEY").
Json DiffFields(const Json& before, const Json& after);

}  // namespace chronicle::projections
