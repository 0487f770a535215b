#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/domain/access.hpp"

// 角色: a named set of operation permissions plus one data scope.
namespace chronicle::domain::role {

inline constexpr std::string_view kStreamPrefix = "role-";

struct State {
  bool exists = false;
  bool deleted = false;
  std::string id;
  std::string name;
  std::vector<std::string> permissions;
  DataScope data_scope = DataScope::kSelf;
  bool builtin = false;  // the super administrator: everything, never edited
};

struct Created {
  std::string id;
  std::string name;
  std::vector<std::string> permissions;
  DataScope data_scope = DataScope::kSelf;
  bool builtin = false;
};
struct Changed {
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> permissions;
  std::optional<DataScope> data_scope;
};
struct Deleted {};
using Event = std::variant<Created, Changed, Deleted>;

struct Create {
  std::string id;
  std::string name;
  std::vector<std::string> permissions;
  DataScope data_scope = DataScope::kSelf;
  bool builtin = false;
  bool name_taken = false;
};
struct Update {
  Changed changes;
  bool name_taken = false;
};
struct Delete {
  bool assigned = false;  // some user still holds it
};
using Command = std::variant<Create, Update, Delete>;

Result<std::vector<Event>> Decide(const State& state, const Command& command, std::int64_t now_ms);
State Evolve(State state, const Event& event);

std::string_view EventType(const Event& event);
Json EncodeEvent(const Event& event);
Result<Event> DecodeEvent(std::string_view type, const Json& payload);
Json ToJson(const State& state);
// The whole state, internal fields included, for read models and snapshots.
Json Snapshot(const State& state);
State Restore(const Json& snapshot);

}  // namespace chronicle::domain::role
