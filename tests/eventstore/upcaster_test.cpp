#include <gtest/gtest.h>

#include "event_store_fixture.hpp"

namespace chronicle::eventstore {
namespace {

using chronicle::testing::MakeEvent;

// CustomerCreated v1 had "title"; v2 renamed it to "name"; v3 added "level".
class UpcasterTest : public chronicle::testing::EventStoreTest {
 protected:
  void SetUp() override {
    auto registry = std::make_shared<UpcasterRegistry>();
    registry->Register("CustomerCreated", 1, [](const std::string& p) {
      std::string out = p;
      out.replace(out.find("title"), 5, "name");
      return out;
    });
    registry->Register("CustomerCreated", 2, [](const std::string& p) {
      return p.substr(0, p.size() - 1) + R"(,"level":"c"})";
    });
    options_.upcasters = registry;
    EventStoreTest::SetUp();
    NewEvent old_event = MakeEvent("CustomerCreated", R"({"title":"甲"})");
    old_event.schema_version = 1;
    NewEvent unknown = MakeEvent("SomethingNew", R"({"x":1})");
    unknown.schema_version = 9;
    MustAppend("c-1", ExpectedVersion::NoStream(), {old_event, unknown});
  }

  static void ExpectNewestShape(const std::vector<RecordedEvent>& events) {
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].schema_version, 3);
    EXPECT_EQ(events[0].payload, R"({"name":"甲","level":"c"})");
    EXPECT_EQ(events[1].schema_version, 9);  // unknown type: untouched
    EXPECT_EQ(events[1].payload, R"({"x":1})");
  }
};

TEST_F(UpcasterTest, StreamReadsSeeTheNewestShape) {
  ExpectNewestShape(*store_->ReadStreamForward("c-1", 0, 10));
  auto backward = *store_->ReadStreamBackward("c-1", 1, 10);
  std::reverse(backward.begin(), backward.end());
  ExpectNewestShape(backward);
}

TEST_F(UpcasterTest, LogReadsSeeTheNewestShape) { ExpectNewestShape(MustReadAll()); }

TEST_F(UpcasterTest, SubscriptionsSeeTheNewestShape) {
  auto sub = store_->Subscribe(1);
  ASSERT_TRUE(sub.ok());
  auto batch = (*sub)->Next(10, std::chrono::milliseconds(1000));
  ASSERT_TRUE(batch.ok());
  ExpectNewestShape(*batch);
  // Live delivery goes through the same chain.
  NewEvent live = MakeEvent("CustomerCreated", R"({"title":"乙"})");
  live.schema_version = 1;
  MustAppend("c-2", ExpectedVersion::NoStream(), {live});
  auto next = (*sub)->Next(10, std::chrono::milliseconds(5000));
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].payload, R"({"name":"乙","level":"c"})");
}

TEST_F(UpcasterTest, CurrentVersionEventsPassThrough) {
  NewEvent current = MakeEvent("CustomerCreated", R"({"name":"丙","level":"a"})");
  current.schema_version = 3;
  MustAppend("c-3", ExpectedVersion::NoStream(), {current});
  auto events = *store_->ReadStreamForward("c-3", 0, 1);
  EXPECT_EQ(events[0].payload, current.payload);
}

}  // namespace
}  // namespace chronicle::eventstore
