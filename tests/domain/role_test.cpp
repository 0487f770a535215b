#include "chronicle/domain/role.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace chronicle::domain {
namespace {

using role::Changed;
using role::Create;
using role::Created;
using role::Decide;
using role::Delete;
using role::Deleted;
using role::Event;
using role::Evolve;
using role::State;
using role::Update;
using Strings = std::vector<std::string>;

constexpr std::int64_t kNow = 1'700'000'000'000;

std::string Repeat(std::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

Create SalesCreate() {
  Create c;
  c.id = "r-sales";
  c.name = "销售";
  c.permissions = {"customer.read", "customer.create"};
  c.data_scope = DataScope::kDepartment;
  return c;
}

State Sales() {
  return Evolve(
      State{},
      Created{
          "r-sales", "销售", {"customer.create", "customer.read"}, DataScope::kDepartment, false});
}

State SuperAdmin() {
  return Evolve(State{}, Created{"r-admin", "超级管理员", {}, DataScope::kAll, true});
}

void ExpectFieldError(const Status& status, std::string_view field) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  ASSERT_TRUE(status.field().has_value()) << status.ToString();
  EXPECT_EQ(*status.field(), field);
}

// --- Create -----------------------------------------------------------------

TEST(RoleCreateTest, PermissionsAreSortedAndDeduplicated) {
  Create c = SalesCreate();
  c.permissions = {"user.read", "customer.read", "user.read", "audit.read", "customer.read"};
  auto events = Decide(State{}, c, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  const auto* created = std::get_if<Created>(&(*events)[0]);
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->id, "r-sales");
  EXPECT_EQ(created->name, "销售");
  EXPECT_EQ(created->permissions, (Strings{"audit.read", "customer.read", "user.read"}));
  EXPECT_EQ(created->data_scope, DataScope::kDepartment);
  EXPECT_FALSE(created->builtin);
}

TEST(RoleCreateTest, BuiltinFlagIsCarried) {
  Create c = SalesCreate();
  c.builtin = true;
  auto events = Decide(State{}, c, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  EXPECT_TRUE(std::get<Created>((*events)[0]).builtin);
}

TEST(RoleCreateTest, UnknownPermissionIsPermissionsError) {
  for (const char* bad : {"customer.fly", "", "customer", "Customer.read", "customer.read "}) {
    SCOPED_TRACE(testing::Message() << "permission='" << bad << "'");
    Create c = SalesCreate();
    c.permissions.emplace_back(bad);
    ExpectFieldError(Decide(State{}, c, kNow).status(), "permissions");
  }
}

TEST(RoleCreateTest, TakenNameIsAlreadyExists) {
  Create c = SalesCreate();
  c.name_taken = true;
  EXPECT_EQ(Decide(State{}, c, kNow).status().code(), StatusCode::kAlreadyExists);
}

TEST(RoleCreateTest, ExistingIdIsAlreadyExists) {
  EXPECT_EQ(Decide(Sales(), SalesCreate(), kNow).status().code(), StatusCode::kAlreadyExists);
}

TEST(RoleCreateTest, BlankOrTooLongNameIsNameError) {
  Create c = SalesCreate();
  c.name = "  ";
  ExpectFieldError(Decide(State{}, c, kNow).status(), "name");
  c.name = Repeat("角", 50);
  EXPECT_TRUE(Decide(State{}, c, kNow).ok());
  c.name = Repeat("角", 51);
  ExpectFieldError(Decide(State{}, c, kNow).status(), "name");
}

// --- Update -----------------------------------------------------------------

TEST(RoleUpdateTest, SamePermissionsInAnotherOrderEmitNothing) {
  Update u;
  u.changes.permissions = Strings{"customer.read", "customer.create", "customer.read"};
  auto events = Decide(Sales(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_TRUE(events->empty()) << events->size();
}

TEST(RoleUpdateTest, NothingChangedEmitsNothing) {
  Update u;
  u.changes.name = "销售";
  u.changes.permissions = Strings{"customer.create", "customer.read"};
  u.changes.data_scope = DataScope::kDepartment;
  u.name_taken = true;  // the role's own name: not a conflict
  auto events = Decide(Sales(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_TRUE(events->empty()) << events->size();
  auto empty = Decide(Sales(), Update{}, kNow);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty());
}

TEST(RoleUpdateTest, ChangedPermissionsAreSortedAndAlone) {
  Update u;
  u.changes.name = "销售";  // unchanged
  u.changes.permissions = Strings{"lead.read", "customer.read", "lead.read"};
  auto events = Decide(Sales(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  const auto* changed = std::get_if<Changed>(&(*events)[0]);
  ASSERT_NE(changed, nullptr);
  EXPECT_FALSE(changed->name.has_value());
  EXPECT_FALSE(changed->data_scope.has_value());
  ASSERT_TRUE(changed->permissions.has_value());
  EXPECT_EQ(*changed->permissions, (Strings{"customer.read", "lead.read"}));
}

TEST(RoleUpdateTest, ChangedNameAndScopeOnly) {
  Update u;
  u.changes.name = "大客户销售";
  u.changes.data_scope = DataScope::kAll;
  auto events = Decide(Sales(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  const auto& changed = std::get<Changed>((*events)[0]);
  EXPECT_EQ(changed.name, "大客户销售");
  EXPECT_EQ(changed.data_scope, DataScope::kAll);
  EXPECT_FALSE(changed.permissions.has_value());
}

TEST(RoleUpdateTest, UnknownPermissionIsPermissionsError) {
  Update u;
  u.changes.permissions = Strings{"customer.read", "customer.fly"};
  ExpectFieldError(Decide(Sales(), u, kNow).status(), "permissions");
}

TEST(RoleUpdateTest, TakenNewNameIsAlreadyExists) {
  Update u;
  u.changes.name = "财务";
  u.name_taken = true;
  EXPECT_EQ(Decide(Sales(), u, kNow).status().code(), StatusCode::kAlreadyExists);
}

TEST(RoleUpdateTest, BlankNameIsNameError) {
  Update u;
  u.changes.name = "";
  ExpectFieldError(Decide(Sales(), u, kNow).status(), "name");
}

TEST(RoleUpdateTest, BuiltinRoleCannotBeUpdated) {
  Update u;
  u.changes.name = "管理员";
  EXPECT_EQ(Decide(SuperAdmin(), u, kNow).status().code(), StatusCode::kFailedPrecondition);
  Update perms;
  perms.changes.permissions = Strings{"customer.read"};
  EXPECT_EQ(Decide(SuperAdmin(), perms, kNow).status().code(), StatusCode::kFailedPrecondition);
}

TEST(RoleUpdateTest, NonexistentOrDeletedIsNotFound) {
  Update u;
  u.changes.name = "新名";
  EXPECT_EQ(Decide(State{}, u, kNow).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Decide(Evolve(Sales(), Deleted{}), u, kNow).status().code(), StatusCode::kNotFound);
}

// --- Delete -----------------------------------------------------------------

TEST(RoleDeleteTest, UnassignedRoleIsDeleted) {
  auto events = Decide(Sales(), Delete{}, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  EXPECT_TRUE(std::holds_alternative<Deleted>((*events)[0]));
}

TEST(RoleDeleteTest, AssignedRoleIsFailedPrecondition) {
  EXPECT_EQ(Decide(Sales(), Delete{true}, kNow).status().code(), StatusCode::kFailedPrecondition);
}

TEST(RoleDeleteTest, BuiltinRoleIsFailedPrecondition) {
  EXPECT_EQ(Decide(SuperAdmin(), Delete{}, kNow).status().code(), StatusCode::kFailedPrecondition);
}

TEST(RoleDeleteTest, NonexistentOrDeletedIsNotFound) {
  EXPECT_EQ(Decide(State{}, Delete{}, kNow).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Decide(Evolve(Sales(), Deleted{}), Delete{}, kNow).status().code(),
            StatusCode::kNotFound);
}

// --- Evolve / ToJson --------------------------------------------------------

TEST(RoleEvolveTest, FoldsCreatedChangedDeleted) {
  State s = Sales();
  EXPECT_TRUE(s.exists);
  EXPECT_FALSE(s.deleted);
  EXPECT_EQ(s.id, "r-sales");
  EXPECT_EQ(s.name, "销售");
  EXPECT_EQ(s.permissions, (Strings{"customer.create", "customer.read"}));
  EXPECT_EQ(s.data_scope, DataScope::kDepartment);
  EXPECT_FALSE(s.builtin);

  Changed only_scope;
  only_scope.data_scope = DataScope::kSelfAndSubordinates;
  s = Evolve(s, only_scope);
  EXPECT_EQ(s.name, "销售");
  EXPECT_EQ(s.permissions, (Strings{"customer.create", "customer.read"}));
  EXPECT_EQ(s.data_scope, DataScope::kSelfAndSubordinates);

  Changed name_and_perms;
  name_and_perms.name = "销售主管";
  name_and_perms.permissions = Strings{"lead.read"};
  s = Evolve(s, name_and_perms);
  EXPECT_EQ(s.name, "销售主管");
  EXPECT_EQ(s.permissions, (Strings{"lead.read"}));
  EXPECT_EQ(s.data_scope, DataScope::kSelfAndSubordinates);

  s = Evolve(s, Deleted{});
  EXPECT_TRUE(s.deleted);
  EXPECT_EQ(s.name, "销售主管");
}

TEST(RoleToJsonTest, PublicFields) {
  EXPECT_EQ(role::ToJson(Sales()).Dump(),
            R"({"name":"销售","permissions":["customer.create","customer.read"],)"
            R"("data_scope":"department","builtin":false})");
}

}  // namespace
}  // namespace chronicle::domain
