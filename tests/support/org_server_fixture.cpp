#include "org_server_fixture.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace chronicle::testing {
namespace {

std::string IdOf(const HttpResult& r) {
  const Json* id = r.json.Find("id");
  return id != nullptr && id->is_string() ? id->as_string() : std::string();
}

Json Strings(const std::vector<std::string>& items) {
  Json out = Json::MakeArray();
  for (const auto& item : items) out.Push(item);
  return out;
}

}  // namespace

void OrgServerTest::SetUp() {
  spdlog::set_level(spdlog::level::warn);  // one line per request otherwise
  api::ApplicationOptions options;
  options.data_dir = dir_.path("data");
  options.server.port = 0;
  options.server.threads = 2;
  options.admin_password = kAdminPassword;
  options.argon2_memory_kib = 64;
  options.durability = eventstore::Durability::kAsync;
  options.workers = 4;
  auto app = api::Application::Start(options);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  app_ = std::move(app).value();
  client_ = std::make_unique<HttpClient>(app_->port());
  admin_ = client_->Login("admin", kAdminPassword);
  ASSERT_FALSE(admin_.empty());

  World& w = world_;
  auto me = client_->Call(admin_, "GET", "/api/v1/auth/me");
  w.admin_id = IdOf(me);
  auto departments = client_->Call(admin_, "GET", "/api/v1/departments?limit=500");
  for (const auto& d : departments.json.Find("items")->as_array()) {
    const Json* parent = d.Find("parent_id");
    if (parent == nullptr || parent->is_null() || parent->as_string().empty()) {
      w.top = d.Find("id")->as_string();
    }
  }
  auto roles = client_->Call(admin_, "GET", "/api/v1/roles?limit=500");
  for (const auto& r : roles.json.Find("items")->as_array()) {
    if (r.Find("name")->as_string() == "超级管理员") w.super_admin_role = r.Find("id")->as_string();
  }
  auto permissions = client_->Call(admin_, "GET", "/api/v1/permissions");
  for (const auto& p : permissions.json.Find("items")->as_array()) {
    w.permissions.push_back(p.Find("name")->as_string());
  }
  ASSERT_FALSE(w.admin_id.empty());
  ASSERT_FALSE(w.top.empty());
  ASSERT_FALSE(w.super_admin_role.empty());
  ASSERT_FALSE(w.permissions.empty());

  w.a = CreateDepartment("A", w.top);
  w.a1 = CreateDepartment("A1", w.a);
  w.b = CreateDepartment("B", w.top);
  w.plain_role = CreateRole("无权限", {}, "self");
  w.plain_all_role = CreateRole("无权限全公司", {}, "all");
  w.all_role = CreateRole("全部权限", w.permissions, "department_and_children");
  w.target_role = CreateRole("目标角色", {"department.read"}, "self");
  w.nobody_id = CreateUser(w.a, {w.plain_role}, &w.nobody_username);
  w.nobody_all_id = CreateUser(w.a, {w.plain_all_role}, &w.nobody_all_username);
  w.manager_id = CreateUser(w.a, {w.all_role}, &w.manager_username);
  w.user_b = CreateUser(w.b, {w.plain_role});
  const std::string writer_role =
      CreateRole("B业务员",
                 {"lead.read", "customer.read", "customer.create", "customer.transfer",
                  "follow_up.read", "follow_up.create"},
                 "department");
  w.writer_b = CreateUser(w.b, {writer_role}, &w.writer_b_username);
  writer_b_token_ = Login(w.writer_b_username);

  w.lead_b = FreshTarget(Target::kLead);
  w.customer_b = FreshTarget(Target::kCustomer);
  w.contact_b = FreshTarget(Target::kContact);
  w.follow_up_b = FreshTarget(Target::kFollowUp);
  w.custom_field = FreshTarget(Target::kCustomField);
  w.view = FreshTarget(Target::kView);
  w.pool_customer = FreshTarget(Target::kPoolCustomer);
  for (const std::string* id : {&w.writer_b, &w.lead_b, &w.customer_b, &w.contact_b, &w.follow_up_b,
                                &w.custom_field, &w.view, &w.pool_customer}) {
    ASSERT_FALSE(id->empty());
  }
}

void OrgServerTest::TearDown() {
  client_.reset();
  if (app_) app_->Stop(std::chrono::milliseconds(0));
  app_.reset();
}

std::string OrgServerTest::CreateDepartment(const std::string& name, const std::string& parent) {
  auto r = client_->Call(admin_, "POST", "/api/v1/departments",
                         Obj({{"name", name}, {"parent_id", parent}}));
  EXPECT_EQ(r.status, 201u) << r.body;
  return IdOf(r);
}

std::string OrgServerTest::CreateRole(const std::string& name,
                                      const std::vector<std::string>& permissions,
                                      const std::string& scope) {
  auto r = client_->Call(
      admin_, "POST", "/api/v1/roles",
      Obj({{"name", name}, {"permissions", Strings(permissions)}, {"data_scope", scope}}));
  EXPECT_EQ(r.status, 201u) << r.body;
  return IdOf(r);
}

