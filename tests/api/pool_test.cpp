// The public pool (公海) through the real server, with its clock moved by
// libfaketime (the server reads the standard system clock): recycling,
// exemptions, the reminder on the schedule, the rule version in the
// history, claim limits and the previous owner's cooldown.
#include <filesystem>
#include <fstream>
#include <thread>

#include "api_fixture.hpp"
#include "chronicle/base/time.hpp"
#include "sanitizers.hpp"

namespace chronicle::testing {
namespace {

constexpr const char* kFakeTimeLib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

class PoolTest : public ApiTest {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kFakeTimeLib)) GTEST_SKIP() << "libfaketime is not installed";
    if (kAddressSanitizer) GTEST_SKIP() << "libfaketime cannot be preloaded before ASan's runtime";
    clock_file_ = dir_.path("faketime").string();
    MoveClock(0);
    ApiTest::SetUp();
    sales_ = CreateDepartment("销售部", top_);
    zhang_ = CreateUser("13900000002", "小张", sales_, "销售员");
    liu_ = CreateUser("13900000003", "小刘", sales_, "销售员");
    client_->set_read_own_writes(true);
    LogIn();
  }

  std::vector<std::string> ServerEnv() override {
    return {std::string("LD_PRELOAD=") + kFakeTimeLib, "FAKETIME_TIMESTAMP_FILE=" + clock_file_,
            "FAKETIME_NO_CACHE=1", "FAKETIME_DONT_FAKE_MONOTONIC=1"};
  }

  // The server's clock runs `days` ahead of the real one from now on.
  void MoveClock(int days) {
    std::ofstream(clock_file_, std::ios::trunc) << "+" << days << "d\n";
    days_ahead_ = days;
  }
  // Sessions expire as the clock moves: everyone logs in again.
  void LogIn() {
    admin_ = client_->Login("admin", kAdminPassword);
    zhang_token_ = client_->Login("13900000002", "Passw0rd!");
    liu_token_ = client_->Login("13900000003", "Passw0rd!");
  }
  [[nodiscard]] std::string Today(int offset = 0) const {
    return FormatTimestamp(NowNs() + (days_ahead_ + offset) * 86'400'000'000'000LL).substr(0, 10);
  }

  std::string NewCustomer(const std::string& token, const std::string& name) {
    auto r = client_->Call(token, "POST", "/api/v1/customers", Obj({{"name", name}}));
    EXPECT_EQ(r.status, 201u) << r.body;
    return Id(r);
  }

  Json Rules(int max_owned) {
    return Obj({{"enabled", true},
                {"no_follow_up_days", 30},
                {"no_deal_days", 0},
                {"remind_days_before", 3},
                {"exempt_locked", true},
                {"exempt_closed", true},
                {"max_owned_per_user", max_owned},
                {"reclaim_cooldown_days", 7},
                {"levels", Json::Array{}}});
  }

  std::string clock_file_;
  int days_ahead_ = 0;
  std::string sales_, zhang_, liu_, zhang_token_, liu_token_;
};

