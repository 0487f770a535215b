// The customer lifecycle through the real server: leads, conversion,
// customers, contacts, follow-ups, transfer, lock, team, custom fields,
// search, and the data scope of every list, read and history.
#include <algorithm>
#include <atomic>
#include <thread>

#include "api_fixture.hpp"
#include "chronicle/base/time.hpp"
#include "chronicle/json/parse.hpp"

namespace chronicle::testing {
namespace {

// 办公室
//  └─ 销售部 (manager 王经理; reps 小张, 小刘)
class CustomerTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    sales_ = CreateDepartment("销售部", top_);
    manager_ = CreateUser("13900000001", "王经理", sales_, "销售经理");
    zhang_ = CreateUser("13900000002", "小张", sales_, "销售员", manager_);
    liu_ = CreateUser("13900000003", "小刘", sales_, "销售员");
    zhang_token_ = client_->Login("13900000002", "Passw0rd!");
    liu_token_ = client_->Login("13900000003", "Passw0rd!");
    manager_token_ = client_->Login("13900000001", "Passw0rd!");
    client_->set_read_own_writes(true);
  }

  std::string Create(const std::string& token, const std::string& collection, const Json& body) {
    auto r = client_->Call(token, "POST", "/api/v1/" + collection, body);
    EXPECT_EQ(r.status, 201u) << r.body;
    return Id(r);
  }

  static std::string Str(const HttpResult& r, const char* field) {
    const Json* v = r.json.Find(field);
    return v != nullptr && v->is_string() ? v->as_string() : std::string();
  }

  static std::string FieldOf(const HttpResult& r) {
    const Json* errors = r.json.Find("errors");
    if (errors == nullptr || !errors->is_array() || errors->as_array().empty()) return "";
    const Json* f = errors->as_array()[0].Find("field");
    return f != nullptr && f->is_string() ? f->as_string() : "";
  }

  std::string sales_, manager_, zhang_, liu_;
  std::string zhang_token_, liu_token_, manager_token_;
};

TEST_F(CustomerTest, LeadConvertsToCustomerAndContactOnce) {
  const std::string lead = Create(zhang_token_, "leads",
                                  Obj({{"name", "张三"},
                                       {"company", "上海华成科技有限公司"},
                                       {"mobile", "13800138000"},
                                       {"source", "web"}}));
  auto read = client_->Call(zhang_token_, "GET", "/api/v1/leads/" + lead);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(Str(read, "status"), "open");
  EXPECT_EQ(Str(read, "owner_id"), zhang_);

  auto converted = client_->Call(zhang_token_, "POST", "/api/v1/leads/" + lead + "/convert");
  ASSERT_EQ(converted.status, 200u) << converted.body;
  const std::string customer = Str(converted, "customer_id");
  const std::string contact = Str(converted, "contact_id");
  ASSERT_FALSE(customer.empty());
  ASSERT_FALSE(contact.empty());

  auto c = client_->Call(zhang_token_, "GET", "/api/v1/customers/" + customer);
  ASSERT_EQ(c.status, 200u) << c.body;
  EXPECT_EQ(Str(c, "name"), "上海华成科技有限公司");
  EXPECT_EQ(Str(c, "owner_id"), zhang_);
  EXPECT_EQ(Str(c, "source"), "web");
  EXPECT_EQ(Str(c, "deal_status"), "not_closed");
  auto p = client_->Call(zhang_token_, "GET", "/api/v1/contacts/" + contact);
  ASSERT_EQ(p.status, 200u) << p.body;
  EXPECT_EQ(Str(p, "name"), "张三");
  EXPECT_EQ(Str(p, "customer_id"), customer);
  EXPECT_EQ(Str(p, "mobile"), "13800138000");

  read = client_->Call(zhang_token_, "GET", "/api/v1/leads/" + lead);
  EXPECT_EQ(Str(read, "status"), "converted");
  EXPECT_EQ(Str(read, "customer_id"), customer);
  // A converted lead is read-only and converts once.
  EXPECT_EQ(client_->Call(zhang_token_, "POST", "/api/v1/leads/" + lead + "/convert").status, 409u);
  auto edit =
      client_->Call(zhang_token_, "PATCH", "/api/v1/leads/" + lead, Obj({{"remark", "again"}}));
  EXPECT_EQ(edit.status, 409u) << edit.body;
}

