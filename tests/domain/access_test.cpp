#include "chronicle/domain/access.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chronicle::domain {
namespace {

TEST(DataScopeTest, NamesRoundTripForAllFive) {
  const std::vector<std::pair<DataScope, std::string_view>> all = {
      {DataScope::kSelf, "self"},
      {DataScope::kSelfAndSubordinates, "self_and_subordinates"},
      {DataScope::kDepartment, "department"},
      {DataScope::kDepartmentAndChildren, "department_and_children"},
      {DataScope::kAll, "all"},
  };
  for (const auto& [scope, name] : all) {
    EXPECT_EQ(DataScopeName(scope), name);
    auto parsed = ParseDataScope(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(*parsed, scope) << name;
    EXPECT_EQ(ParseDataScope(DataScopeName(scope)), scope);
  }
}

TEST(DataScopeTest, UnknownNamesDoNotParse) {
  for (const char* name : {"", "ALL", "Self", "everything", "super_admin", "department ", "dept"}) {
    EXPECT_FALSE(ParseDataScope(name).has_value()) << name;
  }
}

TEST(PermissionTest, AllPermissionsHaveUniqueNonEmptyNames) {
  std::set<std::string_view> names;
  ASSERT_FALSE(AllPermissions().empty());
  for (const auto& p : AllPermissions()) {
    EXPECT_FALSE(p.name.empty());
    EXPECT_FALSE(p.description.empty()) << p.name;
    EXPECT_TRUE(names.insert(p.name).second) << "duplicate permission " << p.name;
  }
  EXPECT_EQ(names.size(), AllPermissions().size());
}

TEST(PermissionTest, ReadOnlyExactlyForReadPermissions) {
  for (const auto& p : AllPermissions()) {
    EXPECT_EQ(p.read_only, p.name.ends_with(".read")) << p.name;
  }
}

TEST(PermissionTest, IsKnownPermission) {
  for (const auto& p : AllPermissions()) EXPECT_TRUE(IsKnownPermission(p.name)) << p.name;
  for (const char* name : {"customer.read", "user.reset_password", "contract.approve",
                           "dashboard.read", "audit.read"}) {
    EXPECT_TRUE(IsKnownPermission(name)) << name;
  }
  for (const char* name :
       {"", "customer", "customer.fly", "Customer.read", "customer.read ", "*", "customer.*"}) {
    EXPECT_FALSE(IsKnownPermission(name)) << name;
  }
}

// Alice heads 销售部 (d-sales); Bob reports to her from the sub-department
// d-sales-east; Carol is Alice's peer in d-sales; Dave works in d-sales-east
// for someone else; Eve is in 财务部 (d-finance).
struct Record {
  std::string label;
  Placement placement;
};

const std::vector<Record>& Records() {
  static const auto* records = new std::vector<Record>{
      {"alice", {"u-alice", "d-sales"}},      {"bob", {"u-bob", "d-sales-east"}},
      {"carol", {"u-carol", "d-sales"}},      {"dave", {"u-dave", "d-sales-east"}},
      {"eve", {"u-eve", "d-finance"}},        {"unowned-sales", {"", "d-sales"}},
      {"unowned-east", {"", "d-sales-east"}}, {"unowned-finance", {"", "d-finance"}},
  };
  return *records;
}

Principal Alice(DataScope scope) {
  Principal p;
  p.user_id = "u-alice";
  p.department_id = "d-sales";
  p.scope = scope;
  p.permissions = {"customer.read"};
  p.subordinates = {"u-alice", "u-bob"};
  p.department_subtree = {"d-sales", "d-sales-east"};
  return p;
}

// Labels of the records the principal sees, in Records() order.
std::string Visible(const Principal& principal) {
  std::string out;
  for (const auto& r : Records()) {
    if (!InScope(principal, r.placement)) continue;
    if (!out.empty()) out += ",";
    out += r.label;
  }
  return out;
}

TEST(InScopeTest, SelfSeesOwnRecordsAndUnownedInOwnDepartment) {
  EXPECT_EQ(Visible(Alice(DataScope::kSelf)), "alice,unowned-sales");
}

TEST(InScopeTest, SelfAndSubordinatesFollowsTheSupervisorChain) {
  EXPECT_EQ(Visible(Alice(DataScope::kSelfAndSubordinates)), "alice,bob,unowned-sales");
}

TEST(InScopeTest, DepartmentSeesSameDepartmentOnly) {
  EXPECT_EQ(Visible(Alice(DataScope::kDepartment)), "alice,carol,unowned-sales");
}

TEST(InScopeTest, DepartmentAndChildrenSeesTheSubtree) {
  EXPECT_EQ(Visible(Alice(DataScope::kDepartmentAndChildren)),
            "alice,bob,carol,dave,unowned-sales,unowned-east");
}

TEST(InScopeTest, AllSeesEverything) {
  EXPECT_EQ(Visible(Alice(DataScope::kAll)),
            "alice,bob,carol,dave,eve,unowned-sales,unowned-east,unowned-finance");
}

TEST(InScopeTest, SuperAdminSeesEverythingWhateverTheScope) {
  Principal admin = Alice(DataScope::kSelf);
  admin.super_admin = true;
  admin.subordinates.clear();
  admin.department_subtree.clear();
  EXPECT_EQ(Visible(admin), "alice,bob,carol,dave,eve,unowned-sales,unowned-east,unowned-finance");
}

TEST(InScopeTest, EmptyOwnerUnderSelfScopeNeedsMatchingDepartment) {
  Principal p = Alice(DataScope::kSelf);
  EXPECT_TRUE(InScope(p, {"", "d-sales"}));
  EXPECT_FALSE(InScope(p, {"", "d-sales-east"}));
  EXPECT_FALSE(InScope(p, {"", ""}));
  // An empty owner never matches as "self".
  Principal nobody = Alice(DataScope::kSelf);
  nobody.user_id = "";
  nobody.department_id = "d-hr";
  EXPECT_FALSE(InScope(nobody, {"", "d-sales"}));
}

TEST(InScopeTest, SubordinatesPrecomputationIsTheOnlySource) {
  // Bob is in Alice's department subtree but not her subordinate list here.
  Principal p = Alice(DataScope::kSelfAndSubordinates);
  p.subordinates = {"u-alice"};
  EXPECT_FALSE(InScope(p, {"u-bob", "d-sales-east"}));
  p.subordinates = {"u-alice", "u-eve"};
  EXPECT_TRUE(InScope(p, {"u-eve", "d-finance"}));
}

TEST(HasPermissionTest, GrantedPermissionsOnly) {
  Principal p = Alice(DataScope::kSelf);
  EXPECT_TRUE(HasPermission(p, "customer.read"));
  EXPECT_FALSE(HasPermission(p, "customer.create"));
  EXPECT_FALSE(HasPermission(p, "role.delete"));
  EXPECT_FALSE(HasPermission(p, ""));
}

TEST(HasPermissionTest, SuperAdminHasAll) {
  Principal admin;
  admin.user_id = "u-admin";
  admin.super_admin = true;
  for (const auto& permission : AllPermissions()) {
    EXPECT_TRUE(HasPermission(admin, permission.name)) << permission.name;
  }
  admin.super_admin = false;
  for (const auto& permission : AllPermissions()) {
    EXPECT_FALSE(HasPermission(admin, permission.name)) << permission.name;
  }
}

}  // namespace
}  // namespace chronicle::domain