TEST_F(PoolTest, NeglectedCustomersAreRecycledByRuleVersionAndTheOwnerIsWarnedFirst) {
  auto put = client_->Call(admin_, "PUT", "/api/v1/pool/rules", Rules(0));
  ASSERT_EQ(put.status, 200u) << put.body;
  const std::int64_t version = put.json.Find("version")->as_int();
  EXPECT_GE(version, 1);

  const std::string neglected = NewCustomer(zhang_token_, "被遗忘的客户");
  const std::string locked = NewCustomer(zhang_token_, "锁定的客户");
  const std::string followed = NewCustomer(zhang_token_, "常联系的客户");
  ASSERT_EQ(client_->Call(zhang_token_, "POST", "/api/v1/customers/" + locked + "/lock").status,
            200u);
  auto c = client_->Call(zhang_token_, "GET", "/api/v1/customers/" + neglected);
  ASSERT_TRUE(c.json.Find("pool_due_at")->is_string()) << c.body;
  EXPECT_TRUE(client_->Call(zhang_token_, "GET", "/api/v1/customers/" + locked)
                  .json.Find("pool_due_at")
                  ->is_null());

  // Day 28: two days before due, the schedule warns the owner.
  MoveClock(28);
  LogIn();
  auto schedule =
      client_->Call(zhang_token_, "GET", "/api/v1/schedule?from=" + Today() + "&to=" + Today(3));
  ASSERT_EQ(schedule.status, 200u) << schedule.body;
  int warnings = 0;
  for (const auto& day : schedule.json.Find("days")->as_array()) {
    for (const auto& item : day.Find("items")->as_array()) {
      if (item.Find("type")->as_string() == "pool_due") {
        EXPECT_NE(item.Find("target_id")->as_string(), locked);
        ++warnings;
      }
    }
  }
  EXPECT_GE(warnings, 2) << schedule.body;  // neglected and followed, on the days before due
  ASSERT_EQ(client_
                ->Call(zhang_token_, "POST", "/api/v1/follow-ups",
                       Obj({{"target_type", "customer"},
                            {"target_id", followed},
                            {"method", "phone"},
                            {"content", "回访"}}))
                .status,
            201u);

  // Day 31: the neglected customer is due; the locked and the followed-up are not.
  MoveClock(31);
  LogIn();
  auto run = client_->Call(admin_, "POST", "/api/v1/pool/recycle");
  ASSERT_EQ(run.status, 200u) << run.body;
  const auto& recycled = run.json.Find("recycled")->as_array();
  ASSERT_EQ(recycled.size(), 1u) << run.body;
  EXPECT_EQ(recycled[0].Find("customer_id")->as_string(), neglected);
  EXPECT_EQ(recycled[0].Find("reason")->as_string(), "no_follow_up");
  EXPECT_EQ(recycled[0].Find("rule_version")->as_int(), version);

  auto in_pool = ListIds(zhang_token_, "/api/v1/pool");
  EXPECT_EQ(in_pool, std::vector<std::string>{neglected});
  auto now = client_->Call(admin_, "GET", "/api/v1/customers/" + neglected);
  EXPECT_TRUE(now.json.Find("owner_id")->is_null());
  EXPECT_EQ(now.json.Find("pool_reason")->as_string(), "no_follow_up");
  // The history explains the automatic change: who (the system), which rule, which version.
  auto history = client_->Call(admin_, "GET", "/api/v1/customers/" + neglected + "/history");
  const auto& last = history.json.Find("items")->as_array().at(0);
  EXPECT_EQ(last.Find("type")->as_string(), "CustomerRecycled");
  EXPECT_EQ(last.Find("actor")->as_string(), "system");
  EXPECT_EQ(last.Find("info")->Find("rule_version")->as_int(), version);
  EXPECT_EQ(last.Find("info")->Find("previous_owner_id")->as_string(), zhang_);
  // Running again recycles nothing more.
  EXPECT_TRUE(client_->Call(admin_, "POST", "/api/v1/pool/recycle")
                  .json.Find("recycled")
                  ->as_array()
                  .empty());

  // The previous owner waits out the cooldown; someone else may claim it.
  auto again = client_->Call(zhang_token_, "POST", "/api/v1/pool/" + neglected + "/claim");
  EXPECT_EQ(again.status, 409u) << again.body;
  auto claimed = client_->Call(liu_token_, "POST", "/api/v1/pool/" + neglected + "/claim");
  ASSERT_EQ(claimed.status, 200u) << claimed.body;
  EXPECT_EQ(claimed.json.Find("owner_id")->as_string(), liu_);
  // A claimed customer's clock starts again.
  EXPECT_TRUE(claimed.json.Find("pool_due_at")->is_string());
}

