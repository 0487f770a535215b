#include "chronicle/domain/pool.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/time.hpp"
#include "chronicle/domain/fields.hpp"
#include "chronicle/domain/record.hpp"
#include "chronicle/json/parse.hpp"

#ifndef CHRONICLE_FIXTURES
#error "CHRONICLE_FIXTURES must name the tests/fixtures directory"
#endif

namespace chronicle::domain {
namespace {

using pool::AssignFacts;
using pool::ClaimFacts;
using pool::CustomerFacts;
using pool::CustomerTimes;
using pool::Due;
using pool::PutRules;
using pool::Rules;
using pool::RulesChanged;

constexpr std::int64_t kDay = pool::kNsPerDay;
constexpr std::int64_t kHour = 3'600'000'000'000;
// 2023-11-14T22:13:20Z: when the customer got its current owner.
constexpr std::int64_t kT0 = 1'700'000'000'000'000'000;

Json Parse(std::string_view text) {
  auto parsed = ParseJson(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : Json();
}

void ExpectFieldError(const Status& status, std::string_view field) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  ASSERT_TRUE(status.field().has_value()) << status.ToString();
  EXPECT_EQ(*status.field(), field);
}

void ExpectFailedPrecondition(const Status& status, std::string_view message_part) {
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status.ToString();
  EXPECT_NE(status.message().find(message_part), std::string::npos) << status.ToString();
}

// The rules a PUT of `body` saves on top of `state`.
Result<Rules> Put(const Rules& state, std::string_view body) {
  auto events = pool::Decide(state, PutRules{Parse(body)}, kT0);
  if (!events.ok()) return events.status();
  EXPECT_EQ(events->size(), 1U);
  Rules rules = state;
  for (const auto& e : *events) rules = pool::Evolve(rules, e);
  return rules;
}

Rules Enabled() {
  Rules rules;
  rules.enabled = true;
  rules.version = 3;
  return rules;
}

// An owned, open customer of level b, nothing happened since kT0.
CustomerFacts Owned() {
  CustomerFacts facts;
  facts.owned = true;
  facts.level = "b";
  facts.owned_since_ns = kT0;
  return facts;
}

const EntitySpec& CustomerSpec() { return *FindEntityByName("customer"); }

record::State Customer(Json fields) {
  record::Event created;
  created.action = std::string(record::kCreated);
  created.set = std::move(fields);
  created.info.Set("id", "c-1");
  return record::Evolve(record::State{}, created);
}

// 张三's customer, level b, with a team member.
record::State OwnedCustomer() {
  return Customer(Parse(R"({"name": "华东机械", "level": "b", "deal_status": "not_closed",
                            "owner_id": "u-zhang", "locked": false,
                            "team": [{"user_id": "u-li", "access": "read", "expires_at": null}]})"));
}

record::State PoolCustomer() {
  return Customer(Parse(R"({"name": "华东机械", "level": "b", "deal_status": "not_closed",
                            "pool_reason": "no_follow_up"})"));
}

record::State Apply(record::State state, const std::vector<record::Event>& events) {
  for (const auto& e : events) state = record::Evolve(std::move(state), e);
  return state;
}

// ---- The rules -------------------------------------------------------------

TEST(PoolRulesTest, DefaultsAreSaneAndRecyclingIsOff) {
  EXPECT_EQ(pool::kRulesStream, "pool-rules");
  EXPECT_EQ(pool::ToJson(Rules{}).Dump(),
            R"({"enabled":false,"no_follow_up_days":30,"no_deal_days":90,"remind_days_before":3,)"
            R"("exempt_locked":true,"exempt_closed":true,"max_owned_per_user":0,)"
            R"("reclaim_cooldown_days":7,"levels":[],"version":0})");
  EXPECT_EQ(pool::PoolDue(Rules{}, Owned()), std::nullopt);
}

TEST(PoolRulesTest, EveryPutBumpsTheVersionByOne) {
  auto first = Put(Rules{}, R"({"enabled": true})");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->version, 1);
  auto same_again = Put(*first, R"({"enabled": true})");
  ASSERT_TRUE(same_again.ok()) << same_again.status().ToString();
  EXPECT_EQ(same_again->version, 2);
  EXPECT_TRUE(same_again->enabled);
}

TEST(PoolRulesTest, VersionInTheBodyIsIgnored) {
  Rules state;
  state.version = 4;
  for (const char* body :
       {R"({"version": 99})", R"({"version": 0})", R"({"version": "x"})", R"({"version": null})"}) {
    SCOPED_TRACE(body);
    auto rules = Put(state, body);
    ASSERT_TRUE(rules.ok()) << rules.status().ToString();
    EXPECT_EQ(rules->version, 5);
  }
}

TEST(PoolRulesTest, PutReplacesTheRulesMissingKeysTakeDefaults) {
  Rules state = Enabled();
  state.no_follow_up_days = 10;
  state.levels = {"a"};
  state.max_owned_per_user = 50;
  auto rules = Put(state, R"({"no_deal_days": 60})");
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  Rules expected;
  expected.no_deal_days = 60;
  expected.version = state.version + 1;
  EXPECT_EQ(*rules, expected) << pool::ToJson(*rules).Dump();
}

TEST(PoolRulesTest, AFullBodyIsSavedAsGiven) {
  auto rules = Put(Rules{}, R"({"enabled": true, "no_follow_up_days": 15, "no_deal_days": 0,
                               "remind_days_before": 2, "exempt_locked": false,
                               "exempt_closed": false, "max_owned_per_user": 200,
                               "reclaim_cooldown_days": 0, "levels": ["b", "c"]})");
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(pool::ToJson(*rules).Dump(),
            R"({"enabled":true,"no_follow_up_days":15,"no_deal_days":0,"remind_days_before":2,)"
            R"("exempt_locked":false,"exempt_closed":false,"max_owned_per_user":200,)"
            R"("reclaim_cooldown_days":0,"levels":["b","c"],"version":1})");
}

