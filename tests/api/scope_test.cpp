#include <algorithm>

#include "api_fixture.hpp"

namespace chronicle::testing {
namespace {

// 办公室
//  ├─ 销售部 (manager 王经理; reps 小张 -> reports to 王经理, 小刘)
//  │    └─ 华东组 (rep 小陈)
//  └─ 财务部 (rep 小钱)
class ScopeTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    sales_ = CreateDepartment("销售部", top_);
    east_ = CreateDepartment("华东组", sales_);
    finance_ = CreateDepartment("财务部", top_);
    manager_ = CreateUser("13900000001", "王经理", sales_, "销售经理");
    zhang_ = CreateUser("13900000002", "小张", sales_, "销售员", manager_);
    liu_ = CreateUser("13900000003", "小刘", sales_, "销售员");
    chen_ = CreateUser("13900000004", "小陈", east_, "销售员");
    qian_ = CreateUser("13900000005", "小钱", finance_, "销售员");
    auditor_ = CreateUser("13900000006", "审计", finance_, "审计员");
  }

  static bool Has(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  std::string sales_, east_, finance_, manager_, zhang_, liu_, chen_, qian_, auditor_;
};

TEST_F(ScopeTest, RepSeesOnlyThemselves) {
  const std::string token = client_->Login("13900000002", "Passw0rd!");
  auto ids = ListIds(token, "/api/v1/users");
  EXPECT_EQ(ids, std::vector<std::string>{zhang_});
  EXPECT_EQ(client_->Call(token, "GET", "/api/v1/users/" + zhang_).status, 200u);
  auto other = client_->Call(token, "GET", "/api/v1/users/" + liu_);
  EXPECT_EQ(other.status, 403u);
  EXPECT_EQ(other.Code(), "forbidden");
  EXPECT_EQ(client_->Call(token, "GET", "/api/v1/users/" + liu_ + "/history").status, 403u);
}

TEST_F(ScopeTest, ManagerSeesTheirDepartmentSubtree) {
  const std::string token = client_->Login("13900000001", "Passw0rd!");
  auto ids = ListIds(token, "/api/v1/users?limit=100");
  EXPECT_TRUE(Has(ids, manager_));
  EXPECT_TRUE(Has(ids, zhang_));
  EXPECT_TRUE(Has(ids, liu_));
  EXPECT_TRUE(Has(ids, chen_));  // sub-department
  EXPECT_FALSE(Has(ids, qian_));
  EXPECT_FALSE(Has(ids, auditor_));
  EXPECT_EQ(client_->Call(token, "GET", "/api/v1/users/" + qian_).status, 403u);
  auto departments = ListIds(token, "/api/v1/departments");
  EXPECT_TRUE(Has(departments, sales_));
  EXPECT_TRUE(Has(departments, east_));
  EXPECT_FALSE(Has(departments, finance_));
  // Narrowing within the scope.
  EXPECT_EQ(ListIds(token, "/api/v1/users?scope=mine"), std::vector<std::string>{manager_});
  auto subs = ListIds(token, "/api/v1/users?scope=subordinates");
  EXPECT_EQ(subs, std::vector<std::string>{zhang_});
}

TEST_F(ScopeTest, AuditorReadsEverythingButCannotWrite) {
  const std::string token = client_->Login("13900000006", "Passw0rd!");
  auto ids = ListIds(token, "/api/v1/users?limit=100");
  EXPECT_EQ(ids.size(), 7u);  // everyone, admin included
  EXPECT_EQ(client_->Call(token, "GET", "/api/v1/users/" + chen_ + "/history").status, 200u);
  EXPECT_EQ(client_->Call(token, "GET", "/api/v1/audit/head").status, 200u);
  auto write = client_->Call(token, "POST", "/api/v1/departments",
                             Obj({{"name", "审计部"}, {"parent_id", top_}}));
  EXPECT_EQ(write.status, 403u);
  EXPECT_EQ(write.Code(), "forbidden");
  EXPECT_EQ(
      client_->Call(token, "PATCH", "/api/v1/users/" + chen_, Obj({{"position", "x"}})).status,
      403u);
  EXPECT_EQ(client_->Call(token, "POST", "/api/v1/users/" + chen_ + "/disable").status, 403u);
}

TEST_F(ScopeTest, RepCannotRunOrgCommands) {
  const std::string token = client_->Login("13900000003", "Passw0rd!");
  EXPECT_EQ(client_
                ->Call(token, "POST", "/api/v1/roles",
                       Obj({{"name", "x"}, {"permissions", Json::Array{}}, {"data_scope", "all"}}))
                .status,
            403u);
  EXPECT_EQ(client_->Call(token, "GET", "/api/v1/audit/head").status, 403u);
}

TEST_F(ScopeTest, ListsFilterSortAndPage) {
  auto page = client_->Call(admin_, "GET", "/api/v1/users?limit=2&sort=-username");
  ASSERT_EQ(page.status, 200u);
  EXPECT_EQ(page.json.Find("total")->as_int(), 7);
  const auto& items = page.json.Find("items")->as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].Find("username")->as_string(), "admin");
  EXPECT_EQ(items[1].Find("username")->as_string(), "13900000006");
  const std::string cursor = page.json.Find("next_cursor")->as_string();
  auto next = client_->Call(admin_, "GET", "/api/v1/users?limit=2&sort=-username&cursor=" + cursor);
  EXPECT_EQ(next.json.Find("items")->as_array()[0].Find("username")->as_string(), "13900000005");

  EXPECT_EQ(ListIds(admin_, "/api/v1/users?department_id=" + east_),
            std::vector<std::string>{chen_});
  EXPECT_EQ(ListIds(admin_, "/api/v1/users?q=%E5%B0%8F%E9%99%88"),
            std::vector<std::string>{chen_});                                   // 小陈
  EXPECT_EQ(ListIds(admin_, "/api/v1/users?name.contains=%E7%BB%8F%E7%90%86"),  // 经理
            std::vector<std::string>{manager_});
  auto in = ListIds(admin_, "/api/v1/users?username.in=13900000004,13900000005");
  EXPECT_EQ(in.size(), 2u);
  EXPECT_EQ(client_->Call(admin_, "GET", "/api/v1/users?limit=0").status, 400u);
  EXPECT_EQ(client_->Call(admin_, "GET", "/api/v1/users?cursor=bogus").status, 400u);
}

}  // namespace
}  // namespace chronicle::testing
