#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/domain/fields.hpp"

namespace chronicle::projections {

// How the generic read side handles one kind of record: the stream naming,
// how an event folds into the record's snapshot (through the domain's
// Decode + Evolve), and which snapshot fields are public.
struct EntityKind {
  std::string_view collection;     // "departments" (the API path)
  std::string_view stream_prefix;  // "department-" (+ record id)
  std::string_view permission;     // "department" (+ ".read", ".create", ...)

  // Folds one stored event into the snapshot (null: the record does not exist yet).
  std::function<Result<Json>(const Json& snapshot, std::string_view type, const Json& payload)>
      fold;
  // The data-dictionary fields of a snapshot, never internal ones (password hashes).
  std::function<Json(const Json& snapshot)> to_public;
  std::function<bool(const Json& snapshot)> deleted;
  // Entities declared by a field table (leads, customers, ...): their
  // current state lives in the tables read model, not in `records`.
  const domain::EntitySpec* spec = nullptr;
  // Organisation kinds: the body fields lists may filter and sort by, and
  // those q= searches.
  std::vector<std::string_view> fields = {};
  std::vector<std::string_view> search_fields = {};
};

std::span<const EntityKind> AllEntityKinds();
// Exact: the kind whose prefix, followed by a record id, is the stream
// ("receivable-plan-…" is never read as a "receivable-…").
const EntityKind* FindKindByStream(std::string_view stream);
const EntityKind* FindKindByCollection(std::string_view collection);

// "department-0193..." -> "0193...".
std::string_view RecordIdOfStream(const EntityKind& kind, std::string_view stream);
std::string StreamOf(const EntityKind& kind, std::string_view id);

}  // namespace chronicle::projections
