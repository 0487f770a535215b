#pragma once

#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/status.hpp"

namespace chronicle::domain {

// Which records a role may see and touch.
enum class DataScope : std::uint8_t {
  kSelf,
  kSelfAndSubordinates,  // by the supervisor chain
  kDepartment,
  kDepartmentAndChildren,
  kAll,
};

std::optional<DataScope> ParseDataScope(std::string_view name);
std::string_view DataScopeName(DataScope scope);

struct Permission {
  std::string_view name;         // e.g. "customer.create"
  std::string_view description;  // Chinese label for the UI
  bool read_only;                // granted to the auditor role
};

// Every operation permission of the product, in one place.
std::span<const Permission> AllPermissions();
bool IsKnownPermission(std::string_view name);

// The caller, resolved from the organisation read model for each request.
struct Principal {
  std::string user_id;
  std::string department_id;
  bool super_admin = false;
  std::set<std::string, std::less<>> permissions;
  DataScope scope = DataScope::kSelf;
  // Precomputed for the scope: the caller and everyone below them in the
  // supervisor chain; the caller's department and its sub-departments.
  std::set<std::string, std::less<>> subordinates;  // includes user_id
  std::set<std::string, std::less<>> department_subtree;
};

// Where a record sits in the organisation: its owner and department.
struct Placement {
  std::string owner_id;       // empty: no owner
  std::string department_id;  // the owner's (or the record's own) department
};

// The one data-scope rule every list, read, command, history, export and
// WebSocket message goes through.
bool InScope(const Principal& principal, const Placement& placement);
bool HasPermission(const Principal& principal, std::string_view permission);

// ---- Who may grant what ------------------------------------------------------
// The rights a role carries, as a grant check sees them.
struct RoleRights {
  std::vector<std::string> permissions;
  DataScope scope = DataScope::kSelf;
  bool super_admin = false;  // the built-in super administrator role
};

// A caller may grant (assign to a user, or create or edit a role into) only
// rights it holds itself: permissions that are a subset of its own and a
// data scope no wider than its own. Only a super administrator grants the
// super administrator role. kPermissionDenied naming what is missing.
Status MayGrant(const Principal& caller, const RoleRights& role);

// Acting on a user account (edit, password reset, disable/enable, roles):
// only a super administrator acts on a super administrator.
struct UserTarget {
  std::string user_id;
  bool super_admin = false;
};
Status MayActOnUser(const Principal& caller, const UserTarget& target);
// Nobody changes their own roles (not even a super administrator: another
// administrator must), so no grant can ever widen the granter.
Status MayChangeRolesOf(const Principal& caller, const UserTarget& target);

}  // namespace chronicle::domain
