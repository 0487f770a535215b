#include <gtest/gtest.h>

#include "event_store_fixture.hpp"

namespace chronicle::eventstore {
namespace {

using chronicle::testing::MakeEvent;

class ReadTest : public chronicle::testing::EventStoreTest {
 protected:
  void SetUp() override {
    EventStoreTest::SetUp();
    // Interleave two streams so stream reads must use the index, not the log order.
    for (int i = 0; i < 10; ++i) {
      MustAppend("a", ExpectedVersion::Any(), {MakeEvent("A" + std::to_string(i))});
      MustAppend("b", ExpectedVersion::Any(), {MakeEvent("B" + std::to_string(i))});
    }
  }

  static std::vector<std::uint64_t> Versions(const std::vector<RecordedEvent>& events) {
    std::vector<std::uint64_t> out;
    for (const auto& e : events) out.push_back(e.version);
    return out;
  }
};

TEST_F(ReadTest, StreamForwardFromVersionWithLimit) {
  auto events = store_->ReadStreamForward("a", 3, 4);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(Versions(*events), (std::vector<std::uint64_t>{3, 4, 5, 6}));
  EXPECT_EQ((*events)[0].type, "A3");
  EXPECT_EQ((*events)[0].position, 7u);
  auto tail = store_->ReadStreamForward("a", 8, 100);
  EXPECT_EQ(Versions(*tail), (std::vector<std::uint64_t>{8, 9}));
  auto past_end = store_->ReadStreamForward("a", 10, 100);
  EXPECT_TRUE(past_end->empty());
}

TEST_F(ReadTest, StreamBackwardFromVersionWithLimit) {
  auto events = store_->ReadStreamBackward("b", 5, 3);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(Versions(*events), (std::vector<std::uint64_t>{5, 4, 3}));
  EXPECT_EQ((*events)[0].type, "B5");
  auto from_latest = store_->ReadStreamBackward("b", UINT64_MAX, 2);
  EXPECT_EQ(Versions(*from_latest), (std::vector<std::uint64_t>{9, 8}));
  auto to_start = store_->ReadStreamBackward("b", 1, 100);
  EXPECT_EQ(Versions(*to_start), (std::vector<std::uint64_t>{1, 0}));
}

TEST_F(ReadTest, StreamWhosePrefixMatchesAnotherIsNotMixedIn) {
  MustAppend("ab", ExpectedVersion::Any(), {MakeEvent("AB")});
  auto a = store_->ReadStreamForward("a", 0, 100);
  EXPECT_EQ(a->size(), 10u);
  auto ab = store_->ReadStreamBackward("ab", UINT64_MAX, 100);
  ASSERT_EQ(ab->size(), 1u);
  EXPECT_EQ((*ab)[0].type, "AB");
}

TEST_F(ReadTest, MissingStreamReadsEmptyAndHasNoVersion) {
  EXPECT_TRUE(store_->ReadStreamForward("zzz", 0, 10)->empty());
  EXPECT_TRUE(store_->ReadStreamBackward("zzz", UINT64_MAX, 10)->empty());
  EXPECT_EQ(*store_->StreamVersion("zzz"), std::nullopt);
  EXPECT_EQ(*store_->StreamVersion("a"), std::optional<std::uint64_t>(9));
}

TEST_F(ReadTest, ReadAllFromPositionWithLimitIsGaplessAndOrdered) {
  auto all = MustReadAll();
  ASSERT_EQ(all.size(), 20u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].position, i + 1);
  auto page = MustReadAll(15, 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page.front().position, 15u);
  EXPECT_EQ(page.back().position, 17u);
  EXPECT_TRUE(MustReadAll(21, 10).empty());
  EXPECT_EQ(MustReadAll(0, 1).front().position, 1u);  // position 0 means "from the start"
  EXPECT_EQ(store_->LastPosition(), 20u);
}

TEST_F(ReadTest, HashesChainAcrossRecords) {
  auto all = MustReadAll();
  EXPECT_EQ(all.back().hash, store_->HeadHash());
  EXPECT_NE(all[0].hash, all[1].hash);
}

}  // namespace
}  // namespace chronicle::eventstore
