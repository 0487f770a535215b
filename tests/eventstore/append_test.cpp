#include <gtest/gtest.h>

#include <future>

#include "event_store_fixture.hpp"

namespace chronicle::eventstore {
namespace {

using chronicle::testing::IdFromNumber;
using chronicle::testing::MakeEvent;

class AppendTest : public chronicle::testing::EventStoreTest {};

TEST_F(AppendTest, FirstAppendStartsAtVersionZeroAndPositionOne) {
  auto r = MustAppend("customer-1", ExpectedVersion::NoStream(), {MakeEvent("CustomerCreated")});
  EXPECT_EQ(r.first_position, 1u);
  EXPECT_EQ(r.last_position, 1u);
  EXPECT_EQ(r.last_version, 0u);
  EXPECT_FALSE(r.duplicate);
  EXPECT_EQ(store_->LastPosition(), 1u);
  auto version = store_->StreamVersion("customer-1");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, std::optional<std::uint64_t>(0));
}

TEST_F(AppendTest, MultiEventAppendGetsConsecutiveVersionsAndPositions) {
  MustAppend("other", ExpectedVersion::NoStream(), {MakeEvent("A")});
  auto r = MustAppend("s", ExpectedVersion::NoStream(),
                      {MakeEvent("A"), MakeEvent("B"), MakeEvent("C")});
  EXPECT_EQ(r.first_position, 2u);
  EXPECT_EQ(r.last_position, 4u);
  EXPECT_EQ(r.last_version, 2u);
  auto events = MustReadAll();
  ASSERT_EQ(events.size(), 4u);
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(events[i].stream, "s");
    EXPECT_EQ(events[i].version, i - 1);
    EXPECT_EQ(events[i].position, i + 1);
  }
}

TEST_F(AppendTest, NoStreamFailsOnExistingStreamWithItsVersion) {
  MustAppend("s", ExpectedVersion::NoStream(), {MakeEvent("A"), MakeEvent("B")});
  auto r = store_->Append("s", ExpectedVersion::NoStream(), {MakeEvent("C")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kAborted);
  EXPECT_EQ(r.status().current_version(), std::optional<std::int64_t>(1));
  EXPECT_EQ(store_->LastPosition(), 2u);
}

TEST_F(AppendTest, StreamExistsFailsOnMissingStream) {
  auto r = store_->Append("nope", ExpectedVersion::StreamExists(), {MakeEvent("A")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kAborted);
  EXPECT_EQ(r.status().current_version(), std::optional<std::int64_t>(-1));
  EXPECT_EQ(store_->LastPosition(), 0u);
  MustAppend("yes", ExpectedVersion::NoStream(), {MakeEvent("A")});
  EXPECT_EQ(MustAppend("yes", ExpectedVersion::StreamExists(), {MakeEvent("B")}).last_version, 1u);
}

TEST_F(AppendTest, ExactVersionMismatchAppendsNothing) {
  MustAppend("s", ExpectedVersion::NoStream(), {MakeEvent("A"), MakeEvent("B"), MakeEvent("C")});
  for (std::uint64_t wrong : {0u, 1u, 3u, 99u}) {
    auto r = store_->Append("s", ExpectedVersion::Exact(wrong), {MakeEvent("X"), MakeEvent("Y")});
    ASSERT_FALSE(r.ok()) << wrong;
    EXPECT_EQ(r.status().code(), StatusCode::kAborted);
    EXPECT_EQ(r.status().current_version(), std::optional<std::int64_t>(2));
  }
  auto exact_on_missing = store_->Append("missing", ExpectedVersion::Exact(0), {MakeEvent("X")});
  EXPECT_EQ(exact_on_missing.status().code(), StatusCode::kAborted);
  EXPECT_EQ(store_->LastPosition(), 3u);
  EXPECT_EQ(MustAppend("s", ExpectedVersion::Exact(2), {MakeEvent("D")}).last_version, 3u);
}

TEST_F(AppendTest, AnyAppendsWhateverTheVersion) {
  MustAppend("s", ExpectedVersion::Any(), {MakeEvent("A")});
  EXPECT_EQ(MustAppend("s", ExpectedVersion::Any(), {MakeEvent("B")}).last_version, 1u);
}

TEST_F(AppendTest, RepeatWithSameIdsAndContentReturnsOriginalResultAndAppendsNothing) {
  std::vector<NewEvent> events = {MakeEvent("A", R"({"n":1})", IdFromNumber(1)),
                                  MakeEvent("B", R"({"n":2})", IdFromNumber(2))};
  MustAppend("before", ExpectedVersion::NoStream(), {MakeEvent("X")});
  auto first = MustAppend("s", ExpectedVersion::NoStream(), events);
  MustAppend("s", ExpectedVersion::Exact(1), {MakeEvent("C")});

  // A client retrying after a lost response: its expected version is stale now.
  auto again = store_->Append("s", ExpectedVersion::NoStream(), events);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->first_position, first.first_position);
  EXPECT_EQ(again->last_position, first.last_position);
  EXPECT_EQ(again->last_version, first.last_version);
  EXPECT_EQ(store_->LastPosition(), 4u);
}

TEST_F(AppendTest, SameIdWithOtherContentIsAlreadyExists) {
  MustAppend("s", ExpectedVersion::NoStream(), {MakeEvent("A", R"({"n":1})", IdFromNumber(7))});
  auto r =
      store_->Append("s", ExpectedVersion::Any(), {MakeEvent("A", R"({"n":2})", IdFromNumber(7))});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->LastPosition(), 1u);
}

