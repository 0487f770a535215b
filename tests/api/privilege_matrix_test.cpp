// Who may call what (issue 6, "make them impossible to reopen"): every
// route the server serves, taken from Application::routes(), is called
// without a token, by a user without permissions, and by a manager who holds
// every permission but acts on records outside its data scope. Each refusal
// must leave the log as it was. Then the escalations the issue reported,
// one test each.
#include <algorithm>
#include <set>

#include "org_server_fixture.hpp"
#include "raw_http.hpp"

namespace chronicle::testing {
namespace {

Json Strings(const std::vector<std::string>& items) {
  Json out = Json::MakeArray();
  for (const auto& item : items) out.Push(item);
  return out;
}

std::vector<std::string> ItemIds(const HttpResult& r) {
  std::vector<std::string> ids;
  if (const Json* items = r.json.Find("items"); items != nullptr && items->is_array()) {
    for (const auto& item : items->as_array()) ids.push_back(item.Find("id")->as_string());
  }
  return ids;
}

std::string PercentEncoded(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char ch : text) {
    out += '%';
    out += kHex[ch >> 4];
    out += kHex[ch & 15];
  }
  return out;
}

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Every department id in a tree answer (GET /api/v1/departments/tree).
void CollectTree(const Json& nodes, std::vector<std::string>& out) {
  if (!nodes.is_array()) return;
  for (const auto& node : nodes.as_array()) {
    if (const Json* id = node.Find("id"); id != nullptr && id->is_string()) {
      out.push_back(id->as_string());
    }
    if (const Json* children = node.Find("children"); children != nullptr) {
      CollectTree(*children, out);
    }
  }
}

class PrivilegeMatrixTest : public OrgServerTest {
 protected:
  // The served routes, each with its table entry (routes without one are
  // reported by EveryRouteIsInTheTableWithTheAccessItDeclares).
  std::vector<std::pair<api::Application::RouteInfo, const RouteCall*>> Routes() {
    std::vector<std::pair<api::Application::RouteInfo, const RouteCall*>> out;
    for (const auto& route : app_->routes()) {
      if (const RouteCall* call = FindRouteCall(route.method, route.pattern)) {
        out.emplace_back(route, call);
      }
    }
    return out;
  }
};

TEST_F(PrivilegeMatrixTest, EveryRouteIsInTheTableWithTheAccessItDeclares) {
  const std::set<std::string> permissions(world_.permissions.begin(), world_.permissions.end());
  std::set<std::string> served;
  for (const auto& route : app_->routes()) {
    const std::string label = route.method + " " + route.pattern;
    served.insert(label);
    const RouteCall* call = FindRouteCall(route.method, route.pattern);
    if (call == nullptr) {
      ADD_FAILURE() << label << " (access \"" << route.access
                    << "\") has no entry in tests/support/route_table.cpp: add one saying who may "
                       "call it and how, so the privilege matrix covers it";
      continue;
    }
    EXPECT_EQ(route.access, call->access) << label << " declares the wrong access";
    const bool known = route.access == "public" || route.access == "authenticated" ||
                       route.access == "super_admin" || permissions.contains(route.access);
    EXPECT_TRUE(known) << label << " declares an access that is no permission: \"" << route.access
                       << "\"";
    // A permission that only reads never guards a change.
    if (route.method != "GET" && route.access.ends_with(".read")) {
      ADD_FAILURE() << label << " changes state under a read permission: " << route.access;
    }
  }
  for (const auto& call : RouteTable()) {
    EXPECT_TRUE(served.contains(call.Label()))
        << call.Label() << " is in the route table but not served: remove it";
  }
}

// The table's calls are real: each succeeds for the administrator (so a
// refusal below is the access check, not a bad request).
TEST_F(PrivilegeMatrixTest, TheTableCallsSucceedForTheAdministrator) {
  for (const auto& [route, call] : Routes()) {
    auto p = Prepare(*call);
    const std::string token = call->ends_session ? Login("admin", kAdminPassword) : admin_;
    auto r = client_->Call(token, route.method, p.path, p.body);
    EXPECT_GE(r.status, 200u) << call->Label() << ": " << r.body;
    EXPECT_LT(r.status, 300u) << call->Label() << ": " << r.body;
  }
}

TEST_F(PrivilegeMatrixTest, WithoutATokenOnlyPublicRoutesAnswerAndNothingIsAppended) {
  for (const auto& [route, call] : Routes()) {
    auto p = Prepare(*call);
    if (call->access == "public") {
      auto r = client_->Call("", route.method, p.path, p.body);
      EXPECT_NE(r.status, 401u) << call->Label() << " is public: " << r.body;
      EXPECT_NE(r.status, 403u) << call->Label() << " is public: " << r.body;
      continue;
    }
    ExpectRefused(call->Label() + " without a token", "", route.method, p.path, p.body, {401});
    if (route.method == "GET") {
      // HEAD is GET without the body, behind the same door.
      RawRequest head;
      head.method = "HEAD";
      head.target = p.path;
      auto a = SendRaw(port(), head);
      EXPECT_TRUE(a.answered && a.status == 401u)
          << "HEAD " << call->pattern << ": " << a.Describe();
    }
  }
}

// Two users without permissions: scope self (as most accounts), and scope
// all, for which no data-scope check can stand in for a missing permission
// check.
TEST_F(PrivilegeMatrixTest, WithoutThePermissionEveryGuardedRouteIs403AndNothingIsAppended) {
  for (const std::string& username : {world_.nobody_username, world_.nobody_all_username}) {
    const std::string who = username == world_.nobody_username
                                ? "a user with no permission (scope self)"
                                : "a user with no permission (scope all)";
    const std::string token = Login(username);
    for (const auto& [route, call] : Routes()) {
      if (call->access == "public") continue;
      auto p = Prepare(*call);
      if (call->access == "authenticated" && call->scoped) {
        // Open to every session, but the target is another user's (a saved view).
        const std::string label = call->Label() + " by " + who + " on another user's record";
        if (call->batch) {
          ExpectBatchRefused(label, token, route.method, p.path, p.body, {403, 404});
        } else {
          ExpectRefused(label, token, route.method, p.path, p.body, {403, 404});
        }
        continue;
      }
      if (call->access == "authenticated") {
        // Any live session may call it (a fresh one: logout ends it).
        auto r = client_->Call(Login(username), route.method, p.path, p.body);
        EXPECT_NE(r.status, 401u) << call->Label() << " by " << who << ": " << r.body;
        EXPECT_NE(r.status, 403u) << call->Label() << " by " << who << ": " << r.body;
        continue;
      }
      ExpectRefused(call->Label() + " by " + who, token, route.method, p.path, p.body, {403});
    }
  }
}

TEST_F(PrivilegeMatrixTest, SuperAdminRoutesRefuseAManagerHoldingEveryPermission) {
  const std::string manager = Login(world_.manager_username);
  int checked = 0;
  for (const auto& [route, call] : Routes()) {
    if (call->access != "super_admin") continue;
    auto p = Prepare(*call);
    ExpectRefused(call->Label() + " by a manager with every permission", manager, route.method,
                  p.path, p.body, {403});
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

// The manager holds every permission, scoped to A and below; every call of
// the table acts on (or creates) a record in B.
TEST_F(PrivilegeMatrixTest, WithThePermissionButTheTargetOutOfScopeIs403Or404) {
  const std::string manager = Login(world_.manager_username);
  int checked = 0;
  for (const auto& [route, call] : Routes()) {
    if (!call->scoped) continue;
    auto p = Prepare(*call);
    const std::string label = call->Label() + " by the manager of A on a record out of its scope";
    if (call->batch) {
      ExpectBatchRefused(label, manager, route.method, p.path, p.body, {403, 404});
    } else {
      ExpectRefused(label, manager, route.method, p.path, p.body, {403, 404});
    }
    ++checked;
  }
  EXPECT_GT(checked, 0);
  // The same reads with as_of_position (a view of the past is scoped too).
  const std::uint64_t now = LogPosition();
  for (const std::string& path :
       {"/api/v1/users/" + world_.user_b, "/api/v1/departments/" + world_.b,
        "/api/v1/leads/" + world_.lead_b, "/api/v1/customers/" + world_.customer_b,
        "/api/v1/contacts/" + world_.contact_b, "/api/v1/follow-ups/" + world_.follow_up_b,
        "/api/v1/views/" + world_.view}) {
    ExpectRefused("GET " + path + " as of a position by the manager", manager, "GET",
                  path + "?as_of_position=" + std::to_string(now), Json(), {403, 404});
  }
}

TEST_F(PrivilegeMatrixTest, ListsAndTheTreeLeaveOutRecordsOutOfScope) {
  const std::string manager = Login(world_.manager_username);
  auto users = ItemIds(client_->Call(manager, "GET", "/api/v1/users?limit=500"));
  EXPECT_TRUE(Contains(users, world_.manager_id));
  EXPECT_TRUE(Contains(users, world_.nobody_id));
  EXPECT_FALSE(Contains(users, world_.user_b));
  EXPECT_FALSE(Contains(users, world_.admin_id));
  auto departments = ItemIds(client_->Call(manager, "GET", "/api/v1/departments?limit=500"));
  EXPECT_TRUE(Contains(departments, world_.a));
  EXPECT_TRUE(Contains(departments, world_.a1));
  EXPECT_FALSE(Contains(departments, world_.b));
  EXPECT_FALSE(Contains(departments, world_.top));
  std::vector<std::string> tree;
  CollectTree(client_->Call(manager, "GET", "/api/v1/departments/tree").json, tree);
  EXPECT_TRUE(Contains(tree, world_.a1));
  EXPECT_FALSE(Contains(tree, world_.b));
  EXPECT_FALSE(Contains(tree, world_.top));
}

TEST_F(PrivilegeMatrixTest, EntityListsLeaveOutRecordsOutOfScope) {
  const std::string manager = Login(world_.manager_username);
  const std::string nobody_all = Login(world_.nobody_all_username);
  const std::string mine = CreateRecord(manager, "leads", Obj({{"name", "经理的线索"}}));
  auto leads = ItemIds(client_->Call(manager, "GET", "/api/v1/leads?limit=500"));
  EXPECT_TRUE(Contains(leads, mine));
  EXPECT_FALSE(Contains(leads, world_.lead_b));
  const std::vector<std::pair<std::string, std::string>> out_of_scope = {
      {"customers", world_.customer_b},
      {"contacts", world_.contact_b},
      {"follow-ups", world_.follow_up_b},
      {"views", world_.view}};
  for (const auto& [collection, id] : out_of_scope) {
    auto r = client_->Call(manager, "GET", "/api/v1/" + collection + "?limit=500");
    EXPECT_EQ(r.status, 200u) << collection << ": " << r.body;
    EXPECT_FALSE(Contains(ItemIds(r), id)) << collection << " lists " << id << " to the manager";
  }
  // Pool customers have no owner: every reader of customers sees them.
  EXPECT_TRUE(Contains(ItemIds(client_->Call(manager, "GET", "/api/v1/pool?limit=500")),
                       world_.pool_customer));
  // Saved views are private even to a user whose data scope is everything.
  auto views = client_->Call(nobody_all, "GET", "/api/v1/views?limit=500");
  EXPECT_EQ(views.status, 200u) << views.body;
  EXPECT_FALSE(Contains(ItemIds(views), world_.view));
}

// 查重 shows names and owners of records whoever owns them, so a rep sees a
// customer exists; a saved view is private to its user, duplicates included.
TEST_F(PrivilegeMatrixTest, ViewDuplicatesLeaveOutOtherUsersViews) {
  const std::string nobody = Login(world_.nobody_username);
  const std::string name =
      client_->Call(admin_, "GET", "/api/v1/views/" + world_.view).Field("name");
  ASSERT_FALSE(name.empty());
  auto own = client_->Call(admin_, "GET", "/api/v1/views/duplicates?name=" + PercentEncoded(name));
  EXPECT_TRUE(Contains(ItemIds(own), world_.view)) << own.body;
  auto other =
      client_->Call(nobody, "GET", "/api/v1/views/duplicates?name=" + PercentEncoded(name));
  EXPECT_EQ(other.status, 200u) << other.body;
  EXPECT_FALSE(Contains(ItemIds(other), world_.view)) << other.body;
}

// ---- the escalations of issue 6 ----------------------------------------------

using EscalationTest = OrgServerTest;

// (a) user.update with scope self used to reach the caller's own role_ids.
TEST_F(EscalationTest, ASelfScopedUserCannotGiveItselfTheSuperAdministratorRole) {
  const std::string role = CreateRole("自助", {"user.read", "user.update"}, "self");
  std::string username;
  const std::string self = CreateUser(world_.a, {role}, &username);
  const std::string token = Login(username);
  ExpectRefused("PATCH own role_ids to 超级管理员", token, "PATCH", "/api/v1/users/" + self,
                Obj({{"role_ids", Json::Array{world_.super_admin_role}}}), {403});
  ExpectRefused("PATCH own role_ids to its own and 超级管理员", token, "PATCH",
                "/api/v1/users/" + self,
                Obj({{"role_ids", Json::Array{role, world_.super_admin_role}}}), {403});
  ExpectRefused("POST /api/v1/admin/backup afterwards", token, "POST", "/api/v1/admin/backup",
                Obj({{"to", dir_.path("stolen").string()}}), {403});
  EXPECT_FALSE(std::filesystem::exists(dir_.path("stolen")));
  auto me = client_->Call(token, "GET", "/api/v1/auth/me");
  EXPECT_EQ(me.json.Find("role_ids")->Dump(), Strings({role}).Dump()) << me.body;
}

// (b) role.create + user.update used to mint and hand out any rights.
TEST_F(EscalationTest, ARoleCreatorCannotMintOrGrantRightsItDoesNotHold) {
  const std::string granter_role =
      CreateRole("授权者", {"role.read", "role.create", "user.read", "user.update"}, "department");
  std::string username;
  CreateUser(world_.a, {granter_role}, &username);
  const std::string other = CreateUser(world_.a, {world_.plain_role});
  const std::string token = Login(username);

  ExpectRefused(
      "POST /api/v1/roles with every permission and scope all", token, "POST", "/api/v1/roles",
      Obj({{"name", "万能"}, {"permissions", Strings(world_.permissions)}, {"data_scope", "all"}}),
      {403});
  ExpectRefused(
      "POST /api/v1/roles with a held permission but scope all", token, "POST", "/api/v1/roles",
      Obj({{"name", "全公司"}, {"permissions", Json::Array{"user.read"}}, {"data_scope", "all"}}),
      {403});
  ExpectRefused(
      "POST /api/v1/roles with a permission not held", token, "POST", "/api/v1/roles",
      Obj({{"name", "备份员"}, {"permissions", Json::Array{"audit.read"}}, {"data_scope", "self"}}),
      {403});
  const std::string wider = CreateRole("更多", {"user.read", "customer.read"}, "self");
  ExpectRefused("PATCH another user's role_ids to a role with a permission not held", token,
                "PATCH", "/api/v1/users/" + other, Obj({{"role_ids", Json::Array{wider}}}), {403});
  ExpectRefused("PATCH another user's role_ids to 超级管理员", token, "PATCH",
                "/api/v1/users/" + other, Obj({{"role_ids", Json::Array{world_.super_admin_role}}}),
                {403});

  // What it holds, it may create and grant.
  auto created = client_->Call(token, "POST", "/api/v1/roles",
                               Obj({{"name", "只读员工"},
                                    {"permissions", Json::Array{"user.read"}},
                                    {"data_scope", "self"}}));
  ASSERT_EQ(created.status, 201u) << created.body;
  auto granted =
      client_->Call(token, "PATCH", "/api/v1/users/" + other,
                    Obj({{"role_ids", Json::Array{created.json.Find("id")->as_string()}}}));
  EXPECT_EQ(granted.status, 200u) << granted.body;
}

// (c) user.update / reset_password / disable with a wide scope used to reach
// the administrator.
TEST_F(EscalationTest, OnlyASuperAdministratorActsOnTheAdministrator) {
  for (const std::string scope : {"all", "department"}) {
    const std::string role = CreateRole(
        "人事" + scope, {"user.read", "user.update", "user.reset_password", "user.disable"}, scope);
    std::string username;
    CreateUser(world_.top, {role}, &username);  // the administrator's department
    const std::string token = Login(username);
    const std::string admin = "/api/v1/users/" + world_.admin_id;
    EXPECT_EQ(client_->Call(token, "GET", admin).status, 200u) << "scope " << scope;
    ExpectRefused("PATCH admin (scope " + scope + ")", token, "PATCH", admin,
                  Obj({{"name", "被改了"}}), {403});
    ExpectRefused("PATCH admin's email (scope " + scope + ")", token, "PATCH", admin,
                  Obj({{"email", "x@example.com"}}), {403});
    ExpectRefused("reset admin's password (scope " + scope + ")", token, "POST",
                  admin + "/reset-password", Obj({{"password", "Hijacked#2026"}}), {403});
    ExpectRefused("disable admin (scope " + scope + ")", token, "POST", admin + "/disable", Json(),
                  {403});
  }
  HttpClient fresh(port());
  EXPECT_FALSE(fresh.Login("admin", kAdminPassword).empty())
      << "the administrator can no longer log in with its password";
  EXPECT_TRUE(fresh.Login("admin", "Hijacked#2026").empty());
  auto me = client_->Call(admin_, "GET", "/api/v1/auth/me");
  EXPECT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(me.Field("name"), "系统管理员");
}

// (d) department.update used to move a department of one's subtree anywhere.
TEST_F(EscalationTest, AManagerMovesDepartmentsOnlyUnderParentsInScope) {
  const std::string role =
      CreateRole("部门经理", {"department.read", "department.update"}, "department_and_children");
  std::string username;
  CreateUser(world_.a, {role}, &username);
  const std::string token = Login(username);
  ExpectRefused("move A1 under B", token, "PATCH", "/api/v1/departments/" + world_.a1,
                Obj({{"parent_id", world_.b}}), {403});
  ExpectRefused("move A1 under the top department", token, "PATCH",
                "/api/v1/departments/" + world_.a1, Obj({{"parent_id", world_.top}}), {403});
  ExpectRefused("move A under B", token, "PATCH", "/api/v1/departments/" + world_.a,
                Obj({{"parent_id", world_.b}}), {403});
  auto a1 = client_->Call(admin_, "GET", "/api/v1/departments/" + world_.a1);
  EXPECT_EQ(a1.Field("parent_id"), world_.a);
  // Within the subtree a move is fine.
  const std::string a2 = CreateDepartment("A2", world_.a);
  auto moved =
      client_->Call(token, "PATCH", "/api/v1/departments/" + a2, Obj({{"parent_id", world_.a1}}));
  EXPECT_EQ(moved.status, 200u) << moved.body;
}

// (e) roles are organisation-wide reference data, not records in a scope.
TEST_F(EscalationTest, ASelfScopedRoleReaderSeesEveryRole) {
  const std::string role = CreateRole("角色查看", {"role.read"}, "self");
  std::string username;
  CreateUser(world_.b, {role}, &username);
  const std::string token = Login(username);
  auto all = ItemIds(client_->Call(admin_, "GET", "/api/v1/roles?limit=500"));
  auto seen = ItemIds(client_->Call(token, "GET", "/api/v1/roles?limit=500"));
  std::sort(all.begin(), all.end());
  std::sort(seen.begin(), seen.end());
  EXPECT_GE(all.size(), 8u);
  EXPECT_EQ(seen, all);
  for (const auto& id : all) {
    auto r = client_->Call(token, "GET", "/api/v1/roles/" + id);
    EXPECT_EQ(r.status, 200u) << id << ": " << r.body;
    EXPECT_EQ(client_->Call(token, "GET", "/api/v1/roles/" + id + "/history").status, 200u) << id;
  }
}

}  // namespace
}  // namespace chronicle::testing
