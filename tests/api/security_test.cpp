// The holes an outside probe found in the serving path (issue 6), each
// reproduced through the real server: work before authentication, sessions
// and tokens, the login limiter, bounded parsing, shutdown and crashes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <thread>

#include "api_fixture.hpp"

namespace chronicle::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Sends `text` raw from `local` (any 127.0.0.0/8 address) and returns all the
// server answers until it closes (or 10 s pass).
std::string Raw(unsigned short port, const std::string& text,
                const std::string& local = "127.0.0.1") {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, local.c_str(), &from.sin_addr);
  bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    close(fd);
    return "";
  }
  timeval limit{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  for (std::size_t sent = 0; sent < text.size();) {
    const ssize_t n = send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, n);
  close(fd);
  return answer;
}

std::string LoginFrom(unsigned short port, const std::string& local, const std::string& username,
                      const std::string& password) {
  Json body = Json::MakeObject();
  body.Set("username", username);
  body.Set("password", password);
  const std::string text = body.Dump();
  return Raw(port,
             "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
             "Content-Type: application/json\r\nContent-Length: " +
                 std::to_string(text.size()) + "\r\n\r\n" + text,
             local);
}

unsigned StatusOf(const std::string& raw) {
  return raw.size() > 12 ? static_cast<unsigned>(std::atoi(raw.c_str() + 9)) : 0;
}

class SecurityTest : public ApiTest {
 protected:
  std::uint64_t Head() {
    auto r = client_->Call(admin_, "GET", "/api/v1/audit/head");
    return static_cast<std::uint64_t>(r.json.Find("position")->as_int());
  }
};

// ---- work before authentication ------------------------------------------------

TEST_F(SecurityTest, MinPositionIsNotHonouredBeforeAuthentication) {
  HttpClient anonymous(server_->port());
  const auto started = Clock::now();
  EXPECT_EQ(anonymous.Send("GET", "/api/v1/users?min_position=999999999").status, 401u);
  EXPECT_EQ(anonymous.Send("GET", "/healthz?min_position=999999999").status, 200u);
  EXPECT_EQ(anonymous.Send("GET", "/api/v1/users?min_position=-1").status, 401u);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(1)) << "nobody waits for an anonymous";
}

TEST_F(SecurityTest, MinPositionIsParsedStrictly) {
  for (const char* bad : {"-1", "abc", "5abc", "1e2", "99999999999999999999", ""}) {
    auto r = client_->Call(admin_, "GET", std::string("/api/v1/users?min_position=") + bad);
    EXPECT_EQ(r.status, 400u) << bad << ": " << r.body;
    EXPECT_NE(r.body.find("min_position"), std::string::npos) << r.body;
  }
}

