#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <sstream>

#include "chronicle/eventstore/event_store.hpp"
#include "chronicle/eventstore/verify.hpp"
#include "crash_events.hpp"
#include "temp_dir.hpp"

extern char** environ;

namespace chronicle::eventstore {
namespace {

using namespace std::chrono_literals;

int Rounds() {
  const char* env = std::getenv("CHRONICLE_CRASH_ROUNDS");
  return env != nullptr ? std::atoi(env) : 20;
}

// Runs the child, SIGKILLs it a random moment after its first acknowledgement,
// and returns every acknowledged position -> event index.
struct Ack {
  std::uint64_t index;
  std::uint64_t append_first_index;  // names the stream
};

std::map<std::uint64_t, Ack> RunAndKillChild(const std::string& dir, std::uint64_t first_index,
                                             std::mt19937& rng) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::string index = std::to_string(first_index);
  std::string child = CHRONICLE_CRASH_CHILD;
  char* argv[] = {child.data(), const_cast<char*>(dir.c_str()), index.data(), nullptr};
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, child.c_str(), &actions, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);

  std::string received;
  char buf[65536];
  auto kill_at = std::chrono::steady_clock::time_point::max();
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  bool killed = false;
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    if (!killed && (now >= kill_at || now >= give_up)) {
      kill(pid, SIGKILL);
      killed = true;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    int wait_ms = killed ? 1000 : 5;
    if (poll(&pfd, 1, wait_ms) <= 0) continue;
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;  // EOF: the child is gone and the pipe is drained
    received.append(buf, static_cast<std::size_t>(n));
    if (kill_at == std::chrono::steady_clock::time_point::max()) {
      kill_at = now + std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 150)(rng));
    }
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child died on its own; status " << status;

  std::map<std::uint64_t, Ack> acks;
  std::istringstream lines(received);
  std::uint64_t position = 0;
  Ack ack{};
  while (lines >> position >> ack.index >> ack.append_first_index) acks[position] = ack;
  return acks;
}

TEST(CrashTest, AcknowledgedEventsSurviveSigkill) {
  chronicle::testing::TempDir tmp;
  const std::string dir = tmp.path().string();
  std::mt19937 rng(std::random_device{}());
  std::map<std::uint64_t, Ack> all_acks;
  const int rounds = Rounds();
  for (int round = 0; round < rounds; ++round) {
    auto acks = RunAndKillChild(dir, static_cast<std::uint64_t>(round + 1) * 10'000'000, rng);
    all_acks.insert(acks.begin(), acks.end());

    auto store = EventStore::Open({}, dir);
    ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.status().ToString();
    const std::uint64_t last = (*store)->LastPosition();
    auto events = (*store)->ReadAll(1, last + 1);
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    ASSERT_EQ(events->size(), last);
    for (std::uint64_t i = 0; i < last; ++i) {
      ASSERT_EQ((*events)[i].position, i + 1) << "gap after a crash, round " << round;
    }
    for (const auto& [position, ack] : all_acks) {
      ASSERT_LE(position, last) << "acknowledged event lost, round " << round;
      const RecordedEvent& stored = (*events)[position - 1];
      const NewEvent expected = chronicle::testing::CrashEvent(ack.index);
      ASSERT_EQ(stored.id, expected.id) << "position " << position;
      ASSERT_EQ(stored.stream, chronicle::testing::CrashStream(ack.append_first_index))
          << "position " << position;
      ASSERT_EQ(stored.type, expected.type);
      ASSERT_EQ(stored.payload, expected.payload) << "position " << position;
      ASSERT_EQ(stored.metadata, expected.metadata);
    }
    store->reset();
    auto verified = VerifyLog(dir);
    ASSERT_TRUE(verified.ok()) << "round " << round << ": " << verified.status().ToString();
    ASSERT_EQ(verified->events, last);
    std::printf("round %d: %zu acknowledged this round, %llu events in the log\n", round,
                acks.size(), static_cast<unsigned long long>(last));
  }
  EXPECT_GT(all_acks.size(), static_cast<std::size_t>(rounds)) << "the child made no progress";
}

}  // namespace
}  // namespace chronicle::eventstore
