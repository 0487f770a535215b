#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "event_store_fixture.hpp"

namespace chronicle::eventstore {
namespace {

using chronicle::testing::MakeEvent;
using namespace std::chrono_literals;

class SubscriptionTest : public chronicle::testing::EventStoreTest {
 protected:
  // Reads until `count` events arrived; checks they are exactly the positions
  // from..from+count-1 in order.
  static void ExpectExactly(Subscription& sub, std::uint64_t from, std::uint64_t count) {
    std::uint64_t expected = from;
    const auto give_up = std::chrono::steady_clock::now() + 60s;
    while (expected < from + count) {
      ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "stuck at " << expected;
      auto batch = sub.Next(500, 200ms);
      ASSERT_TRUE(batch.ok()) << batch.status().ToString();
      for (const auto& e : *batch) {
        ASSERT_EQ(e.position, expected) << "missed or repeated an event";
        ++expected;
      }
    }
  }

  void AppendMany(int n, const std::string& stream) {
    for (int i = 0; i < n; ++i) MustAppend(stream, ExpectedVersion::Any(), {MakeEvent("E")});
  }
};

TEST_F(SubscriptionTest, CatchesUpFromHistoryThenGoesLive) {
  AppendMany(50, "s");
  auto sub = std::move(store_->Subscribe(1)).value();
  ExpectExactly(*sub, 1, 50);
  AppendMany(5, "s");
  ExpectExactly(*sub, 51, 5);
}

TEST_F(SubscriptionTest, StartsFromTheGivenPosition) {
  AppendMany(20, "s");
  auto sub = std::move(store_->Subscribe(15)).value();
  ExpectExactly(*sub, 15, 6);
  EXPECT_EQ(sub->next_position(), 21u);
}

TEST_F(SubscriptionTest, NextTimesOutEmptyWhenNothingIsNew) {
  auto sub = std::move(store_->Subscribe(1)).value();
  auto batch = sub->Next(10, 20ms);
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->empty());
}

TEST_F(SubscriptionTest, CatchUpToLiveSwitchUnderConcurrentAppendsMissesNothing) {
  AppendMany(500, "pre");
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 1500;
  auto sub = std::move(store_->Subscribe(1)).value();
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([this, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        ASSERT_TRUE(
            store_->Append("w" + std::to_string(w), ExpectedVersion::Any(), {MakeEvent("E")}).ok());
      }
    });
  }
  ExpectExactly(*sub, 1, 500 + kWriters * kPerWriter);
  for (auto& t : writers) t.join();
}

TEST_F(SubscriptionTest, SlowSubscriberFallsBackToTheLogWithoutLosingEvents) {
  options_.subscriber_buffer_events = 4;
  Reopen();
  auto sub = std::move(store_->Subscribe(1)).value();
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 3000; ++i) {
      ASSERT_TRUE(
          store_->Append("s", ExpectedVersion::Any(), {MakeEvent("E"), MakeEvent("F")}).ok());
    }
    done = true;
  });
  // Consume slowly in small batches so the 4-event buffer overflows repeatedly.
  std::uint64_t expected = 1;
  while (expected <= 6000) {
    auto batch = sub->Next(3, 1000ms);
    ASSERT_TRUE(batch.ok());
    for (const auto& e : *batch) ASSERT_EQ(e.position, expected++);
    if (!done) std::this_thread::sleep_for(100us);
  }
  writer.join();
}

TEST_F(SubscriptionTest, StalledSubscriberNeverBlocksAppends) {
  options_.subscriber_buffer_events = 16;
  Reopen();
  auto stalled = std::move(store_->Subscribe(1)).value();
  AppendMany(2000, "s");  // would deadlock if appends waited for the subscriber
  ExpectExactly(*stalled, 1, 2000);
}

TEST_F(SubscriptionTest, ManySubscribersEachGetEverything) {
  std::vector<std::unique_ptr<Subscription>> subs;
  for (int i = 0; i < 16; ++i) subs.push_back(std::move(store_->Subscribe(1)).value());
  std::thread writer([this] { AppendMany(400, "s"); });
  std::vector<std::thread> readers;
  for (auto& sub : subs) readers.emplace_back([&sub] { ExpectExactly(*sub, 1, 400); });
  writer.join();
  for (auto& r : readers) r.join();
}

TEST_F(SubscriptionTest, StopWakesAWaitingConsumer) {
  auto sub = std::move(store_->Subscribe(1)).value();
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    sub->Stop();
  });
  auto start = std::chrono::steady_clock::now();
  auto batch = sub->Next(10, 30s);
  stopper.join();
  EXPECT_EQ(batch.status().code(), StatusCode::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

}  // namespace
}  // namespace chronicle::eventstore