// Waiting read-your-writes requests hold no worker: with 4 workers, 12
// requests waiting for a far position leave the server answering at once.
TEST_F(SecurityTest, WaitingForAPositionHoldsNoWorker) {
  std::vector<std::future<unsigned>> waiting;
  for (int i = 0; i < 12; ++i) {
    waiting.push_back(std::async(std::launch::async, [&] {
      HttpClient c(server_->port());
      return c.Call(admin_, "GET", "/api/v1/users?min_position=999999999").status;
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  HttpClient other(server_->port());
  const auto started = Clock::now();
  EXPECT_EQ(other.Call(admin_, "GET", "/api/v1/auth/me").status, 200u);
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(1000));
  for (auto& w : waiting) EXPECT_EQ(w.get(), 503u);
}

TEST_F(SecurityTest, ResetPasswordWithoutATokenIs401BeforeAnyWork) {
  const std::string user = CreateUser("13900000001", "甲", top_, "销售员");
  HttpClient anonymous(server_->port());
  // A body that would fail validation: 401 still comes first.
  auto r = anonymous.Send("POST", "/api/v1/users/" + user + "/reset-password", "{\"password\":1}");
  EXPECT_EQ(r.status, 401u) << r.body;
  r = anonymous.Send("POST", "/api/v1/users/" + user + "/reset-password", "{not json");
  EXPECT_EQ(r.status, 401u) << r.body;
}

TEST_F(SecurityTest, IdempotencyKeysBelongToTheAuthenticatedUser) {
  HttpClient anonymous(server_->port());
  const std::string body = Obj({{"name", "甲部"}, {"parent_id", top_}}).Dump();
  auto r = anonymous.Send("POST", "/api/v1/departments", body, {{"Idempotency-Key", "k1"}});
  EXPECT_EQ(r.status, 401u);
  // The same key from another user is another request.
  const std::string manager = CreateUser("13900000002", "经理", top_, "销售经理");
  (void)manager;
  const std::string first =
      client_
          ->Call(admin_, "POST", "/api/v1/departments",
                 Obj({{"name", "乙部"}, {"parent_id", top_}}), {{"Idempotency-Key", "shared"}})
          .Field("id");
  const std::string again =
      client_
          ->Call(admin_, "POST", "/api/v1/departments",
                 Obj({{"name", "乙部"}, {"parent_id", top_}}), {{"Idempotency-Key", "shared"}})
          .Field("id");
  EXPECT_EQ(first, again);
  auto bad = client_->Call(admin_, "POST", "/api/v1/departments",
                           Obj({{"name", "丙部"}, {"parent_id", top_}}),
                           {{"Idempotency-Key", std::string(300, 'k')}});
  EXPECT_EQ(bad.status, 400u) << bad.body;
}

TEST_F(SecurityTest, AnIdempotentRetryAfterARestartGetsTheFirstAnswer) {
  auto first = client_->Call(admin_, "POST", "/api/v1/departments",
                             Obj({{"name", "重启部"}, {"parent_id", top_}}),
                             {{"Idempotency-Key", "restart-1"}});
  ASSERT_EQ(first.status, 201u) << first.body;
  ASSERT_EQ(server_->Stop(), 0);
  server_->Start();
  HttpClient c(server_->port());
  const std::uint64_t before = [&] {
    auto r = c.Call(admin_, "GET", "/api/v1/audit/head");
    EXPECT_EQ(r.status, 200u) << "the session survives a restart: " << r.body;
    return static_cast<std::uint64_t>(r.json.Find("position")->as_int());
  }();
  auto retry =
      c.Call(admin_, "POST", "/api/v1/departments", Obj({{"name", "重启部"}, {"parent_id", top_}}),
             {{"Idempotency-Key", "restart-1"}});
  EXPECT_EQ(retry.status, 201u);
  EXPECT_EQ(retry.Field("id"), first.Field("id"));
  auto other =
      c.Call(admin_, "POST", "/api/v1/departments", Obj({{"name", "别的"}, {"parent_id", top_}}),
             {{"Idempotency-Key", "restart-1"}});
  EXPECT_EQ(other.status, 409u);
  auto head = c.Call(admin_, "GET", "/api/v1/audit/head");
  EXPECT_EQ(static_cast<std::uint64_t>(head.json.Find("position")->as_int()), before);
}

// kill -9 while keyed commands run, then every key retried: none is applied
// twice (a retry gets the first answer, or 409 when the first was cut off).
TEST_F(SecurityTest, KeyedRetriesAfterACrashNeverApplyTwice) {
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::vector<std::thread> writers;
  constexpr int kWriters = 4;
  std::array<std::atomic<int>, kWriters> per_writer{};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w, port = server_->port()] {
      try {
        HttpClient c(port);
        c.set_read_own_writes(false);
        for (int i = 0; !stop; ++i) {
          per_writer[w] = i + 1;
          ++sent;
          c.Call(admin_, "POST", "/api/v1/departments",
                 Obj({{"name", "幂" + std::to_string(w) + "-" + std::to_string(i)},
                      {"parent_id", top_}}),
                 {{"Idempotency-Key", "crash-" + std::to_string(w) + "-" + std::to_string(i)}});
        }
      } catch (const std::exception&) {
        // the server died under us: expected
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  server_->Kill();
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_GT(sent.load(), 0);
  server_->Start();
  HttpClient c(server_->port());
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < per_writer[w]; ++i) {
      auto r = c.Call(
          admin_, "POST", "/api/v1/departments",
          Obj({{"name", "幂" + std::to_string(w) + "-" + std::to_string(i)}, {"parent_id", top_}}),
          {{"Idempotency-Key", "crash-" + std::to_string(w) + "-" + std::to_string(i)}});
      EXPECT_TRUE(r.status == 201 || r.status == 409) << r.status << " " << r.body;
    }
  }
  // Each name exists at most once (the domain allows duplicate names, so a
  // second application would show here).
  std::map<std::string, int> names;
  std::string cursor;
  do {
    auto page =
        c.Call(admin_, "GET",
               "/api/v1/departments?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200u);
    for (const auto& item : page.json.Find("items")->as_array()) {
      ++names[item.Find("name")->as_string()];
    }
    cursor = page.Field("next_cursor");
  } while (!cursor.empty());
  for (const auto& [name, count] : names) EXPECT_LE(count, 1) << name << " applied twice";
}

TEST_F(SecurityTest, UnknownMethodsShareOneMetricsLabel) {
  for (int i = 0; i < 50; ++i) {
    const std::string method(200 + i, static_cast<char>('A' + i % 26));
    const std::string answer =
        Raw(server_->port(), method + " /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(StatusOf(answer) == 405 || StatusOf(answer) == 400) << answer.substr(0, 80);
  }
  HttpClient c(server_->port());
  auto metrics = c.Send("GET", "/metrics");
  EXPECT_EQ(metrics.body.find("AAAAAAAAAA"), std::string::npos);
  EXPECT_LT(metrics.body.size(), 64u * 1024);
  EXPECT_NE(metrics.body.find("method=\"other\""), std::string::npos);
}

TEST_F(SecurityTest, AJsonBodyWithManyKeysIsRefusedQuickly) {
  std::string body = "{";
  for (int i = 0; i < 80'000; ++i) body += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  body += "}";
  const auto started = Clock::now();
  auto r = client_->Call(admin_, "POST", "/api/v1/departments", Json(), {});
  r = client_->Send("POST", "/api/v1/departments", body, {{"Authorization", "Bearer " + admin_}});
  EXPECT_EQ(r.status, 400u) << r.body.substr(0, 200);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(2));
}

// ---- sessions and tokens -------------------------------------------------------

TEST_F(SecurityTest, AnAdminPasswordResetEndsTheUsersSessions) {
  const std::string id = CreateUser("13900000011", "乙", top_, "销售员");
  const std::string token = client_->Login("13900000011", "Passw0rd!");
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(client_
                ->Call(admin_, "POST", "/api/v1/users/" + id + "/reset-password",
                       Obj({{"password", "N3w-passw0rd!"}}))
                .status,
            200u);
  EXPECT_EQ(client_->Call(token, "GET", "/api/v1/auth/me").status, 401u);
}

TEST_F(SecurityTest, ChangingOnesPasswordEndsTheOtherSessions) {
  CreateUser("13900000012", "丙", top_, "销售员");
  const std::string here = client_->Login("13900000012", "Passw0rd!");
  const std::string there = client_->Login("13900000012", "Passw0rd!");
  ASSERT_EQ(client_
                ->Call(here, "POST", "/api/v1/auth/change-password",
                       Obj({{"old_password", "Passw0rd!"}, {"new_password", "N3w-passw0rd!"}}))
                .status,
            204u);
  EXPECT_EQ(client_->Call(here, "GET", "/api/v1/auth/me").status, 200u);
  EXPECT_EQ(client_->Call(there, "GET", "/api/v1/auth/me").status, 401u);
}

TEST_F(SecurityTest, DisableThenEnableDoesNotRevive_OldTokens) {
  const std::string id = CreateUser("13900000013", "丁", top_, "销售员");
  const std::string token = client_->Login("13900000013", "Passw0rd!");
  ASSERT_EQ(
      client_->Call(admin_, "POST", "/api/v1/users/" + id + "/disable", Json::MakeObject()).status,
      200u);
  ASSERT_EQ(
      client_->Call(admin_, "POST", "/api/v1/users/" + id + "/enable", Json::MakeObject()).status,
      200u);
  EXPECT_EQ(client_->Call(token, "GET", "/api/v1/auth/me").status, 401u);
  EXPECT_FALSE(client_->Login("13900000013", "Passw0rd!").empty());
}

TEST_F(SecurityTest, SessionsSurviveARestart) {
  ASSERT_EQ(server_->Stop(), 0);
  server_->Start();
  HttpClient c(server_->port());
  EXPECT_EQ(c.Call(admin_, "GET", "/api/v1/auth/me").status, 200u);
  // Only hashes are on disk: the token itself is nowhere in the data dir.
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir_.path("data") / "sessions")) {
    if (!entry.is_regular_file()) continue;
    std::FILE* f = std::fopen(entry.path().c_str(), "rb");
    std::string bytes;
    std::array<char, 4096> buf{};
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f)) bytes.append(buf.data(), n);
    std::fclose(f);
    EXPECT_EQ(bytes.find(admin_), std::string::npos) << entry.path();
  }
}

