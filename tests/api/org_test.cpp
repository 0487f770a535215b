#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <thread>

#include "api_fixture.hpp"

namespace chronicle::testing {
namespace {

class OrgTest : public ApiTest {};

TEST_F(OrgTest, SystemEndpointsAnswer) {
  EXPECT_EQ(client_->Send("GET", "/healthz").status, 200u);
  auto ready = client_->Send("GET", "/readyz");
  EXPECT_EQ(ready.status, 200u) << ready.body;
  auto metrics = client_->Send("GET", "/metrics");
  EXPECT_NE(metrics.body.find("chronicle_http_requests_total{route=\"/api/v1/departments\""),
            std::string::npos);
  EXPECT_NE(metrics.body.find("chronicle_projection_lag_events"), std::string::npos);
  EXPECT_NE(metrics.body.find("chronicle_command_duration_seconds_bucket"), std::string::npos);
  auto openapi = client_->Send("GET", "/api/openapi.json");
  EXPECT_EQ(openapi.json.Find("openapi")->as_string(), "3.1.0");
  auto perms = client_->Call(admin_, "GET", "/api/v1/permissions");
  EXPECT_GT(perms.json.Find("items")->as_array().size(), 20u);
  auto head = client_->Call(admin_, "GET", "/api/v1/audit/head");
  EXPECT_EQ(head.json.Find("hash")->as_string().size(), 64u);
  EXPECT_GE(head.json.Find("position")->as_int(), 6);
}

TEST_F(OrgTest, DepartmentLifecycleAndTree) {
  const std::string sales = CreateDepartment("销售部", top_);
  const std::string east = CreateDepartment("华东区", sales);
  auto tree = client_->Call(admin_, "GET", "/api/v1/departments/tree");
  ASSERT_EQ(tree.status, 200u);
  const Json& root = tree.json.as_array().at(0);
  EXPECT_EQ(root.Find("name")->as_string(), "办公室");
  EXPECT_EQ(
      root.Find("children")->as_array()[0].Find("children")->as_array()[0].Find("id")->as_string(),
      east);

  // A move under its own sub-department is refused.
  auto cycle =
      client_->Call(admin_, "PATCH", "/api/v1/departments/" + sales, Obj({{"parent_id", east}}));
  EXPECT_EQ(cycle.status, 409u);
  EXPECT_EQ(cycle.Code(), "conflict");
  // Not empty: cannot delete.
  EXPECT_EQ(client_->Call(admin_, "DELETE", "/api/v1/departments/" + sales).status, 409u);
  auto renamed = client_->Call(admin_, "PATCH", "/api/v1/departments/" + east,
                               Obj({{"name", "华东大区"}, {"parent_id", top_}}));
  EXPECT_EQ(renamed.status, 200u);
  EXPECT_EQ(renamed.json.Find("version")->as_int(), 2);
  EXPECT_EQ(client_->Call(admin_, "DELETE", "/api/v1/departments/" + sales).status, 204u);
  EXPECT_EQ(client_->Call(admin_, "GET", "/api/v1/departments/" + sales).status, 404u);
  // The history stays after a delete.
  auto history = client_->Call(admin_, "GET", "/api/v1/departments/" + sales + "/history");
  EXPECT_EQ(history.json.Find("items")->as_array()[0].Find("type")->as_string(),
            "DepartmentDeleted");
  // The top department stays.
  EXPECT_EQ(client_->Call(admin_, "DELETE", "/api/v1/departments/" + top_).status, 409u);
}

TEST_F(OrgTest, UserLifecycle) {
  const std::string boss = CreateUser("13811111111", "张总", top_, "销售经理");
  const std::string rep = CreateUser("13811111112", "小李", top_, "销售员", boss);
  auto user = client_->Call(admin_, "GET", "/api/v1/users/" + rep);
  EXPECT_EQ(user.json.Find("supervisor_id")->as_string(), boss);
  EXPECT_EQ(user.json.Find("status")->as_string(), "active");
  EXPECT_EQ(user.body.find("password"), std::string::npos);

  auto dup = client_->Call(admin_, "POST", "/api/v1/users",
                           Obj({{"username", "13811111111"},
                                {"password", "Passw0rd!"},
                                {"name", "重复"},
                                {"department_id", top_},
                                {"role_ids", Json::Array{role_ids_.at("销售员")}}}));
  EXPECT_EQ(dup.status, 409u);
  // The boss cannot report to their own report.
  auto cycle =
      client_->Call(admin_, "PATCH", "/api/v1/users/" + boss, Obj({{"supervisor_id", rep}}));
  EXPECT_EQ(cycle.status, 409u);
  auto moved = client_->Call(admin_, "PATCH", "/api/v1/users/" + rep,
                             Obj({{"position", "高级销售"}, {"email", "li@example.com"}}));
  EXPECT_EQ(moved.status, 200u);
  EXPECT_EQ(moved.json.Find("position")->as_string(), "高级销售");
  auto history = client_->Call(admin_, "GET", "/api/v1/users/" + rep + "/history");
  const Json& latest = history.json.Find("items")->as_array()[0];
  EXPECT_EQ(latest.Find("type")->as_string(), "UserProfileChanged");
  EXPECT_EQ(latest.Find("changes")->as_array().size(), 2u);
  EXPECT_EQ(history.body.find("password_hash"), std::string::npos);
}

TEST_F(OrgTest, RoleLifecycleAndBuiltinProtection) {
  auto created = client_->Call(admin_, "POST", "/api/v1/roles",
                               Obj({{"name", "客服"},
                                    {"permissions", Json::Array{"customer.read"}},
                                    {"data_scope", "department"}}));
  ASSERT_EQ(created.status, 201u);
  const std::string role = Id(created);
  auto patched = client_->Call(admin_, "PATCH", "/api/v1/roles/" + role,
                               Obj({{"permissions", Json::Array{"customer.read", "lead.read"}}}));
  EXPECT_EQ(patched.json.Find("permissions")->as_array().size(), 2u);
  auto bad = client_->Call(admin_, "POST", "/api/v1/roles",
                           Obj({{"name", "坏"},
                                {"permissions", Json::Array{"launch.missiles"}},
                                {"data_scope", "all"}}));
  EXPECT_EQ(bad.status, 422u);
  EXPECT_EQ(client_
                ->Call(admin_, "PATCH", "/api/v1/roles/" + role_ids_.at("超级管理员"),
                       Obj({{"name", "x"}}))
                .status,
            409u);
  EXPECT_EQ(client_->Call(admin_, "DELETE", "/api/v1/roles/" + role_ids_.at("超级管理员")).status,
            409u);
  EXPECT_EQ(client_->Call(admin_, "DELETE", "/api/v1/roles/" + role).status, 204u);
  EXPECT_EQ(client_->Call(admin_, "GET", "/api/v1/roles/" + role).status, 404u);
}

TEST_F(OrgTest, ErrorPathsUseProblemJson) {
  auto missing = client_->Call(admin_, "GET", "/api/v1/users/does-not-exist");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.Code(), "not_found");
  EXPECT_EQ(client_->Call(admin_, "GET", "/api/v1/nothing-here").status, 404u);
  // An encoded slash is not a path separator (it used to reach /users/{id}).
  auto encoded_slash = client_->Call(admin_, "GET", "/api/v1/users%2Fx");
  EXPECT_EQ(encoded_slash.status, 400u);
  EXPECT_EQ(encoded_slash.Code(), "bad_request");
  auto wrong_method = client_->Call(admin_, "PUT", "/api/v1/departments/" + top_);
  EXPECT_EQ(wrong_method.status, 405u);
  EXPECT_EQ(wrong_method.Code(), "method_not_allowed");