std::string OrgServerTest::CreateUser(const std::string& department,
                                      const std::vector<std::string>& role_ids,
                                      std::string* username, bool disabled) {
  const CallContext c = NextContext();
  Json body = Obj({{"username", c.username},
                   {"password", kUserPassword},
                   {"name", "用户" + c.unique},
                   {"department_id", department},
                   {"role_ids", Strings(role_ids)}});
  if (disabled) body.Set("status", "disabled");
  auto r = client_->Call(admin_, "POST", "/api/v1/users", body);
  EXPECT_EQ(r.status, 201u) << r.body;
  if (username != nullptr) *username = c.username;
  return IdOf(r);
}

std::string OrgServerTest::CreateRecord(const std::string& token, const std::string& collection,
                                        const Json& body) {
  auto r = client_->Call(token, "POST", "/api/v1/" + collection, body);
  EXPECT_EQ(r.status, 201u) << collection << ": " << r.body;
  return IdOf(r);
}

void OrgServerTest::Act(const std::string& token, const std::string& path, const Json& body) {
  auto r = client_->Call(token, "POST", path, body);
  EXPECT_EQ(r.status, 200u) << path << ": " << r.body;
}

std::string OrgServerTest::Login(const std::string& username, const std::string& password) {
  std::string token = client_->Login(username, password);
  EXPECT_FALSE(token.empty()) << "login as " << username;
  return token;
}

std::uint64_t OrgServerTest::LogPosition() {
  auto r = client_->Call(admin_, "GET", "/api/v1/audit/head");
  const Json* position = r.json.Find("position");
  EXPECT_TRUE(r.status == 200u && position != nullptr && position->is_int()) << r.body;
  return position != nullptr && position->is_int() ? static_cast<std::uint64_t>(position->as_int())
                                                   : 0;
}

CallContext OrgServerTest::NextContext() {
  const std::uint64_t n = next_unique_++;
  char username[16];
  std::snprintf(username, sizeof username, "139%08llu", static_cast<unsigned long long>(n));
  return CallContext{world_,         std::to_string(n),
                     username,       dir_.path("scratch-" + std::to_string(n)),
                     kAdminPassword, ""};
}

std::string OrgServerTest::SharedTarget(Target target) const {
  switch (target) {
    case Target::kNone:
      return "";
    case Target::kDepartment:
      return world_.b;
    case Target::kUser:
    case Target::kDisabledUser:
      return world_.user_b;
    case Target::kRole:
      return world_.target_role;
    case Target::kLead:
      return world_.lead_b;
    case Target::kCustomer:
    case Target::kLockedCustomer:
    case Target::kTeamCustomer:
    case Target::kAdminCustomer:
      return world_.customer_b;
    case Target::kContact:
      return world_.contact_b;
    case Target::kFollowUp:
      return world_.follow_up_b;
    case Target::kCustomField:
      return world_.custom_field;
    case Target::kView:
      return world_.view;
    case Target::kPoolCustomer:
      return world_.pool_customer;
  }
  return "";
}

std::string OrgServerTest::FreshTarget(Target target) {
  const std::string u = NextContext().unique;
  switch (target) {
    case Target::kNone:
      return "";
    case Target::kDepartment:
      return CreateDepartment("临时" + u, world_.b);
    case Target::kUser:
      return CreateUser(world_.b, {world_.plain_role});
    case Target::kDisabledUser:
      return CreateUser(world_.b, {world_.plain_role}, nullptr, true);
    case Target::kRole:
      return CreateRole("临时角色" + u, {"department.read"}, "self");
    case Target::kLead:
      // With a company, a conversion makes a customer (named after it) and a contact.
      return CreateRecord(admin_, "leads",
                          Obj({{"name", "临时线索" + u},
                               {"company", "临时公司" + u},
                               {"mobile", "13800000000"},
                               {"owner_id", world_.user_b}}));
    case Target::kCustomer:
      return CreateRecord(admin_, "customers",
                          Obj({{"name", "临时客户" + u}, {"owner_id", world_.user_b}}));
    case Target::kContact:
      return CreateRecord(admin_, "contacts",
                          Obj({{"customer_id", world_.customer_b},
                               {"name", "临时联系人" + u},
                               {"owner_id", world_.user_b}}));
    case Target::kFollowUp:
      return CreateRecord(writer_b_token_, "follow-ups",
                          Obj({{"target_type", "lead"},
                               {"target_id", world_.lead_b},
                               {"method", "visit"},
                               {"content", "拜访" + u}}));
    case Target::kCustomField:
      return CreateRecord(admin_, "custom-fields",
                          Obj({{"entity", "opportunity"},
                               {"key", "t" + u},
                               {"label", "临时字段" + u},
                               {"type", "text"}}));
    case Target::kView:
      return CreateRecord(admin_, "views", Obj({{"entity", "leads"}, {"name", "临时场景" + u}}));
    case Target::kPoolCustomer: {
      // writer_b's, released: its last owner is not the administrator (no cooldown).
      const std::string id =
          CreateRecord(writer_b_token_, "customers", Obj({{"name", "公海客户" + u}}));
      Act(writer_b_token_, "/api/v1/customers/" + id + "/release");
      return id;
    }
    case Target::kAdminCustomer:
      return CreateRecord(admin_, "customers", Obj({{"name", "自有客户" + u}}));
    case Target::kLockedCustomer: {
      const std::string id = FreshTarget(Target::kCustomer);
      Act(admin_, "/api/v1/customers/" + id + "/lock");
      return id;
    }
    case Target::kTeamCustomer: {
      const std::string id = FreshTarget(Target::kCustomer);
      Act(admin_, "/api/v1/customers/" + id + "/team/add",
          Obj({{"user_id", world_.nobody_id}, {"access", "read"}}));
      return id;
    }
  }
  return "";
}

