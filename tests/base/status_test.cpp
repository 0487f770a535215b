#include <gtest/gtest.h>

#include "chronicle/base/hex.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/base/uuid.hpp"

namespace chronicle {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return InvalidArgumentError("not positive");
  return v;
}

Result<int> Doubled(int v) {
  CHRONICLE_ASSIGN_OR_RETURN(int parsed, ParsePositive(v));
  return parsed * 2;
}

Status Check(int v) {
  CHRONICLE_RETURN_IF_ERROR(Doubled(v).status());
  return Status::Ok();
}

TEST(StatusTest, ResultCarriesValueOrError) {
  EXPECT_EQ(*Doubled(4), 8);
  EXPECT_EQ(Doubled(-1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Doubled(-1).status().message(), "not positive");
  EXPECT_TRUE(Check(1).ok());
  EXPECT_EQ(Check(0).code(), StatusCode::kInvalidArgument);
}

TEST(StatusTest, AbortedCarriesCurrentVersion) {
  Status s = AbortedError("stale").WithCurrentVersion(7);
  EXPECT_EQ(s.current_version(), std::optional<std::int64_t>(7));
  EXPECT_EQ(s.ToString(), "aborted: stale");
}

TEST(UuidTest, V7IsTimeOrderedAndRoundTrips) {
  Uuid a = NewUuidV7(1'700'000'000'000);
  Uuid b = NewUuidV7(1'700'000'000'001);
  EXPECT_LT(a, b);
  EXPECT_EQ(a.bytes[6] >> 4, 7);
  EXPECT_EQ(a.bytes[8] >> 6, 2);
  auto parsed = Uuid::Parse(a.ToString());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, a);
  EXPECT_EQ(a.ToString().size(), 36u);
  EXPECT_FALSE(Uuid::Parse("not-a-uuid").has_value());
}

TEST(HexTest, RoundTripsAndRejectsBadInput) {
  const std::uint8_t bytes[] = {0x00, 0xab, 0xff};
  EXPECT_EQ(HexEncode(bytes), "00abff");
  EXPECT_EQ(*HexDecode("00ABff"), std::string("\x00\xab\xff", 3));
  EXPECT_FALSE(HexDecode("abc").has_value());
  EXPECT_FALSE(HexDecode("zz").has_value());
}

}  // namespace
}  // namespace chronicle
