#include "chronicle/base/json.hpp"

#include <gtest/gtest.h>

#include "chronicle/json/parse.hpp"

namespace chronicle {
namespace {

TEST(JsonTest, WriterEscapesUserDataAndKeepsChinese) {
  Json doc = Json::MakeObject();
  doc.Set("name", "上海\"引号\"\\ 换行\n");
  doc.Set("ctrl", std::string("a\x01z"));
  doc.Set("n", 42);
  doc.Set("list", Json::Array{true, nullptr, 1.5});
  EXPECT_EQ(doc.Dump(),
            R"({"name":"上海\"引号\"\\ 换行\n","ctrl":"a\u0001z","n":42,"list":[true,null,1.5]})");
}

TEST(JsonTest, ParseRoundTrips) {
  const std::string text = R"({"a":[1,-2,3.25,"四"],"b":{"c":null,"d":false}})";
  auto parsed = ParseJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Dump(), text);
  EXPECT_EQ(parsed->Find("a")->as_array()[1].as_int(), -2);
  EXPECT_EQ(parsed->Find("missing"), nullptr);
}

// Found by fuzz/fuzz_json: 1.0 was written as "1" and read back as an integer.
TEST(JsonTest, IntegralDoubleStaysDoubleThroughDump) {
  for (const char* text : {"1.0", "-0.0", "1e2", "10000000000000000.0", "[2.0,{\"x\":-3.0}]"}) {
    auto parsed = ParseJson(text);
    ASSERT_TRUE(parsed.ok()) << text;
    auto again = ParseJson(parsed->Dump());
    ASSERT_TRUE(again.ok()) << parsed->Dump();
    EXPECT_EQ(*again, *parsed) << text << " -> " << parsed->Dump();
  }
  EXPECT_EQ(Json(100.0).Dump(), "100.0");
  EXPECT_EQ(Json(2.5).Dump(), "2.5");
  EXPECT_EQ(Json(1e300).Dump(), "1.0000000000000001e+300");
}

TEST(JsonTest, MalformedInputIsInvalidArgument) {
  for (const char* bad : {"", "{", "{\"a\":}", "[1,2", "nul", "{\"a\":1,\"a\":2}"}) {
    auto parsed = ParseJson(bad);
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(JsonTest, SetReplacesAndEraseRemoves) {
  Json doc = Json::MakeObject();
  doc.Set("a", 1);
  doc.Set("a", 2);
  doc.Set("b", 3);
  doc.Erase("b");
  EXPECT_EQ(doc.Dump(), R"({"a":2})");
}

}  // namespace
}  // namespace chronicle

#include "chronicle/base/time.hpp"

namespace chronicle {
namespace {

TEST(TimeTest, FormatsAndParsesRfc3339Milliseconds) {
  const std::int64_t ns = 1'795'600'800'123'000'000;  // 2026-11-25T10:00:00.123Z
  EXPECT_EQ(FormatTimestamp(ns), "2026-11-25T10:00:00.123Z");
  EXPECT_EQ(ParseTimestamp("2026-11-25T10:00:00.123Z"), ns);
  EXPECT_EQ(ParseTimestamp("2026-11-25T18:00:00.123+08:00"), ns);
  EXPECT_EQ(ParseTimestamp("2026-11-25T10:00:00Z"), ns - 123'000'000);
  EXPECT_FALSE(ParseTimestamp("2026-13-25T10:00:00Z").has_value());
  EXPECT_FALSE(ParseTimestamp("yesterday").has_value());
  EXPECT_FALSE(ParseTimestamp("2026-11-25T10:00:00").has_value());
}

}  // namespace
}  // namespace chronicle
