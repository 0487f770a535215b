#include "chronicle/domain/pool.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "chronicle/base/time.hpp"
#include "chronicle/domain/payload.hpp"
#include "overloaded.hpp"

namespace chronicle::domain::pool {
namespace {

// ---- The settings, each declared once ---------------------------------------
// Validation, encoding and decoding all walk these tables, so a new setting
// is one line here plus its member in Rules.
struct IntSetting {
  std::string_view key;
  std::int64_t Rules::*member;
  std::int64_t max;
};
struct BoolSetting {
  std::string_view key;
  bool Rules::*member;
};

constexpr std::array<IntSetting, 5> kIntSettings = {{
    {"no_follow_up_days", &Rules::no_follow_up_days, kMaxDays},
    {"no_deal_days", &Rules::no_deal_days, kMaxDays},
    {"remind_days_before", &Rules::remind_days_before, kMaxDays},
    {"max_owned_per_user", &Rules::max_owned_per_user, kMaxOwnedLimit},
    {"reclaim_cooldown_days", &Rules::reclaim_cooldown_days, kMaxDays},
}};
constexpr std::array<BoolSetting, 3> kBoolSettings = {{
    {"enabled", &Rules::enabled},
    {"exempt_locked", &Rules::exempt_locked},
    {"exempt_closed", &Rules::exempt_closed},
}};
constexpr std::array<std::string_view, 3> kLevels = {"a", "b", "c"};
constexpr std::string_view kLevelsKey = "levels";
constexpr std::string_view kVersionKey = "version";
constexpr std::string_view kEventType = "PoolRulesChanged";

const IntSetting* FindInt(std::string_view key) {
  for (const auto& s : kIntSettings) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

const BoolSetting* FindBool(std::string_view key) {
  for (const auto& s : kBoolSettings) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

// Levels deduplicated, in the order of kLevels.
Result<std::vector<std::string>> ParseLevels(const Json& value) {
  const std::string key(kLevelsKey);
  if (!value.is_array()) return FieldError(key, "levels must be an array of a, b, c");
  std::array<bool, kLevels.size()> chosen{};
  for (const auto& item : value.as_array()) {
    const auto it = item.is_string() ? std::find(kLevels.begin(), kLevels.end(), item.as_string())
                                     : kLevels.end();
    if (it == kLevels.end()) {
      return FieldError(key, "levels may hold only a, b, c; got " + item.Dump());
    }
    chosen[static_cast<std::size_t>(it - kLevels.begin())] = true;
  }
  std::vector<std::string> levels;
  for (std::size_t i = 0; i < kLevels.size(); ++i) {
    if (chosen[i]) levels.emplace_back(kLevels[i]);
  }
  return levels;
}

// The body of a PUT as rules (version left at 0 for Decide to set).
Result<Rules> ParseBody(const Json& body) {
  if (!body.is_object()) return InvalidArgumentError("the pool rules must be a JSON object");
  Rules rules;
  for (const auto& [key, value] : body.as_object()) {
    if (key == kVersionKey) continue;  // read-only: ignored, never an error
    if (const IntSetting* s = FindInt(key)) {
      if (!value.is_int() || value.as_int() < 0 || value.as_int() > s->max) {
        return FieldError(key, key + " must be an integer from 0 to " + std::to_string(s->max));
      }
      rules.*(s->member) = value.as_int();
    } else if (const BoolSetting* b = FindBool(key)) {
      if (!value.is_bool()) return FieldError(key, key + " must be true or false");
      rules.*(b->member) = value.as_bool();
    } else if (key == kLevelsKey) {
      CHRONICLE_ASSIGN_OR_RETURN(rules.levels, ParseLevels(value));
    } else {
      return FieldError(key, "unknown field " + key + " in the pool rules");
    }
  }
  return rules;
}

// t + days, saturating instead of overflowing (times far in the future
// simply never fall due).
std::int64_t AddDays(std::int64_t t, std::int64_t days) {
  const std::int64_t span = days * kNsPerDay;  // days <= kMaxDays: no overflow
  if (t > std::numeric_limits<std::int64_t>::max() - span) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return t + span;
}

// Why the rules do not apply to the customer at all, or nullopt when they do.
std::optional<std::string> Exemption(const Rules& rules, const CustomerFacts& facts) {
  if (!rules.enabled) return "recycling to the pool is disabled";
  if (!facts.owned) return "the customer is already in the pool";
  if (facts.locked && rules.exempt_locked) return "locked customers are exempt from recycling";
  if (facts.closed && rules.exempt_closed) return "closed customers are exempt from recycling";
  if (!rules.levels.empty() &&
      std::find(rules.levels.begin(), rules.levels.end(), facts.level) == rules.levels.end()) {
    return "customers of level '" + facts.level + "' are exempt from recycling";
  }
  return std::nullopt;
}

Status RequireLive(const record::State& customer) {
  if (!customer.exists || customer.deleted) return NotFoundError("the customer does not exist");
  return Status::Ok();
}

Json RuleInfo(const Rules& rules) {
  Json info = Json::MakeObject();
  info.Set("rule", "pool");
  info.Set("rule_version", rules.version);
  return info;
}

// The event that gives a pool customer to `owner_id`.
record::Event TakeFromPool(std::string_view action, const std::string& owner_id, const Rules& rules,
                           std::int64_t now_ns) {
  record::Event event;
  event.action = std::string(action);
  event.set.Set("owner_id", owner_id);
  event.set.Set("owned_since", FormatTimestamp(now_ns));
  event.set.Set("pool_reason", Json());
  event.info = RuleInfo(rules);
  return event;
}

std::string OwnedMessage(std::string_view who, std::int64_t count, std::int64_t limit) {
  return std::string(who) + " already own" + (who == "you" ? "" : "s") + " " +
         std::to_string(count) + " customers, the limit is " + std::to_string(limit);
}

}  // namespace

// ---- 1. The rules ------------------------------------------------------------

Result<std::vector<Event>> Decide(const Rules& state, const PutRules& command,
                                  std::int64_t /*now_ns*/) {
  CHRONICLE_ASSIGN_OR_RETURN(Rules rules, ParseBody(command.body));
  rules.version = state.version + 1;
  return std::vector<Event>{RulesChanged{std::move(rules)}};
}

Rules Evolve(Rules state, const Event& event) {
  std::visit(
      Overloaded{
          // The event carries the whole rules: a PUT replaces them.
          [&](const RulesChanged& e) { state = e.rules; },
      },
      event);
  return state;
}

std::string_view EventType(const Event& event) {
  return std::visit(
      Overloaded{
          [](const RulesChanged&) { return kEventType; },
      },
      event);
}

Json EncodeEvent(const Event& event) {
  return std::visit(
      Overloaded{
          [](const RulesChanged& e) { return ToJson(e.rules); },
      },
      event);
}

Result<Event> DecodeEvent(std::string_view type, const Json& payload) {
  if (type != kEventType) {
    return InvalidArgumentError("unknown pool rules event type " + std::string(type));
  }
  return Event{RulesChanged{Restore(payload)}};
}

Json ToJson(const Rules& rules) {
  Json out = Json::MakeObject();
  out.Set("enabled", rules.enabled);
  out.Set("no_follow_up_days", rules.no_follow_up_days);
  out.Set("no_deal_days", rules.no_deal_days);
  out.Set("remind_days_before", rules.remind_days_before);
  out.Set("exempt_locked", rules.exempt_locked);
  out.Set("exempt_closed", rules.exempt_closed);
  out.Set("max_owned_per_user", rules.max_owned_per_user);
  out.Set("reclaim_cooldown_days", rules.reclaim_cooldown_days);
  out.Set(std::string(kLevelsKey), payload::StringArray(rules.levels));
  out.Set(std::string(kVersionKey), rules.version);
  return out;
}

Rules Restore(const Json& snapshot) {
  Rules rules;
  for (const auto& s : kIntSettings) {
    rules.*(s.member) = payload::Int(snapshot, s.key, rules.*(s.member));
  }
  for (const auto& b : kBoolSettings) {
    rules.*(b.member) = payload::Bool(snapshot, b.key, rules.*(b.member));
  }
  rules.levels = payload::Strings(snapshot, kLevelsKey);
  rules.version = payload::Int(snapshot, kVersionKey);
  return rules;
}

// ---- 2. The recycle rule ---------------------------------------------------

CustomerFacts FactsOf(const record::State& customer, const CustomerTimes& times) {
  CustomerFacts facts;
  facts.owned = !record::StringField(customer, "owner_id").empty();
  const Json& locked = record::Field(customer, "locked");
  facts.locked = locked.is_bool() && locked.as_bool();
  facts.closed = record::StringField(customer, "deal_status") == "closed";
  facts.level = record::StringField(customer, "level");
  facts.owned_since_ns = times.owned_since_ns;
  if (facts.owned_since_ns == 0) {
    // The customer's own owned_since (set by create, transfer, claim, assign).
    const std::string since = record::StringField(customer, "owned_since");
    if (auto t = ParseTimestamp(since)) facts.owned_since_ns = *t;
  }
  const std::string follow_up = record::StringField(customer, "last_follow_up_at");
  if (!follow_up.empty()) facts.last_follow_up_ns = ParseTimestamp(follow_up);
  facts.last_deal_ns = times.last_deal_ns;
  return facts;
}

std::optional<Due> PoolDue(const Rules& rules, const CustomerFacts& facts) {
  if (Exemption(rules, facts)) return std::nullopt;
  std::optional<Due> due;
  if (rules.no_follow_up_days > 0) {
    const std::int64_t since =
        std::max(facts.owned_since_ns, facts.last_follow_up_ns.value_or(facts.owned_since_ns));
    due = Due{AddDays(since, rules.no_follow_up_days), kReasonNoFollowUp};
  }
  if (rules.no_deal_days > 0 && !facts.closed) {
    const std::int64_t since =
        std::max(facts.owned_since_ns, facts.last_deal_ns.value_or(facts.owned_since_ns));
    const std::int64_t at = AddDays(since, rules.no_deal_days);
    // Strictly earlier: on a tie the follow-up reason, the one the owner can act on.
    if (!due || at < due->at_ns) due = Due{at, kReasonNoDeal};
  }
  return due;
}

std::optional<Due> RecycleNow(const Rules& rules, const CustomerFacts& facts, std::int64_t now_ns) {
  std::optional<Due> due = PoolDue(rules, facts);
  if (!due || now_ns < due->at_ns) return std::nullopt;
  return due;
}

bool InReminderWindow(const Rules& rules, const Due& due, std::int64_t now_ns) {
  if (rules.remind_days_before <= 0) return false;
  if (now_ns >= due.at_ns) return false;
  // at - now in unsigned arithmetic: exact for now < at, never overflowing.
  const std::uint64_t ahead =
      static_cast<std::uint64_t>(due.at_ns) - static_cast<std::uint64_t>(now_ns);
  return ahead <= static_cast<std::uint64_t>(rules.remind_days_before * kNsPerDay);
}

// ---- 3. The customer's pool actions ----------------------------------------

Result<std::vector<record::Event>> Recycle(const record::State& customer, const Rules& rules,
                                           const CustomerTimes& times, std::int64_t now_ns) {
  CHRONICLE_RETURN_IF_ERROR(RequireLive(customer));
  const CustomerFacts facts = FactsOf(customer, times);
  if (std::optional<std::string> why = Exemption(rules, facts)) {
    return FailedPreconditionError("the customer is not recycled: " + *why);
  }
  const std::optional<Due> due = PoolDue(rules, facts);
  if (!due) {
    return FailedPreconditionError(
        "the customer is not recycled: both the no-follow-up and the no-deal rule are off");
  }
  if (now_ns < due->at_ns) {
    return FailedPreconditionError("the customer is not due for the pool until " +
                                   FormatTimestamp(due->at_ns) + " (" + std::string(due->reason) +
                                   ")");
  }
  record::Event event;
  event.action = std::string(kRecycled);
  event.set.Set("owner_id", Json());
  event.set.Set("pool_reason", due->reason);
  event.info = RuleInfo(rules);
  event.info.Set("reason", due->reason);
  event.info.Set("due_at", FormatTimestamp(due->at_ns));
  event.info.Set("previous_owner_id", record::StringField(customer, "owner_id"));
  return std::vector<record::Event>{std::move(event)};
}

Result<std::vector<record::Event>> Release(const record::State& customer, std::string_view actor,
                                           std::int64_t /*now_ns*/) {
  CHRONICLE_RETURN_IF_ERROR(RequireLive(customer));
  const std::string owner = record::StringField(customer, "owner_id");
  if (owner.empty()) return FailedPreconditionError("the customer is already in the pool");
  if (owner != actor) {
    return PermissionDeniedError(
        "only the customer's owner can release it to the pool (a manager can transfer it)");
  }
  const Json& locked = record::Field(customer, "locked");
  if (locked.is_bool() && locked.as_bool()) {
    return FailedPreconditionError(
        "the customer is locked: unlock it before releasing it to the pool");
  }
  record::Event event;
  event.action = std::string(kReleased);
  event.set.Set("owner_id", Json());
  event.set.Set("pool_reason", Json());
  event.info.Set("previous_owner_id", owner);
  return std::vector<record::Event>{std::move(event)};
}

Result<std::vector<record::Event>> Claim(const record::State& customer, const Rules& rules,
                                         const ClaimFacts& facts, std::int64_t now_ns) {
  CHRONICLE_RETURN_IF_ERROR(RequireLive(customer));
  if (facts.claimer_id.empty()) return InvalidArgumentError("a claim needs the claimer's id");
  const std::string owner = record::StringField(customer, "owner_id");
  if (owner == facts.claimer_id) return FailedPreconditionError("you already own this customer");
  if (!owner.empty()) {
    return FailedPreconditionError(
        "claiming a customer someone else owns: it is no longer in the pool");
  }
  if (rules.reclaim_cooldown_days > 0 && facts.last_owner_id == facts.claimer_id) {
    const std::int64_t until = AddDays(facts.left_owner_at_ns, rules.reclaim_cooldown_days);
    if (now_ns < until) {
      return FailedPreconditionError("this customer left you for the pool at " +
                                     FormatTimestamp(facts.left_owner_at_ns) +
                                     "; you may claim it again from " + FormatTimestamp(until));
    }
  }
  if (rules.max_owned_per_user > 0 && facts.owned_count >= rules.max_owned_per_user) {
    return FailedPreconditionError(
        OwnedMessage("you", facts.owned_count, rules.max_owned_per_user));
  }
  return std::vector<record::Event>{TakeFromPool(kClaimed, facts.claimer_id, rules, now_ns)};
}

Result<std::vector<record::Event>> Assign(const record::State& customer, const Rules& rules,
                                          const AssignFacts& facts, std::int64_t now_ns) {
  CHRONICLE_RETURN_IF_ERROR(RequireLive(customer));
  if (facts.assignee_id.empty()) return FieldError("owner_id", "owner_id is required");
  if (!facts.assignee_active) {
    return FieldError("owner_id", "user " + facts.assignee_id + " does not exist or is disabled");
  }
  if (!record::StringField(customer, "owner_id").empty()) {
    return FailedPreconditionError(
        "the customer is not in the pool: transfer moves a customer someone owns");
  }
  if (rules.max_owned_per_user > 0 && facts.owned_count >= rules.max_owned_per_user) {
    return FailedPreconditionError(
        OwnedMessage("user " + facts.assignee_id, facts.owned_count, rules.max_owned_per_user));
  }
  return std::vector<record::Event>{TakeFromPool(kAssigned, facts.assignee_id, rules, now_ns)};
}

}  // namespace chronicle::domain::pool