TEST(PoolRulesTest, EachBadDayCountIsNamed) {
  for (const char* key :
       {"no_follow_up_days", "no_deal_days", "remind_days_before", "reclaim_cooldown_days"}) {
    const std::string k(key);
    for (const char* bad : {"-1", "3651", "\"30\"", "1.5", "null", "true", "[30]"}) {
      SCOPED_TRACE(k + "=" + bad);
      ExpectFieldError(Put(Rules{}, "{\"" + k + "\": " + bad + "}").status(), k);
    }
    for (const char* good : {"0", "3650"}) {
      SCOPED_TRACE(k + "=" + good);
      EXPECT_TRUE(Put(Rules{}, "{\"" + k + "\": " + good + "}").ok());
    }
  }
}

TEST(PoolRulesTest, MaxOwnedIsNamedOutsideZeroToAMillion) {
  ExpectFieldError(Put(Rules{}, R"({"max_owned_per_user": -1})").status(), "max_owned_per_user");
  ExpectFieldError(Put(Rules{}, R"({"max_owned_per_user": 1000001})").status(),
                   "max_owned_per_user");
  ExpectFieldError(Put(Rules{}, R"({"max_owned_per_user": "10"})").status(), "max_owned_per_user");
  auto million = Put(Rules{}, R"({"max_owned_per_user": 1000000})");
  ASSERT_TRUE(million.ok()) << million.status().ToString();
  EXPECT_EQ(million->max_owned_per_user, 1'000'000);
}

TEST(PoolRulesTest, EachBadFlagIsNamed) {
  for (const char* key : {"enabled", "exempt_locked", "exempt_closed"}) {
    const std::string k(key);
    for (const char* bad : {"1", "\"true\"", "null"}) {
      SCOPED_TRACE(k + "=" + bad);
      ExpectFieldError(Put(Rules{}, "{\"" + k + "\": " + bad + "}").status(), k);
    }
  }
}

TEST(PoolRulesTest, LevelsAreASubsetOfABC) {
  for (const char* bad : {R"("a")", R"(["d"])", R"(["A"])", R"([1])", R"([null])", "null"}) {
    SCOPED_TRACE(bad);
    ExpectFieldError(Put(Rules{}, std::string(R"({"levels": )") + bad + "}").status(), "levels");
  }
  auto rules = Put(Rules{}, R"({"levels": ["c", "a", "c"]})");
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(rules->levels, (std::vector<std::string>{"a", "c"}));
}

TEST(PoolRulesTest, UnknownKeysAreRefusedByName) {
  ExpectFieldError(Put(Rules{}, R"({"enabled": true, "no_follow_up_day": 10})").status(),
                   "no_follow_up_day");
  ExpectFieldError(Put(Rules{}, R"({"pool_due_at": null})").status(), "pool_due_at");
}

