#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/json.hpp"

namespace chronicle::testing {

// The organisation the route table's calls are written against:
//
//   办公室 (top)
//    ├─ A  (nobody: a role with no permission, scope self; nobody_all: no
//    │      permission, scope all, so that only the permission check can refuse
//    │      it; manager: a role with every permission, scope department_and_children)
//    │   └─ A1
//    └─ B  (user_b; everything a call acts on lives here: outside the manager's scope;
//           writer_b: scope department, writes B's follow-ups and feeds the pool)
//
// The records the calls act on when they do not consume them (shared): a
// lead, a customer and a contact of user_b, a follow-up of writer_b, a
// custom field (organisation-wide), a saved view of the administrator
// (private to it) and a customer in the public pool (no owner).
struct World {
  std::string top, a, a1, b;     // departments
  std::string super_admin_role;  // the built-in 超级管理员
  std::string plain_role;        // no permissions, scope self
  std::string plain_all_role;    // no permissions, scope all
  std::string all_role;          // every permission, department_and_children
  std::string target_role;       // what role routes act on
  std::string admin_id, nobody_id, nobody_all_id, manager_id, user_b;
  std::string writer_b;
  std::string nobody_username, nobody_all_username, manager_username;  // password "Passw0rd!"
  std::string writer_b_username;
  std::string lead_b, customer_b, contact_b, follow_up_b;  // shared records in B
  std::string custom_field, view, pool_customer;
  std::vector<std::string> permissions;  // GET /api/v1/permissions
};

// What a `{id}` in a route's pattern names.
enum class Target : std::uint8_t {
  kNone,
  kDepartment,      // a department in B (B itself when shared)
  kUser,            // a user in B
  kDisabledUser,    // a disabled user in B
  kRole,            // a role (roles are organisation-wide)
  kLead,            // a lead of user_b
  kCustomer,        // a customer of user_b
  kContact,         // a contact of user_b (of user_b's customer)
  kFollowUp,        // a follow-up writer_b wrote on user_b's lead
  kCustomField,     // a custom field (organisation-wide: no data scope applies)
  kView,            // a saved view of the administrator (private to it)
  kPoolCustomer,    // a customer in the public pool (no owner: no data scope applies)
  kAdminCustomer,   // a customer of the administrator (the top department: out of the
                    // manager's scope; only an owner releases its customer)
  kLockedCustomer,  // a locked customer of user_b
  kTeamCustomer,    // a customer of user_b with nobody on its team (read access)
};

enum class BodyKind : std::uint8_t {
  kNone,      // the route reads no body
  kRequired,  // a JSON object
  kOptional,  // a JSON object or nothing
};

// Fresh values for one call, so that repeated calls do not collide.
struct CallContext {
  const World& world;
  std::string unique;             // distinct for every call
  std::string username;           // an unused 11-digit mobile number
  std::filesystem::path scratch;  // an absolute path that does not exist yet
  std::string admin_password;
  std::string target_id;  // the call's target (batch routes name it in the body)
};

// How to call one route so that it succeeds for the administrator.
//
// Every route the server serves must have an entry here (the privilege
// matrix test fails otherwise): whoever adds a route states who may call it
// and how, and the matrix then checks that nobody else can.
struct RouteCall {
  std::string method;
  std::string pattern;
  // What the route must declare: public, authenticated, super_admin or a permission.
  std::string access;
  Target target = Target::kNone;
  std::string query{};  // appended to the path ("name=x"), for routes that need one
  BodyKind body = BodyKind::kNone;
  std::function<Json(const CallContext&)> valid_body = nullptr;  // set when body != kNone
  // Acts on (or creates, or gives to someone in) B or the top department:
  // outside the manager's scope; for views, on a view of another user. A
  // scoped route open to every session refuses a caller without permissions too.
  bool scoped = false;
  bool destructive = false;  // consumes its target: a fresh one for every call
  bool deleted = false;      // the (fresh) target is deleted first: restore
  // {"ids": [...]}: answers 200 with a result per id, so a refusal is a
  // "failed" result with the refusal's problem (nothing appended).
  bool batch = false;
  bool list = false;          // reads limit, cursor, sort, scope
  bool as_of = false;         // reads as_of, as_of_position
  bool if_match = false;      // reads If-Match
  bool ends_session = false;  // revokes the token it is called with

  [[nodiscard]] std::string Label() const { return method + " " + pattern; }
};

const std::vector<RouteCall>& RouteTable();
// The entry for a served route, or null.
const RouteCall* FindRouteCall(std::string_view method, std::string_view pattern);
// The pattern with "{id}" replaced by `id` (as it is: no encoding).
std::string FillPath(const std::string& pattern, const std::string& id);

}  // namespace chronicle::testing