namespace chronicle::domain {
namespace {

Principal Manager() {
  Principal p;
  p.user_id = "u-manager";
  p.department_id = "d-sales";
  p.permissions = {"user.read", "user.update", "role.create", "customer.read"};
  p.scope = DataScope::kDepartmentAndChildren;
  return p;
}

TEST(GrantTest, ASubsetOfOwnPermissionsAtNoWiderScopeMayBeGranted) {
  EXPECT_TRUE(MayGrant(Manager(), {{"customer.read", "user.read"}, DataScope::kSelf, false}).ok());
  EXPECT_TRUE(MayGrant(Manager(), {{}, DataScope::kDepartmentAndChildren, false}).ok());
}

TEST(GrantTest, APermissionTheGranterLacksIsDenied) {
  const Status s =
      MayGrant(Manager(), {{"customer.read", "user.disable"}, DataScope::kSelf, false});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("user.disable"), std::string::npos) << s.message();
}

TEST(GrantTest, AWiderScopeIsDenied) {
  EXPECT_EQ(MayGrant(Manager(), {{"customer.read"}, DataScope::kAll, false}).code(),
            StatusCode::kPermissionDenied);
}

TEST(GrantTest, OnlyASuperAdministratorGrantsTheSuperAdministratorRole) {
  Principal everything = Manager();
  for (const auto& p : AllPermissions()) everything.permissions.insert(std::string(p.name));
  everything.scope = DataScope::kAll;
  EXPECT_EQ(MayGrant(everything, {{}, DataScope::kAll, true}).code(),
            StatusCode::kPermissionDenied);
  Principal admin;
  admin.user_id = "u-admin";
  admin.super_admin = true;
  EXPECT_TRUE(MayGrant(admin, {{}, DataScope::kAll, true}).ok());
}

TEST(GrantTest, OnlyASuperAdministratorActsOnASuperAdministrator) {
  EXPECT_EQ(MayActOnUser(Manager(), {"u-admin", true}).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(MayActOnUser(Manager(), {"u-rep", false}).ok());
  Principal admin;
  admin.user_id = "u-admin2";
  admin.super_admin = true;
  EXPECT_TRUE(MayActOnUser(admin, {"u-admin", true}).ok());
}

TEST(GrantTest, NobodyChangesTheirOwnRoles) {
  EXPECT_EQ(MayChangeRolesOf(Manager(), {"u-manager", false}).code(),
            StatusCode::kPermissionDenied);
  Principal admin;
  admin.user_id = "u-admin";
  admin.super_admin = true;
  EXPECT_EQ(MayChangeRolesOf(admin, {"u-admin", true}).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(MayChangeRolesOf(Manager(), {"u-rep", false}).ok());
}

}  // namespace
}  // namespace chronicle::domain
