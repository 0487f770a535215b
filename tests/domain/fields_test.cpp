#include "chronicle/domain/fields.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/json/parse.hpp"

namespace chronicle::domain {
namespace {

Json J(std::string_view text) {
  Result<Json> parsed = ParseJson(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : Json();
}

const EntitySpec& Spec(std::string_view name) {
  const EntitySpec* spec = FindEntityByName(name);
  EXPECT_NE(spec, nullptr) << name;
  return *spec;
}

// Known users and customers; taken names, folded.
struct Facts {
  std::set<std::string> users = {"u1", "u2"};
  std::set<std::string> customers = {"c1"};
  std::set<std::string> taken = {"acme"};  // folded values held by record "other"
  FieldFacts facts() const {
    FieldFacts f;
    f.exists = [this](std::string_view collection, std::string_view id) {
      if (collection == "users") return users.contains(std::string(id));
      if (collection == "customers") return customers.contains(std::string(id));
      return false;
    };
    f.taken = [this](std::string_view, std::string_view normalized, std::string_view self_id) {
      return self_id != "other" && taken.contains(std::string(normalized));
    };
    return f;
  }
};

// Asserts an error status with the exact code and field.
void ExpectError(const Result<Json>& r, StatusCode code, std::string_view field) {
  ASSERT_FALSE(r.ok()) << "expected an error naming " << field << ", got " << r->Dump();
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  ASSERT_TRUE(r.status().field().has_value()) << r.status().ToString();
  EXPECT_EQ(*r.status().field(), field) << r.status().ToString();
}

// ---- A hand-made table with every type --------------------------------------
constexpr std::array<EnumOption, 3> kColours = {
    {{"red", "红色"}, {"green", "绿色"}, {"blue", "蓝色"}}};
constexpr std::array<FieldSpec, 15> kAllFields = {{
    {"title", FieldType::kText, "标题", kRequired | kUnique, 10},
    {"note", FieldType::kLongText, "说明", 0, 20},
    {"plain", FieldType::kText, "默认长度"},
    {"count", FieldType::kNumber, "数量"},
    {"price", FieldType::kMoney, "价格"},
    {"day", FieldType::kDate, "日期"},
    {"at", FieldType::kDateTime, "时间"},
    {"colour", FieldType::kEnum, "颜色", 0, 0, kColours},
    {"colours", FieldType::kEnumSet, "颜色们", 0, 0, kColours},
    {"flag", FieldType::kBool, "标记"},
    {"owner_id", FieldType::kUser, "负责人"},
    {"customer_id", FieldType::kRef, "客户", 0, 0, {}, "customers"},
    {"team", FieldType::kTeam, "团队"},
    {"labels", FieldType::kStrings, "标签", 0, 5},
    {"status", FieldType::kEnum, "状态", kReadOnly, 0, kColours},
}};
constexpr EntitySpec kThing{"thing", "things", "thing-", "Thing", "东西", kAllFields, true, true};

class FieldsTest : public ::testing::Test {
 protected:
  Result<Json> Create(std::string_view body, std::span<const CustomField> custom = {}) {
    return ValidateCreate(kThing, custom, J(body), facts_.facts(), "");
  }
  Result<Json> Patch(std::string_view current, std::string_view patch,
                     std::span<const CustomField> custom = {}) {
    return ValidatePatch(kThing, custom, J(current), J(patch), facts_.facts(), "self");
  }
  Facts facts_;
};

TEST_F(FieldsTest, CreateNormalizesEveryType) {
  Result<Json> r = Create(R"({
    "id": "ignored", "version": 3, "created_at": "x", "updated_at": "y", "created_by": "z",
    "title": "  Widget ", "note": "line 1\n\tline 2", "count": 42, "price": "12500.5",
    "day": "2024-02-29", "at": "2026-11-25T18:00:00+08:00", "colour": "red",
    "colours": ["blue", "red"], "flag": false, "owner_id": "u1", "customer_id": "c1",
    "team": [{"user_id": "u2", "access": "write", "expires_at": "2027-01-01T00:00:00Z"},
             {"access": "read", "user_id": "u1"}],
    "labels": ["vip", "北京"]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Dump(), J(R"({"title": "Widget", "note": "line 1\n\tline 2", "count": 42,
    "price": "12500.50", "day": "2024-02-29", "at": "2026-11-25T10:00:00.000Z",
    "colour": "red", "colours": ["blue", "red"], "flag": false, "owner_id": "u1",
    "customer_id": "c1",
    "team": [{"user_id": "u2", "access": "write", "expires_at": "2027-01-01T00:00:00.000Z"},
             {"user_id": "u1", "access": "read", "expires_at": null}],
    "labels": ["vip", "北京"]})")
                           .Dump());
}

TEST_F(FieldsTest, CreateNullAndBlankAreAbsent) {
  Result<Json> r = Create(R"({"title": "a", "note": "  ", "count": null, "plain": ""})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Dump(), R"({"title":"a"})");
}

TEST_F(FieldsTest, CreateBodyMustBeAnObject) {
  Result<Json> r = Create(R"(["title"])");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(r.status().field().has_value());
}

TEST_F(FieldsTest, CreateRefusesUnknownAndReadOnlyKeys) {
  ExpectError(Create(R"({"title": "a", "colour_x": 1})"), StatusCode::kInvalidArgument, "colour_x");
  ExpectError(Create(R"({"title": "a", "status": "red"})"), StatusCode::kInvalidArgument, "status");
  EXPECT_TRUE(Create(R"({"title": "a", "status": null})").ok());  // null is absent
}

TEST_F(FieldsTest, CreateRequired) {
  ExpectError(Create(R"({})"), StatusCode::kInvalidArgument, "title");
  ExpectError(Create(R"({"title": null})"), StatusCode::kInvalidArgument, "title");
  ExpectError(Create(R"({"title": " \t "})"), StatusCode::kInvalidArgument, "title");
}

struct Bad {
  std::string_view body;
  std::string_view field;
};

TEST_F(FieldsTest, CreateRefusesIllTypedValues) {
  const std::vector<Bad> cases = {
      {R"({"title": 5})", "title"},
      {R"({"title": "12345678901"})", "title"},      // 11 > 10 characters
      {R"({"title": "一二三四五六七八九十"})", ""},  // 10 characters (30 bytes) fit
      {R"({"title": "a\nb"})", "title"},
      {R"({"note": "123456789012345678901"})", "note"},
      {R"({"note": "a\u0001"})", "note"},
      {R"({"count": 1.5})", "count"},
      {R"({"count": "1"})", "count"},
      {R"({"price": "1.005"})", "price"},
      {R"({"price": "abc"})", "price"},
      {R"({"price": "1e3"})", "price"},
      {R"({"price": true})", "price"},
      {R"({"day": "2023-02-29"})", "day"},
      {R"({"day": "2024-1-01"})", "day"},
      {R"({"day": "2024-13-01"})", "day"},
      {R"({"at": "2026-11-25"})", "at"},
      {R"({"at": "2026-11-25T25:00:00Z"})", "at"},
      {R"({"at": "2026-11-25T10:00:00"})", "at"},  // no zone
      {R"({"at": "2026-11-25T 1:00:00Z"})", "at"},
      {R"({"colour": "purple"})", "colour"},
      {R"({"colour": "红色"})", "colour"},  // labels are for text, not the API
      {R"({"colours": ["red", "red"]})", "colours"},
      {R"({"colours": "red"})", "colours"},
      {R"({"flag": "true"})", "flag"},
      {R"({"owner_id": "nobody"})", "owner_id"},
      {R"({"owner_id": 7})", "owner_id"},
      {R"({"customer_id": "c404"})", "customer_id"},
      {R"({"team": [{"user_id": "nobody", "access": "read"}]})", "team"},
      {R"({"team": [{"user_id": "u1", "access": "admin"}]})", "team"},
      {R"({"team": [{"user_id": "u1", "access": "read", "expires_at": "soon"}]})", "team"},
      {R"({"team": [{"user_id": "u1", "access": "read"}, {"user_id": "u1", "access": "write"}]})",
       "team"},
      {R"({"team": [{"user_id": "u1", "access": "read", "role": "x"}]})", "team"},
      {R"({"labels": ["123456"]})", "labels"},  // max_length 5
      {R"({"labels": [1]})", "labels"},
      {R"({"labels": "vip"})", "labels"},
  };
  for (const Bad& c : cases) {
    SCOPED_TRACE(c.body);
    std::string body(c.body);
    if (body.find("\"title\"") == std::string::npos) body.insert(1, R"("title": "t", )");
    if (c.field.empty()) {
      EXPECT_TRUE(Create(body).ok()) << Create(body).status().ToString();
    } else {
      ExpectError(Create(body), StatusCode::kInvalidArgument, c.field);
    }
  }
}

TEST_F(FieldsTest, ReferenceMessageSaysDoesNotExist) {
  Result<Json> r = Create(R"({"title": "t", "owner_id": "ghost"})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("does not exist"), std::string::npos);
}

TEST_F(FieldsTest, StringsAtMostOneHundred) {
  std::string body = R"({"title": "t", "labels": [)";
  for (int i = 0; i < 101; ++i) body += (i == 0 ? "" : ",") + std::string("\"a\"");
  body += "]}";
  ExpectError(Create(body), StatusCode::kInvalidArgument, "labels");
}

TEST_F(FieldsTest, UniqueIsCaseAndWidthInsensitive) {
  for (std::string_view name : {"acme", "ACME", "ａｃｍｅ", " Ａcme "}) {
    SCOPED_TRACE(name);
    Json body = J(R"({"title": ""})");
    body.Set("title", name);
    ExpectError(ValidateCreate(kThing, {}, body, facts_.facts(), ""), StatusCode::kAlreadyExists,
                "title");
    // The record that holds the name may keep it.
    EXPECT_TRUE(ValidateCreate(kThing, {}, body, facts_.facts(), "other").ok());
  }
  EXPECT_TRUE(Create(R"({"title": "acme2"})").ok());
}

TEST(FoldForCompareTest, NfkcAndCaseFold) {
  EXPECT_EQ(FoldForCompare("ACME"), "acme");
  EXPECT_EQ(FoldForCompare("ａｃｍｅ"), "acme");
  EXPECT_EQ(FoldForCompare(" acme "), "acme");
  EXPECT_EQ(FoldForCompare("\u3000ＡＣＭＥ\u3000"), "acme");  // ideographic spaces
  EXPECT_EQ(FoldForCompare("Straße"), "strasse");
  EXPECT_EQ(FoldForCompare("华为技术"), "华为技术");
  EXPECT_EQ(FoldForCompare(""), "");
  EXPECT_EQ(FoldForCompare("AB\xff"), "ab\xff");  // not UTF-8: ASCII folding only
}

TEST(MoneyTest, ParseAndFormatExactly) {
  EXPECT_EQ(ParseMoney("12500"), 1250000);
  EXPECT_EQ(ParseMoney("12500.5"), 1250050);
  EXPECT_EQ(ParseMoney("12500.50"), 1250050);
  EXPECT_EQ(ParseMoney("-3.10"), -310);
  EXPECT_EQ(ParseMoney("0.1").value() + ParseMoney("0.2").value(), ParseMoney("0.3").value());
  EXPECT_EQ(FormatMoney(*ParseMoney("0.1") + *ParseMoney("0.2")), "0.30");
  EXPECT_EQ(FormatMoney(0), "0.00");
  EXPECT_EQ(FormatMoney(5), "0.05");
  EXPECT_EQ(FormatMoney(-5), "-0.05");
  EXPECT_EQ(FormatMoney(1250000), "12500.00");
  EXPECT_EQ(FormatMoney(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
  EXPECT_EQ(FormatMoney(std::numeric_limits<std::int64_t>::max()), "92233720368547758.07");
  EXPECT_EQ(ParseMoney("92233720368547758.07"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(ParseMoney("-92233720368547758.08"), std::numeric_limits<std::int64_t>::min());
  for (std::string_view bad :
       {"92233720368547758.08", "-92233720368547758.09", "99999999999999999999999", "1.005", "1.",
        ".5", "", "-", "1,000", "1e5", "0x10", "¥5", "1.2.3", " - 1"}) {
    EXPECT_EQ(ParseMoney(bad), std::nullopt) << bad;
  }
}

TEST_F(FieldsTest, MoneyFromJsonNumbersWithoutBinaryDrift) {
  Result<Json> r = Create(R"({"title": "t", "price": 0.1})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Find("price")->as_string(), "0.10");
  r = Create(R"({"title": "t", "price": 19.99})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Find("price")->as_string(), "19.99");
  r = Create(R"({"title": "t", "price": 1000000})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Find("price")->as_string(), "1000000.00");
  ExpectError(Create(R"({"title": "t", "price": 0.125})"), StatusCode::kInvalidArgument, "price");
  ExpectError(Create(R"({"title": "t", "price": 1e30})"), StatusCode::kInvalidArgument, "price");
  ExpectError(Create(R"({"title": "t", "price": 9223372036854775807})"),
              StatusCode::kInvalidArgument, "price");
  ExpectError(Create(R"({"title": "t", "price": "100000000000000000"})"),
              StatusCode::kInvalidArgument, "price");
}

// ---- Merge patches ----------------------------------------------------------
TEST_F(FieldsTest, PatchReturnsOnlyChanges) {
  const std::string current =
      R"({"title": "Widget", "count": 1, "price": "5.00", "colour": "red", "status": "green"})";
  Result<Json> r = Patch(current, R"({"title": " Widget ", "count": 2, "price": 5,
                                      "note": null, "id": "x", "version": 9})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Dump(), R"({"count":2})");
}

TEST_F(FieldsTest, PatchNullClears) {
  Result<Json> r = Patch(R"({"title": "a", "colour": "red"})", R"({"colour": null})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Dump(), R"({"colour":null})");
  r = Patch(R"({"title": "a", "note": "x"})", R"({"note": ""})");  // blank text clears too
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Dump(), R"({"note":null})");
  ExpectError(Patch(R"({"title": "a"})", R"({"title": null})"), StatusCode::kInvalidArgument,
              "title");
  ExpectError(Patch(R"({"title": "a"})", R"({"title": "  "})"), StatusCode::kInvalidArgument,
              "title");
}

TEST_F(FieldsTest, PatchReadOnlyOnlyWhenUnchanged) {
  const std::string current = R"({"title": "a", "status": "green"})";
  Result<Json> r = Patch(current, R"({"status": "green"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Dump(), "{}");
  ExpectError(Patch(current, R"({"status": "blue"})"), StatusCode::kInvalidArgument, "status");
  ExpectError(Patch(current, R"({"status": null})"), StatusCode::kInvalidArgument, "status");
  EXPECT_TRUE(Patch(R"({"title": "a"})", R"({"status": null})").ok());
}

TEST_F(FieldsTest, PatchChecksTypesUnknownKeysAndUniqueness) {
  ExpectError(Patch(R"({"title": "a"})", R"({"count": "x"})"), StatusCode::kInvalidArgument,
              "count");
  ExpectError(Patch(R"({"title": "a"})", R"({"bogus": 1})"), StatusCode::kInvalidArgument, "bogus");
  ExpectError(Patch(R"({"title": "a"})", R"({"title": "ＡＣＭＥ"})"), StatusCode::kAlreadyExists,
              "title");
  Result<Json> r = Patch(R"({"title": "a"})", R"([1])");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(r.status().field().has_value());
}

// ---- Custom fields ----------------------------------------------------------
std::vector<CustomField> AllCustomFields() {
  std::vector<CustomField> f(10);
  f[0] = {"code", "编码", FieldType::kText, {}, true, true, Json()};
  f[1] = {"story", "故事", FieldType::kLongText, {}, false, false, Json()};
  f[2] = {"weight", "重量", FieldType::kNumber, {}, false, false, Json()};
  f[3] = {"budget", "预算", FieldType::kMoney, {}, false, false, Json()};
  f[4] = {"since", "开始", FieldType::kDate, {}, false, false, Json()};
  f[5] = {"when", "时间", FieldType::kDateTime, {}, false, false, Json()};
  f[6] = {"tier", "等级", FieldType::kEnum, {"gold", "silver"}, false, false, Json("silver")};
  f[7] = {"tags", "标签", FieldType::kEnumSet, {"x", "y"}, false, false, Json()};
  f[8] = {"vip", "VIP", FieldType::kBool, {}, false, false, Json("否")};  // default as text
  f[9] = {"rep", "代表", FieldType::kUser, {}, false, false, Json()};
  return f;
}

TEST_F(FieldsTest, CustomFieldsPerTypeWithDefaults) {
  const std::vector<CustomField> custom = AllCustomFields();
  Result<Json> r = Create(R"({"title": "t", "custom": {"code": "C-1", "story": "a\nb",
      "weight": 1.5, "budget": "9.9", "since": "2020-01-31", "when": "2026-01-01T08:00:00+08:00",
      "tags": ["y"], "rep": "u2"}})",
                          custom);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Find("custom")->Dump(),
            J(R"({"code": "C-1", "story": "a\nb", "weight": 1.5, "budget": "9.90",
                  "since": "2020-01-31", "when": "2026-01-01T00:00:00.000Z", "tier": "silver",
                  "tags": ["y"], "vip": false, "rep": "u2"})")
                .Dump());
  r = Create(R"({"title": "t", "custom": {"code": "C-1", "weight": 3, "vip": true}})", custom);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->Find("custom")->Find("weight"), Json(3));
  EXPECT_EQ(*r->Find("custom")->Find("vip"), Json(true));
}

TEST_F(FieldsTest, CustomFieldErrorsNameCustomKey) {
  const std::vector<CustomField> custom = AllCustomFields();
  const std::vector<Bad> cases = {
      {R"({"title": "t", "custom": {"code": "c", "nope": 1}})", "custom.nope"},
      {R"({"title": "t", "custom": {}})", "custom.code"},
      {R"({"title": "t"})", "custom.code"},
      {R"({"title": "t", "custom": {"code": null}})", "custom.code"},
      {R"({"title": "t", "custom": {"code": "c", "story": 1}})", "custom.story"},
      {R"({"title": "t", "custom": {"code": "c", "weight": "1"}})", "custom.weight"},
      {R"({"title": "t", "custom": {"code": "c", "budget": "1.234"}})", "custom.budget"},
      {R"({"title": "t", "custom": {"code": "c", "since": "2020-02-30"}})", "custom.since"},
      {R"({"title": "t", "custom": {"code": "c", "when": "yesterday"}})", "custom.when"},
      {R"({"title": "t", "custom": {"code": "c", "tier": "bronze"}})", "custom.tier"},
      {R"({"title": "t", "custom": {"code": "c", "tags": ["z"]}})", "custom.tags"},
      {R"({"title": "t", "custom": {"code": "c", "vip": 1}})", "custom.vip"},
      {R"({"title": "t", "custom": {"code": "c", "rep": "ghost"}})", "custom.rep"},
      {R"({"title": "t", "custom": "x"})", "custom"},
  };
  for (const Bad& c : cases) {
    SCOPED_TRACE(c.body);
    ExpectError(Create(c.body, custom), StatusCode::kInvalidArgument, c.field);
  }
  ExpectError(Create(R"({"title": "t", "custom": {"code": "ACME"}})", custom),
              StatusCode::kAlreadyExists, "custom.code");
}

TEST_F(FieldsTest, CustomFieldLongTextLimitIs5000) {
  const std::vector<CustomField> custom = AllCustomFields();
  Json body = J(R"({"title": "t", "custom": {"code": "c"}})");
  Json values = *body.Find("custom");
  values.Set("story", std::string(5000, 'x'));
  body.Set("custom", values);
  EXPECT_TRUE(ValidateCreate(kThing, custom, body, facts_.facts(), "").ok());
  values.Set("story", std::string(5001, 'x'));
  body.Set("custom", values);
  ExpectError(ValidateCreate(kThing, custom, body, facts_.facts(), ""),
              StatusCode::kInvalidArgument, "custom.story");
}

TEST_F(FieldsTest, CustomPatchMergesKeyByKey) {
  const std::vector<CustomField> custom = AllCustomFields();
  const std::string current = R"({"title": "t", "custom": {"code": "c", "tier": "gold",
                                   "weight": 2}})";
  Result<Json> r = Patch(current, R"({"custom": {"tier": "gold", "weight": 3, "story": null,
                                                  "budget": "7"}})",
                         custom);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Dump(), R"({"custom":{"weight":3,"budget":"7.00"}})");
  r = Patch(current, R"({"custom": {"tier": null}})", custom);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Dump(), R"({"custom":{"tier":null}})");
  r = Patch(current, R"({"custom": {"tier": "gold"}})", custom);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Dump(), "{}");
  ExpectError(Patch(current, R"({"custom": {"code": null}})", custom), StatusCode::kInvalidArgument,
              "custom.code");
  ExpectError(Patch(current, R"({"custom": {"zzz": 1}})", custom), StatusCode::kInvalidArgument,
              "custom.zzz");
  ExpectError(Patch(current, R"({"custom": {"code": "acme"}})", custom), StatusCode::kAlreadyExists,
              "custom.code");
}