std::string OrgServerTest::CollectionOf(Target target) {
  switch (target) {
    case Target::kLead:
      return "leads";
    case Target::kCustomer:
    case Target::kPoolCustomer:
    case Target::kAdminCustomer:
    case Target::kLockedCustomer:
    case Target::kTeamCustomer:
      return "customers";
    case Target::kContact:
      return "contacts";
    case Target::kFollowUp:
      return "follow-ups";
    case Target::kCustomField:
      return "custom-fields";
    case Target::kView:
      return "views";
    case Target::kDepartment:
      return "departments";
    case Target::kUser:
    case Target::kDisabledUser:
      return "users";
    case Target::kRole:
      return "roles";
    case Target::kNone:
      break;
  }
  return "";
}

OrgServerTest::Prepared OrgServerTest::Prepare(const RouteCall& call, const std::string* id) {
  Prepared out;
  if (id != nullptr) {
    out.target_id = *id;
  } else if (call.destructive || call.target == Target::kDisabledUser) {
    out.target_id = FreshTarget(call.target);
    if (call.deleted) {
      const std::string path = "/api/v1/" + CollectionOf(call.target) + "/" + out.target_id;
      auto r = client_->Call(admin_, "DELETE", path);
      EXPECT_EQ(r.status, 204u) << "DELETE " << path << ": " << r.body;
    }
  } else {
    out.target_id = SharedTarget(call.target);
  }
  out.path = FillPath(call.pattern, out.target_id);
  if (!call.query.empty()) out.path += "?" + call.query;
  if (call.body != BodyKind::kNone) {
    CallContext c = NextContext();
    c.target_id = out.target_id;
    out.body = call.valid_body(c);
  }
  return out;
}

void OrgServerTest::ExpectRefused(const std::string& label, const std::string& token,
                                  const std::string& method, const std::string& path,
                                  const Json& body, const std::set<unsigned>& statuses) {
  const std::uint64_t before = LogPosition();
  auto r = client_->Call(token, method, path, body);
  EXPECT_TRUE(statuses.contains(r.status))
      << label << ": expected one of " << ::testing::PrintToString(statuses) << ", got " << r.status
      << " " << r.body;
  EXPECT_TRUE(r.Header("content-type").starts_with("application/problem+json"))
      << label << ": " << r.Header("content-type");
  EXPECT_EQ(LogPosition(), before) << label << ": a refused request appended to the log";
}

void OrgServerTest::ExpectBatchRefused(const std::string& label, const std::string& token,
                                       const std::string& method, const std::string& path,
                                       const Json& body, const std::set<unsigned>& statuses) {
  const std::uint64_t before = LogPosition();
  auto r = client_->Call(token, method, path, body);
  const Json* results = r.json.Find("results");
  if (r.status != 200u) {
    // Refusing the whole batch is as good as refusing each id.
    EXPECT_TRUE(statuses.contains(r.status))
        << label << ": expected one of " << ::testing::PrintToString(statuses)
        << " or 200 with every id failed, got " << r.status << " " << r.body;
  } else if (results == nullptr || !results->is_array() || results->as_array().empty()) {
    ADD_FAILURE() << label << ": 200 without a result per id: " << r.body;
  } else {
    for (const auto& result : results->as_array()) {
      const Json* status = result.Find("status");
      const Json* error = result.Find("error");
      const Json* code = error != nullptr ? error->Find("status") : nullptr;
      EXPECT_TRUE(status != nullptr && status->is_string() && status->as_string() == "failed" &&
                  code != nullptr && code->is_int() &&
                  statuses.contains(static_cast<unsigned>(code->as_int())))
          << label << ": expected every id to fail with one of "
          << ::testing::PrintToString(statuses) << ", got " << result.Dump();
    }
  }
  EXPECT_EQ(LogPosition(), before) << label << ": a refused request appended to the log";
}

}  // namespace chronicle::testing
