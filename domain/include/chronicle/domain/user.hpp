#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"

// 员工: users are never deleted, only disabled.
namespace chronicle::domain::user {

inline constexpr std::string_view kStreamPrefix = "user-";

struct Profile {
  std::string name;
  std::string gender = "unknown";  // male | female | unknown
  std::string email;
  std::string department_id;
  std::string position;
  std::string supervisor_id;  // empty: none
  std::vector<std::string> role_ids;
};

struct State {
  bool exists = false;
  std::string id;
  std::string username;  // the mobile number
  Profile profile;
  bool disabled = false;
  std::string password_hash;  // never leaves the server
};

struct Created {
  std::string id;
  std::string username;
  Profile profile;
  std::string password_hash;
};
// Only the fields present changed.
struct ProfileChanged {
  std::optional<std::string> name, gender, email, department_id, position, supervisor_id;
  std::optional<std::vector<std::string>> role_ids;
};
struct Disabled {};
struct Enabled {};
struct PasswordSet {
  std::string password_hash;
  bool by_admin = false;
};
using Event = std::variant<Created, ProfileChanged, Disabled, Enabled, PasswordSet>;

// Facts from read models, looked up by the caller.
struct References {
  bool department_exists = true;
  bool supervisor_exists = true;
  bool supervisor_cycle = false;  // the supervisor is this user or reports to them
  bool roles_exist = true;
};
struct Create {
  std::string id;
  std::string username;
  std::string password_hash;  // already hashed by the caller (Argon2id)
  Profile profile;
  bool username_taken = false;
  // The built-in administrator created on first start is named "admin",
  // not a mobile number.
  bool system_account = false;
  References refs;
};
struct Update {
  ProfileChanged changes;
  References refs;
};
struct Disable {};
struct Enable {};
struct SetPassword {
  std::string password_hash;
  bool by_admin = false;
};
using Command = std::variant<Create, Update, Disable, Enable, SetPassword>;

Result<std::vector<Event>> Decide(const State& state, const Command& command, std::int64_t now_ms);
State Evolve(State state, const Event& event);

std::string_view EventType(const Event& event);
Json EncodeEvent(const Event& event);
Result<Event> DecodeEvent(std::string_view type, const Json& payload);
// Public fields only: never the password hash.
Json ToJson(const State& state);
// The whole state, internal fields included, for read models and snapshots.
Json Snapshot(const State& state);
State Restore(const Json& snapshot);

// Input rules shared with the API's request parsing.
Status ValidateUsername(std::string_view username);
Status ValidatePassword(std::string_view password);

}  // namespace chronicle::domain::user
