// Read models against the log: a rebuild equals the live models, and a
// server killed with SIGKILL under write load restarts into read models
// equal to a fresh rebuild (no event applied twice or skipped).
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "api_fixture.hpp"

namespace chronicle::testing {
namespace {

std::string RunChronicle(const std::string& args) {
  std::string command = std::string(CHRONICLE_BINARY) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  EXPECT_EQ(pclose(pipe), 0) << args << ": " << out;
  return out;
}

class DurabilityTest : public ApiTest {
 protected:
  void WriteSome(int per_writer, int writers) {
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        HttpClient c(server_->port());
        for (int i = 0; i < per_writer; ++i) {
          auto d = c.Call(admin_, "POST", "/api/v1/departments",
                          Obj({{"name", "部" + std::to_string(w) + "-" + std::to_string(i)},
                               {"parent_id", top_}}));
          if (d.status == 201) {
            c.Call(admin_, "PATCH", "/api/v1/departments/" + Id(d), Obj({{"sort", i}}));
          }
        }
      });
    }
    for (auto& t : threads) t.join();
  }

  std::string data() { return dir_.path("data").string(); }
};

TEST_F(DurabilityTest, RebuildEqualsTheLiveReadModels) {
  WriteSome(15, 2);
  CreateUser("13600000001", "甲", top_, "销售员");
  ASSERT_EQ(server_->Stop(), 0);
  const std::string live = RunChronicle("replay digest --data-dir " + data());
  std::filesystem::copy(data(), dir_.path("copy"), std::filesystem::copy_options::recursive);
  RunChronicle("replay rebuild --data-dir " + dir_.path("copy").string());
  EXPECT_EQ(RunChronicle("replay digest --data-dir " + dir_.path("copy").string()), live);
  EXPECT_NE(live.find("records "), std::string::npos);
}

TEST_F(DurabilityTest, OnlineRebuildUnderWritesSwapsInAnEqualModel) {
  WriteSome(10, 1);
  std::atomic<bool> stop{false};
  std::thread writer([&, port = server_->port()] {
    HttpClient c(port);
    for (int i = 0; !stop; ++i) {
      c.Call(admin_, "POST", "/api/v1/departments",
             Obj({{"name", "在线" + std::to_string(i)}, {"parent_id", top_}}));
    }
  });
  auto rebuilt = client_->Call(admin_, "POST", "/api/v1/admin/rebuild", Obj({}));
  stop = true;
  writer.join();
  ASSERT_EQ(rebuilt.status, 200u) << rebuilt.body;
  EXPECT_EQ(rebuilt.json.Find("items")->as_array().size(), 2u);
  // Lists still answer, with every department.
  auto list = client_->Call(admin_, "GET", "/api/v1/departments?limit=1");
  EXPECT_GE(list.json.Find("total")->as_int(), 11);
  const std::string rep_user = CreateUser("13600000009", "乙", top_, "销售员");
  const std::string rep_token = client_->Login("13600000009", "Passw0rd!");
  EXPECT_EQ(client_->Call(rep_token, "POST", "/api/v1/admin/rebuild", Obj({})).status, 403u);
  EXPECT_EQ(
      client_->Call(admin_, "POST", "/api/v1/admin/rebuild", Obj({{"projection", "nope"}})).status,
      422u);
  ASSERT_EQ(server_->Stop(), 0);
  const std::string live = RunChronicle("replay digest --data-dir " + data());
  std::filesystem::copy(data(), dir_.path("copy"), std::filesystem::copy_options::recursive);
  RunChronicle("replay rebuild --data-dir " + dir_.path("copy").string());
  EXPECT_EQ(RunChronicle("replay digest --data-dir " + dir_.path("copy").string()), live);
  (void)rep_user;
}

