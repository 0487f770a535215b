#include "chronicle/domain/access.hpp"

#include <algorithm>
#include <array>

namespace chronicle::domain {
namespace {

constexpr auto kPermissions = std::to_array<Permission>({
    {"department.read", "查看部门", true},
    {"department.create", "新建部门", false},
    {"department.update", "编辑部门", false},
    {"department.delete", "删除部门", false},
    {"user.read", "查看员工", true},
    {"user.create", "新建员工", false},
    {"user.update", "编辑员工", false},
    {"user.disable", "禁用/启用员工", false},
    {"user.reset_password", "重置密码", false},
    {"role.read", "查看角色", true},
    {"role.create", "新建角色", false},
    {"role.update", "编辑角色", false},
    {"role.delete", "删除角色", false},
    {"audit.read", "查看操作记录与日志校验", true},
    {"lead.read", "查看线索", true},
    {"lead.create", "新建线索", false},
    {"lead.update", "编辑线索", false},
    {"lead.transfer", "转移线索", false},
    {"lead.convert", "转换线索", false},
    {"lead.delete", "删除线索", false},
    {"lead.export", "导出线索", false},
    {"lead.import", "导入线索", false},
    {"customer.read", "查看客户", true},
    {"customer.create", "新建客户", false},
    {"customer.update", "编辑客户", false},
    {"customer.delete", "删除客户", false},
    {"customer.transfer", "转移客户", false},
    {"customer.export", "导出客户", false},
    {"customer.import", "导入客户", false},
    {"customer.pool", "公海领取/分配", false},
    {"customer.lock", "锁定/解锁客户", false},
    {"pool.rules", "公海规则与回收", false},
    {"contact.read", "查看联系人", true},
    {"contact.create", "新建联系人", false},
    {"contact.update", "编辑联系人", false},
    {"contact.delete", "删除联系人", false},
    {"contact.transfer", "转移联系人", false},
    {"contact.export", "导出联系人", false},
    {"contact.import", "导入联系人", false},
    {"follow_up.read", "查看跟进记录", true},
    {"follow_up.create", "写跟进", false},
    {"follow_up.update", "编辑跟进记录", false},
    {"follow_up.delete", "删除跟进记录", false},
    {"follow_up.export", "导出跟进记录", false},
    {"follow_up.import", "导入跟进记录", false},
    {"custom_field.read", "查看自定义字段", true},
    {"custom_field.create", "新建自定义字段", false},
    {"custom_field.update", "编辑自定义字段", false},
    {"custom_field.delete", "删除自定义字段", false},
    {"opportunity.read", "查看商机", true},
    {"opportunity.create", "新建商机", false},
    {"opportunity.update", "编辑商机", false},
    {"contract.read", "查看合同", true},
    {"contract.create", "新建合同", false},
    {"contract.update", "编辑合同", false},
    {"contract.approve", "审批合同", false},
    {"contract.void", "作废合同", false},
    {"receivable.read", "查看回款", true},
    {"receivable.create", "新建回款", false},
    {"dashboard.read", "查看仪表盘", true},
});

}  // namespace

std::optional<DataScope> ParseDataScope(std::string_view name) {
  if (name == "self") return DataScope::kSelf;
  if (name == "self_and_subordinates") return DataScope::kSelfAndSubordinates;
  if (name == "department") return DataScope::kDepartment;
  if (name == "department_and_children") return DataScope::kDepartmentAndChildren;
  if (name == "all") return DataScope::kAll;
  return std::nullopt;
}

std::string_view DataScopeName(DataScope scope) {
  switch (scope) {
    case DataScope::kSelf:
      return "self";
    case DataScope::kSelfAndSubordinates:
      return "self_and_subordinates";
    case DataScope::kDepartment:
      return "department";
    case DataScope::kDepartmentAndChildren:
      return "department_and_children";
    case DataScope::kAll:
      return "all";
  }
  return "self";
}

std::span<const Permission> AllPermissions() { return kPermissions; }

bool IsKnownPermission(std::string_view name) {
  return std::any_of(kPermissions.begin(), kPermissions.end(),
                     [name](const Permission& p) { return p.name == name; });
}

bool InScope(const Principal& principal, const Placement& placement) {
  if (principal.super_admin) return true;
  // Records nobody owns (departments) are seen through the department alone.
  if (placement.owner_id.empty() &&
      (principal.scope == DataScope::kSelf || principal.scope == DataScope::kSelfAndSubordinates)) {
    return placement.department_id == principal.department_id;
  }
  switch (principal.scope) {
    case DataScope::kAll:
      return true;
    case DataScope::kSelf:
      return placement.owner_id == principal.user_id;
    case DataScope::kSelfAndSubordinates:
      return principal.subordinates.contains(placement.owner_id);
    case DataScope::kDepartment:
      return placement.department_id == principal.department_id;
    case DataScope::kDepartmentAndChildren:
      return principal.department_subtree.contains(placement.department_id);
  }
  return false;
}

bool HasPermission(const Principal& principal, std::string_view permission) {
  return principal.super_admin || principal.permissions.contains(permission);
}

Status MayGrant(const Principal& caller, const RoleRights& role) {
  if (caller.super_admin) return Status::Ok();
  if (role.super_admin) {
    return PermissionDeniedError("only a super administrator grants the super administrator role");
  }
  for (const auto& p : role.permissions) {
    if (!caller.permissions.contains(p)) {
      return PermissionDeniedError("you cannot grant the permission " + p +
                                   ", which you do not hold");
    }
  }
  if (role.scope > caller.scope) {
    return PermissionDeniedError("you cannot grant the data scope " +
                                 std::string(DataScopeName(role.scope)) + ", wider than your " +
                                 std::string(DataScopeName(caller.scope)));
  }
  return Status::Ok();
}

Status MayActOnUser(const Principal& caller, const UserTarget& target) {
  if (target.super_admin && !caller.super_admin) {
    return PermissionDeniedError("only a super administrator acts on a super administrator");
  }
  return Status::Ok();
}

Status MayChangeRolesOf(const Principal& caller, const UserTarget& target) {
  CHRONICLE_RETURN_IF_ERROR(MayActOnUser(caller, target));
  if (target.user_id == caller.user_id) {
    return PermissionDeniedError("nobody changes their own roles");
  }
  return Status::Ok();
}

}  // namespace chronicle::domain