TEST(PoolRulesTest, ABodyThatIsNotAnObjectIsRefused) {
  for (const char* body : {"[]", "null", "30", "\"rules\""}) {
    SCOPED_TRACE(body);
    const Status status = Put(Rules{}, body).status();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
    EXPECT_FALSE(status.field().has_value());
  }
}

TEST(PoolRulesTest, RefusedPutLeavesNoEvent) {
  Rules state = Enabled();
  auto events = pool::Decide(state, PutRules{Parse(R"({"no_deal_days": -5})")}, kT0);
  EXPECT_FALSE(events.ok());
}

TEST(PoolRulesTest, EventRoundTripsThroughTheLogText) {
  Rules rules = Enabled();
  rules.levels = {"a", "b"};
  rules.max_owned_per_user = 300;
  const pool::Event event = RulesChanged{rules};
  EXPECT_EQ(pool::EventType(event), "PoolRulesChanged");
  const std::string text = pool::EncodeEvent(event).Dump();
  auto decoded = pool::DecodeEvent("PoolRulesChanged", Parse(text));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(pool::Evolve(Rules{}, *decoded), rules);
  EXPECT_EQ(pool::EncodeEvent(*decoded).Dump(), text);
  EXPECT_EQ(pool::Restore(pool::ToJson(rules)), rules);
}

TEST(PoolRulesTest, DecoderDefaultsMissingFieldsAndRefusesOtherTypes) {
  auto decoded = pool::DecodeEvent("PoolRulesChanged", Parse(R"({"enabled": true, "version": 2})"));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  Rules expected;
  expected.enabled = true;
  expected.version = 2;
  EXPECT_EQ(pool::Evolve(Rules{}, *decoded), expected);
  EXPECT_EQ(pool::DecodeEvent("PoolRulesSaved", Json::MakeObject()).status().code(),
            StatusCode::kInvalidArgument);
}

// Old encoded events stay readable (tests/fixtures/events/pool_v1.jsonl).
TEST(PoolRulesTest, FixtureEventsDecode) {
  const std::string path = std::string(CHRONICLE_FIXTURES) + "/events/pool_v1.jsonl";
  std::ifstream in(path);
  ASSERT_TRUE(in.is_open()) << path;
  std::string line;
  int decoded_count = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    SCOPED_TRACE(line);
    const Json doc = Parse(line);
    const std::string type = doc.Find("type")->as_string();
    const Json& payload = *doc.Find("payload");
    if (type == "PoolRulesChanged") {
      auto event = pool::DecodeEvent(type, payload);
      ASSERT_TRUE(event.ok()) << event.status().ToString();
      EXPECT_EQ(pool::EncodeEvent(*event), payload);
    } else {
      auto event = record::DecodeEvent(CustomerSpec(), type, payload);
      ASSERT_TRUE(event.ok()) << event.status().ToString();
      EXPECT_EQ(record::EncodeEvent(*event), payload);
    }
    ++decoded_count;
  }
  EXPECT_EQ(decoded_count, 6);
}

// ---- Due dates -------------------------------------------------------------

TEST(PoolDueTest, NoFollowUpFallsDueFromOwnership) {
  EXPECT_EQ(pool::PoolDue(Enabled(), Owned()), (Due{kT0 + 30 * kDay, pool::kReasonNoFollowUp}));
}

TEST(PoolDueTest, FollowUpResetsTheNoFollowUpClock) {
  CustomerFacts facts = Owned();
  facts.last_follow_up_ns = kT0 + 20 * kDay;
  EXPECT_EQ(pool::PoolDue(Enabled(), facts), (Due{kT0 + 50 * kDay, pool::kReasonNoFollowUp}));
}

TEST(PoolDueTest, NoDealFallsDueWhenFollowUpsKeepComing) {
  CustomerFacts facts = Owned();
  facts.last_follow_up_ns = kT0 + 70 * kDay;
  EXPECT_EQ(pool::PoolDue(Enabled(), facts), (Due{kT0 + 90 * kDay, pool::kReasonNoDeal}));
}