TEST_F(DurabilityTest, OnlineBackupWhileServingUnderWritesVerifiesAndServes) {
  std::atomic<bool> stop{false};
  std::thread writer([&, port = server_->port()] {
    HttpClient c(port);
    for (int i = 0; !stop; ++i) {
      c.Call(admin_, "POST", "/api/v1/departments",
             Obj({{"name", "备份中" + std::to_string(i)}, {"parent_id", top_}}));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string to = dir_.path("backup").string();
  auto backup = client_->Call(admin_, "POST", "/api/v1/admin/backup", Obj({{"to", to}}));
  stop = true;
  writer.join();
  ASSERT_EQ(backup.status, 200u) << backup.body;
  EXPECT_EQ(backup.Field("hash").size(), 64u);
  const std::string verified = RunChronicle("audit verify --data-dir " + to);
  EXPECT_EQ(
      verified.rfind("ok " + backup.Field("position") + " events, head " + backup.Field("hash"), 0),
      0u)
      << verified;
  EXPECT_EQ(client_->Call(admin_, "POST", "/api/v1/admin/backup", Obj({{"to", to}})).status, 422u);
  EXPECT_EQ(
      client_->Call(admin_, "POST", "/api/v1/admin/backup", Obj({{"to", "relative/dir"}})).status,
      422u);
  // The copy is a data dir a server runs on: read models rebuild on start.
  ServerProcess restored(to);
  HttpClient c(restored.port());
  const std::string token = c.Login("admin", kAdminPassword);
  ASSERT_FALSE(token.empty());
  auto head = c.Call(token, "GET", "/api/v1/audit/head");
  EXPECT_EQ(head.Field("hash"), backup.Field("hash"));
}

// kill -9 under HTTP write load, again and again (CHRONICLE_KILL_ROUNDS,
// default 20; 200 under --stress): after each restart the read models catch
// up, sessions survive, and at the end they equal a fresh rebuild.
TEST_F(DurabilityTest, KillDashNineUnderWriteLoadRecoversToAFreshRebuild) {
  const char* env = std::getenv("CHRONICLE_KILL_ROUNDS");
  const int rounds = env != nullptr ? std::atoi(env) : 20;
  for (int round = 0; round < rounds; ++round) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 3; ++w) {
      writers.emplace_back([&, w, port = server_->port()] {
        try {
          HttpClient c(port);
          c.set_read_own_writes(false);
          for (int i = 0; !stop; ++i) {
            auto d = c.Call(admin_, "POST", "/api/v1/departments",
                            Obj({{"name", "压" + std::to_string(round) + "-" + std::to_string(w) +
                                              "-" + std::to_string(i)},
                                 {"parent_id", top_}}));
            if (d.status == 201) {
              c.Call(admin_, "PATCH", "/api/v1/departments/" + Id(d), Obj({{"sort", i}}));
            }
          }
        } catch (const std::exception&) {
          // the server died under us: expected
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + 37 * (round % 7)));
    server_->Kill();
    stop = true;
    for (auto& t : writers) t.join();
    // Restart: projections resume from their checkpoints and catch up.
    server_->Start();
    HttpClient c(server_->port());
    for (int i = 0; i < 200 && c.Send("GET", "/readyz").status != 200; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_EQ(c.Send("GET", "/readyz").status, 200u) << "round " << round;
    ASSERT_EQ(c.Call(admin_, "GET", "/api/v1/auth/me").status, 200u)
        << "session lost, round " << round;
  }
  ASSERT_EQ(server_->Stop(), 0);

  RunChronicle("audit verify --data-dir " + data());
  const std::string recovered = RunChronicle("replay digest --data-dir " + data());
  std::filesystem::copy(data(), dir_.path("copy"), std::filesystem::copy_options::recursive);
  RunChronicle("replay rebuild --data-dir " + dir_.path("copy").string());
  EXPECT_EQ(RunChronicle("replay digest --data-dir " + dir_.path("copy").string()), recovered);
}

}  // namespace
}  // namespace chronicle::testing