TEST(SessionIdleTest, AnIdleSessionEnds) {
  TempDir dir;
  ServerProcess server(dir.path("data").string(), {"--session-idle", "1"});
  HttpClient c(server.port());
  const std::string token = c.Login("admin", kAdminPassword);
  ASSERT_EQ(c.Call(token, "GET", "/api/v1/auth/me").status, 200u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(c.Call(token, "GET", "/api/v1/auth/me").status, 401u);
}

void Subscribe(WsClient& ws) {
  ws.Send(R"({"subscribe": ["departments"]})");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

// Reads until the server closes the socket (or 5 s pass); returns the reason.
std::string CloseReason(WsClient& ws) {
  const auto give_up = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < give_up) {
    if (ws.Receive(200).empty() && !ws.close_reason().empty()) return ws.close_reason();
  }
  return ws.close_reason();
}

TEST_F(SecurityTest, LogoutClosesTheWebSocketWithAReason) {
  const std::string token = client_->Login("admin", kAdminPassword);
  WsClient ws(server_->port(), token);
  Subscribe(ws);
  ASSERT_EQ(client_->Call(token, "POST", "/api/v1/auth/logout", Json::MakeObject()).status, 204u);
  EXPECT_EQ(CloseReason(ws), "session ended");
}

TEST_F(SecurityTest, DisablingAUserClosesItsWebSocket) {
  const std::string id = CreateUser("13900000014", "戊", top_, "销售经理");
  const std::string token = client_->Login("13900000014", "Passw0rd!");
  WsClient ws(server_->port(), token);
  Subscribe(ws);
  ASSERT_EQ(
      client_->Call(admin_, "POST", "/api/v1/users/" + id + "/disable", Json::MakeObject()).status,
      200u);
  EXPECT_FALSE(CloseReason(ws).empty());
}

TEST_F(SecurityTest, ARoleChangeClosesTheWebSocket) {
  const std::string id = CreateUser("13900000015", "己", top_, "销售经理");
  const std::string token = client_->Login("13900000015", "Passw0rd!");
  WsClient ws(server_->port(), token);
  Subscribe(ws);
  ASSERT_EQ(client_
                ->Call(admin_, "PATCH", "/api/v1/users/" + id,
                       Obj({{"role_ids", Json::Array{role_ids_.at("销售员")}}}))
                .status,
            200u);
  EXPECT_EQ(CloseReason(ws), "roles changed: reconnect");
}

// ---- the login limiter ------------------------------------------------------------

TEST_F(SecurityTest, WrongPasswordsElsewhereDoNotLockTheRealUserOut) {
  for (int i = 0; i < 6; ++i) {
    const unsigned status =
        StatusOf(LoginFrom(server_->port(), "127.0.0.2", "admin", "wrong-password"));
    EXPECT_TRUE(status == 401 || status == 429) << status;
  }
  EXPECT_EQ(StatusOf(LoginFrom(server_->port(), "127.0.0.2", "admin", kAdminPassword)), 429u);
  EXPECT_EQ(StatusOf(LoginFrom(server_->port(), "127.0.0.3", "admin", kAdminPassword)), 200u);
}

TEST_F(SecurityTest, ConcurrentGuessesAreCountedBeforeTheyAreChecked) {
  std::vector<std::future<unsigned>> guesses;
  for (int i = 0; i < 29; ++i) {
    guesses.push_back(std::async(std::launch::async, [&] {
      return StatusOf(LoginFrom(server_->port(), "127.0.0.4", "admin", "guess"));
    }));
  }
  int checked = 0;
  for (auto& g : guesses) {
    const unsigned status = g.get();
    EXPECT_TRUE(status == 401 || status == 429) << status;
    checked += status == 401 ? 1 : 0;
  }
  EXPECT_LE(checked, 3) << "only the free attempts may reach the password check";
}

TEST_F(SecurityTest, ASuccessfulLoginResetsTheCount) {
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(StatusOf(LoginFrom(server_->port(), "127.0.0.5", "admin", "typo")), 401u);
    EXPECT_EQ(StatusOf(LoginFrom(server_->port(), "127.0.0.5", "admin", "typo")), 401u);
    EXPECT_EQ(StatusOf(LoginFrom(server_->port(), "127.0.0.5", "admin", kAdminPassword)), 200u);
  }
}