TEST(PoolDueTest, ADealResetsTheNoDealClock) {
  CustomerFacts facts = Owned();
  facts.last_follow_up_ns = kT0 + 80 * kDay;
  facts.last_deal_ns = kT0 + 40 * kDay;
  EXPECT_EQ(pool::PoolDue(Enabled(), facts), (Due{kT0 + 110 * kDay, pool::kReasonNoFollowUp}));
}

TEST(PoolDueTest, ReassignmentResetsBothClocks) {
  // The previous owner's follow-up and deal happened before the customer
  // changed hands: the new owner gets the full periods from kT0.
  CustomerFacts facts = Owned();
  facts.last_follow_up_ns = kT0 - 29 * kDay;
  facts.last_deal_ns = kT0 - 89 * kDay;
  EXPECT_EQ(pool::PoolDue(Enabled(), facts), (Due{kT0 + 30 * kDay, pool::kReasonNoFollowUp}));
  Rules deal_only = Enabled();
  deal_only.no_follow_up_days = 0;
  EXPECT_EQ(pool::PoolDue(deal_only, facts), (Due{kT0 + 90 * kDay, pool::kReasonNoDeal}));
}

TEST(PoolDueTest, OnATieTheFollowUpReasonIsNamed) {
  Rules rules = Enabled();
  rules.no_deal_days = 30;
  EXPECT_EQ(pool::PoolDue(rules, Owned()), (Due{kT0 + 30 * kDay, pool::kReasonNoFollowUp}));
}

TEST(PoolDueTest, ZeroDaysSwitchesARuleOff) {
  Rules no_follow_up_off = Enabled();
  no_follow_up_off.no_follow_up_days = 0;
  EXPECT_EQ(pool::PoolDue(no_follow_up_off, Owned()), (Due{kT0 + 90 * kDay, pool::kReasonNoDeal}));
  Rules no_deal_off = Enabled();
  no_deal_off.no_deal_days = 0;
  CustomerFacts followed_up = Owned();
  followed_up.last_follow_up_ns = kT0 + 200 * kDay;
  EXPECT_EQ(pool::PoolDue(no_deal_off, followed_up),
            (Due{kT0 + 230 * kDay, pool::kReasonNoFollowUp}));
  Rules both_off = no_follow_up_off;
  both_off.no_deal_days = 0;
  EXPECT_EQ(pool::PoolDue(both_off, Owned()), std::nullopt);
}

TEST(PoolDueTest, DisabledRulesAndPoolCustomersHaveNoDueDate) {
  Rules disabled = Enabled();
  disabled.enabled = false;
  EXPECT_EQ(pool::PoolDue(disabled, Owned()), std::nullopt);
  CustomerFacts in_pool = Owned();
  in_pool.owned = false;
  EXPECT_EQ(pool::PoolDue(Enabled(), in_pool), std::nullopt);
}

TEST(PoolDueTest, LockedCustomersAreExemptAsConfigured) {
  CustomerFacts locked = Owned();
  locked.locked = true;
  EXPECT_EQ(pool::PoolDue(Enabled(), locked), std::nullopt);
  Rules not_exempt = Enabled();
  not_exempt.exempt_locked = false;
  EXPECT_EQ(pool::PoolDue(not_exempt, locked), (Due{kT0 + 30 * kDay, pool::kReasonNoFollowUp}));
}

TEST(PoolDueTest, ClosedCustomersAreExemptAsConfiguredAndNeverDueForNoDeal) {
  CustomerFacts closed = Owned();
  closed.closed = true;
  closed.last_follow_up_ns = kT0 + 100 * kDay;
  EXPECT_EQ(pool::PoolDue(Enabled(), closed), std::nullopt);
  Rules not_exempt = Enabled();
  not_exempt.exempt_closed = false;
  // Without the exemption only the follow-up rule applies: a closed customer has its deal.
  EXPECT_EQ(pool::PoolDue(not_exempt, closed), (Due{kT0 + 130 * kDay, pool::kReasonNoFollowUp}));
  not_exempt.no_follow_up_days = 0;
  EXPECT_EQ(pool::PoolDue(not_exempt, closed), std::nullopt);
}

TEST(PoolDueTest, LevelsLimitWhoIsSubject) {
  Rules only_c = Enabled();
  only_c.levels = {"c"};
  CustomerFacts facts = Owned();
  EXPECT_EQ(pool::PoolDue(only_c, facts), std::nullopt);  // level b
  facts.level = "c";
  EXPECT_NE(pool::PoolDue(only_c, facts), std::nullopt);
  facts.level = "";  // no level: not among the listed ones
  EXPECT_EQ(pool::PoolDue(only_c, facts), std::nullopt);
  EXPECT_NE(pool::PoolDue(Enabled(), facts), std::nullopt);  // empty levels: everyone
}