// ---- The real tables --------------------------------------------------------
TEST_F(FieldsTest, CustomerTable) {
  const EntitySpec& customer = Spec("customer");
  const FieldFacts f = facts_.facts();
  Result<Json> r = ValidateCreate(customer, {}, J(R"({"name": "华为", "level": "a",
      "owner_id": "u1", "next_contact_at": "2026-11-25T10:00:00Z"})"),
                                  f, "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Dump(), J(R"({"name": "华为", "level": "a",
      "next_contact_at": "2026-11-25T10:00:00.000Z", "owner_id": "u1"})")
                           .Dump());
  ExpectError(ValidateCreate(customer, {}, J(R"({"name": "ＡＣＭＥ"})"), f, ""),
              StatusCode::kAlreadyExists, "name");
  ExpectError(ValidateCreate(customer, {},
                             J(R"({"name": "x", "pool_due_at": "2026-01-01T00:00:00Z"})"), f, ""),
              StatusCode::kInvalidArgument, "pool_due_at");
  ExpectError(ValidateCreate(customer, {}, J(R"({"name": "x", "locked": true})"), f, ""),
              StatusCode::kInvalidArgument, "locked");
  ExpectError(ValidateCreate(customer, {}, J(R"({"name": "x", "level": "d"})"), f, ""),
              StatusCode::kInvalidArgument, "level");
  ExpectError(ValidateCreate(customer, {}, J(R"({"name": "x", "custom": {"k": 1}})"), f, ""),
              StatusCode::kInvalidArgument, "custom.k");
  ExpectError(ValidateCreate(customer, {}, J(R"({"name": "x", "team": []})"), f, ""),
              StatusCode::kInvalidArgument, "team");
}

