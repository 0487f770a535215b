#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/domain/record.hpp"

// 公海: the public pool of customers nobody owns (data-dictionary.md,
// "Customers"). Three parts:
//   1. the pool rules, an aggregate of its own on one stream;
//   2. the recycle rule, pure functions from a customer's facts to the time
//      it falls due (pool_due_at, the owner's reminder, the recycle job);
//   3. the customer's pool actions (recycle, release, claim, assign), which
//      decide record events of the customer's own stream.
// All times are Unix nanoseconds; a "day" is 24 hours (86,400 s) counted
// from the instant, not a calendar day in anyone's time zone.
namespace chronicle::domain::pool {

// ---- 1. The rules ------------------------------------------------------------

inline constexpr std::string_view kRulesStream = "pool-rules";
inline constexpr std::int64_t kNsPerDay = 86'400'000'000'000;
// Bounds of the integer settings (inclusive).
inline constexpr std::int64_t kMaxDays = 3650;
inline constexpr std::int64_t kMaxOwnedLimit = 1'000'000;

// The rules as GET /api/v1/pool/rules shows them. The defaults are what a
// fresh installation has before anyone saves rules (recycling off).
struct Rules {
  bool enabled = false;                    // switches the recycle job (and pool_due_at) only
  std::int64_t no_follow_up_days = 30;     // 0: the no-follow-up rule is off
  std::int64_t no_deal_days = 90;          // 0: the no-deal rule is off
  std::int64_t remind_days_before = 3;     // 0: no pool_due reminder
  bool exempt_locked = true;               // locked (锁定) customers are never recycled
  bool exempt_closed = true;               // closed (已成交) customers are never recycled
  std::int64_t max_owned_per_user = 0;     // claim / assign limit; 0: unlimited
  std::int64_t reclaim_cooldown_days = 7;  // 0: the previous owner may claim back at once
  std::vector<std::string> levels;         // subject levels, in order a, b, c; empty: all
  std::int64_t version = 0;                // 0: never saved; +1 with every PUT

  friend bool operator==(const Rules&, const Rules&) = default;
};

// The whole rules as saved by one PUT (type "PoolRulesChanged", payload =
// ToJson(rules), version included).
struct RulesChanged {
  Rules rules;
};
using Event = std::variant<RulesChanged>;

// PUT /api/v1/pool/rules with its JSON body. PUT replaces: a key the body
// leaves out takes its default (not the current value), so the saved rules
// are exactly the body. `version` in the body is ignored (read-only).
struct PutRules {
  Json body;
};

// Validates the body field by field and saves it as version state.version+1
// (every PUT bumps the version, even when nothing changed: recycle events
// name the version that was in force). Errors: kInvalidArgument naming the
// field (day counts integers 0..kMaxDays, max_owned_per_user 0..
// kMaxOwnedLimit, booleans, levels a subset of a/b/c, unknown keys); a body
// that is not an object is kInvalidArgument without a field. Levels are
// stored deduplicated in the order a, b, c.
Result<std::vector<Event>> Decide(const Rules& state, const PutRules& command, std::int64_t now_ns);
Rules Evolve(Rules state, const Event& event);

std::string_view EventType(const Event& event);
Json EncodeEvent(const Event& event);
// Missing fields take their defaults (old events stay readable).
Result<Event> DecodeEvent(std::string_view type, const Json& payload);
// The API shape: {"enabled", "no_follow_up_days", ..., "levels", "version"}.
Json ToJson(const Rules& rules);
// Inverse of ToJson for read models and snapshots; missing fields default.
Rules Restore(const Json& snapshot);

// ---- 2. The recycle rule ---------------------------------------------------

inline constexpr std::string_view kReasonNoFollowUp = "no_follow_up";
inline constexpr std::string_view kReasonNoDeal = "no_deal";

// What the recycle rule looks at, for one customer.
struct CustomerFacts {
  bool owned = false;
  bool locked = false;
  bool closed = false;  // deal_status == "closed"
  std::string level;    // "a" | "b" | "c" | "" (not set)
  // When the current owner got it (create, transfer, claim, assign).
  std::int64_t owned_since_ns = 0;
  std::optional<std::int64_t> last_follow_up_ns;
  std::optional<std::int64_t> last_deal_ns;
};

// The times a customer's own fields do not hold; the caller looks them up in
// read models. owned_since_ns is the time of the latest event that gave the
// customer its current owner (Created with an owner, Transferred, Claimed,
// Assigned): it must be set, 0 would make every owned customer long due.
struct CustomerTimes {
  std::int64_t owned_since_ns = 0;
  std::optional<std::int64_t> last_deal_ns;
};

// Facts from the customer record's fields (owner_id, locked, deal_status,
// level, last_follow_up_at) plus the times only read models know. An
// unparseable last_follow_up_at counts as no follow-up.
CustomerFacts FactsOf(const record::State& customer, const CustomerTimes& times);

struct Due {
  std::int64_t at_ns = 0;
  std::string_view reason;  // kReasonNoFollowUp | kReasonNoDeal