TEST(PoolDueTest, RecycleNowFromTheDueInstant) {
  const std::int64_t at = kT0 + 30 * kDay;
  EXPECT_EQ(pool::RecycleNow(Enabled(), Owned(), at - 1), std::nullopt);
  EXPECT_EQ(pool::RecycleNow(Enabled(), Owned(), at), (Due{at, pool::kReasonNoFollowUp}));
  EXPECT_EQ(pool::RecycleNow(Enabled(), Owned(), at + 365 * kDay),
            (Due{at, pool::kReasonNoFollowUp}));
  CustomerFacts locked = Owned();
  locked.locked = true;
  EXPECT_EQ(pool::RecycleNow(Enabled(), locked, at + 365 * kDay), std::nullopt);
}

TEST(PoolDueTest, ReminderWindowOpensRemindDaysBeforeAndClosesAtDue) {
  const Due due{kT0 + 30 * kDay, pool::kReasonNoFollowUp};
  const Rules rules = Enabled();  // remind 3 days before
  EXPECT_FALSE(pool::InReminderWindow(rules, due, due.at_ns - 3 * kDay - 1));
  EXPECT_TRUE(pool::InReminderWindow(rules, due, due.at_ns - 3 * kDay));
  EXPECT_TRUE(pool::InReminderWindow(rules, due, due.at_ns - 1));
  EXPECT_FALSE(pool::InReminderWindow(rules, due, due.at_ns));
  Rules no_reminder = rules;
  no_reminder.remind_days_before = 0;
  EXPECT_FALSE(pool::InReminderWindow(no_reminder, due, due.at_ns - 1));
}

TEST(PoolDueTest, FarFutureTimesSaturateInsteadOfWrapping) {
  CustomerFacts facts = Owned();
  facts.owned_since_ns = std::numeric_limits<std::int64_t>::max() - kDay;
  const auto due = pool::PoolDue(Enabled(), facts);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->at_ns, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(pool::RecycleNow(Enabled(), facts, kT0), std::nullopt);
  EXPECT_FALSE(pool::InReminderWindow(Enabled(), *due, kT0));
  EXPECT_TRUE(pool::InReminderWindow(Enabled(), *due, due->at_ns - kDay));
}

TEST(PoolDueTest, FactsComeFromTheCustomerFields) {
  record::State customer = Customer(Parse(R"({"owner_id": "u-zhang", "locked": true,
      "deal_status": "closed", "level": "a", "last_follow_up_at": "2023-11-20T08:00:00.000Z"})"));
  const CustomerFacts facts = pool::FactsOf(customer, CustomerTimes{kT0, kT0 + kDay});
  EXPECT_TRUE(facts.owned);
  EXPECT_TRUE(facts.locked);
  EXPECT_TRUE(facts.closed);
  EXPECT_EQ(facts.level, "a");
  EXPECT_EQ(facts.owned_since_ns, kT0);
  EXPECT_EQ(facts.last_follow_up_ns, ParseTimestamp("2023-11-20T08:00:00.000Z"));
  EXPECT_EQ(facts.last_deal_ns, kT0 + kDay);

  const CustomerFacts pool_facts = pool::FactsOf(PoolCustomer(), CustomerTimes{});
  EXPECT_FALSE(pool_facts.owned);
  EXPECT_FALSE(pool_facts.locked);
  EXPECT_FALSE(pool_facts.closed);
  EXPECT_EQ(pool_facts.last_follow_up_ns, std::nullopt);
}

// ---- Recycle ---------------------------------------------------------------

