#include "chronicle/domain/department.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace chronicle::domain {
namespace {

using department::Create;
using department::Created;
using department::Decide;
using department::Delete;
using department::Deleted;
using department::Event;
using department::Evolve;
using department::Moved;
using department::Renamed;
using department::Resorted;
using department::State;
using department::Update;

constexpr std::int64_t kNow = 1'700'000'000'000;

std::string Repeat(std::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

State Existing(const std::string& id, const std::string& name, const std::string& parent_id,
               std::int64_t sort = 0) {
  return Evolve(State{}, Created{id, name, parent_id, sort});
}

State Top() { return Existing("d-top", "办公室", ""); }
State Sales() { return Existing("d-sales", "销售部", "d-top", 10); }

std::vector<std::string> Types(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.emplace_back(department::EventType(e));
  return out;
}

Create ChildCreate() {
  Create c;
  c.id = "d-sales";
  c.name = "销售部";
  c.parent_id = "d-top";
  c.sort = 10;
  c.parent_exists = true;
  c.top_exists = true;
  return c;
}

void ExpectFieldError(const Status& status, std::string_view field) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  ASSERT_TRUE(status.field().has_value()) << status.ToString();
  EXPECT_EQ(*status.field(), field);
}

// --- Create -----------------------------------------------------------------

TEST(DepartmentCreateTest, TopDepartmentWhenNoneExists) {
  Create c;
  c.id = "d-top";
  c.name = "办公室";
  c.parent_id = "";
  c.top_exists = false;
  auto events = Decide(State{}, c, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  const auto* created = std::get_if<Created>(&(*events)[0]);
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->id, "d-top");
  EXPECT_EQ(created->name, "办公室");
  EXPECT_EQ(created->parent_id, "");
  EXPECT_EQ(created->sort, 0);
}

TEST(DepartmentCreateTest, SecondTopDepartmentIsParentIdError) {
  Create c;
  c.id = "d-top2";
  c.name = "第二个办公室";
  c.parent_id = "";
  c.top_exists = true;
  ExpectFieldError(Decide(State{}, c, kNow).status(), "parent_id");
}

TEST(DepartmentCreateTest, ChildUnderExistingParent) {
  auto events = Decide(State{}, ChildCreate(), kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  const auto* created = std::get_if<Created>(&(*events)[0]);
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->id, "d-sales");
  EXPECT_EQ(created->name, "销售部");
  EXPECT_EQ(created->parent_id, "d-top");
  EXPECT_EQ(created->sort, 10);
}

TEST(DepartmentCreateTest, MissingParentIsParentIdError) {
  Create c = ChildCreate();
  c.parent_exists = false;
  ExpectFieldError(Decide(State{}, c, kNow).status(), "parent_id");
}

TEST(DepartmentCreateTest, ExistingIdIsAlreadyExists) {
  EXPECT_EQ(Decide(Sales(), ChildCreate(), kNow).status().code(), StatusCode::kAlreadyExists);
}

TEST(DepartmentCreateTest, DeletedIdIsNotReused) {
  State deleted = Evolve(Sales(), Deleted{});
  EXPECT_EQ(Decide(deleted, ChildCreate(), kNow).status().code(), StatusCode::kAlreadyExists);
}

TEST(DepartmentCreateTest, EmptyOrWhitespaceNameIsNameError) {
  for (const char* name : {"", " ", "   ", "\t", " \r\n "}) {
    Create c = ChildCreate();
    c.name = name;
    SCOPED_TRACE(testing::Message() << "name='" << name << "'");
    ExpectFieldError(Decide(State{}, c, kNow).status(), "name");
  }
}

TEST(DepartmentCreateTest, NameLengthCountsUtf8Characters) {
  Create c = ChildCreate();
  c.name = Repeat("部", 100);  // 300 bytes, 100 characters
  EXPECT_TRUE(Decide(State{}, c, kNow).ok());
  c.name = Repeat("部", 101);
  ExpectFieldError(Decide(State{}, c, kNow).status(), "name");
  c.name = Repeat("a", 100);
  EXPECT_TRUE(Decide(State{}, c, kNow).ok());
  c.name = Repeat("a", 101);
  ExpectFieldError(Decide(State{}, c, kNow).status(), "name");
}

TEST(DepartmentCreateTest, NameIsCheckedBeforeParent) {
  Create c = ChildCreate();
  c.name = "";
  c.parent_exists = false;
  ExpectFieldError(Decide(State{}, c, kNow).status(), "name");
}

// --- Update -----------------------------------------------------------------

TEST(DepartmentUpdateTest, RenameOnly) {
  Update u;
  u.name = "华东销售部";
  auto events = Decide(Sales(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(Types(*events), (std::vector<std::string>{"DepartmentRenamed"}));
  EXPECT_EQ(std::get<Renamed>((*events)[0]).name, "华东销售部");
}

TEST(DepartmentUpdateTest, MoveOnly) {
  Update u;
  u.parent_id = "d-east";
  auto events = Decide(Sales(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(Types(*events), (std::vector<std::string>{"DepartmentMoved"}));
  EXPECT_EQ(std::get<Moved>((*events)[0]).parent_id, "d-east");
}

TEST(DepartmentUpdateTest, ResortOnly) {
  Update u;
  u.sort = -5;
  auto events = Decide(Sales(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(Types(*events), (std::vector<std::string>{"DepartmentResorted"}));
  EXPECT_EQ(std::get<Resorted>((*events)[0]).sort, -5);
}

TEST(DepartmentUpdateTest, AllFieldsChangedEmitsOneEventEach) {
  Update u;
  u.name = "华东销售部";
  u.parent_id = "d-east";
  u.sort = 20;
  auto events = Decide(Sales(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(Types(*events), (std::vector<std::string>{"DepartmentRenamed", "DepartmentMoved",
                                                      "DepartmentResorted"}));
}

TEST(DepartmentUpdateTest, UnchangedFieldsEmitNothing) {
  Update u;
  u.name = "销售部";
  u.parent_id = "d-top";
  u.sort = 10;
  // Facts about the (unchanged) parent must not matter.
  u.parent_exists = false;
  u.parent_is_self_or_descendant = true;
  auto events = Decide(Sales(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_TRUE(events->empty()) << events->size();
}

TEST(DepartmentUpdateTest, EmptyUpdateEmitsNothing) {
  auto events = Decide(Sales(), Update{}, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_TRUE(events->empty()) << events->size();
}

TEST(DepartmentUpdateTest, MixedChangedAndUnchangedEmitsOnlyChanged) {
  Update u;
  u.name = "销售部";      // unchanged
  u.parent_id = "d-top";  // unchanged
  u.sort = 11;            // changed
  auto events = Decide(Sales(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(Types(*events), (std::vector<std::string>{"DepartmentResorted"}));
}

TEST(DepartmentUpdateTest, RenameToBlankOrTooLongIsNameError) {
  Update u;
  u.name = "  ";
  ExpectFieldError(Decide(Sales(), u, kNow).status(), "name");
  u.name = Repeat("部", 101);
  ExpectFieldError(Decide(Sales(), u, kNow).status(), "name");
  u.name = Repeat("部", 100);
  EXPECT_TRUE(Decide(Sales(), u, kNow).ok());
}

TEST(DepartmentUpdateTest, RenamingTopDepartmentIsAllowed) {
  Update u;
  u.name = "总经理办公室";
  u.parent_id = "";  // unchanged: still the top
  auto events = Decide(Top(), u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(Types(*events), (std::vector<std::string>{"DepartmentRenamed"}));
}

TEST(DepartmentUpdateTest, MovingTopDepartmentIsFailedPrecondition) {
  Update u;
  u.parent_id = "d-sales";
  EXPECT_EQ(Decide(Top(), u, kNow).status().code(), StatusCode::kFailedPrecondition);
}

TEST(DepartmentUpdateTest, MovingUnderSelfOrDescendantIsFailedPrecondition) {
  Update u;
  u.parent_id = "d-sales-east";
  u.parent_is_self_or_descendant = true;
  EXPECT_EQ(Decide(Sales(), u, kNow).status().code(), StatusCode::kFailedPrecondition);
  u.parent_id = "d-sales";
  EXPECT_EQ(Decide(Sales(), u, kNow).status().code(), StatusCode::kFailedPrecondition);
}

TEST(DepartmentUpdateTest, MovingToMissingParentIsParentIdError) {
  Update u;
  u.parent_id = "d-nowhere";
  u.parent_exists = false;
  ExpectFieldError(Decide(Sales(), u, kNow).status(), "parent_id");
}

TEST(DepartmentUpdateTest, MovingToNoParentIsParentIdError) {
  Update u;
  u.parent_id = "";
  ExpectFieldError(Decide(Sales(), u, kNow).status(), "parent_id");
}

TEST(DepartmentUpdateTest, OneInvalidFieldRejectsTheWholeUpdate) {
  Update u;
  u.name = "华东销售部";
  u.parent_id = "d-sales-east";
  u.parent_is_self_or_descendant = true;
  EXPECT_EQ(Decide(Sales(), u, kNow).status().code(), StatusCode::kFailedPrecondition);
}

TEST(DepartmentUpdateTest, NonexistentOrDeletedIsNotFound) {
  Update u;
  u.name = "新名";
  EXPECT_EQ(Decide(State{}, u, kNow).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Decide(Evolve(Sales(), Deleted{}), u, kNow).status().code(), StatusCode::kNotFound);
}

// --- Delete -----------------------------------------------------------------

TEST(DepartmentDeleteTest, EmptyLeafDepartmentIsDeleted) {
  auto events = Decide(Sales(), Delete{}, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(Types(*events), (std::vector<std::string>{"DepartmentDeleted"}));
}

TEST(DepartmentDeleteTest, WithChildrenIsFailedPrecondition) {
  Delete d;
  d.has_children = true;
  EXPECT_EQ(Decide(Sales(), d, kNow).status().code(), StatusCode::kFailedPrecondition);
}

TEST(DepartmentDeleteTest, WithUsersIsFailedPrecondition) {
  Delete d;
  d.has_users = true;
  EXPECT_EQ(Decide(Sales(), d, kNow).status().code(), StatusCode::kFailedPrecondition);
}

TEST(DepartmentDeleteTest, TopDepartmentIsFailedPrecondition) {
  EXPECT_EQ(Decide(Top(), Delete{}, kNow).status().code(), StatusCode::kFailedPrecondition);
}

TEST(DepartmentDeleteTest, NonexistentOrDeletedIsNotFound) {
  EXPECT_EQ(Decide(State{}, Delete{}, kNow).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Decide(Evolve(Sales(), Deleted{}), Delete{}, kNow).status().code(),
            StatusCode::kNotFound);
}

// --- Evolve -----------------------------------------------------------------

TEST(DepartmentEvolveTest, FoldsCreatedRenamedMovedResortedDeleted) {
  State s = Evolve(State{}, Created{"d-sales", "销售部", "d-top", 10});
  EXPECT_TRUE(s.exists);
  EXPECT_FALSE(s.deleted);
  EXPECT_EQ(s.id, "d-sales");
  EXPECT_EQ(s.name, "销售部");
  EXPECT_EQ(s.parent_id, "d-top");
  EXPECT_EQ(s.sort, 10);

  s = Evolve(s, Renamed{"华东销售部"});
  EXPECT_EQ(s.name, "华东销售部");
  EXPECT_EQ(s.parent_id, "d-top");
  EXPECT_EQ(s.sort, 10);

  s = Evolve(s, Moved{"d-east"});
  EXPECT_EQ(s.name, "华东销售部");
  EXPECT_EQ(s.parent_id, "d-east");
  EXPECT_EQ(s.sort, 10);

  s = Evolve(s, Resorted{3});
  EXPECT_EQ(s.sort, 3);
  EXPECT_EQ(s.parent_id, "d-east");

  s = Evolve(s, Deleted{});
  EXPECT_TRUE(s.exists);
  EXPECT_TRUE(s.deleted);
  EXPECT_EQ(s.id, "d-sales");
  EXPECT_EQ(s.name, "华东销售部");
  EXPECT_EQ(s.parent_id, "d-east");
  EXPECT_EQ(s.sort, 3);
}

TEST(DepartmentEvolveTest, DecidedEventsFoldIntoTheRequestedState) {
  State s = Sales();
  Update u;
  u.name = "华东销售部";
  u.parent_id = "d-east";
  u.sort = 7;
  auto events = Decide(s, u, kNow);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  for (const auto& e : *events) s = Evolve(s, e);
  EXPECT_EQ(s.name, "华东销售部");
  EXPECT_EQ(s.parent_id, "d-east");
  EXPECT_EQ(s.sort, 7);
  // Deciding the same update again is a no-op.
  auto again = Decide(s, u, kNow);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->empty());
}

TEST(DepartmentToJsonTest, TopHasNullParent) {
  EXPECT_EQ(department::ToJson(Top()).Dump(), R"({"name":"办公室","parent_id":null,"sort":0})");
  EXPECT_EQ(department::ToJson(Sales()).Dump(),
            R"({"name":"销售部","parent_id":"d-top","sort":10})");
}

}  // namespace
}  // namespace chronicle::domain

namespace chronicle::domain::department {
namespace {

// The tree is capped at kMaxDepth levels (the top is level 1).
TEST(DepartmentDepthTest, CreatingBelowTheDeepestLevelIsParentIdError) {
  Create c = ChildCreate();
  c.parent_depth = kMaxDepth - 1;
  EXPECT_TRUE(Decide(State{}, c, kNow).ok());
  c.parent_depth = kMaxDepth;
  ExpectFieldError(Decide(State{}, c, kNow).status(), "parent_id");
}

TEST(DepartmentDepthTest, AMoveCountsTheWholeSubtree) {
  Update u;
  u.parent_id = "d-east";
  u.parent_depth = kMaxDepth - 2;
  u.subtree_height = 2;
  EXPECT_TRUE(Decide(Sales(), u, kNow).ok());
  u.subtree_height = 3;
  ExpectFieldError(Decide(Sales(), u, kNow).status(), "parent_id");
}

}  // namespace
}  // namespace chronicle::domain::department