TEST_F(CustomerTest, LeadWithoutPersonDetailsMakesOnlyACustomer) {
  const std::string lead = Create(zhang_token_, "leads", Obj({{"name", "华东物流"}}));
  auto converted = client_->Call(zhang_token_, "POST", "/api/v1/leads/" + lead + "/convert");
  ASSERT_EQ(converted.status, 200u) << converted.body;
  EXPECT_TRUE(converted.json.Find("contact_id")->is_null());
  auto c = client_->Call(zhang_token_, "GET", "/api/v1/customers/" + Str(converted, "customer_id"));
  EXPECT_EQ(Str(c, "name"), "华东物流");
}

TEST_F(CustomerTest, CustomerNamesAreUniqueIgnoringCaseAndWidth) {
  Create(zhang_token_, "customers", Obj({{"name", "ACME"}}));
  auto dup = client_->Call(liu_token_, "POST", "/api/v1/customers", Obj({{"name", "ａｃｍｅ"}}));
  EXPECT_EQ(dup.status, 409u) << dup.body;
  EXPECT_EQ(FieldOf(dup), "name");
  // 查重 finds it for a rep who cannot see it (id, name and owner only).
  auto found = client_->Call(liu_token_, "GET", "/api/v1/customers/duplicates?name=acme");
  ASSERT_EQ(found.status, 200u) << found.body;
  ASSERT_EQ(found.json.Find("items")->as_array().size(), 1u);
  EXPECT_EQ(found.json.Find("items")->as_array()[0].Find("name")->as_string(), "ACME");
}

