#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chronicle/domain/department.hpp"
#include "chronicle/domain/role.hpp"
#include "chronicle/domain/user.hpp"
#include "chronicle/json/parse.hpp"

#ifndef CHRONICLE_FIXTURES
#error "CHRONICLE_FIXTURES must name the tests/fixtures directory"
#endif

namespace chronicle::domain {
namespace {

using Strings = std::vector<std::string>;

// One aggregate's codec, so the round trip is written once.
template <typename Event>
struct Codec {
  std::string_view (*type)(const Event&);
  Json (*encode)(const Event&);
  Result<Event> (*decode)(std::string_view, const Json&);
};

const Codec<department::Event> kDepartmentCodec = {department::EventType, department::EncodeEvent,
                                                   department::DecodeEvent};
const Codec<user::Event> kUserCodec = {user::EventType, user::EncodeEvent, user::DecodeEvent};
const Codec<role::Event> kRoleCodec = {role::EventType, role::EncodeEvent, role::DecodeEvent};

template <typename Event>
void ExpectRoundTrip(const Codec<Event>& codec, const Event& event) {
  const std::string type(codec.type(event));
  const Json encoded = codec.encode(event);
  const std::string text = encoded.Dump();
  SCOPED_TRACE(type + " " + text);
  ASSERT_TRUE(encoded.is_object());

  // Straight from the Json object.
  auto decoded = codec.decode(type, encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->index(), event.index());
  EXPECT_EQ(codec.type(*decoded), type);
  EXPECT_EQ(codec.encode(*decoded), encoded) << codec.encode(*decoded).Dump();
  EXPECT_EQ(codec.encode(*decoded).Dump(), text);

  // And through the text, as the event log stores it.
  auto parsed = ParseJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, encoded) << parsed->Dump();
  auto reread = codec.decode(type, *parsed);
  ASSERT_TRUE(reread.ok()) << reread.status().ToString();
  EXPECT_EQ(codec.encode(*reread).Dump(), text);
}

template <typename Event>
void ExpectEveryAlternativeSampled(const std::vector<Event>& samples) {
  std::set<std::size_t> alternatives;
  for (const auto& e : samples) alternatives.insert(e.index());
  EXPECT_EQ(alternatives.size(), std::variant_size_v<Event>);
}

std::vector<department::Event> DepartmentSamples() {
  using namespace department;  // NOLINT(google-build-using-namespace)
  return {
      Created{"d-top", "办公室", "", 0},
      Created{"d-sales", "销售部 \"华东\"\n\t\\", "d-top", 10},
      Renamed{"华东销售部"},
      Renamed{""},
      Moved{"d-east"},
      Resorted{-3},
      Resorted{9'007'199'254'740'993},  // not representable as a double
      Deleted{},
  };
}

std::vector<user::Event> UserSamples() {
  using namespace user;  // NOLINT(google-build-using-namespace)
  Profile full{"张三",     "male",   "zhangsan@example.com",         "d-sales",
               "销售经理", "u-boss", Strings{"r-sales", "r-manager"}};
  Profile minimal;
  minimal.name = "李四";
  minimal.department_id = "d-sales";
  minimal.role_ids = {"r-sales"};
  ProfileChanged all;
  all.name = "张三丰";
  all.gender = "female";
  all.email = "";
  all.department_id = "d-east";
  all.position = "总监";
  all.supervisor_id = "u-ceo";
  all.role_ids = Strings{"r-a"};
  ProfileChanged only_name;
  only_name.name = "王五";
  ProfileChanged cleared_supervisor;
  cleared_supervisor.supervisor_id = "";
  ProfileChanged empty_roles;
  empty_roles.role_ids = Strings{};
  return {
      Created{"u-1", "13800000000", full, "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"},
      Created{"u-2", "13900000000", minimal, "h"},
      all,
      only_name,
      cleared_supervisor,
      empty_roles,
      ProfileChanged{},
      Disabled{},
      Enabled{},
      PasswordSet{"new-hash", true},
      PasswordSet{"self-hash", false},
  };
}

std::vector<role::Event> RoleSamples() {
  using namespace role;  // NOLINT(google-build-using-namespace)
  std::vector<Event> samples = {
      Created{"r-admin", "超级管理员", {}, DataScope::kAll, true},
      Created{
          "r-sales", "销售", {"customer.create", "customer.read"}, DataScope::kDepartment, false},
      Changed{"销售主管", Strings{"lead.read"}, DataScope::kDepartmentAndChildren},
      Changed{std::nullopt, Strings{}, std::nullopt},
      Changed{},
      Deleted{},
  };
  for (DataScope scope : {DataScope::kSelf, DataScope::kSelfAndSubordinates, DataScope::kDepartment,
                          DataScope::kDepartmentAndChildren, DataScope::kAll}) {
    samples.emplace_back(Changed{std::nullopt, std::nullopt, scope});
  }
  return samples;
}

// --- Round trips ------------------------------------------------------------

TEST(CodecTest, DepartmentEventsRoundTrip) {
  const auto samples = DepartmentSamples();
  ExpectEveryAlternativeSampled(samples);
  for (const auto& e : samples) ExpectRoundTrip(kDepartmentCodec, e);
}

TEST(CodecTest, UserEventsRoundTrip) {
  const auto samples = UserSamples();
  ExpectEveryAlternativeSampled(samples);
  for (const auto& e : samples) ExpectRoundTrip(kUserCodec, e);
}

TEST(CodecTest, RoleEventsRoundTrip) {
  const auto samples = RoleSamples();
  ExpectEveryAlternativeSampled(samples);
  for (const auto& e : samples) ExpectRoundTrip(kRoleCodec, e);
}

TEST(CodecTest, DecodedUserProfileChangedKeepsPresence) {
  user::ProfileChanged cleared;
  cleared.supervisor_id = "";
  cleared.role_ids = Strings{};
  auto decoded = user::DecodeEvent("UserProfileChanged", user::EncodeEvent(cleared));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const auto& c = std::get<user::ProfileChanged>(*decoded);
  EXPECT_EQ(c.supervisor_id, "");
  EXPECT_EQ(c.role_ids, Strings{});
  EXPECT_FALSE(c.name.has_value());
  EXPECT_FALSE(c.gender.has_value());
  EXPECT_FALSE(c.email.has_value());
  EXPECT_FALSE(c.department_id.has_value());
  EXPECT_FALSE(c.position.has_value());
}

// --- Stable names and formats -----------------------------------------------

TEST(CodecTest, EventTypeNamesAreStable) {
  EXPECT_EQ(department::EventType(department::Created{}), "DepartmentCreated");
  EXPECT_EQ(department::EventType(department::Renamed{}), "DepartmentRenamed");
  EXPECT_EQ(department::EventType(department::Moved{}), "DepartmentMoved");
  EXPECT_EQ(department::EventType(department::Resorted{}), "DepartmentResorted");
  EXPECT_EQ(department::EventType(department::Deleted{}), "DepartmentDeleted");
  EXPECT_EQ(user::EventType(user::Created{}), "UserCreated");
  EXPECT_EQ(user::EventType(user::ProfileChanged{}), "UserProfileChanged");
  EXPECT_EQ(user::EventType(user::Disabled{}), "UserDisabled");
  EXPECT_EQ(user::EventType(user::Enabled{}), "UserEnabled");
  EXPECT_EQ(user::EventType(user::PasswordSet{}), "UserPasswordSet");
  EXPECT_EQ(role::EventType(role::Created{}), "RoleCreated");
  EXPECT_EQ(role::EventType(role::Changed{}), "RoleChanged");
  EXPECT_EQ(role::EventType(role::Deleted{}), "RoleDeleted");
}

TEST(CodecTest, PayloadFormatsAreStable) {
  EXPECT_EQ(department::EncodeEvent(department::Created{"d-top", "办公室", "", 0}).Dump(),
            R"({"id":"d-top","name":"办公室","parent_id":null,"sort":0})");
  EXPECT_EQ(department::EncodeEvent(department::Deleted{}).Dump(), "{}");
  user::Profile profile{"张三", "male", "", "d-sales", "", "", Strings{"r-sales"}};
  EXPECT_EQ(user::EncodeEvent(user::Created{"u-1", "13800000000", profile, "h"}).Dump(),
            R"({"id":"u-1","username":"13800000000","name":"张三","gender":"male","email":"",)"
            R"("department_id":"d-sales","position":"","supervisor_id":null,)"
            R"("role_ids":["r-sales"],"password_hash":"h"})");
  user::ProfileChanged cleared;
  cleared.supervisor_id = "";
  EXPECT_EQ(user::EncodeEvent(cleared).Dump(), R"({"supervisor_id":null})");
  EXPECT_EQ(user::EncodeEvent(user::PasswordSet{"h", true}).Dump(),
            R"({"password_hash":"h","by_admin":true})");
  EXPECT_EQ(role::EncodeEvent(role::Changed{std::nullopt, std::nullopt, DataScope::kAll}).Dump(),
            R"({"data_scope":"all"})");
}

// --- Unknown types ----------------------------------------------------------

TEST(CodecTest, UnknownTypesAreInvalidArgument) {
  const Json payload = Json::MakeObject();
  for (const char* type : {"", "DepartmentExploded", "departmentcreated", "DepartmentCreated ",
                           "UserCreated", "RoleDeleted"}) {
    EXPECT_EQ(department::DecodeEvent(type, payload).status().code(), StatusCode::kInvalidArgument)
        << type;
  }
  for (const char* type : {"", "UserDeleted", "usercreated", "DepartmentCreated", "RoleCreated"}) {
    EXPECT_EQ(user::DecodeEvent(type, payload).status().code(), StatusCode::kInvalidArgument)
        << type;
  }
  for (const char* type : {"", "RoleRenamed", "rolecreated", "UserCreated", "DepartmentDeleted"}) {
    EXPECT_EQ(role::DecodeEvent(type, payload).status().code(), StatusCode::kInvalidArgument)
        << type;
  }
}

// --- Old payloads stay readable ---------------------------------------------

TEST(CodecTest, UserCreatedWithoutOptionalFieldsGetsDefaults) {
  Json p = Json::MakeObject();
  p.Set("id", "u-1");
  p.Set("username", "13800000000");
  p.Set("name", "张三");
  p.Set("department_id", "d-sales");
  p.Set("role_ids", Json::Array{"r-sales"});
  p.Set("password_hash", "h");
  auto decoded = user::DecodeEvent("UserCreated", p);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const auto& e = std::get<user::Created>(*decoded);
  EXPECT_EQ(e.id, "u-1");
  EXPECT_EQ(e.username, "13800000000");
  EXPECT_EQ(e.password_hash, "h");
  EXPECT_EQ(e.profile.name, "张三");
  EXPECT_EQ(e.profile.gender, "unknown");
  EXPECT_EQ(e.profile.email, "");
  EXPECT_EQ(e.profile.department_id, "d-sales");
  EXPECT_EQ(e.profile.position, "");
  EXPECT_EQ(e.profile.supervisor_id, "");
  EXPECT_EQ(e.profile.role_ids, Strings{"r-sales"});
}

TEST(CodecTest, EmptyPayloadsDecodeToDefaults) {
  const Json empty = Json::MakeObject();
  {
    auto d = user::DecodeEvent("UserCreated", empty);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    const auto& e = std::get<user::Created>(*d);
    EXPECT_EQ(e.id, "");
    EXPECT_EQ(e.profile.gender, "unknown");
    EXPECT_TRUE(e.profile.role_ids.empty());
  }
  {
    auto d = user::DecodeEvent("UserPasswordSet", empty);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(std::get<user::PasswordSet>(*d).password_hash, "");
    EXPECT_FALSE(std::get<user::PasswordSet>(*d).by_admin);
  }
  {
    auto d = user::DecodeEvent("UserProfileChanged", empty);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(user::EncodeEvent(*d).Dump(), "{}");
  }
  {
    auto d = department::DecodeEvent("DepartmentCreated", empty);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    const auto& e = std::get<department::Created>(*d);
    EXPECT_EQ(e.parent_id, "");
    EXPECT_EQ(e.sort, 0);
  }
  {
    auto d = department::DecodeEvent("DepartmentResorted", empty);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(std::get<department::Resorted>(*d).sort, 0);
  }
  {
    auto d = role::DecodeEvent("RoleCreated", empty);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    const auto& e = std::get<role::Created>(*d);
    EXPECT_TRUE(e.permissions.empty());
    EXPECT_EQ(e.data_scope, DataScope::kSelf);
    EXPECT_FALSE(e.builtin);
  }
  {
    auto d = role::DecodeEvent("RoleChanged", empty);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    const auto& e = std::get<role::Changed>(*d);
    EXPECT_FALSE(e.name.has_value());
    EXPECT_FALSE(e.permissions.has_value());
    EXPECT_FALSE(e.data_scope.has_value());
  }
}

TEST(CodecTest, UnknownExtraFieldsAreIgnored) {
  Json p = department::EncodeEvent(department::Renamed{"销售部"});
  p.Set("added_in_v2", Json::Array{1, 2});
  auto d = department::DecodeEvent("DepartmentRenamed", p);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(std::get<department::Renamed>(*d).name, "销售部");
}

// --- The v1 fixture ---------------------------------------------------------

const std::set<std::string>& AllTypeNames() {
  static const auto* names = new std::set<std::string>{
      "DepartmentCreated", "DepartmentRenamed", "DepartmentMoved",    "DepartmentResorted",
      "DepartmentDeleted", "UserCreated",       "UserProfileChanged", "UserDisabled",
      "UserEnabled",       "UserPasswordSet",   "RoleCreated",        "RoleChanged",
      "RoleDeleted"};
  return *names;
}

struct Decoded {
  std::string type;  // EventType of the decoded event
  Json reencoded;
};

template <typename Event>
Result<Decoded> DecodeWith(const Codec<Event>& codec, std::string_view type, const Json& payload) {
  auto event = codec.decode(type, payload);
  if (!event.ok()) return event.status();
  return Decoded{std::string(codec.type(*event)), codec.encode(*event)};
}

Result<Decoded> DecodeAny(std::string_view type, const Json& payload) {
  if (type.starts_with("Department")) return DecodeWith(kDepartmentCodec, type, payload);
  if (type.starts_with("User")) return DecodeWith(kUserCodec, type, payload);
  if (type.starts_with("Role")) return DecodeWith(kRoleCodec, type, payload);
  return InvalidArgumentError("no aggregate for " + std::string(type));
}

TEST(CodecFixtureTest, EveryV1EventDecodes) {
  const std::string path = std::string(CHRONICLE_FIXTURES) + "/events/org_v1.jsonl";
  std::ifstream in(path);
  ASSERT_TRUE(in.is_open()) << path;
  std::set<std::string> seen;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    SCOPED_TRACE(testing::Message() << path << ":" << line_no << ": " << line);
    auto doc = ParseJson(line);
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    const Json* type = doc->Find("type");
    ASSERT_TRUE(type != nullptr && type->is_string());
    const Json* version = doc->Find("schema_version");
    ASSERT_TRUE(version != nullptr && version->is_int());
    EXPECT_EQ(version->as_int(), 1);
    const Json* payload = doc->Find("payload");
    ASSERT_TRUE(payload != nullptr && payload->is_object());

    auto decoded = DecodeAny(type->as_string(), *payload);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(decoded->type, type->as_string());
    // Every stored field keeps its meaning: re-encoding gives it back as is
    // (fields added later may appear with their defaults).
    for (const auto& [key, value] : payload->as_object()) {
      const Json* again = decoded->reencoded.Find(key);
      if (again == nullptr) {
        ADD_FAILURE() << "field " << key << " was dropped: " << decoded->reencoded.Dump();
        continue;
      }
      EXPECT_EQ(*again, value) << "field " << key << ": stored " << value.Dump() << ", re-encoded "
                               << again->Dump();
    }
    EXPECT_TRUE(seen.insert(type->as_string()).second) << "duplicate type " << type->as_string();
  }
  EXPECT_EQ(seen, AllTypeNames());
}

TEST(CodecFixtureTest, SamplesCoverExactlyTheKnownTypes) {
  std::set<std::string> types;
  for (const auto& e : DepartmentSamples()) types.emplace(department::EventType(e));
  for (const auto& e : UserSamples()) types.emplace(user::EventType(e));
  for (const auto& e : RoleSamples()) types.emplace(role::EventType(e));
  EXPECT_EQ(types, AllTypeNames());
}

}  // namespace
}  // namespace chronicle::domain
