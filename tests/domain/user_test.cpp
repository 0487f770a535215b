#include "chronicle/domain/user.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace chronicle::domain {
namespace {

using user::Create;
using user::Created;
using user::Decide;
using user::Disable;
using user::Disabled;
using user::Enable;
using user::Enabled;
using user::Event;
using user::Evolve;
using user::PasswordSet;
using user::Profile;
using user::ProfileChanged;
using user::SetPassword;
using user::State;
using user::Update;

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::string_view kHash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

std::string Repeat(std::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

Profile ValidProfile() {
  Profile p;
  p.name = "张三";
  p.gender = "male";
  p.email = "zhangsan@example.com";
  p.department_id = "d-sales";
  p.position = "销售经理";
  p.supervisor_id = "u-boss";
  p.role_ids = {"r-sales"};
  return p;
}

Create ValidCreate() {
  Create c;
  c.id = "u-1";
  c.username = "13800000000";
  c.password_hash = std::string(kHash);
  c.profile = ValidProfile();
  return c;
}

State Existing() {
  return Evolve(State{}, Created{"u-1", "13800000000", ValidProfile(), std::string(kHash)});
}

Status CreateStatus(const Create& c) { return Decide(State{}, c, kNow).status(); }

void ExpectFieldError(const Status& status, std::string_view field) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  ASSERT_TRUE(status.field().has_value()) << status.ToString();
  EXPECT_EQ(*status.field(), field);
}

// The one ProfileChanged a successful Update decided, or a failure.
ProfileChanged SingleChange(const Result<std::vector<Event>>& events) {
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  if (!events.ok()) return {};
  EXPECT_EQ(events->size(), 1U);
  if (events->size() != 1) return {};
  const auto* changed = std::get_if<ProfileChanged>(&(*events)[0]);
  EXPECT_NE(changed, nullptr);
  return changed != nullptr ? *changed : ProfileChanged{};
}

// --- Create -----------------------------------------------------------------

TEST(UserCreateTest, ValidCreateEmitsCreated) {
  auto events = Decide(State{}, ValidCreate(), kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  const auto* created = std::get_if<Created>(&(*events)[0]);
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->id, "u-1");
  EXPECT_EQ(created->username, "13800000000");
  EXPECT_EQ(created->password_hash, kHash);
  EXPECT_EQ(created->profile.name, "张三");
  EXPECT_EQ(created->profile.gender, "male");
  EXPECT_EQ(created->profile.email, "zhangsan@example.com");
  EXPECT_EQ(created->profile.department_id, "d-sales");
  EXPECT_EQ(created->profile.position, "销售经理");
  EXPECT_EQ(created->profile.supervisor_id, "u-boss");
  EXPECT_EQ(created->profile.role_ids, (std::vector<std::string>{"r-sales"}));
}

TEST(UserCreateTest, ExistingUserIsAlreadyExists) {
  EXPECT_EQ(Decide(Existing(), ValidCreate(), kNow).status().code(), StatusCode::kAlreadyExists);
}

TEST(UserUsernameTest, ElevenDigitsStartingWithOneIsValid) {
  EXPECT_TRUE(user::ValidateUsername("13800000000").ok());
  EXPECT_TRUE(user::ValidateUsername("19999999999").ok());
  Create c = ValidCreate();
  c.username = "13800000000";
  EXPECT_TRUE(CreateStatus(c).ok());
}

TEST(UserUsernameTest, InvalidUsernamesAreUsernameErrors) {
  for (const char* username : {"1380000000", "23800000000", "1380000000a", "", "138000000000",
                               " 3800000000", "1380000000 ", "+8613800000", "１3800000000"}) {
    SCOPED_TRACE(testing::Message() << "username='" << username << "'");
    ExpectFieldError(user::ValidateUsername(username), "username");
    Create c = ValidCreate();
    c.username = username;
    ExpectFieldError(CreateStatus(c), "username");
  }
}

TEST(UserCreateTest, TakenUsernameIsAlreadyExists) {
  Create c = ValidCreate();
  c.username_taken = true;
  EXPECT_EQ(CreateStatus(c).code(), StatusCode::kAlreadyExists);
}

TEST(UserCreateTest, BlankOrTooLongNameIsNameError) {
  Create c = ValidCreate();
  c.profile.name = " ";
  ExpectFieldError(CreateStatus(c), "name");
  c.profile.name = "";
  ExpectFieldError(CreateStatus(c), "name");
  c.profile.name = Repeat("张", 50);
  EXPECT_TRUE(CreateStatus(c).ok());
  c.profile.name = Repeat("张", 51);
  ExpectFieldError(CreateStatus(c), "name");
}

TEST(UserGenderTest, KnownGendersAreAccepted) {
  for (const char* gender : {"male", "female", "unknown"}) {
    Create c = ValidCreate();
    c.profile.gender = gender;
    EXPECT_TRUE(CreateStatus(c).ok()) << gender;
  }
}

TEST(UserGenderTest, OtherGendersAreGenderErrors) {
  for (const char* gender : {"", "Male", "FEMALE", "other", "男", "m"}) {
    SCOPED_TRACE(testing::Message() << "gender='" << gender << "'");
    Create c = ValidCreate();
    c.profile.gender = gender;
    ExpectFieldError(CreateStatus(c), "gender");
    Update u;
    u.changes.gender = gender;
    ExpectFieldError(Decide(Existing(), u, kNow).status(), "gender");
  }
}

TEST(UserEmailTest, EmptyOrPlausibleAddressesAreAccepted) {
  for (const char* email : {"", "a@b.cn", "zhang.san@example.com", "x+tag@mail.example.org"}) {
    Create c = ValidCreate();
    c.profile.email = email;
    EXPECT_TRUE(CreateStatus(c).ok()) << email;
  }
}

TEST(UserEmailTest, InvalidAddressesAreEmailErrors) {
  const std::string too_long = Repeat("a", 250) + "@b.cn";  // 255 bytes
  for (const std::string& email : {std::string("plainaddress"), std::string("@example.com"),
                                   std::string("a@b"), std::string("a.b@c"), too_long}) {
    SCOPED_TRACE(testing::Message() << "email='" << email << "'");
    Create c = ValidCreate();
    c.profile.email = email;
    ExpectFieldError(CreateStatus(c), "email");
    Update u;
    u.changes.email = email;
    ExpectFieldError(Decide(Existing(), u, kNow).status(), "email");
  }
}

TEST(UserCreateTest, EmptyRoleIdsIsRoleIdsError) {
  Create c = ValidCreate();
  c.profile.role_ids.clear();
  ExpectFieldError(CreateStatus(c), "role_ids");
}

TEST(UserCreateTest, UnknownRoleIsRoleIdsError) {
  Create c = ValidCreate();
  c.refs.roles_exist = false;
  ExpectFieldError(CreateStatus(c), "role_ids");
}

TEST(UserCreateTest, MissingDepartmentIsDepartmentIdError) {
  Create c = ValidCreate();
  c.profile.department_id = "";
  ExpectFieldError(CreateStatus(c), "department_id");
  c = ValidCreate();
  c.refs.department_exists = false;
  ExpectFieldError(CreateStatus(c), "department_id");
}

TEST(UserCreateTest, EmptyPasswordHashIsPasswordError) {
  Create c = ValidCreate();
  c.password_hash = "";
  ExpectFieldError(CreateStatus(c), "password");
}

TEST(UserCreateTest, MissingSupervisorIsSupervisorIdError) {
  Create c = ValidCreate();
  c.refs.supervisor_exists = false;
  ExpectFieldError(CreateStatus(c), "supervisor_id");
}

TEST(UserCreateTest, SupervisorCycleIsFailedPrecondition) {
  Create c = ValidCreate();
  c.refs.supervisor_cycle = true;
  EXPECT_EQ(CreateStatus(c).code(), StatusCode::kFailedPrecondition);
}

TEST(UserCreateTest, SupervisorFactsIgnoredWithoutSupervisor) {
  Create c = ValidCreate();
  c.profile.supervisor_id = "";
  c.refs.supervisor_exists = false;
  c.refs.supervisor_cycle = true;
  EXPECT_TRUE(CreateStatus(c).ok());
}

// --- Update -----------------------------------------------------------------

TEST(UserUpdateTest, EmitsOnlyChangedFields) {
  Update u;
  u.changes.name = "张三丰";                                 // changed
  u.changes.gender = "male";                                 // unchanged
  u.changes.email = "zhangsan@example.com";                  // unchanged
  u.changes.position = "销售总监";                           // changed
  u.changes.role_ids = std::vector<std::string>{"r-sales"};  // unchanged
  ProfileChanged c = SingleChange(Decide(Existing(), u, kNow));
  EXPECT_EQ(c.name, "张三丰");
  EXPECT_EQ(c.position, "销售总监");
  EXPECT_FALSE(c.gender.has_value());
  EXPECT_FALSE(c.email.has_value());
  EXPECT_FALSE(c.department_id.has_value());
  EXPECT_FALSE(c.supervisor_id.has_value());
  EXPECT_FALSE(c.role_ids.has_value());
}

TEST(UserUpdateTest, NothingChangedEmitsNothing) {
  const Profile p = ValidProfile();
  Update u;
  u.changes.name = p.name;
  u.changes.gender = p.gender;
  u.changes.email = p.email;
  u.changes.department_id = p.department_id;
  u.changes.position = p.position;
  u.changes.supervisor_id = p.supervisor_id;
  u.changes.role_ids = p.role_ids;
  // Reference facts only matter for fields that change.
  u.refs.department_exists = false;
  u.refs.supervisor_exists = false;
  u.refs.supervisor_cycle = true;
  u.refs.roles_exist = false;
  auto events = Decide(Existing(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_TRUE(events->empty()) << events->size();
}

TEST(UserUpdateTest, EmptyUpdateEmitsNothing) {
  auto events = Decide(Existing(), Update{}, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_TRUE(events->empty()) << events->size();
}

TEST(UserUpdateTest, SelfSupervisionIsFailedPrecondition) {
  Update u;
  u.changes.supervisor_id = "u-1";
  EXPECT_EQ(Decide(Existing(), u, kNow).status().code(), StatusCode::kFailedPrecondition);
}

TEST(UserUpdateTest, SupervisorCycleIsFailedPrecondition) {
  Update u;
  u.changes.supervisor_id = "u-report";
  u.refs.supervisor_cycle = true;
  EXPECT_EQ(Decide(Existing(), u, kNow).status().code(), StatusCode::kFailedPrecondition);
}

TEST(UserUpdateTest, MissingSupervisorIsSupervisorIdError) {
  Update u;
  u.changes.supervisor_id = "u-ghost";
  u.refs.supervisor_exists = false;
  ExpectFieldError(Decide(Existing(), u, kNow).status(), "supervisor_id");
}

TEST(UserUpdateTest, ClearingSupervisorSkipsSupervisorFacts) {
  Update u;
  u.changes.supervisor_id = "";
  u.refs.supervisor_exists = false;
  u.refs.supervisor_cycle = true;
  ProfileChanged c = SingleChange(Decide(Existing(), u, kNow));
  EXPECT_EQ(c.supervisor_id, "");
}

TEST(UserUpdateTest, DepartmentChangeIsValidated) {
  Update u;
  u.changes.department_id = "";
  ExpectFieldError(Decide(Existing(), u, kNow).status(), "department_id");
  u.changes.department_id = "d-ghost";
  u.refs.department_exists = false;
  ExpectFieldError(Decide(Existing(), u, kNow).status(), "department_id");
  u.refs.department_exists = true;
  ProfileChanged c = SingleChange(Decide(Existing(), u, kNow));
  EXPECT_EQ(c.department_id, "d-ghost");
}

TEST(UserUpdateTest, RoleChangeIsValidated) {
  Update u;
  u.changes.role_ids = std::vector<std::string>{};
  ExpectFieldError(Decide(Existing(), u, kNow).status(), "role_ids");
  u.changes.role_ids = std::vector<std::string>{"r-ghost"};
  u.refs.roles_exist = false;
  ExpectFieldError(Decide(Existing(), u, kNow).status(), "role_ids");
  u.refs.roles_exist = true;
  ProfileChanged c = SingleChange(Decide(Existing(), u, kNow));
  EXPECT_EQ(c.role_ids, (std::vector<std::string>{"r-ghost"}));
}

TEST(UserUpdateTest, BlankNameIsNameError) {
  Update u;
  u.changes.name = "\t";
  ExpectFieldError(Decide(Existing(), u, kNow).status(), "name");
}

TEST(UserUpdateTest, NonexistentIsNotFound) {
  Update u;
  u.changes.name = "李四";
  EXPECT_EQ(Decide(State{}, u, kNow).status().code(), StatusCode::kNotFound);
}

// --- Disable / Enable / SetPassword -----------------------------------------

TEST(UserStatusTest, DisableTwiceEmitsOneEventTotal) {
  State s = Existing();
  std::size_t total = 0;
  for (int i = 0; i < 2; ++i) {
    auto events = Decide(s, Disable{}, kNow);
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    total += events->size();
    for (const auto& e : *events) {
      EXPECT_TRUE(std::holds_alternative<Disabled>(e));
      s = Evolve(s, e);
    }
  }
  EXPECT_EQ(total, 1U);
  EXPECT_TRUE(s.disabled);
}

TEST(UserStatusTest, EnableReactivatesAndIsIdempotent) {
  State s = Existing();
  auto noop = Decide(s, Enable{}, kNow);
  ASSERT_TRUE(noop.ok()) << noop.status().ToString();
  EXPECT_TRUE(noop->empty());

  s = Evolve(s, Disabled{});
  auto events = Decide(s, Enable{}, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  EXPECT_TRUE(std::holds_alternative<Enabled>((*events)[0]));
  s = Evolve(s, (*events)[0]);
  EXPECT_FALSE(s.disabled);
}

TEST(UserStatusTest, NonexistentIsNotFound) {
  EXPECT_EQ(Decide(State{}, Disable{}, kNow).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Decide(State{}, Enable{}, kNow).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Decide(State{}, SetPassword{"h", false}, kNow).status().code(), StatusCode::kNotFound);
}

TEST(UserPasswordTest, SetPasswordEmitsPasswordSet) {
  for (bool by_admin : {false, true}) {
    auto events = Decide(Existing(), SetPassword{"new-hash", by_admin}, kNow);
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    ASSERT_EQ(events->size(), 1U);
    const auto* set = std::get_if<PasswordSet>(&(*events)[0]);
    ASSERT_NE(set, nullptr);
    EXPECT_EQ(set->password_hash, "new-hash");
    EXPECT_EQ(set->by_admin, by_admin);
    EXPECT_EQ(Evolve(Existing(), *set).password_hash, "new-hash");
  }
}

TEST(UserPasswordTest, EmptyHashIsPasswordError) {
  ExpectFieldError(Decide(Existing(), SetPassword{"", true}, kNow).status(), "password");
}

TEST(UserPasswordTest, ValidatePasswordLengthRules) {
  ExpectFieldError(user::ValidatePassword(""), "password");
  ExpectFieldError(user::ValidatePassword(Repeat("a", 7)), "password");
  EXPECT_TRUE(user::ValidatePassword(Repeat("a", 8)).ok());
  EXPECT_TRUE(user::ValidatePassword(Repeat("a", 128)).ok());
  ExpectFieldError(user::ValidatePassword(Repeat("a", 129)), "password");
}

TEST(UserPasswordTest, ValidatePasswordCountsCharactersNotBytes) {
  ExpectFieldError(user::ValidatePassword(Repeat("密", 7)), "password");
  EXPECT_TRUE(user::ValidatePassword(Repeat("密", 8)).ok());
  EXPECT_TRUE(user::ValidatePassword(Repeat("密", 128)).ok());
  ExpectFieldError(user::ValidatePassword(Repeat("密", 129)), "password");
}

// --- Evolve / ToJson --------------------------------------------------------

TEST(UserEvolveTest, FoldsEveryEvent) {
  State s = Existing();
  EXPECT_TRUE(s.exists);
  EXPECT_EQ(s.id, "u-1");
  EXPECT_EQ(s.username, "13800000000");
  EXPECT_EQ(s.profile.name, "张三");
  EXPECT_EQ(s.password_hash, kHash);
  EXPECT_FALSE(s.disabled);

  ProfileChanged change;
  change.name = "张三丰";
  change.supervisor_id = "";
  change.role_ids = std::vector<std::string>{"r-a", "r-b"};
  s = Evolve(s, change);
  EXPECT_EQ(s.profile.name, "张三丰");
  EXPECT_EQ(s.profile.supervisor_id, "");
  EXPECT_EQ(s.profile.role_ids, (std::vector<std::string>{"r-a", "r-b"}));
  // Absent fields are untouched.
  EXPECT_EQ(s.profile.gender, "male");
  EXPECT_EQ(s.profile.email, "zhangsan@example.com");
  EXPECT_EQ(s.profile.department_id, "d-sales");
  EXPECT_EQ(s.profile.position, "销售经理");

  s = Evolve(s, Disabled{});
  EXPECT_TRUE(s.disabled);
  s = Evolve(s, Enabled{});
  EXPECT_FALSE(s.disabled);
  s = Evolve(s, PasswordSet{"other-hash", true});
  EXPECT_EQ(s.password_hash, "other-hash");
  EXPECT_EQ(s.username, "13800000000");
}

TEST(UserToJsonTest, NeverContainsThePasswordHash) {
  State s = Existing();
  for (int step = 0; step < 3; ++step) {
    const std::string text = user::ToJson(s).Dump();
    EXPECT_EQ(text.find("password_hash"), std::string::npos) << text;
    EXPECT_EQ(text.find("password"), std::string::npos) << text;
    EXPECT_EQ(text.find(s.password_hash), std::string::npos) << text;
    EXPECT_EQ(user::ToJson(s).Find("password_hash"), nullptr);
    if (step == 0) s = Evolve(s, PasswordSet{"second-secret-hash", true});
    if (step == 1) s = Evolve(s, Disabled{});
  }
}

TEST(UserToJsonTest, PublicFields) {
  State s = Existing();
  Json json = user::ToJson(s);
  ASSERT_NE(json.Find("username"), nullptr);
  EXPECT_EQ(json.Find("username")->as_string(), "13800000000");
  ASSERT_NE(json.Find("name"), nullptr);
  EXPECT_EQ(json.Find("name")->as_string(), "张三");
  ASSERT_NE(json.Find("status"), nullptr);
  EXPECT_EQ(json.Find("status")->as_string(), "active");
  EXPECT_EQ(user::ToJson(Evolve(s, Disabled{})).Find("status")->as_string(), "disabled");
  s.profile.supervisor_id = "";
  EXPECT_TRUE(user::ToJson(s).Find("supervisor_id")->is_null());
}

}  // namespace
}  // namespace chronicle::domain