TEST_F(FieldsTest, LeadAndContactTables) {
  const FieldFacts f = facts_.facts();
  ExpectError(ValidateCreate(Spec("lead"), {}, J(R"({"company": "x"})"), f, ""),
              StatusCode::kInvalidArgument, "name");
  ExpectError(ValidateCreate(Spec("lead"), {}, J(R"({"name": "x", "source": "tv"})"), f, ""),
              StatusCode::kInvalidArgument, "source");
  ExpectError(ValidateCreate(Spec("lead"), {}, J(R"({"name": "x", "status": "converted"})"), f, ""),
              StatusCode::kInvalidArgument, "status");
  ExpectError(ValidateCreate(Spec("contact"), {}, J(R"({"name": "x"})"), f, ""),
              StatusCode::kInvalidArgument, "customer_id");
  ExpectError(
      ValidateCreate(Spec("contact"), {}, J(R"({"name": "x", "customer_id": "c9"})"), f, ""),
      StatusCode::kInvalidArgument, "customer_id");
  Result<Json> r = ValidateCreate(Spec("contact"), {},
                                  J(R"({"name": "张三", "customer_id": "c1", "is_primary": true,
                                        "birthday": "1990-05-17"})"),
                                  f, "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Patch of a contact: the same customer is no change; a read-only field sent back unchanged.
  r = ValidatePatch(Spec("contact"), {}, J(R"({"name": "张三", "customer_id": "c1",
                          "last_follow_up_at": "2026-01-01T00:00:00.000Z"})"),
                    J(R"({"customer_id": "c1", "last_follow_up_at": "2026-01-01T00:00:00Z",
                          "mobile": "13800000000"})"),
                    f, "x");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Dump(), R"({"mobile":"13800000000"})");
}

