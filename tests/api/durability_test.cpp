// Read models against the log: a rebuild equals the live models, and a
// server killed with SIGKILL under write load restarts into read models
// equal to a fresh rebuild (no event applied twice or skipped).
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
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

TEST_F(DurabilityTest, KillDashNineUnderWriteLoadRecoversToAFreshRebuild) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w, port = server_->port()] {
      try {
        HttpClient c(port);
        for (int i = 0; !stop; ++i) {
          c.Call(admin_, "POST", "/api/v1/departments",
                 Obj({{"name", "压" + std::to_string(w) + "-" + std::to_string(i)},
                      {"parent_id", top_}}));
        }
      } catch (const std::exception&) {
        // the server died under us: expected
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  server_->Kill();
  stop = true;
  for (auto& t : writers) t.join();

  // Restart: projections resume from their checkpoints and catch up.
  server_->Start();
  HttpClient c(server_->port());
  for (int i = 0; i < 100 && c.Send("GET", "/readyz").status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(c.Send("GET", "/readyz").status, 200u);
  ASSERT_EQ(server_->Stop(), 0);

  RunChronicle("audit verify --data-dir " + data());
  const std::string recovered = RunChronicle("replay digest --data-dir " + data());
  std::filesystem::copy(data(), dir_.path("copy"), std::filesystem::copy_options::recursive);
  RunChronicle("replay rebuild --data-dir " + dir_.path("copy").string());
  EXPECT_EQ(RunChronicle("replay digest --data-dir " + dir_.path("copy").string()), recovered);
}

}  // namespace
}  // namespace chronicle::testing