  auto malformed = client_->Send("POST", "/api/v1/departments", "{not json",
                                 {{"Authorization", "Bearer " + admin_}});
  EXPECT_EQ(malformed.status, 400u);
  EXPECT_EQ(malformed.Code(), "bad_request");

  auto missing_field = client_->Call(admin_, "POST", "/api/v1/departments", Obj({{"name", "x"}}));
  EXPECT_EQ(missing_field.status, 422u);
  EXPECT_EQ(missing_field.json.Find("errors")->as_array()[0].Find("field")->as_string(),
            "parent_id");
  auto wrong_type =
      client_->Call(admin_, "POST", "/api/v1/departments", Obj({{"name", 5}, {"parent_id", top_}}));
  EXPECT_EQ(wrong_type.json.Find("errors")->as_array()[0].Find("field")->as_string(), "name");
  auto unknown = client_->Call(admin_, "POST", "/api/v1/departments",
                               Obj({{"name", "x"}, {"parent_id", top_}, {"colour", "red"}}));
  EXPECT_EQ(unknown.json.Find("errors")->as_array()[0].Find("field")->as_string(), "colour");
  auto bad_username = client_->Call(admin_, "POST", "/api/v1/users",
                                    Obj({{"username", "12345"},
                                         {"password", "Passw0rd!"},
                                         {"name", "x"},
                                         {"department_id", top_},
                                         {"role_ids", Json::Array{}}}));
  EXPECT_EQ(bad_username.json.Find("errors")->as_array()[0].Find("field")->as_string(), "username");

  const std::string dept = CreateDepartment("研发部", top_);
  auto stale = client_->Call(admin_, "PATCH", "/api/v1/departments/" + dept, Obj({{"name", "新"}}),
                             {{"If-Match", "\"7\""}});
  EXPECT_EQ(stale.status, 412u);
  EXPECT_EQ(stale.Code(), "version_conflict");
  EXPECT_EQ(stale.json.Find("current_version")->as_int(), 0);

