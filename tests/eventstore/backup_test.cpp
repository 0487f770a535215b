#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "chronicle/eventstore/verify.hpp"
#include "event_store_fixture.hpp"

namespace chronicle::eventstore {
namespace {

using chronicle::testing::MakeEvent;

class BackupTest : public chronicle::testing::EventStoreTest {};

TEST_F(BackupTest, OnlineBackupWhileAppendingOpensAndVerifies) {
  for (int i = 0; i < 500; ++i) MustAppend("s", ExpectedVersion::Any(), {MakeEvent("E")});
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      ASSERT_TRUE(store_
                      ->Append("w" + std::to_string(i % 5), ExpectedVersion::Any(),
                               {MakeEvent("E"), MakeEvent("F")})
                      .ok());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  ASSERT_TRUE(store_->Backup(dir_.path("backup")).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  stop = true;
  writer.join();

  auto report = VerifyLog(dir_.path("backup"));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GE(report->events, 500u);
  EXPECT_LE(report->events, store_->LastPosition());

  auto copy = EventStore::Open(options_, dir_.path("backup"));
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ((*copy)->LastPosition(), report->events);
  // The copy is a prefix of the live log: same records, same hashes.
  auto original = MustReadAll(1, report->events);
  auto copied = *(*copy)->ReadAll(1, report->events);
  EXPECT_EQ(original, copied);
}

TEST_F(BackupTest, RefusesAnExistingTarget) {
  std::filesystem::create_directories(dir_.path("taken"));
  EXPECT_EQ(store_->Backup(dir_.path("taken")).code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace chronicle::eventstore