TEST_F(AppendTest, SameIdInAnotherStreamIsAlreadyExists) {
  MustAppend("s", ExpectedVersion::NoStream(), {MakeEvent("A", "{}", IdFromNumber(7))});
  auto r = store_->Append("t", ExpectedVersion::Any(), {MakeEvent("A", "{}", IdFromNumber(7))});
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->LastPosition(), 1u);
}

TEST_F(AppendTest, PartlyKnownIdsAreAlreadyExists) {
  MustAppend("s", ExpectedVersion::NoStream(), {MakeEvent("A", "{}", IdFromNumber(1))});
  auto r = store_->Append(
      "s", ExpectedVersion::Any(),
      {MakeEvent("A", "{}", IdFromNumber(1)), MakeEvent("B", "{}", IdFromNumber(2))});
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->LastPosition(), 1u);
}

TEST_F(AppendTest, DuplicateIdsWithinOneAppendAreInvalid) {
  auto r = store_->Append(
      "s", ExpectedVersion::Any(),
      {MakeEvent("A", "{}", IdFromNumber(1)), MakeEvent("B", "{}", IdFromNumber(1))});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AppendTest, RejectsEmptyStreamEmptyBatchAndEmptyType) {
  EXPECT_EQ(store_->Append("", ExpectedVersion::Any(), {MakeEvent("A")}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Append("s", ExpectedVersion::Any(), {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Append("s", ExpectedVersion::Any(), {MakeEvent("")}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Append(std::string(2000, 's'), ExpectedVersion::Any(), {MakeEvent("A")})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->LastPosition(), 0u);
}

TEST_F(AppendTest, GeneratesTimeOrderedIdsWhenNoneGiven) {
  MustAppend("s", ExpectedVersion::Any(), {MakeEvent("A"), MakeEvent("B")});
  auto events = MustReadAll();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(events[0].id.is_nil());
  EXPECT_NE(events[0].id, events[1].id);
  EXPECT_EQ(events[0].id.bytes[6] >> 4, 7);  // UUIDv7
}

TEST_F(AppendTest, RecordsMetadataAndPayloadVerbatim) {
  NewEvent e = MakeEvent("客户已创建", R"({"name":"上海某某科技有限公司"})");
  e.schema_version = 3;
  e.metadata = {"user-42", "corr-9", "cause-8"};
  MustAppend("customer-中文", ExpectedVersion::NoStream(), {e});
  auto events = MustReadAll();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, e.type);
  EXPECT_EQ(events[0].payload, e.payload);
  EXPECT_EQ(events[0].schema_version, 3);
  EXPECT_EQ(events[0].metadata, e.metadata);
  EXPECT_EQ(events[0].stream, "customer-中文");
}

TEST_F(AppendTest, RecordedAtNeverGoesBackwardsWhenTheClockDoes) {
  std::int64_t now = 5'000'000'000;
  options_.clock = [&now] { return now; };
  Reopen();
  MustAppend("s", ExpectedVersion::Any(), {MakeEvent("A")});
  now = 1'000'000'000;  // the wall clock steps back
  MustAppend("s", ExpectedVersion::Any(), {MakeEvent("B")});
  auto events = MustReadAll();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].recorded_at_ns, 5'000'000'000);
  EXPECT_EQ(events[1].recorded_at_ns, 5'000'000'000);
}

TEST_F(AppendTest, ReopenRecoversPositionHeadHashAndContinuesTheChain) {
  MustAppend("a", ExpectedVersion::NoStream(), {MakeEvent("A"), MakeEvent("B")});
  MustAppend("b", ExpectedVersion::NoStream(), {MakeEvent("C")});
  const Hash head = store_->HeadHash();
  Reopen();
  EXPECT_EQ(store_->LastPosition(), 3u);
  EXPECT_EQ(store_->HeadHash(), head);
  auto r = store_->Append("a", ExpectedVersion::NoStream(), {MakeEvent("D")});
  EXPECT_EQ(r.status().code(), StatusCode::kAborted);
  EXPECT_EQ(MustAppend("a", ExpectedVersion::Exact(1), {MakeEvent("D")}).first_position, 4u);
}

TEST_F(AppendTest, IdempotencySurvivesReopen) {
  auto event = MakeEvent("A", "{}", IdFromNumber(3));
  auto first = MustAppend("s", ExpectedVersion::NoStream(), {event});
  Reopen();
  auto again = store_->Append("s", ExpectedVersion::NoStream(), {event});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->first_position, first.first_position);
}

TEST_F(AppendTest, AsyncAppendReportsThroughCallback) {
  std::promise<Result<AppendResult>> promise;
  store_->AppendAsync("s", ExpectedVersion::NoStream(), {MakeEvent("A")},
                      [&](Result<AppendResult> r) { promise.set_value(std::move(r)); });
  auto result = promise.get_future().get();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->last_position, 1u);
}

}  // namespace
}  // namespace chronicle::eventstore