  const std::string huge = "{\"name\":\"" + std::string(2 << 20, 'x') + "\"}";
  auto too_big =
      client_->Send("POST", "/api/v1/departments", huge, {{"Authorization", "Bearer " + admin_}});
  EXPECT_EQ(too_big.status, 413u);
  EXPECT_EQ(too_big.Code(), "payload_too_large");
}

// Found in review: unknown fields matched nothing, eq was missing, and the
// cursor was an offset (a row inserted while paging shifted the next page).
TEST_F(OrgTest, OrgListsRefuseUnknownFieldsAndPageByKey) {
  for (const char* query :
       {"?colour=red", "?sort=colour", "?name.like=x", "?cursor=o20", "?cursor=zz"}) {
    auto r = client_->Call(admin_, "GET", std::string("/api/v1/departments") + query);
    EXPECT_EQ(r.status, 400u) << query;
    EXPECT_EQ(r.Code(), "bad_request") << query;
  }
  for (int i = 0; i < 5; ++i) CreateDepartment("部门" + std::to_string(i), top_);
  auto eq = client_->Call(admin_, "GET", "/api/v1/departments?name.eq=%E9%83%A8%E9%97%A82");
  ASSERT_EQ(eq.status, 200u);
  EXPECT_EQ(eq.json.Find("total")->as_int(), 1);
  // Page by name; a department inserted before the cursor does not shift the next page.
  auto first = client_->Call(admin_, "GET", "/api/v1/departments?sort=name&limit=3");
  ASSERT_EQ(first.status, 200u);
  const std::string cursor = first.json.Find("next_cursor")->as_string();
  CreateDepartment("部门0a", top_);  // sorts inside the first page
  auto second =
      client_->Call(admin_, "GET", "/api/v1/departments?sort=name&limit=3&cursor=" + cursor);
  ASSERT_EQ(second.status, 200u) << second.body;
  const auto& items = second.json.Find("items")->as_array();
  ASSERT_FALSE(items.empty());
  EXPECT_EQ(items[0].Find("name")->as_string(), "部门2");
}

TEST_F(OrgTest, GracefulStopExitsZero) { EXPECT_EQ(server_->Stop(), 0) << server_->log(); }

}  // namespace
}  // namespace chronicle::testing

namespace chronicle::testing {
namespace {

// A raw connection to the server, for tests of connection handling.
class RawConnection {
 public:
  explicit RawConnection(unsigned short port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    timeval limit{10, 0};  // longer than the server may take: a test fails, not hangs
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  ~RawConnection() { close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  void Send(const std::string& text) { send(fd_, text.data(), text.size(), MSG_NOSIGNAL); }
  // What arrives next (one small answer), "" on a close or after 10 s.
  std::string Receive() {
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  // Everything until the server closes (or 10 s pass without a byte).
  std::string ReceiveAll() {
    std::string all;
    for (std::string part; !(part = Receive()).empty();) all += part;
    return all;
  }

 private:
  int fd_;
};

// A client that sends half a request and stalls is answered 408 and dropped
// at the read timeout (not a multiple of it); others are served meanwhile.
TEST(SlowClientTest, StalledRequestIsAnswered408AtTheReadTimeout) {
  TempDir dir;
  ServerProcess server(dir.path("data").string(), {"--read-timeout", "1"});
  RawConnection stalled(server.port());
  stalled.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finished
  HttpClient other(server.port());
  EXPECT_EQ(other.Send("GET", "/healthz").status, 200u);
  const auto started = std::chrono::steady_clock::now();
  const std::string answer = stalled.ReceiveAll();
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 408")) << answer;
  EXPECT_NE(answer.find("request_timeout"), std::string::npos) << answer;
  EXPECT_LT(waited, std::chrono::milliseconds(2500)) << "the read timeout is 1 s";
}

// A connection that never sends a byte is closed at the read timeout: idle
// sockets cannot pile up (the 2,000-idle-connections exhaustion).
TEST(SlowClientTest, SilentConnectionIsClosedAtTheReadTimeout) {
  TempDir dir;
  ServerProcess server(dir.path("data").string(), {"--read-timeout", "1"});
  RawConnection silent(server.port());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(silent.ReceiveAll(), "") << "expected a close without an answer";
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2500));
}

// Over --max-connections, with every connection busy (a request under way),
// a new connection gets 503 at once and is closed.
TEST(SlowClientTest, ConnectionsBeyondTheCapAre503WhenNoneIsIdle) {
  TempDir dir;
  ServerProcess server(dir.path("data").string(), {"--max-connections", "2"});
  RawConnection a(server.port());
  RawConnection b(server.port());
  for (RawConnection* c : {&a, &b}) {
    c->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(c->Receive().starts_with("HTTP/1.1 200"));
    c->Send("GET /hea");  // the next request, under way
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  HttpClient c(server.port());
  EXPECT_EQ(c.Send("GET", "/healthz").status, 503u);
}

// At the cap, connections that sent nothing make room for one with a
// request: an idle flood cannot starve real clients.
TEST(SlowClientTest, IdleConnectionsMakeRoomAtTheCap) {
  TempDir dir;
  ServerProcess server(dir.path("data").string(), {"--max-connections", "5"});
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 5; ++i) idle.push_back(std::make_unique<RawConnection>(server.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  HttpClient c(server.port());
  EXPECT_EQ(c.Send("GET", "/healthz").status, 200u);
}

}  // namespace
}  // namespace chronicle::testing