TEST_F(CustomerTest, ConcurrentCreatesOfOneNameMakeExactlyOneCustomer) {
  const std::vector<std::string> spellings = {"Globex",       "GLOBEX", "ｇｌｏｂｅｘ", "globex ",
                                              "ＧＬＯＢＥＸ", "gLoBeX", "Globex",       "GLOBEX"};
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (const auto& name : spellings) {
    threads.emplace_back([&, name] {
      HttpClient c(server_->port());
      auto r = c.Call(zhang_token_, "POST", "/api/v1/customers", Obj({{"name", name}}));
      if (r.status == 201) ++created;
      if (r.status == 409) ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), static_cast<int>(spellings.size()) - 1);
  auto all = client_->Call(admin_, "GET", "/api/v1/customers?q=globex");
  EXPECT_EQ(all.json.Find("total")->as_int(), 1);
}

TEST_F(CustomerTest, ValidationNamesTheField) {
  auto bad_level = client_->Call(zhang_token_, "POST", "/api/v1/customers",
                                 Obj({{"name", "甲"}, {"level", "z"}}));
  EXPECT_EQ(bad_level.status, 422u);
  EXPECT_EQ(FieldOf(bad_level), "level");
  auto missing = client_->Call(zhang_token_, "POST", "/api/v1/customers", Obj({{"level", "a"}}));
  EXPECT_EQ(missing.status, 422u);
  EXPECT_EQ(FieldOf(missing), "name");
  auto unknown = client_->Call(zhang_token_, "POST", "/api/v1/customers",
                               Obj({{"name", "乙"}, {"colour", "red"}}));
  EXPECT_EQ(unknown.status, 422u);
  EXPECT_EQ(FieldOf(unknown), "colour");
  auto read_only = client_->Call(zhang_token_, "POST", "/api/v1/customers",
                                 Obj({{"name", "丙"}, {"deal_status", "closed"}}));
  EXPECT_EQ(read_only.status, 422u);
  EXPECT_EQ(FieldOf(read_only), "deal_status");
  auto malformed = client_->Send("POST", "/api/v1/customers",
                                 "{\"name\":", {{"Authorization", "Bearer " + zhang_token_}});
  EXPECT_EQ(malformed.status, 400u);
  auto contact = client_->Call(zhang_token_, "POST", "/api/v1/contacts",
                               Obj({{"name", "李四"}, {"customer_id", "nope"}}));
  EXPECT_EQ(contact.status, 422u) << contact.body;
  EXPECT_EQ(FieldOf(contact), "customer_id");
}

TEST_F(CustomerTest, RepSeesOnlyTheirOwnCustomersEverywhere) {
  const std::string mine = Create(zhang_token_, "customers",
                                  Obj({{"name", "杭州西湖茶业"}, {"phone", "0571-88886666"}}));
  const std::string theirs = Create(liu_token_, "customers", Obj({{"name", "杭州龙井茶业"}}));
  auto list = ListIds(zhang_token_, "/api/v1/customers?q=%E8%8C%B6%E4%B8%9A");  // 茶业
  EXPECT_EQ(list, std::vector<std::string>{mine});
  auto total = client_->Call(zhang_token_, "GET", "/api/v1/customers");
  EXPECT_EQ(total.json.Find("total")->as_int(), 1);
  EXPECT_EQ(client_->Call(zhang_token_, "GET", "/api/v1/customers/" + theirs).status, 403u);
  EXPECT_EQ(client_->Call(zhang_token_, "GET", "/api/v1/customers/" + theirs + "/history").status,
            403u);
  EXPECT_EQ(
      client_->Call(zhang_token_, "PATCH", "/api/v1/customers/" + theirs, Obj({{"remark", "x"}}))
          .status,
      403u);
  // The manager of both sees both; the phone fragment finds one.
  auto both = ListIds(manager_token_, "/api/v1/customers?q=%E8%8C%B6%E4%B8%9A");
  EXPECT_EQ(both.size(), 2u);
  EXPECT_EQ(ListIds(manager_token_, "/api/v1/customers?q=8888"), std::vector<std::string>{mine});
  EXPECT_EQ(ListIds(manager_token_, "/api/v1/customers?scope=mine"), std::vector<std::string>{});
}

TEST_F(CustomerTest, TransferMovesContactsWhenAskedAndKeepsTheOldOwnerOnTheTeam) {
  const std::string customer = Create(zhang_token_, "customers", Obj({{"name", "苏州园林设计"}}));
  const std::string c1 =
      Create(zhang_token_, "contacts", Obj({{"name", "甲"}, {"customer_id", customer}}));
  const std::string c2 =
      Create(zhang_token_, "contacts", Obj({{"name", "乙"}, {"customer_id", customer}}));
  auto moved = client_->Call(
      zhang_token_, "POST", "/api/v1/customers/" + customer + "/transfer",
      Obj({{"owner_id", liu_}, {"with_contacts", true}, {"keep_old_owner_as", "read"}}));
  ASSERT_EQ(moved.status, 200u) << moved.body;
  EXPECT_EQ(Str(moved, "owner_id"), liu_);
  const auto& team = moved.json.Find("team")->as_array();
  ASSERT_EQ(team.size(), 1u);
  EXPECT_EQ(team[0].Find("user_id")->as_string(), zhang_);
  EXPECT_EQ(team[0].Find("access")->as_string(), "read");
  for (const auto& contact : {c1, c2}) {
    auto r = client_->Call(liu_token_, "GET", "/api/v1/contacts/" + contact);
    EXPECT_EQ(Str(r, "owner_id"), liu_) << r.body;
  }
  // The old owner still reads the customer through the team, but cannot change it.
  EXPECT_EQ(client_->Call(zhang_token_, "GET", "/api/v1/customers/" + customer).status, 200u);
  EXPECT_EQ(
      client_->Call(zhang_token_, "PATCH", "/api/v1/customers/" + customer, Obj({{"remark", "x"}}))
          .status,
      403u);
  // Without with_contacts the contacts stay.
  const std::string other = Create(liu_token_, "customers", Obj({{"name", "苏州刺绣"}}));
  const std::string c3 =
      Create(liu_token_, "contacts", Obj({{"name", "丙"}, {"customer_id", other}}));
  ASSERT_EQ(client_
                ->Call(liu_token_, "POST", "/api/v1/customers/" + other + "/transfer",
                       Obj({{"owner_id", zhang_}}))
                .status,
            200u);
  EXPECT_EQ(Str(client_->Call(liu_token_, "GET", "/api/v1/contacts/" + c3), "owner_id"), liu_);
}

TEST_F(CustomerTest, BatchActionsSucceedOrFailPerRecord) {
  const std::string a = Create(zhang_token_, "customers", Obj({{"name", "甲公司"}}));
  const std::string b = Create(liu_token_, "customers", Obj({{"name", "乙公司"}}));
  auto r = client_->Call(zhang_token_, "POST", "/api/v1/customers/batch/lock",
                         Obj({{"ids", Json::Array{a, b, "missing"}}}));
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto& results = r.json.Find("results")->as_array();
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].Find("status")->as_string(), "ok");
  EXPECT_EQ(results[1].Find("status")->as_string(), "failed");
  EXPECT_EQ(results[1].Find("error")->Find("status")->as_int(), 403);
  EXPECT_EQ(results[2].Find("error")->Find("status")->as_int(), 404);
  EXPECT_TRUE(
      client_->Call(zhang_token_, "GET", "/api/v1/customers/" + a).json.Find("locked")->as_bool());
  EXPECT_FALSE(
      client_->Call(liu_token_, "GET", "/api/v1/customers/" + b).json.Find("locked")->as_bool());
  auto unlocked = client_->Call(zhang_token_, "POST", "/api/v1/customers/" + a + "/unlock");
  EXPECT_EQ(unlocked.status, 200u);
  EXPECT_FALSE(unlocked.json.Find("locked")->as_bool());
}