  friend bool operator==(const Due&, const Due&) = default;
};

// When the customer would be recycled under `rules` (its pool_due_at):
//   no_follow_up: max(owned_since, last_follow_up) + no_follow_up_days;
//   no_deal (not for closed customers): max(owned_since, last_deal) + no_deal_days;
// the earlier of the two, with its reason (no_follow_up on a tie). A day
// count of 0 switches that rule off. nullopt when the rules are disabled,
// the customer is unowned (in the pool), exempt (locked / closed as
// configured, or its level is not in a non-empty `levels`; a customer
// without a level is then exempt too), or both rules are off.
std::optional<Due> PoolDue(const Rules& rules, const CustomerFacts& facts);
// PoolDue when it has arrived (now >= at), else nullopt.
std::optional<Due> RecycleNow(const Rules& rules, const CustomerFacts& facts, std::int64_t now_ns);
// Whether the owner's schedule shows the pool_due item: from
// remind_days_before days ahead of due.at until due.at (exclusive; at due
// time the recycle job takes over). Never with remind_days_before 0.
bool InReminderWindow(const Rules& rules, const Due& due, std::int64_t now_ns);

// ---- 3. The customer's pool actions ----------------------------------------
// Each returns the record events to append to the customer's stream
// ("Customer" + action). None of them touches `team`: collaborators stay
// until an owner removes them (a pool customer keeps its history of who
// worked on it, and the new owner sees and may edit the team).

inline constexpr std::string_view kRecycled = "Recycled";
inline constexpr std::string_view kReleased = "Released";
inline constexpr std::string_view kClaimed = "Claimed";
inline constexpr std::string_view kAssigned = "Assigned";

// The recycle job moves a due customer to the pool. The customer's own
// fields (owner, locked, deal status, level) are read from `customer`, not
// trusted from a scan that may be stale; `times` come from read models.
// set {"owner_id": null, "pool_reason": reason}; info {"rule": "pool",
// "rule_version", "reason", "due_at", "previous_owner_id"}.
// Errors: kNotFound (no such live customer); kFailedPrecondition when it is
// already in the pool, exempt, or not due yet (naming when it will be).
Result<std::vector<record::Event>> Recycle(const record::State& customer, const Rules& rules,
                                           const CustomerTimes& times, std::int64_t now_ns);

// The owner puts the customer back in the pool (放入公海). Only the owner
// may: a manager moves a subordinate's customer with transfer or, once it
// is in the pool, assign. A locked customer must be unlocked first (a lock
// keeps a customer out of the pool). set {"owner_id": null, "pool_reason":
// null}; info {"previous_owner_id"}.
// Errors: kNotFound; kFailedPrecondition (in the pool already, locked);
// kPermissionDenied (actor is not the owner).
Result<std::vector<record::Event>> Release(const record::State& customer, std::string_view actor,
                                           std::int64_t now_ns);

// Who claims, and what the read models know about them and the customer.
struct ClaimFacts {
  std::string claimer_id;
  std::int64_t owned_count = 0;       // customers the claimer owns now
  std::string last_owner_id;          // who owned it before it entered the pool ("" if nobody)
  std::int64_t left_owner_at_ns = 0;  // when it left last_owner_id for the pool
};

// A user takes a pool customer (领取). The limit (max_owned_per_user) and
// the previous owner's cooldown (reclaim_cooldown_days after it left them)
// apply whether or not recycling is enabled; each has its own 0 = off.
// set {"owner_id": claimer, "pool_reason": null}; info {"rule": "pool",
// "rule_version"} (the rules the limit and cooldown were checked under).
// Errors: kNotFound; kFailedPrecondition for a customer someone owns (the
// claimer included), the cooldown (naming when they may claim it again)
// and the limit ("you already own N customers, the limit is M").
Result<std::vector<record::Event>> Claim(const record::State& customer, const Rules& rules,
                                         const ClaimFacts& facts, std::int64_t now_ns);

// Who a manager assigns a pool customer to.
struct AssignFacts {
  std::string assignee_id;
  bool assignee_active = false;  // an existing, enabled user
  std::int64_t owned_count = 0;  // customers the assignee owns now
};

// A manager gives a pool customer to a user (分配). No cooldown (the
// manager decides), but the limit applies to the assignee.
// set {"owner_id": assignee, "pool_reason": null}; info {"rule": "pool",
// "rule_version"}.
// Errors: kNotFound; kInvalidArgument on owner_id (missing, not an active
// user); kFailedPrecondition for an owned customer (use transfer) and the
// assignee's limit.
Result<std::vector<record::Event>> Assign(const record::State& customer, const Rules& rules,
                                          const AssignFacts& facts, std::int64_t now_ns);

}  // namespace chronicle::domain::pool
