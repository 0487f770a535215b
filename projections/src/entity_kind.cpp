#include "chronicle/projections/entity_kind.hpp"

#include <array>
#include <vector>

#include "chronicle/domain/department.hpp"
#include "chronicle/domain/record.hpp"
#include "chronicle/domain/role.hpp"
#include "chronicle/domain/secrets.hpp"
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

const std::array<EntityKind, 3> kOrgKinds = {{
    {"departments",
     domain::department::kStreamPrefix,
     "department",
     CHRONICLE_AGGREGATE_FOLD(department),
     [](const Json& s) {
       return Without(s, {"id", "exists", "deleted"});
     },
     [](const Json& s) { return Flag(s, "deleted"); },
     nullptr,
     {"id", "version", "created_at", "updated_at", "created_by", "name", "parent_id", "sort"},
     {"name"}},
    {"users",
     domain::user::kStreamPrefix,
     "user",
     CHRONICLE_AGGREGATE_FOLD(user),
     [](const Json& s) {
       Json out = Without(s, {"id", "exists"});
       domain::RemoveSecrets(out);
       return out;
     },
     [](const Json&) { return false; },
     nullptr,
     {"id", "version", "created_at", "updated_at", "created_by", "username", "name", "gender",
      "email", "department_id", "position", "supervisor_id", "role_ids", "status"},
     {"username", "name", "email"}},
    {"roles",
     domain::role::kStreamPrefix,
     "role",
     CHRONICLE_AGGREGATE_FOLD(role),
     [](const Json& s) {
       return Without(s, {"id", "exists", "deleted"});
     },
     [](const Json& s) { return Flag(s, "deleted"); },
     nullptr,
     {"id", "version", "created_at", "updated_at", "created_by", "name", "permissions",
      "data_scope", "builtin"},
     {"name"}},
}};

#undef CHRONICLE_AGGREGATE_FOLD

// A record of a field-table entity as a snapshot: {"id", "exists",
// "deleted", "fields"} (used for point-in-time reads and history; the
// tables read model keeps the current state compactly).
domain::record::State RestoreRecord(const Json& s) {
  domain::record::State state;
  if (s.is_null()) return state;
  state.exists = Flag(s, "exists");
  state.deleted = Flag(s, "deleted");
  if (const Json* id = s.Find("id"); id != nullptr && id->is_string()) state.id = id->as_string();
  if (const Json* f = s.Find("fields"); f != nullptr && f->is_object()) state.fields = *f;
  return state;
}

Json SnapshotRecord(const domain::record::State& state) {
  Json out = Json::MakeObject();
  out.Set("id", state.id);
  out.Set("exists", state.exists);
  out.Set("deleted", state.deleted);
  out.Set("fields", state.fields);
  return out;
}

EntityKind TableKind(const domain::EntitySpec& spec) {
  EntityKind kind;
  kind.collection = spec.collection;
  kind.stream_prefix = spec.stream_prefix;
  kind.permission = spec.name;
  kind.spec = &spec;
  kind.fold = [&spec](const Json& snapshot, std::string_view type,
                      const Json& payload) -> Result<Json> {
    CHRONICLE_ASSIGN_OR_RETURN(auto event, domain::record::DecodeEvent(spec, type, payload));
    return SnapshotRecord(domain::record::Evolve(RestoreRecord(snapshot), event));
  };
  kind.to_public = [&spec](const Json& s) {
    return domain::record::ToJson(spec, RestoreRecord(s));
  };
  kind.deleted = [](const Json& s) { return Flag(s, "deleted"); };
  return kind;
}

const std::vector<EntityKind>& Kinds() {
  static const std::vector<EntityKind> kKinds = [] {
    std::vector<EntityKind> all(kOrgKinds.begin(), kOrgKinds.end());
    for (const domain::EntitySpec* spec : domain::AllEntitySpecs()) all.push_back(TableKind(*spec));
    return all;
  }();
  return kKinds;
}

}  // namespace

std::span<const EntityKind> AllEntityKinds() { return Kinds(); }

const EntityKind* FindKindByStream(std::string_view stream) {
  // The longest matching prefix: prefixes may share a start ("follow-up-").
  const EntityKind* best = nullptr;
  for (const auto& kind : Kinds()) {
    if (!stream.starts_with(kind.stream_prefix) || stream.size() == kind.stream_prefix.size()) {
      continue;
    }
    if (best == nullptr || kind.stream_prefix.size() > best->stream_prefix.size()) best = &kind;
  }
  return best;
}

const EntityKind* FindKindByCollection(std::string_view collection) {
  for (const auto& kind : Kinds()) {
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
