#include "org_directory.hpp"

#include <set>

#include "chronicle/domain/payload.hpp"

namespace chronicle::api {

using domain::payload::String;
using domain::payload::Strings;
using projections::RecordView;

namespace {

bool Live(const projections::EntityKind& kind, const RecordView& view) {
  return view.exists() && !kind.deleted(view.snapshot);
}

}  // namespace

OrgDirectory::OrgDirectory(const projections::RecordsProjection& records)
    : records_(records),
      departments_(projections::FindKindByCollection("departments")),
      users_(projections::FindKindByCollection("users")),
      roles_(projections::FindKindByCollection("roles")) {}

std::optional<RecordView> OrgDirectory::FindUserByUsername(const std::string& username) const {
  std::optional<RecordView> found;
  records_.Read(*users_, [&](const auto& users) {
    for (const auto& [id, view] : users) {
      if (String(view.snapshot, "username") == username) found = view;
    }
  });
  return found;
}

Result<domain::Principal> OrgDirectory::PrincipalOf(const std::string& user_id) const {
  const std::uint64_t generation = records_.generation();
  {
    std::lock_guard lock(cache_mu_);
    if (generation != cache_generation_) {
      principals_.clear();
      cache_generation_ = generation;
    }
    if (auto it = principals_.find(user_id); it != principals_.end()) return it->second;
  }
  CHRONICLE_ASSIGN_OR_RETURN(auto principal, ComputePrincipal(user_id));
  std::lock_guard lock(cache_mu_);
  if (generation == cache_generation_) principals_[user_id] = principal;
  return principal;
}

Result<domain::Principal> OrgDirectory::ComputePrincipal(const std::string& user_id) const {
  auto user = records_.Get(*users_, user_id);
  if (!user || !user->exists() || String(user->snapshot, "status") == "disabled") {
    return UnauthenticatedError("the user is unknown or disabled");
  }
  domain::Principal p;
  p.user_id = user_id;
  p.department_id = String(user->snapshot, "department_id");
  // The widest scope among the user's roles applies; permissions add up.
  bool any_scope = false;
  for (const auto& role_id : Strings(user->snapshot, "role_ids")) {
    auto role = records_.Get(*roles_, role_id);
    if (!role || !Live(*roles_, *role)) continue;
    if (domain::payload::Bool(role->snapshot, "builtin")) p.super_admin = true;
    for (const auto& perm : Strings(role->snapshot, "permissions")) p.permissions.insert(perm);
    auto scope = domain::ParseDataScope(String(role->snapshot, "data_scope"));
    if (scope && (!any_scope || *scope > p.scope)) p.scope = *scope;
    any_scope = any_scope || scope.has_value();
  }
  if (p.super_admin) p.scope = domain::DataScope::kAll;
  // Subordinates serve the scope and the scope=subordinates narrowing of
  // every caller; the department subtree only its own scope.
  for (const auto& s : SubordinatesOf(user_id)) p.subordinates.insert(s);
  if (p.scope == domain::DataScope::kDepartmentAndChildren) {
    for (const auto& d : Subtree(p.department_id)) p.department_subtree.insert(d);
  }
  return p;
}

domain::Placement OrgDirectory::PlacementOf(const projections::EntityKind& kind,
                                            const RecordView& view) const {
  if (&kind == departments_) return {"", view.id};
  if (&kind == users_) return {view.id, String(view.snapshot, "department_id")};
  if (&kind == roles_) return {"", ""};  // roles are organisation-wide
  // Owned records: the owner's department places them.
  domain::Placement placement{String(view.snapshot, "owner_id"), ""};
  if (auto owner = records_.Get(*users_, placement.owner_id)) {
    placement.department_id = String(owner->snapshot, "department_id");
  }
  return placement;
}

bool OrgDirectory::Visible(const domain::Principal& principal, const projections::EntityKind& kind,
                           const RecordView& view) const {
  return Visible(principal, kind, PlacementOf(kind, view));
}

bool OrgDirectory::Visible(const domain::Principal& principal, const projections::EntityKind& kind,
                           const domain::Placement& placement) const {
  if (&kind == roles_) return true;
  return domain::InScope(principal, placement);
}

std::string OrgDirectory::DepartmentOf(const std::string& user_id) const {
  auto user = records_.Get(*users_, user_id);
  return user && user->exists() ? String(user->snapshot, "department_id") : std::string();
}

std::vector<std::pair<std::string, std::string>> OrgDirectory::UserPlacements() const {
  std::vector<std::pair<std::string, std::string>> out;
  records_.Read(*users_, [&](const auto& users) {
    out.reserve(users.size());
    for (const auto& [id, view] : users) {
      if (view.exists()) out.emplace_back(id, String(view.snapshot, "department_id"));
    }
  });
  return out;
}

bool OrgDirectory::DepartmentExists(const std::string& id) const {
  auto d = records_.Get(*departments_, id);
  return d && Live(*departments_, *d);
}

std::string OrgDirectory::TopDepartmentId() const {
  std::string top;
  records_.Read(*departments_, [&](const auto& all) {
    for (const auto& [id, view] : all) {
      if (Live(*departments_, view) && String(view.snapshot, "parent_id").empty()) top = id;
    }
  });
  return top;
}

std::vector<std::string> OrgDirectory::Descendants(const projections::EntityKind& kind,
                                                   const std::string& root,
                                                   std::string_view parent_field) const {
  std::vector<std::string> out;
  if (root.empty()) return out;
  records_.Read(kind, [&](const auto& all) {
    // One pass to index children by parent, then a walk: linear in the org.
    std::multimap<std::string, std::string> children;
    for (const auto& [id, view] : all) {
      if (!Live(kind, view)) continue;
      std::string parent = String(view.snapshot, parent_field);
      if (!parent.empty()) children.emplace(std::move(parent), id);
    }
    std::set<std::string> seen{root};
    out.push_back(root);
    for (std::size_t i = 0; i < out.size(); ++i) {
      auto [begin, end] = children.equal_range(out[i]);
      for (auto it = begin; it != end; ++it) {
        if (seen.insert(it->second).second) out.push_back(it->second);
      }
    }
  });
  return out;
}

std::vector<std::string> OrgDirectory::Subtree(const std::string& department) const {
  return Descendants(*departments_, department, "parent_id");
}

bool OrgDirectory::IsSelfOrDescendant(const std::string& department,
                                      const std::string& candidate) const {
  for (const auto& id : Subtree(department)) {
    if (id == candidate) return true;
  }
  return false;
}

bool OrgDirectory::HasSubDepartments(const std::string& department) const {
  return Subtree(department).size() > 1;
}

bool OrgDirectory::HasUsers(const std::string& department) const {
  bool found = false;
  records_.Read(*users_, [&](const auto& all) {
    for (const auto& [id, view] : all) {
      if (String(view.snapshot, "department_id") == department) found = true;
    }
  });
  return found;
}

bool OrgDirectory::UserExists(const std::string& id) const {
  auto u = records_.Get(*users_, id);
  return u && u->exists();
}

std::vector<std::string> OrgDirectory::SubordinatesOf(const std::string& user) const {
  return Descendants(*users_, user, "supervisor_id");
}

bool OrgDirectory::SupervisorCycle(const std::string& user, const std::string& supervisor) const {
  for (const auto& id : SubordinatesOf(user)) {
    if (id == supervisor) return true;
  }
  return false;
}

std::size_t OrgDirectory::DepartmentDepth(const std::string& department) const {
  std::size_t depth = 0;
  std::string at = department;
  records_.Read(*departments_, [&](const auto& all) {
    // Bounded by the depth cap (and by the count, should old data hold a cycle).
    while (!at.empty() && depth <= all.size()) {
      auto it = all.find(at);
      if (it == all.end() || !Live(*departments_, it->second)) break;
      ++depth;
      at = String(it->second.snapshot, "parent_id");
    }
  });
  return depth;
}

std::size_t OrgDirectory::SubtreeHeight(const std::string& department) const {
  std::size_t height = 0;
  records_.Read(*departments_, [&](const auto& all) {
    std::multimap<std::string, std::string> children;
    for (const auto& [id, view] : all) {
      if (!Live(*departments_, view)) continue;
      std::string parent = String(view.snapshot, "parent_id");
      if (!parent.empty()) children.emplace(std::move(parent), id);
    }
    // Breadth first, level by level.
    std::vector<std::string> level{department};
    std::set<std::string> seen{department};
    while (!level.empty()) {
      ++height;
      std::vector<std::string> next;
      for (const auto& id : level) {
        auto [begin, end] = children.equal_range(id);
        for (auto it = begin; it != end; ++it) {
          if (seen.insert(it->second).second) next.push_back(it->second);
        }
      }
      level.swap(next);
    }
  });
  return height;
}

bool OrgDirectory::IsSuperAdmin(const std::string& user_id) const {
  auto user = records_.Get(*users_, user_id);
  if (!user || !user->exists()) return false;
  for (const auto& role_id : Strings(user->snapshot, "role_ids")) {
    auto rights = RoleRightsOf(role_id);
    if (rights && rights->super_admin) return true;
  }
  return false;
}

std::optional<domain::RoleRights> OrgDirectory::RoleRightsOf(const std::string& role_id) const {
  auto role = records_.Get(*roles_, role_id);
  if (!role || !Live(*roles_, *role)) return std::nullopt;
  domain::RoleRights rights;
  rights.permissions = Strings(role->snapshot, "permissions");
  rights.scope = domain::ParseDataScope(String(role->snapshot, "data_scope"))
                     .value_or(domain::DataScope::kSelf);
  rights.super_admin = domain::payload::Bool(role->snapshot, "builtin");
  return rights;
}

bool OrgDirectory::RolesExist(const std::vector<std::string>& role_ids) const {
  for (const auto& id : role_ids) {
    auto role = records_.Get(*roles_, id);
    if (!role || !Live(*roles_, *role)) return false;
  }
  return true;
}

bool OrgDirectory::RoleAssigned(const std::string& role_id) const {
  bool found = false;
  records_.Read(*users_, [&](const auto& all) {
    for (const auto& [id, view] : all) {
      for (const auto& r : Strings(view.snapshot, "role_ids")) found = found || r == role_id;
    }
  });
  return found;
}

bool OrgDirectory::RoleNameTaken(const std::string& name, const std::string& except_id) const {
  bool found = false;
  records_.Read(*roles_, [&](const auto& all) {
    for (const auto& [id, view] : all) {
      if (id != except_id && Live(*roles_, view) && String(view.snapshot, "name") == name) {
        found = true;
      }
    }
  });
  return found;
}

}  // namespace chronicle::api
