#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"

// 部门: a tree of departments. The top department (办公室) has no parent.
namespace chronicle::domain::department {

inline constexpr std::string_view kStreamPrefix = "department-";
// The tree is at most this many levels deep (the top department is level 1):
// deeper trees are refused, so every walk and rendering stays bounded.
inline constexpr std::size_t kMaxDepth = 32;

struct State {
  bool exists = false;
  bool deleted = false;
  std::string id;
  std::string name;
  std::string parent_id;  // empty only for the top department
  std::int64_t sort = 0;
};

struct Created {
  std::string id;
  std::string name;
  std::string parent_id;
  std::int64_t sort = 0;
};
struct Renamed {
  std::string name;
};
struct Moved {
  std::string parent_id;
};
struct Resorted {
  std::int64_t sort = 0;
};
struct Deleted {};
using Event = std::variant<Created, Renamed, Moved, Resorted, Deleted>;

// Commands carry the facts Decide needs from other aggregates; the caller
// looks them up in read models (Decide stays pure).
struct Create {
  std::string id;
  std::string name;
  std::string parent_id;  // empty: the top department (only when none exists)
  std::int64_t sort = 0;
  bool parent_exists = false;
  bool top_exists = true;
  std::size_t parent_depth = 0;  // levels from the top down to the parent (top = 1)
};
struct Update {
  std::optional<std::string> name;
  std::optional<std::string> parent_id;
  std::optional<std::int64_t> sort;
  bool parent_exists = true;
  bool parent_is_self_or_descendant = false;
  std::size_t parent_depth = 0;    // of the new parent (top = 1)
  std::size_t subtree_height = 1;  // levels of this department and everything below it
};
struct Delete {
  bool has_children = false;
  bool has_users = false;
};
using Command = std::variant<Create, Update, Delete>;

Result<std::vector<Event>> Decide(const State& state, const Command& command, std::int64_t now_ms);
State Evolve(State state, const Event& event);

std::string_view EventType(const Event& event);
Json EncodeEvent(const Event& event);
Result<Event> DecodeEvent(std::string_view type, const Json& payload);
// The resource's own fields, as in the data dictionary.
Json ToJson(const State& state);
// The whole state, internal fields included, for read models and snapshots.
Json Snapshot(const State& state);
State Restore(const Json& snapshot);

}  // namespace chronicle::domain::department