TEST_F(CustomerTest, ExpiredTeamMemberLosesAccessWithoutAnyoneActing) {
  const std::string customer = Create(zhang_token_, "customers", Obj({{"name", "宁波港务"}}));
  const std::string soon = FormatTimestamp(NowNs() + 1'500'000'000);
  auto added = client_->Call(zhang_token_, "POST", "/api/v1/customers/" + customer + "/team/add",
                             Obj({{"user_id", liu_}, {"access", "write"}, {"expires_at", soon}}));
  ASSERT_EQ(added.status, 200u) << added.body;
  EXPECT_EQ(client_->Call(liu_token_, "GET", "/api/v1/customers/" + customer).status, 200u);
  EXPECT_EQ(ListIds(liu_token_, "/api/v1/customers"), std::vector<std::string>{customer});
  std::this_thread::sleep_for(std::chrono::milliseconds(1700));
  EXPECT_EQ(client_->Call(liu_token_, "GET", "/api/v1/customers/" + customer).status, 403u);
  EXPECT_TRUE(ListIds(liu_token_, "/api/v1/customers").empty());
}

TEST_F(CustomerTest, FollowUpUpdatesItsTargetAndTheHistoryExplainsIt) {
  const std::string customer = Create(zhang_token_, "customers", Obj({{"name", "无锡纺织"}}));
  const std::string follow_up = Create(zhang_token_, "follow-ups",
                                       Obj({{"target_type", "customer"},
                                            {"target_id", customer},
                                            {"method", "phone"},
                                            {"content", "电话沟通报价"},
                                            {"next_contact_at", "2027-01-05T02:00:00.000Z"}}));
  auto c = client_->Call(zhang_token_, "GET", "/api/v1/customers/" + customer);
  EXPECT_FALSE(Str(c, "last_follow_up_at").empty()) << c.body;
  EXPECT_EQ(Str(c, "next_contact_at"), "2027-01-05T02:00:00.000Z");
  auto history = client_->Call(zhang_token_, "GET", "/api/v1/customers/" + customer + "/history");
  ASSERT_EQ(history.status, 200u);
  const auto& items = history.json.Find("items")->as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].Find("type")->as_string(), "CustomerFollowedUp");
  EXPECT_EQ(items[0].Find("info")->Find("follow_up_id")->as_string(), follow_up);
  // A rep cannot follow up someone else's customer.
  const std::string theirs = Create(liu_token_, "customers", Obj({{"name", "常州电机"}}));
  auto refused = client_->Call(zhang_token_, "POST", "/api/v1/follow-ups",
                               Obj({{"target_type", "customer"},
                                    {"target_id", theirs},
                                    {"method", "visit"},
                                    {"content", "x"}}));
  EXPECT_EQ(refused.status, 403u) << refused.body;
}

