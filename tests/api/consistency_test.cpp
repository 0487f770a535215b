#include <thread>

#include "api_fixture.hpp"
#include "chronicle/base/time.hpp"

namespace chronicle::testing {
namespace {

class ConsistencyTest : public ApiTest {};

TEST_F(ConsistencyTest, IdempotentRetryReturnsTheFirstResponseAndAppendsNothing) {
  const Json body = Obj({{"name", "市场部"}, {"parent_id", top_}});
  auto first =
      client_->Call(admin_, "POST", "/api/v1/departments", body, {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(first.status, 201u);
  auto again =
      client_->Call(admin_, "POST", "/api/v1/departments", body, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(again.status, 201u);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("x-position"), first.Header("x-position"));
  auto head = client_->Call(admin_, "GET", "/api/v1/audit/head");
  EXPECT_EQ(std::to_string(std::stoll("0" + head.Field("position"))), first.Header("x-position"));
  auto other =
      client_->Call(admin_, "POST", "/api/v1/departments",
                    Obj({{"name", "别的"}, {"parent_id", top_}}), {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(other.status, 409u);
  EXPECT_EQ(ListIds(admin_, "/api/v1/departments?name=%E5%B8%82%E5%9C%BA%E9%83%A8").size(), 1u);
}

TEST_F(ConsistencyTest, MinPositionWaitsForTheReadModel) {
  client_->set_read_own_writes(false);
  auto created = client_->Call(admin_, "POST", "/api/v1/departments",
                               Obj({{"name", "新部门"}, {"parent_id", top_}}));
  const std::string position = created.Header("x-position");
  ASSERT_FALSE(position.empty());
  auto read = client_->Call(admin_, "GET",
                            "/api/v1/departments/" + Id(created) + "?min_position=" + position);
  EXPECT_EQ(read.status, 200u);
  // A position nobody wrote yet: 503 after the bounded wait.
  auto future = client_->Call(admin_, "GET", "/api/v1/departments?min_position=999999");
  EXPECT_EQ(future.status, 503u);
  EXPECT_EQ(client_->Call(admin_, "GET", "/api/v1/departments?min_position=abc").status, 400u);
}

TEST_F(ConsistencyTest, AsOfShowsTheRecordAsItWas) {
  auto created = client_->Call(admin_, "POST", "/api/v1/departments",
                               Obj({{"name", "旧名"}, {"parent_id", top_}}));
  const std::string id = Id(created);
  const std::string created_at = created.Field("updated_at");
  const std::string p0 = created.Header("x-position");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto renamed =
      client_->Call(admin_, "PATCH", "/api/v1/departments/" + id, Obj({{"name", "新名"}}));
  ASSERT_EQ(renamed.status, 200u);

  auto by_position =
      client_->Call(admin_, "GET", "/api/v1/departments/" + id + "?as_of_position=" + p0);
  EXPECT_EQ(by_position.Field("name"), "旧名");
  EXPECT_EQ(std::stoll("0" + by_position.Field("version")), 0);
  auto by_time = client_->Call(admin_, "GET", "/api/v1/departments/" + id + "?as_of=" + created_at);
  EXPECT_EQ(by_time.Field("name"), "旧名");
  auto now = client_->Call(admin_, "GET",
                           "/api/v1/departments/" + id + "?as_of=" + FormatTimestamp(NowNs()));
  EXPECT_EQ(now.Field("name"), "新名");
  auto before =
      client_->Call(admin_, "GET", "/api/v1/departments/" + id + "?as_of=2020-01-01T00:00:00.000Z");
  EXPECT_EQ(before.status, 404u);
  EXPECT_EQ(client_->Call(admin_, "GET", "/api/v1/departments/" + id + "?as_of=yesterday").status,
            400u);
}

TEST_F(ConsistencyTest, ConcurrentPatchesWithIfMatchHaveOneWinner) {
  auto created = client_->Call(admin_, "POST", "/api/v1/departments",
                               Obj({{"name", "争用"}, {"parent_id", top_}}));
  const std::string id = Id(created);
  std::atomic<int> ok{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(server_->port());
      auto r = c.Call(admin_, "PATCH", "/api/v1/departments/" + id,
                      Obj({{"name", "名" + std::to_string(i)}}), {{"If-Match", "\"0\""}});
      if (r.status == 200) ++ok;
      if (r.status == 412) ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflicts.load(), 5);
}

}  // namespace
}  // namespace chronicle::testing