// ---- Text forms -------------------------------------------------------------
const FieldSpec& Field(std::string_view name) { return *kThing.Find(name); }

TEST(FieldTextTest, ParseFieldTextPerType) {
  EXPECT_EQ(*ParseFieldText(Field("colour"), "红色"), Json("red"));
  EXPECT_EQ(*ParseFieldText(Field("colour"), " green "), Json("green"));
  EXPECT_EQ(ParseFieldText(Field("colour"), "紫色").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseFieldText(Field("colours"), "红色、blue")->Dump(), R"(["red","blue"])");
  EXPECT_EQ(ParseFieldText(Field("colours"), "red,red").status().code(),
            StatusCode::kInvalidArgument);
  for (std::string_view t : {"true", "TRUE", "1", "是"}) {
    EXPECT_EQ(*ParseFieldText(Field("flag"), t), Json(true)) << t;
  }
  for (std::string_view t : {"false", "0", "否"}) {
    EXPECT_EQ(*ParseFieldText(Field("flag"), t), Json(false)) << t;
  }
  EXPECT_EQ(ParseFieldText(Field("flag"), "maybe").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseFieldText(Field("price"), "12500"), Json("12500.00"));
  EXPECT_EQ(ParseFieldText(Field("price"), "1.234").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseFieldText(Field("day"), "2024-02-29"), Json("2024-02-29"));
  EXPECT_EQ(ParseFieldText(Field("day"), "2024/02/29").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseFieldText(Field("at"), "2026-11-25 10:00:00"), Json("2026-11-25T10:00:00.000Z"));
  EXPECT_EQ(*ParseFieldText(Field("at"), "2026-11-25T18:00:00.5+08:00"),
            Json("2026-11-25T10:00:00.500Z"));
  EXPECT_EQ(ParseFieldText(Field("at"), "2026-11-25").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseFieldText(Field("count"), "-12"), Json(-12));
  EXPECT_EQ(ParseFieldText(Field("count"), "1.5").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseFieldText(Field("count"), "12abc").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseFieldText(Field("title"), " hello "), Json("hello"));
  EXPECT_TRUE(ParseFieldText(Field("title"), "   ")->is_null());
  EXPECT_EQ(ParseFieldText(Field("title"), "a\nb").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseFieldText(Field("labels"), "a、bb，c")->Dump(), R"(["a","bb","c"])");
  EXPECT_EQ(ParseFieldText(Field("team"), "u1:read、u2:write@2027-01-01T00:00:00Z")->Dump(),
            R"([{"user_id":"u1","access":"read","expires_at":null},)"
            R"({"user_id":"u2","access":"write","expires_at":"2027-01-01T00:00:00.000Z"}])");
  EXPECT_EQ(ParseFieldText(Field("team"), "u1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseFieldText(Field("colour"), "紫色").status().field().has_value());
}

TEST(FieldTextTest, CustomDecimalNumbers) {
  const CustomField def{"w", "重量", FieldType::kNumber, {}, false, false, Json()};
  const CustomFieldSpec spec(def);
  EXPECT_EQ(*ParseFieldText(spec.spec(), "2.5"), Json(2.5));
  EXPECT_EQ(*ParseFieldText(spec.spec(), "3"), Json(3));
  EXPECT_EQ(FieldText(spec.spec(), Json(2.5)), "2.5");
}

TEST(FieldTextTest, FieldTextPerType) {
  EXPECT_EQ(FieldText(Field("colour"), Json("red")), "红色");
  EXPECT_EQ(FieldText(Field("colours"), J(R"(["red","blue"])")), "红色、蓝色");
  EXPECT_EQ(FieldText(Field("flag"), Json(true)), "是");
  EXPECT_EQ(FieldText(Field("flag"), Json(false)), "否");
  EXPECT_EQ(FieldText(Field("price"), Json("12.50")), "12.50");
  EXPECT_EQ(FieldText(Field("count"), Json(7)), "7");
  EXPECT_EQ(FieldText(Field("title"), Json()), "");
  EXPECT_EQ(FieldText(Field("labels"), J(R"(["a","b"])")), "a、b");
  const Json team = J(R"([{"user_id":"u1","access":"read","expires_at":null},
                          {"user_id":"u2","access":"write","expires_at":"2027-01-01T00:00:00.000Z"}])");
  EXPECT_EQ(FieldText(Field("team"), team), "u1:read、u2:write@2027-01-01T00:00:00.000Z");
  // Round trips through text.
  EXPECT_EQ(*ParseFieldText(Field("team"), FieldText(Field("team"), team)), team);
  EXPECT_EQ(*ParseFieldText(Field("colours"), FieldText(Field("colours"), J(R"(["red","blue"])"))),
            J(R"(["red","blue"])"));
}

}  // namespace
}  // namespace chronicle::domain