TEST_F(CustomerTest, DeletedRecordsLeaveListsAndComeBackWithTheirHistory) {
  const std::string customer = Create(zhang_token_, "customers", Obj({{"name", "南通家纺"}}));
  // Reps may not delete; their manager may.
  EXPECT_EQ(client_->Call(zhang_token_, "DELETE", "/api/v1/customers/" + customer).status, 403u);
  ASSERT_EQ(client_->Call(manager_token_, "DELETE", "/api/v1/customers/" + customer).status, 204u);
  EXPECT_TRUE(ListIds(zhang_token_, "/api/v1/customers").empty());
  EXPECT_EQ(client_->Call(zhang_token_, "GET", "/api/v1/customers/" + customer).status, 404u);
  // Another customer takes the name meanwhile: restoring would duplicate it.
  Create(zhang_token_, "customers", Obj({{"name", "南通家纺"}}));
  EXPECT_EQ(
      client_->Call(manager_token_, "POST", "/api/v1/customers/" + customer + "/restore").status,
      409u);
  const std::string other = Create(zhang_token_, "customers", Obj({{"name", "扬州漆器"}}));
  ASSERT_EQ(client_->Call(manager_token_, "DELETE", "/api/v1/customers/" + other).status, 204u);
  auto restored = client_->Call(manager_token_, "POST", "/api/v1/customers/" + other + "/restore");
  ASSERT_EQ(restored.status, 200u) << restored.body;
  auto history = client_->Call(zhang_token_, "GET", "/api/v1/customers/" + other + "/history");
  EXPECT_EQ(history.json.Find("items")->as_array().size(), 3u);
}

TEST_F(CustomerTest, CustomFieldsAreValidatedStoredAndFiltered) {
  auto def = client_->Call(
      admin_, "POST", "/api/v1/custom-fields",
      Obj({{"entity", "customer"}, {"key", "budget"}, {"label", "预算"}, {"type", "money"}}));
  ASSERT_EQ(def.status, 201u) << def.body;
  auto bad = client_->Call(zhang_token_, "POST", "/api/v1/customers",
                           Obj({{"name", "徐州重工"}, {"custom", Obj({{"budget", "lots"}})}}));
  EXPECT_EQ(bad.status, 422u) << bad.body;
  EXPECT_EQ(FieldOf(bad), "custom.budget");
  auto unknown = client_->Call(zhang_token_, "POST", "/api/v1/customers",
                               Obj({{"name", "徐州重工"}, {"custom", Obj({{"colour", "red"}})}}));
  EXPECT_EQ(unknown.status, 422u);
  EXPECT_EQ(FieldOf(unknown), "custom.colour");
  const std::string big =
      Create(zhang_token_, "customers",
             Obj({{"name", "徐州重工"}, {"custom", Obj({{"budget", "250000"}})}}));
  Create(zhang_token_, "customers",
         Obj({{"name", "徐州轻工"}, {"custom", Obj({{"budget", "900.5"}})}}));
  auto r = client_->Call(zhang_token_, "GET", "/api/v1/customers/" + big);
  EXPECT_EQ(r.json.Find("custom")->Find("budget")->as_string(), "250000.00");
  EXPECT_EQ(ListIds(zhang_token_, "/api/v1/customers?custom.budget.gt=1000"),
            std::vector<std::string>{big});
}