TEST_F(PoolTest, ClaimsStopAtTheLimitAndReleasedCustomersCoolDown) {
  ASSERT_EQ(client_->Call(admin_, "PUT", "/api/v1/pool/rules", Rules(2)).status, 200u);
  const std::string a = NewCustomer(zhang_token_, "甲");
  const std::string b = NewCustomer(zhang_token_, "乙");
  const std::string c = NewCustomer(zhang_token_, "丙");
  auto released = client_->Call(zhang_token_, "POST", "/api/v1/customers/batch/release",
                                Obj({{"ids", Json::Array{a, b, c}}}));
  ASSERT_EQ(released.status, 200u) << released.body;
  for (const auto& r : released.json.Find("results")->as_array()) {
    EXPECT_EQ(r.Find("status")->as_string(), "ok") << released.body;
  }
  NewCustomer(liu_token_, "丁");  // liu owns one
  auto batch = client_->Call(liu_token_, "POST", "/api/v1/pool/batch/claim",
                             Obj({{"ids", Json::Array{a, b}}}));
  ASSERT_EQ(batch.status, 200u);
  const auto& results = batch.json.Find("results")->as_array();
  EXPECT_EQ(results[0].Find("status")->as_string(), "ok");
  ASSERT_EQ(results[1].Find("status")->as_string(), "failed") << batch.body;  // the limit of 2
  EXPECT_EQ(results[1].Find("error")->Find("status")->as_int(), 409);
  // Zhang released c: seven days of cooldown.
  EXPECT_EQ(client_->Call(zhang_token_, "POST", "/api/v1/pool/" + c + "/claim").status, 409u);
  MoveClock(8);
  LogIn();
  EXPECT_EQ(client_->Call(zhang_token_, "POST", "/api/v1/pool/" + c + "/claim").status, 200u);
  // Assigning is limited too, and needs an owner in the assigner's scope.
  auto assign =
      client_->Call(admin_, "POST", "/api/v1/pool/" + b + "/assign", Obj({{"owner_id", liu_}}));
  EXPECT_EQ(assign.status, 409u) << assign.body;
  auto to_zhang =
      client_->Call(admin_, "POST", "/api/v1/pool/" + b + "/assign", Obj({{"owner_id", zhang_}}));
  EXPECT_EQ(to_zhang.status, 200u) << to_zhang.body;
}

TEST_F(PoolTest, RulesAreValidatedAndVersioned) {
  auto bad = client_->Call(admin_, "PUT", "/api/v1/pool/rules",
                           Obj({{"enabled", true}, {"no_follow_up_days", -1}}));
  EXPECT_EQ(bad.status, 422u);
  auto first = client_->Call(admin_, "PUT", "/api/v1/pool/rules", Rules(0));
  auto second = client_->Call(admin_, "PUT", "/api/v1/pool/rules", Rules(5));
  EXPECT_EQ(second.json.Find("version")->as_int(), first.json.Find("version")->as_int() + 1);
  EXPECT_EQ(client_->Call(zhang_token_, "PUT", "/api/v1/pool/rules", Rules(0)).status, 403u);
  auto read = client_->Call(zhang_token_, "GET", "/api/v1/pool/rules");
  EXPECT_EQ(read.json.Find("max_owned_per_user")->as_int(), 5);
}

// The job runs by itself every --pool-recycle-interval.
class PoolJobTest : public PoolTest {
 protected:
  std::vector<std::string> ServerFlags() override { return {"--pool-recycle-interval", "1"}; }
};

TEST_F(PoolJobTest, TheRecycleJobRunsWithoutAnyoneAsking) {
  ASSERT_EQ(client_->Call(admin_, "PUT", "/api/v1/pool/rules", Rules(0)).status, 200u);
  const std::string customer = NewCustomer(zhang_token_, "没人管的客户");
  MoveClock(31);
  LogIn();
  bool recycled = false;
  for (int i = 0; i < 50 && !recycled; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto r = client_->Call(admin_, "GET", "/api/v1/customers/" + customer);
    recycled = r.json.Find("owner_id")->is_null();
  }
  EXPECT_TRUE(recycled);
}

}  // namespace
}  // namespace chronicle::testing