// ---- bounded inputs ------------------------------------------------------------------

TEST_F(SecurityTest, TheDepartmentTreeIsCappedAt32Levels) {
  std::string parent = top_;
  for (int level = 2; level <= 32; ++level) {
    parent = CreateDepartment("层" + std::to_string(level), parent);
    ASSERT_FALSE(parent.empty());
  }
  auto deeper = client_->Call(admin_, "POST", "/api/v1/departments",
                              Obj({{"name", "层33"}, {"parent_id", parent}}));
  EXPECT_EQ(deeper.status, 422u) << deeper.body;
  // Moving a two-level subtree under level 31 would make 33 levels.
  const std::string a = CreateDepartment("甲", top_);
  CreateDepartment("甲一", a);
  auto tree = client_->Call(admin_, "GET", "/api/v1/departments/tree");
  ASSERT_EQ(tree.status, 200u);
  auto moved =
      client_->Call(admin_, "PATCH", "/api/v1/departments/" + a, Obj({{"parent_id", parent}}));
  EXPECT_EQ(moved.status, 422u) << moved.body;
}

TEST_F(SecurityTest, HeadAnswersLikeGetWithoutABody) {
  const std::string answer =
      Raw(server_->port(), "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(answer), 200u) << answer;
  const auto end = answer.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(answer.size(), end + 4) << "no body after the headers";
  EXPECT_NE(answer.find("Content-Length: 15"), std::string::npos) << answer;
}

TEST_F(SecurityTest, HeadersOverTheLimitAre431) {
  const std::string answer =
      Raw(server_->port(),
          "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20'000, 'a') + "\r\n\r\n");
  EXPECT_EQ(StatusOf(answer), 431u) << answer.substr(0, 200);
}

TEST_F(SecurityTest, BackupToAnUnwritablePathIs422) {
  auto r = client_->Call(admin_, "POST", "/api/v1/admin/backup",
                         Obj({{"to", "/proc/chronicle-backup"}}));
  EXPECT_EQ(r.status, 422u) << r.body;
}

TEST_F(SecurityTest, ABadRequestIdIsReplacedNotStored) {
  const std::uint64_t before = Head();
  auto r = client_->Call(admin_, "POST", "/api/v1/departments",
                         Obj({{"name", "标识部"}, {"parent_id", top_}}),
                         {{"X-Request-Id", std::string("bad\xff\xfe") + std::string(200, 'x')}});
  ASSERT_EQ(r.status, 201u) << r.body;
  ASSERT_EQ(server_->Stop(), 0);
  const std::string command = std::string(CHRONICLE_BINARY) + " replay export --data-dir " +
                              dir_.path("data").string() + " --from " + std::to_string(before + 1) +
                              " --format jsonl 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  EXPECT_EQ(pclose(pipe), 0);
  EXPECT_FALSE(out.empty());
  EXPECT_EQ(out.find('\xff'), std::string::npos);
  EXPECT_EQ(out.find(std::string(200, 'x')), std::string::npos);
  server_->Start();
}

// ---- shutdown and crashes ------------------------------------------------------------

// SIGTERM under write load: every write the log holds was answered, and the
// server exits promptly once the last answer is out.
TEST_F(SecurityTest, SigtermUnderLoadAnswersEveryCommittedWrite) {
  const std::uint64_t start = Head();
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 6; ++w) {
    writers.emplace_back([&, w, port = server_->port()] {
      try {
        HttpClient c(port);
        c.set_read_own_writes(false);
        for (int i = 0; !stop; ++i) {
          auto r = c.Call(admin_, "POST", "/api/v1/departments",
                          Obj({{"name", "终" + std::to_string(w) + "-" + std::to_string(i)},
                               {"parent_id", top_}}));
          if (r.status == 201) ++answered;
        }
      } catch (const std::exception&) {
        // the server closed the connection: expected at the end
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto signalled = Clock::now();
  EXPECT_EQ(server_->Stop(), 0);
  const auto exited = Clock::now();
  stop = true;
  for (auto& t : writers) t.join();
  EXPECT_LT(exited - signalled, std::chrono::seconds(2));
  server_->Start();
  HttpClient c(server_->port());
  auto head = c.Call(admin_, "GET", "/api/v1/audit/head");
  const auto committed = static_cast<std::uint64_t>(head.json.Find("position")->as_int()) - start;
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(committed, static_cast<std::uint64_t>(answered.load()))
      << "every committed write must have been answered";
}

}  // namespace
}  // namespace chronicle::testing
