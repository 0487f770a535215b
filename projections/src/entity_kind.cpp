#include "chronicle/projections/entity_kind.hpp"

#include <array>

#include "chronicle/domain/department.hpp"
#include "chronicle/domain/role.hpp"
#include "chronicle/domain/user.hpp"

namespace chronicle::projections {
namespace {

// Adapts one domain aggregate namespace (see domain/*.hpp) to EntityKind.
#define CHRONICLE_AGGREGATE_FOLD(ns)                                                       \
  [](const Json& snapshot, std::string_view type, const Json& payload) -> Result<Json> {   \
    CHRONICLE_ASSIGN_OR_RETURN(auto event, domain::ns::DecodeEvent(type, payload));        \
    auto state = snapshot.is_null() ? domain::ns::State{} : domain::ns::Restore(snapshot); \
    return domain::ns::Snapshot(domain::ns::Evolve(std::move(state), event));              \
  }

Json Without(Json snapshot, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) snapshot.Erase(key);
  return snapshot;
}

bool Flag(const Json& snapshot, std::string_view key) {
  const Json* v = snapshot.Find(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

const std::array<EntityKind, 3> kKinds = {{
    {"departments", domain::department::kStreamPrefix, "department",
     CHRONICLE_AGGREGATE_FOLD(department),
     [](const Json& s) {
       return Without(s, {"id", "exists", "deleted"});
     },
     [](const Json& s) { return Flag(s, "deleted"); }},
    {"users", domain::user::kStreamPrefix, "user", CHRONICLE_AGGREGATE_FOLD(user),
     [](const Json& s) {
       return Without(s, {"id", "exists", "password_hash"});
     },
     [](const Json&) { return false; }},
    {"roles", domain::role::kStreamPrefix, "role", CHRONICLE_AGGREGATE_FOLD(role),
     [](const Json& s) {
       return Without(s, {"id", "exists", "deleted"});
     },
     [](const Json& s) { return Flag(s, "deleted"); }},
}};

#undef CHRONICLE_AGGREGATE_FOLD

}  // namespace

std::span<const EntityKind> AllEntityKinds() { return kKinds; }

const EntityKind* FindKindByStream(std::string_view stream) {
  for (const auto& kind : kKinds) {
    if (stream.starts_with(kind.stream_prefix)) return &kind;
  }
  return nullptr;
}

const EntityKind* FindKindByCollection(std::string_view collection) {
  for (const auto& kind : kKinds) {
    if (kind.collection == collection) return &kind;
  }
  return nullptr;
}

std::string_view RecordIdOfStream(const EntityKind& kind, std::string_view stream) {
  return stream.substr(kind.stream_prefix.size());
}

std::string StreamOf(const EntityKind& kind, std::string_view id) {
  return std::string(kind.stream_prefix) + std::string(id);
}

}  // namespace chronicle::projections
