#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "event_store_fixture.hpp"

namespace chronicle::eventstore {
namespace {

using chronicle::testing::MakeEvent;

constexpr int kThreads = 8;
constexpr int kAppendsPerThread = 2000;

class ConcurrencyTest : public chronicle::testing::EventStoreTest {};

// Every writer reads the stream version and appends with exactly that
// expectation; losers re-read and retry. Each version must have one winner.
TEST_F(ConcurrencyTest, SameStreamExactVersionsHaveOneWinnerPerVersion) {
  std::mutex mu;
  std::vector<std::uint64_t> won_versions;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      int wins = 0;
      std::optional<std::uint64_t> known;
      while (wins < kAppendsPerThread) {
        ExpectedVersion expected =
            known ? ExpectedVersion::Exact(*known) : ExpectedVersion::NoStream();
        auto r = store_->Append("contested", expected, {MakeEvent("T" + std::to_string(t))});
        if (r.ok()) {
          ++wins;
          known = r->last_version;
          std::lock_guard lock(mu);
          won_versions.push_back(r->last_version);
        } else {
          ASSERT_EQ(r.status().code(), StatusCode::kAborted) << r.status().ToString();
          const std::int64_t actual = *r.status().current_version();
          known = actual < 0 ? std::nullopt : std::optional<std::uint64_t>(actual);
          ++conflicts;
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  constexpr std::size_t kTotal = kThreads * kAppendsPerThread;
  ASSERT_EQ(won_versions.size(), kTotal);
  std::set<std::uint64_t> unique(won_versions.begin(), won_versions.end());
  EXPECT_EQ(unique.size(), kTotal) << "two writers won the same version";
  EXPECT_EQ(*unique.rbegin(), kTotal - 1);
  EXPECT_GT(conflicts.load(), 0) << "the test did not produce contention";

  auto stream = *store_->ReadStreamForward("contested", 0, kTotal + 1);
  ASSERT_EQ(stream.size(), kTotal);
  for (std::size_t i = 0; i < kTotal; ++i) {
    EXPECT_EQ(stream[i].version, i);
    EXPECT_EQ(stream[i].position, i + 1) << "gap or reorder in the log";
  }
  EXPECT_EQ(store_->LastPosition(), kTotal);
}

TEST_F(ConcurrencyTest, DistinctStreamsAllSucceedGaplessAndOrdered) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string stream = "stream-" + std::to_string(t);
      for (int i = 0; i < kAppendsPerThread; ++i) {
        auto expected = i == 0 ? ExpectedVersion::NoStream()
                               : ExpectedVersion::Exact(static_cast<std::uint64_t>(i - 1));
        auto r = store_->Append(stream, expected, {MakeEvent("E", std::to_string(i))});
        ASSERT_TRUE(r.ok()) << r.status().ToString();
      }
    });
  }
  for (auto& t : threads) t.join();

  constexpr std::size_t kTotal = kThreads * kAppendsPerThread;
  auto all = MustReadAll();
  ASSERT_EQ(all.size(), kTotal);
  for (std::size_t i = 0; i < kTotal; ++i) ASSERT_EQ(all[i].position, i + 1);
  for (int t = 0; t < kThreads; ++t) {
    auto stream = *store_->ReadStreamForward("stream-" + std::to_string(t), 0, kTotal);
    ASSERT_EQ(stream.size(), static_cast<std::size_t>(kAppendsPerThread));
    for (std::size_t i = 0; i < stream.size(); ++i) {
      EXPECT_EQ(stream[i].version, i);
      EXPECT_EQ(stream[i].payload, std::to_string(i));
      if (i > 0) {
        EXPECT_GT(stream[i].position, stream[i - 1].position);
      }
    }
  }
}

TEST_F(ConcurrencyTest, SyncModeGroupCommitsConcurrentAppends) {
  options_.durability = Durability::kSync;
  Reopen();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(
            store_->Append("s" + std::to_string(t), ExpectedVersion::Any(), {MakeEvent("E")}).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_->LastPosition(), static_cast<std::uint64_t>(kThreads * 50));
}

}  // namespace
}  // namespace chronicle::eventstore