TEST(PoolRecycleTest, ADueCustomerGoesToThePoolNamingTheRule) {
  const std::int64_t now = kT0 + 30 * kDay + kHour;
  auto events = pool::Recycle(OwnedCustomer(), Enabled(), CustomerTimes{kT0, {}}, now);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  const record::Event& e = (*events)[0];
  EXPECT_EQ(record::EventType(CustomerSpec(), e), "CustomerRecycled");
  EXPECT_EQ(e.set.Dump(), R"({"owner_id":null,"pool_reason":"no_follow_up"})");
  EXPECT_EQ(e.info.Dump(), R"({"rule":"pool","rule_version":3,"reason":"no_follow_up",)"
                           R"("due_at":"2023-12-14T22:13:20.000Z","previous_owner_id":"u-zhang"})");

  const record::State after = Apply(OwnedCustomer(), *events);
  EXPECT_TRUE(record::Field(after, "owner_id").is_null());
  EXPECT_EQ(record::StringField(after, "pool_reason"), "no_follow_up");
  EXPECT_EQ(record::Field(after, "team"), record::Field(OwnedCustomer(), "team"));  // kept
}

TEST(PoolRecycleTest, NoDealReasonIsRecorded) {
  Rules rules = Enabled();
  rules.no_follow_up_days = 0;
  rules.version = 7;
  auto events = pool::Recycle(OwnedCustomer(), rules, CustomerTimes{kT0, {}}, kT0 + 90 * kDay);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(record::StringField(Apply(OwnedCustomer(), *events), "pool_reason"), "no_deal");
  EXPECT_EQ((*events)[0].info.Find("reason")->as_string(), "no_deal");
  EXPECT_EQ((*events)[0].info.Find("rule_version")->as_int(), 7);
}

TEST(PoolRecycleTest, ANotDueCustomerIsRefusedNamingWhenItWillBe) {
  const std::int64_t at = kT0 + 30 * kDay;
  const Status status =
      pool::Recycle(OwnedCustomer(), Enabled(), CustomerTimes{kT0, {}}, at - 1).status();
  ExpectFailedPrecondition(status, FormatTimestamp(at));
}

TEST(PoolRecycleTest, AFollowUpRecordedSinceTheScanPostponesIt) {
  record::State customer = OwnedCustomer();
  record::Event followed_up;
  followed_up.action = "FollowedUp";
  followed_up.set.Set("last_follow_up_at", FormatTimestamp(kT0 + 29 * kDay));
  customer = record::Evolve(customer, followed_up);
  ExpectFailedPrecondition(
      pool::Recycle(customer, Enabled(), CustomerTimes{kT0, {}}, kT0 + 31 * kDay).status(),
      FormatTimestamp(kT0 + 59 * kDay));
}

TEST(PoolRecycleTest, ExemptOrPoolCustomersAreRefused) {
  const std::int64_t late = kT0 + 400 * kDay;
  const CustomerTimes times{kT0, {}};
  ExpectFailedPrecondition(pool::Recycle(PoolCustomer(), Enabled(), times, late).status(),
                           "already in the pool");
  record::Event lock;
  lock.action = "Locked";
  lock.set.Set("locked", true);
  ExpectFailedPrecondition(
      pool::Recycle(record::Evolve(OwnedCustomer(), lock), Enabled(), times, late).status(),
      "locked");
  Rules disabled = Enabled();
  disabled.enabled = false;
  ExpectFailedPrecondition(pool::Recycle(OwnedCustomer(), disabled, times, late).status(),
                           "disabled");
  Rules both_off = Enabled();
  both_off.no_follow_up_days = 0;
  both_off.no_deal_days = 0;
  ExpectFailedPrecondition(pool::Recycle(OwnedCustomer(), both_off, times, late).status(),
                           "rule are off");
}

TEST(PoolRecycleTest, MissingOrDeletedCustomerIsNotFound) {
  const std::int64_t late = kT0 + 400 * kDay;
  EXPECT_EQ(pool::Recycle(record::State{}, Enabled(), CustomerTimes{kT0, {}}, late).status().code(),
            StatusCode::kNotFound);
  record::Event deleted;
  deleted.action = std::string(record::kDeleted);
  EXPECT_EQ(pool::Recycle(record::Evolve(OwnedCustomer(), deleted), Enabled(),
                          CustomerTimes{kT0, {}}, late)
                .status()
                .code(),
            StatusCode::kNotFound);
}

// ---- Release ---------------------------------------------------------------

TEST(PoolReleaseTest, TheOwnerPutsTheCustomerBack) {
  auto events = pool::Release(OwnedCustomer(), "u-zhang", kT0);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  EXPECT_EQ(record::EventType(CustomerSpec(), (*events)[0]), "CustomerReleased");
  EXPECT_EQ((*events)[0].info.Dump(), R"({"previous_owner_id":"u-zhang"})");
  const record::State after = Apply(OwnedCustomer(), *events);
  EXPECT_TRUE(record::Field(after, "owner_id").is_null());
  EXPECT_TRUE(record::Field(after, "pool_reason").is_null());
}

