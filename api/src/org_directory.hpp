#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "chronicle/base/result.hpp"
#include "chronicle/domain/access.hpp"
#include "chronicle/projections/records_projection.hpp"

namespace chronicle::api {

// Organisation questions answered from the records read model: who a caller
// is (their Principal), where a record sits (Placement), and the facts the
// domain's org commands need (existence, cycles, emptiness, uniqueness).
// Thread-safety: as RecordsProjection (concurrent readers).
class OrgDirectory {
 public:
  explicit OrgDirectory(const projections::RecordsProjection& records);

  const projections::EntityKind& departments() const { return *departments_; }
  const projections::EntityKind& users() const { return *users_; }
  const projections::EntityKind& roles() const { return *roles_; }

  std::optional<projections::RecordView> FindUserByUsername(const std::string& username) const;
  // kUnauthenticated when the user is unknown or disabled.
  Result<domain::Principal> PrincipalOf(const std::string& user_id) const;
  // Where any record sits, for the data-scope rule.
  domain::Placement PlacementOf(const projections::EntityKind& kind,
                                const projections::RecordView& view) const;

  // The one visibility rule of every read: org-wide reference data (roles)
  // is seen by whoever may read its kind; everything else by data scope.
  bool Visible(const domain::Principal& principal, const projections::EntityKind& kind,
               const projections::RecordView& view) const;
  // The same, for a record whose placement the caller already has.
  bool Visible(const domain::Principal& principal, const projections::EntityKind& kind,
               const domain::Placement& placement) const;

  bool DepartmentExists(const std::string& id) const;
  std::string TopDepartmentId() const;
  // `candidate` is `department` itself or below it.
  bool IsSelfOrDescendant(const std::string& department, const std::string& candidate) const;
  bool HasSubDepartments(const std::string& department) const;
  bool HasUsers(const std::string& department) const;
  std::vector<std::string> Subtree(const std::string& department) const;

  bool UserExists(const std::string& id) const;
  // The department of a live user ("" when unknown): where their records sit.
  std::string DepartmentOf(const std::string& user_id) const;
  // (user id, department id) of every user, disabled ones included (their
  // records stay placed): what a data scope is computed from.
  std::vector<std::pair<std::string, std::string>> UserPlacements() const;
  // Whether `supervisor` is `user` or reports (transitively) to `user`.
  bool SupervisorCycle(const std::string& user, const std::string& supervisor) const;
  std::vector<std::string> SubordinatesOf(const std::string& user) const;  // includes user

  // Levels from the top department down to `department` (top = 1; 0: unknown).
  std::size_t DepartmentDepth(const std::string& department) const;
  // Levels of `department` and everything below it (a leaf = 1).
  std::size_t SubtreeHeight(const std::string& department) const;

  // Whether the user holds the built-in super administrator role.
  bool IsSuperAdmin(const std::string& user_id) const;
  // The rights of a live role; nullopt when it does not exist.
  std::optional<domain::RoleRights> RoleRightsOf(const std::string& role_id) const;

  bool RolesExist(const std::vector<std::string>& role_ids) const;
  bool RoleAssigned(const std::string& role_id) const;
  bool RoleNameTaken(const std::string& name, const std::string& except_id) const;

 private:
  // Everything reachable from `root` through `parent_field` links, root included.
  std::vector<std::string> Descendants(const projections::EntityKind& kind, const std::string& root,
                                       std::string_view parent_field) const;
  Result<domain::Principal> ComputePrincipal(const std::string& user_id) const;

  const projections::RecordsProjection& records_;
  // Principals by user id, valid for one generation of the records model.
  mutable std::mutex cache_mu_;
  mutable std::uint64_t cache_generation_ = 0;                   // guarded by cache_mu_
  mutable std::map<std::string, domain::Principal> principals_;  // guarded by cache_mu_
  const projections::EntityKind* departments_;
  const projections::EntityKind* users_;
  const projections::EntityKind* roles_;
};

}  // namespace chronicle::api
