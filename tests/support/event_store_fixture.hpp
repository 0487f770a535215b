#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "chronicle/eventstore/event_store.hpp"
#include "temp_dir.hpp"
#include "test_events.hpp"

namespace chronicle::testing {

// A real RocksDB store in a temp dir, reopenable within one test.
class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    auto opened = eventstore::EventStore::Open(options_, dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  eventstore::AppendResult MustAppend(const std::string& stream,
                                      eventstore::ExpectedVersion expected,
                                      std::vector<eventstore::NewEvent> events) {
    auto result = store_->Append(stream, expected, std::move(events));
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : eventstore::AppendResult{};
  }

  std::vector<eventstore::RecordedEvent> MustReadAll(std::uint64_t from = 1,
                                                     std::size_t limit = 1'000'000) {
    auto events = store_->ReadAll(from, limit);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    return events.ok() ? *events : std::vector<eventstore::RecordedEvent>{};
  }

  TempDir dir_;
  // Durability does not change what these tests check; async keeps them fast.
  eventstore::Options options_ = [] {
    eventstore::Options o;
    o.durability = eventstore::Durability::kAsync;
    return o;
  }();
  std::unique_ptr<eventstore::EventStore> store_;
};

}  // namespace chronicle::testing