TEST(PoolReleaseTest, OnlyTheOwnerMayReleaseAndNotALockedCustomer) {
  EXPECT_EQ(pool::Release(OwnedCustomer(), "u-li", kT0).status().code(),
            StatusCode::kPermissionDenied);
  ExpectFailedPrecondition(pool::Release(PoolCustomer(), "u-zhang", kT0).status(),
                           "already in the pool");
  record::Event lock;
  lock.action = "Locked";
  lock.set.Set("locked", true);
  ExpectFailedPrecondition(
      pool::Release(record::Evolve(OwnedCustomer(), lock), "u-zhang", kT0).status(), "unlock");
}

// ---- Claim -----------------------------------------------------------------

ClaimFacts Claimer(std::int64_t owned_count = 0) {
  ClaimFacts facts;
  facts.claimer_id = "u-wang";
  facts.owned_count = owned_count;
  facts.last_owner_id = "u-zhang";
  facts.left_owner_at_ns = kT0;
  return facts;
}

TEST(PoolClaimTest, APoolCustomerBecomesTheClaimers) {
  auto events = pool::Claim(PoolCustomer(), Enabled(), Claimer(), kT0 + kHour);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  EXPECT_EQ(record::EventType(CustomerSpec(), (*events)[0]), "CustomerClaimed");
  EXPECT_EQ((*events)[0].info.Dump(), R"({"rule":"pool","rule_version":3})");
  const record::State after = Apply(PoolCustomer(), *events);
  EXPECT_EQ(record::StringField(after, "owner_id"), "u-wang");
  EXPECT_TRUE(record::Field(after, "pool_reason").is_null());
}

TEST(PoolClaimTest, ClaimingACustomerSomeoneOwnsIsRefused) {
  ExpectFailedPrecondition(pool::Claim(OwnedCustomer(), Enabled(), Claimer(), kT0).status(),
                           "someone else owns");
  ClaimFacts owner = Claimer();
  owner.claimer_id = "u-zhang";
  ExpectFailedPrecondition(pool::Claim(OwnedCustomer(), Enabled(), owner, kT0).status(),
                           "you already own this customer");
  EXPECT_EQ(pool::Claim(record::State{}, Enabled(), Claimer(), kT0).status().code(),
            StatusCode::kNotFound);
}

TEST(PoolClaimTest, TheLimitCountsCustomersTheClaimerOwns) {
  Rules rules = Enabled();
  rules.max_owned_per_user = 2;
  EXPECT_TRUE(pool::Claim(PoolCustomer(), rules, Claimer(1), kT0).ok());
  const Status at_limit = pool::Claim(PoolCustomer(), rules, Claimer(2), kT0).status();
  ExpectFailedPrecondition(at_limit, "you already own 2 customers, the limit is 2");
  rules.max_owned_per_user = 0;  // unlimited
  EXPECT_TRUE(pool::Claim(PoolCustomer(), rules, Claimer(1'000'000), kT0).ok());
}

TEST(PoolClaimTest, ThePreviousOwnerWaitsOutTheCooldown) {
  ClaimFacts previous_owner = Claimer();
  previous_owner.claimer_id = "u-zhang";  // it left u-zhang at kT0
  const std::int64_t until = kT0 + 7 * kDay;
  const Status early = pool::Claim(PoolCustomer(), Enabled(), previous_owner, until - 1).status();
  ExpectFailedPrecondition(early, "you may claim it again from " + FormatTimestamp(until));
  EXPECT_TRUE(pool::Claim(PoolCustomer(), Enabled(), previous_owner, until).ok());
  // Anyone else may claim it at once.
  EXPECT_TRUE(pool::Claim(PoolCustomer(), Enabled(), Claimer(), kT0).ok());
  // And with no cooldown, so may the previous owner.
  Rules no_cooldown = Enabled();
  no_cooldown.reclaim_cooldown_days = 0;
  EXPECT_TRUE(pool::Claim(PoolCustomer(), no_cooldown, previous_owner, kT0).ok());
}