TEST_F(CustomerTest, DeletingACustomFieldDefinitionRewritesNothing) {
  auto def = client_->Call(admin_, "POST", "/api/v1/custom-fields",
                           Obj({{"entity", "customer"},
                                {"key", "grade"},
                                {"label", "等级"},
                                {"type", "select"},
                                {"options", Json::Array{"金", "银"}}}));
  ASSERT_EQ(def.status, 201u) << def.body;
  auto bad = client_->Call(zhang_token_, "POST", "/api/v1/customers",
                           Obj({{"name", "泰州药业"}, {"custom", Obj({{"grade", "铜"}})}}));
  EXPECT_EQ(bad.status, 422u);
  EXPECT_EQ(FieldOf(bad), "custom.grade");
  const std::string customer = Create(
      zhang_token_, "customers", Obj({{"name", "泰州药业"}, {"custom", Obj({{"grade", "金"}})}}));
  ASSERT_EQ(client_->Call(admin_, "DELETE", "/api/v1/custom-fields/" + Id(def)).status, 204u);
  // The value stays on the record and in its history; other edits still work.
  auto edited = client_->Call(zhang_token_, "PATCH", "/api/v1/customers/" + customer,
                              Obj({{"remark", "续约"}}));
  ASSERT_EQ(edited.status, 200u) << edited.body;
  EXPECT_EQ(edited.json.Find("custom")->Find("grade")->as_string(), "金");
  auto history = client_->Call(zhang_token_, "GET", "/api/v1/customers/" + customer + "/history");
  const auto& created = history.json.Find("items")->as_array().back();
  bool saw_grade = false;
  for (const auto& change : created.Find("changes")->as_array()) {
    saw_grade = saw_grade || change.Find("field")->as_string() == "custom.grade";
  }
  EXPECT_TRUE(saw_grade) << history.body;
  // A new value for a field that no longer exists is refused.
  auto stale = client_->Call(zhang_token_, "PATCH", "/api/v1/customers/" + customer,
                             Obj({{"custom", Obj({{"grade", "银"}})}}));
  EXPECT_EQ(stale.status, 422u) << stale.body;
}

TEST_F(CustomerTest, BadListParametersAreRefusedNamingThem) {
  for (const char* query :
       {"?colour=red", "?sort=colour", "?limit=0", "?limit=x", "?cursor=%%%", "?cursor=abc",
        "?name.like=x", "?created_at.gt=yesterday", "?scope=everyone"}) {
    auto r = client_->Call(zhang_token_, "GET", std::string("/api/v1/customers") + query);
    EXPECT_EQ(r.status, 400u) << query << " " << r.body;
  }
}

TEST_F(CustomerTest, SavedViewsArePrivate) {
  const std::string view =
      Create(zhang_token_, "views",
             Obj({{"entity", "customers"}, {"name", "我的A类客户"}, {"filters", "level=a"}}));
  EXPECT_EQ(ListIds(zhang_token_, "/api/v1/views"), std::vector<std::string>{view});
  EXPECT_TRUE(ListIds(manager_token_, "/api/v1/views").empty());
  EXPECT_EQ(client_->Call(manager_token_, "GET", "/api/v1/views/" + view).status, 403u);
}

TEST_F(CustomerTest, TheLiveFeedShowsARepOnlyTheirCustomers) {
  const std::string head = client_->Call(admin_, "GET", "/api/v1/audit/head").Field("position");
  WsClient ws(server_->port(), zhang_token_);
  ws.Send(R"({"subscribe": ["customers", "contacts"], "from_position": )" + head + "}");
  const std::string theirs = Create(liu_token_, "customers", Obj({{"name", "别人的客户"}}));
  const std::string mine = Create(zhang_token_, "customers", Obj({{"name", "自己的客户"}}));
  std::vector<std::string> seen;
  for (;;) {
    const std::string text = ws.Receive(2'000);
    if (text.empty()) break;
    auto msg = ParseJson(text);
    if (!msg.ok() || msg->Find("id") == nullptr) continue;
    EXPECT_EQ(msg->Find("topic")->as_string(), "customers");
    seen.push_back(msg->Find("id")->as_string());
    if (seen.back() == mine) break;
  }
  EXPECT_EQ(seen, std::vector<std::string>{mine});
  EXPECT_EQ(std::count(seen.begin(), seen.end(), theirs), 0);
}

}  // namespace
}  // namespace chronicle::testing