TEST(PoolClaimTest, LimitAndCooldownApplyWhileRecyclingIsDisabled) {
  Rules rules;  // enabled: false
  rules.max_owned_per_user = 1;
  ExpectFailedPrecondition(pool::Claim(PoolCustomer(), rules, Claimer(1), kT0).status(),
                           "the limit is 1");
  ClaimFacts previous_owner = Claimer();
  previous_owner.claimer_id = "u-zhang";
  ExpectFailedPrecondition(pool::Claim(PoolCustomer(), rules, previous_owner, kT0).status(),
                           "claim it again");
}

// ---- Assign ----------------------------------------------------------------

AssignFacts Assignee(std::int64_t owned_count = 0) {
  AssignFacts facts;
  facts.assignee_id = "u-zhang";
  facts.assignee_active = true;
  facts.owned_count = owned_count;
  return facts;
}

TEST(PoolAssignTest, AManagerGivesAPoolCustomerWithoutCooldown) {
  // u-zhang released it a moment ago; a manager may still give it back.
  auto events = pool::Assign(PoolCustomer(), Enabled(), Assignee(), kT0 + 1);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1U);
  EXPECT_EQ(record::EventType(CustomerSpec(), (*events)[0]), "CustomerAssigned");
  EXPECT_EQ((*events)[0].info.Dump(), R"({"rule":"pool","rule_version":3})");
  const record::State after = Apply(PoolCustomer(), *events);
  EXPECT_EQ(record::StringField(after, "owner_id"), "u-zhang");
  EXPECT_TRUE(record::Field(after, "pool_reason").is_null());
}

TEST(PoolAssignTest, TheLimitAppliesToTheAssignee) {
  Rules rules = Enabled();
  rules.max_owned_per_user = 5;
  EXPECT_TRUE(pool::Assign(PoolCustomer(), rules, Assignee(4), kT0).ok());
  ExpectFailedPrecondition(pool::Assign(PoolCustomer(), rules, Assignee(5), kT0).status(),
                           "user u-zhang already owns 5 customers, the limit is 5");
}

TEST(PoolAssignTest, AssigneeMustBeAnActiveUserAndTheCustomerInThePool) {
  AssignFacts nobody = Assignee();
  nobody.assignee_id = "";
  ExpectFieldError(pool::Assign(PoolCustomer(), Enabled(), nobody, kT0).status(), "owner_id");
  AssignFacts disabled = Assignee();
  disabled.assignee_active = false;
  ExpectFieldError(pool::Assign(PoolCustomer(), Enabled(), disabled, kT0).status(), "owner_id");
  ExpectFailedPrecondition(pool::Assign(OwnedCustomer(), Enabled(), Assignee(), kT0).status(),
                           "transfer");
}

// ---- A whole cycle ---------------------------------------------------------

TEST(PoolCycleTest, RecycledThenClaimedByAnotherWhileThePreviousOwnerWaits) {
  Rules rules = Enabled();
  const std::int64_t recycled_at = kT0 + 30 * kDay;
  auto recycled = pool::Recycle(OwnedCustomer(), rules, CustomerTimes{kT0, {}}, recycled_at);
  ASSERT_TRUE(recycled.ok()) << recycled.status().ToString();
  record::State customer = Apply(OwnedCustomer(), *recycled);
  EXPECT_EQ(pool::PoolDue(rules, pool::FactsOf(customer, CustomerTimes{kT0, {}})), std::nullopt);

  // The read model derives the cooldown facts from the Recycled event.
  ClaimFacts zhang;
  zhang.claimer_id = "u-zhang";
  zhang.last_owner_id = (*recycled)[0].info.Find("previous_owner_id")->as_string();
  zhang.left_owner_at_ns = recycled_at;
  EXPECT_FALSE(pool::Claim(customer, rules, zhang, recycled_at + 6 * kDay).ok());

  ClaimFacts wang = zhang;
  wang.claimer_id = "u-wang";
  const std::int64_t claimed_at = recycled_at + kDay;
  auto claimed = pool::Claim(customer, rules, wang, claimed_at);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  customer = Apply(customer, *claimed);
  // The claim resets both clocks for the new owner.
  EXPECT_EQ(pool::PoolDue(rules, pool::FactsOf(customer, CustomerTimes{claimed_at, {}})),
            (Due{claimed_at + 30 * kDay, pool::kReasonNoFollowUp}));
}

}  // namespace
}  // namespace chronicle::domain
