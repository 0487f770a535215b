// 公海: the public pool of customers. Its rules (versioned), the recycle job
// that moves neglected customers into it, claim / assign / release, and the
// schedule that warns an owner before a customer is due.
#include "pool_routes.hpp"

#include <algorithm>
#include <chrono>

#include "chronicle/base/time.hpp"
#include "chronicle/domain/lifecycle.hpp"
#include "chronicle/domain/pool.hpp"
#include "chronicle/json/parse.hpp"
#include "entity_routes.hpp"
#include "spdlog/spdlog.h"

namespace chronicle::api {

namespace {

// The pool rules' single stream, for the command pipeline.
struct PoolRulesAggregate {
  using State = domain::pool::Rules;
  using Command = domain::pool::PutRules;
  using Event = domain::pool::Event;
  static auto Decide(const State& s, const Command& c, std::int64_t now_ms) {
    return domain::pool::Decide(s, c, now_ms * 1'000'000);
  }
  static State Evolve(State s, const Event& e) { return domain::pool::Evolve(std::move(s), e); }
  static auto Decode(std::string_view type, const Json& p) {
    return domain::pool::DecodeEvent(type, p);
  }
  static Json Encode(const Event& e) { return domain::pool::EncodeEvent(e); }
  static std::string_view Type(const Event& e) { return domain::pool::EventType(e); }
};

}  // namespace

Status PoolRules::Reload(eventstore::EventStore& store) {
  CHRONICLE_ASSIGN_OR_RETURN(auto loaded, LoadAggregate<PoolRulesAggregate>(
                                              store, std::string(domain::pool::kRulesStream)));
  std::lock_guard lock(mu_);
  rules_ = loaded.state;
  return Status::Ok();
}

domain::pool::Rules PoolRules::Current() const {
  std::lock_guard lock(mu_);
  return rules_;
}

void PoolRules::Set(domain::pool::Rules rules) {
  std::lock_guard lock(mu_);
  rules_ = std::move(rules);
}

Json PoolDueAt(const domain::pool::Rules& rules, const domain::record::State& customer) {
  auto due = domain::pool::PoolDue(rules, domain::pool::FactsOf(customer, {}));
  return due ? Json(FormatTimestamp(due->at_ns)) : Json();
}

namespace {

using domain::record::State;
const domain::EntitySpec& Customers() { return domain::customer::Spec(); }

std::multimap<std::string, std::string, std::less<>> Params(
    std::initializer_list<std::pair<const std::string, std::string>> list) {
  return {list};
}

// ---- Rules ----------------------------------------------------------------------

Result<Response> GetRules(ApiContext& ctx, const Call&) {
  return JsonResponse(200, domain::pool::ToJson(ctx.pool_rules.Current()));
}

Result<Response> PutRules(ApiContext& ctx, const Call& call) {
  CHRONICLE_ASSIGN_OR_RETURN(Json body, ParseObjectBody(call.request));
  CHRONICLE_ASSIGN_OR_RETURN(auto outcome,
                             RunCommand<PoolRulesAggregate>(
                                 ctx.store, std::string(domain::pool::kRulesStream), std::nullopt,
                                 [&](const domain::pool::Rules&) -> Result<domain::pool::PutRules> {
                                   return domain::pool::PutRules{body};
                                 },
                                 MetadataOf(call.who(), call.request)));
  CHRONICLE_RETURN_IF_ERROR(ctx.pool_rules.Reload(ctx.store));
  // Every customer's pool_due_at follows today's rules.
  ctx.tables.Rederive(Customers().collection);
  Response r = JsonResponse(200, domain::pool::ToJson(ctx.pool_rules.Current()));
  r.SetHeader("X-Position", std::to_string(outcome.position));
  return r;
}

// ---- Claim, assign, release -------------------------------------------------------

// Who owned a pool customer last and when it left them (for the cooldown).
Result<domain::pool::ClaimFacts> LastOwner(ApiContext& ctx, const std::string& id) {
  domain::pool::ClaimFacts facts;
  const std::string stream = std::string(Customers().stream_prefix) + id;
  for (std::uint64_t from = 0;;) {
    CHRONICLE_ASSIGN_OR_RETURN(auto events, ctx.store.ReadStreamForward(stream, from, 1024));
    for (const auto& e : events) {
      if (!e.type.ends_with(domain::pool::kRecycled) &&
          !e.type.ends_with(domain::pool::kReleased)) {
        continue;
      }
      auto payload = ParseJson(e.payload);
      if (!payload.ok()) continue;
      const Json* info = payload->Find("info");
      const Json* previous = info != nullptr ? info->Find("previous_owner_id") : nullptr;
      facts.last_owner_id =
          previous != nullptr && previous->is_string() ? previous->as_string() : "";
      facts.left_owner_at_ns = e.recorded_at_ns;
    }
    if (events.size() < 1024) break;
    from = events.back().version + 1;
  }
  return facts;
}

// Claims and assignments are serialised, and each waits until the tables
// applied it: the next one counts what its user owns after it (the limit
// holds under concurrent claims; one process owns the log).
std::mutex& OwnershipMutex() {
  static std::mutex mu;
  return mu;
}

Status ClaimOne(ApiContext& ctx, const Caller& caller, const Request& request,
                const std::string& id, std::uint64_t* position) {
  std::lock_guard lock(OwnershipMutex());
  auto record = ctx.tables.Get(Customers(), id);
  if (!record || record->deleted) return NotFoundError("pool/" + id + " not found");
  CHRONICLE_ASSIGN_OR_RETURN(auto facts, LastOwner(ctx, id));
  facts.claimer_id = caller.principal.user_id;
  facts.owned_count =
      static_cast<std::int64_t>(ctx.tables.CountOwned(Customers(), facts.claimer_id));
  const auto rules = ctx.pool_rules.Current();
  const std::int64_t now = NowNs();
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome, RunRecord(
                        ctx, Customers(), id, std::nullopt,
                        [&](const State& s) { return domain::pool::Claim(s, rules, facts, now); },
                        MetadataOf(caller, request)));
  *position = outcome.position;
  return Status::Ok();
}

Status AssignOne(ApiContext& ctx, const Caller& caller, const Request& request,
                 const std::string& id, const Json& body, std::uint64_t* position) {
  std::lock_guard lock(OwnershipMutex());
  auto record = ctx.tables.Get(Customers(), id);
  if (!record || record->deleted) return NotFoundError("pool/" + id + " not found");
  domain::pool::AssignFacts facts;
  const Json* owner = body.Find("owner_id");
  facts.assignee_id = owner != nullptr && owner->is_string() ? owner->as_string() : "";
  if (!facts.assignee_id.empty()) {
    CHRONICLE_RETURN_IF_ERROR(CheckOwner(ctx, caller, facts.assignee_id));
    facts.assignee_active = ctx.directory.PrincipalOf(facts.assignee_id).ok();
  }
  facts.owned_count =
      static_cast<std::int64_t>(ctx.tables.CountOwned(Customers(), facts.assignee_id));
  const auto rules = ctx.pool_rules.Current();
  const std::int64_t now = NowNs();
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome, RunRecord(
                        ctx, Customers(), id, std::nullopt,
                        [&](const State& s) { return domain::pool::Assign(s, rules, facts, now); },
                        MetadataOf(caller, request)));
  *position = outcome.position;
  return Status::Ok();
}

Status ReleaseOne(ApiContext& ctx, const Caller& caller, const Request& request,
                  const std::string& id, std::uint64_t* position) {
  CHRONICLE_RETURN_IF_ERROR(Visible(ctx, caller, Customers(), id, Need::kWrite).status());
  const std::int64_t now = NowNs();
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome,
      RunRecord(
          ctx, Customers(), id, std::nullopt,
          [&](const State& s) { return domain::pool::Release(s, caller.principal.user_id, now); },
          MetadataOf(caller, request)));
  *position = outcome.position;
  return Status::Ok();
}

Status OnlyOwnerId(const Json& body, bool batch) {
  for (const auto& [key, value] : body.as_object()) {
    if (key == "owner_id" && !value.is_string() && !value.is_null()) {
      return FieldError(key, "owner_id must be a user id");
    }
    if (key == "owner_id" || (batch && key == "ids")) continue;
    return FieldError(key, "unknown field " + key);
  }
  return Status::Ok();
}

// ---- The pool list ------------------------------------------------------------------

Result<Response> ListPool(ApiContext& ctx, const Call& call) {
  // Pool customers have no owner to narrow by, but scope= is checked as on every list.
  const std::string narrowing(call.request.Query("scope").value_or(""));
  CHRONICLE_RETURN_IF_ERROR(VisibilityOf(ctx, call.who(), Customers(), narrowing).status());
  projections::Visibility v;
  v.owner = projections::Visibility::Owner::kUnowned;
  v.all = true;
  v.now_ns = NowNs();
  CHRONICLE_ASSIGN_OR_RETURN(auto page, ctx.tables.List(Customers(), call.request.query, v));
  return ListResponse(std::move(page));
}

Result<Response> ReadPool(ApiContext& ctx, const Call& call) {
  auto record = ctx.tables.Get(Customers(), call.param("id"));
  if (!record || record->deleted || !record->owner_id.empty()) {
    return NotFoundError("pool/" + call.param("id") + " not found");
  }
  Response r = JsonResponse(200, record->body);
  r.SetHeader("ETag", "\"" + std::to_string(record->version) + "\"");
  return r;
}

// ---- Schedule ----------------------------------------------------------------------

Result<std::int64_t> ParseDay(const Request& request, std::string_view name) {
  auto text = request.Query(name);
  if (!text)
    return InvalidArgumentError(std::string(name) + " is required")
        .WithParameter(std::string(name));
  auto t = ParseTimestamp(std::string(*text) + "T00:00:00.000Z");
  if (!t || text->size() != 10) {
    return InvalidArgumentError(std::string(name) + " must be a date YYYY-MM-DD")
        .WithParameter(std::string(name));
  }
  return *t;
}

Result<Response> Schedule(ApiContext& ctx, const Call& call) {
  constexpr std::int64_t kDay = 86'400'000'000'000;
  CHRONICLE_ASSIGN_OR_RETURN(std::int64_t from, ParseDay(call.request, "from"));
  CHRONICLE_ASSIGN_OR_RETURN(std::int64_t to, ParseDay(call.request, "to"));
  if (to < from) return InvalidArgumentError("to is before from").WithParameter("to");
  if (to - from > 366 * kDay) {
    return InvalidArgumentError("a schedule spans at most 366 days").WithParameter("to");
  }
  const std::int64_t end = to + kDay;
  const std::string me = call.who().principal.user_id;
  projections::Visibility mine;
  mine.owners = {me};
  mine.now_ns = NowNs();
  struct Item {
    std::int64_t day;
    Json body;
  };
  std::vector<Item> items;
  auto add = [&](std::int64_t day, std::string_view type, std::string_view target_type,
                 const Json& record, std::int64_t at) {
    Json item = Json::MakeObject();
    item.Set("type", type);
    item.Set("target_type", target_type);
    item.Set("target_id", *record.Find("id"));
    const Json* name = record.Find("name");
    item.Set("title", name != nullptr ? *name : Json(""));
    item.Set("at", FormatTimestamp(at));
    items.push_back({day, std::move(item)});
  };
  // Next contacts of the caller's leads, customers and contacts.
  for (std::string_view name : {"lead", "customer", "contact"}) {
    const domain::EntitySpec& spec = *domain::FindEntityByName(name);
    CHRONICLE_RETURN_IF_ERROR(ctx.tables.Scan(
        spec,
        Params({{"next_contact_at.gte", FormatTimestamp(from)},
                {"next_contact_at.lt", FormatTimestamp(end)}}),
        mine, [&](const Json& record) {
          const Json* at = record.Find("next_contact_at");
          auto t =
              at != nullptr && at->is_string() ? ParseTimestamp(at->as_string()) : std::nullopt;
          if (t) add(*t - (*t - from) % kDay, "next_contact", name, record, *t);
          return Status::Ok();
        }));
  }
  // Customers about to go to the pool: shown from remind_days_before days ahead until due.
  const auto rules = ctx.pool_rules.Current();
  if (rules.enabled && rules.remind_days_before > 0) {
    CHRONICLE_RETURN_IF_ERROR(ctx.tables.Scan(
        Customers(),
        Params({{"pool_due_at.gte", FormatTimestamp(from)},
                {"pool_due_at.lt", FormatTimestamp(end + rules.remind_days_before * kDay)}}),
        mine, [&](const Json& record) {
          const Json* at = record.Find("pool_due_at");
          auto due =
              at != nullptr && at->is_string() ? ParseTimestamp(at->as_string()) : std::nullopt;
          if (!due) return Status::Ok();
          for (std::int64_t day = from; day < end; day += kDay) {
            // The reminder shows on a day when some moment of it falls in the window.
            if (day + kDay > *due - rules.remind_days_before * kDay && day < *due) {
              add(day, "pool_due", "customer", record, *due);
            }
          }
          return Status::Ok();
        }));
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.day < b.day; });
  Json days = Json::MakeArray();
  std::size_t next = 0;
  for (std::int64_t day = from; day < end; day += kDay) {
    Json d = Json::MakeObject();
    d.Set("date", FormatTimestamp(day).substr(0, 10));
    Json list = Json::MakeArray();
    while (next < items.size() && items[next].day == day) list.Push(std::move(items[next++].body));
    d.Set("items", std::move(list));
    days.Push(std::move(d));
  }
  Json body = Json::MakeObject();
  body.Set("days", std::move(days));
  return JsonResponse(200, body);
}

}  // namespace

// ---- The recycle job ----------------------------------------------------------------

Result<Json> RunRecycle(ApiContext& ctx) {
  const auto rules = ctx.pool_rules.Current();
  Json recycled = Json::MakeArray();
  if (!rules.enabled) return recycled;
  const std::int64_t now = NowNs();
  projections::Visibility all;
  all.all = true;
  all.now_ns = now;
  // The read model names the candidates; each is re-decided on its own stream.
  std::vector<std::string> due;
  CHRONICLE_RETURN_IF_ERROR(ctx.tables.Scan(Customers(),
                                            Params({{"pool_due_at.lte", FormatTimestamp(now)}}),
                                            all, [&](const Json& record) {
                                              due.push_back(record.Find("id")->as_string());
                                              return Status::Ok();
                                            }));
  eventstore::EventMetadata system{"system", "pool-recycle", ""};
  for (const auto& id : due) {
    std::string reason;
    auto outcome = RunRecord(
        ctx, Customers(), id, std::nullopt,
        [&](const State& s) -> Result<std::vector<domain::record::Event>> {
          CHRONICLE_ASSIGN_OR_RETURN(auto events, domain::pool::Recycle(s, rules, {}, now));
          const Json* r = events.front().info.Find("reason");
          reason = r != nullptr && r->is_string() ? r->as_string() : "";
          return events;
        },
        system);
    if (!outcome.ok()) {
      // Followed up, locked or claimed since the scan: not due any more.
      if (outcome.status().code() != StatusCode::kFailedPrecondition) {
        spdlog::warn("pool recycle of customer {}: {}", id, outcome.status().ToString());
      }
      continue;
    }
    Json item = Json::MakeObject();
    item.Set("customer_id", id);
    item.Set("reason", reason);
    item.Set("rule_version", rules.version);
    recycled.Push(std::move(item));
  }
  if (!due.empty()) {
    spdlog::info("pool recycle: {} of {} due customers moved to the pool (rules version {})",
                 recycled.as_array().size(), due.size(), rules.version);
  }
  return recycled;
}

void AddPoolRoutes(Router& router, ApiContext& ctx) {
  const Access read = Access::Permission("customer.read");
  const Access pool = Access::Permission("customer.pool");
  const Access rules = Access::Permission("pool.rules");
  router.Add("GET", "/api/v1/pool", read, [&ctx](const Call& c) { return ListPool(ctx, c); });
  router.Add("GET", "/api/v1/pool/rules", read, [&ctx](const Call& c) { return GetRules(ctx, c); });
  router.Add("PUT", "/api/v1/pool/rules", rules,
             [&ctx](const Call& c) { return PutRules(ctx, c); });
  router.Add("POST", "/api/v1/pool/recycle", rules, [&ctx](const Call&) -> Result<Response> {
    CatchUpReadModels(ctx);
    CHRONICLE_ASSIGN_OR_RETURN(Json recycled, RunRecycle(ctx));
    Json body = Json::MakeObject();
    body.Set("recycled", std::move(recycled));
    return JsonResponse(200, body);
  });
  router.Add("GET", "/api/v1/pool/{id}", read, [&ctx](const Call& c) { return ReadPool(ctx, c); });
  router.Add("POST", "/api/v1/pool/{id}/claim", pool, [&ctx](const Call& c) -> Result<Response> {
    CatchUpReadModels(ctx);
    std::uint64_t position = 0;
    CHRONICLE_RETURN_IF_ERROR(ClaimOne(ctx, c.who(), c.request, c.param("id"), &position));
    return CurrentAnswer(ctx, Customers(), c.param("id"), position);
  });
  router.Add("POST", "/api/v1/pool/{id}/assign", pool, [&ctx](const Call& c) -> Result<Response> {
    CatchUpReadModels(ctx);
    CHRONICLE_ASSIGN_OR_RETURN(Json body, ParseObjectBody(c.request));
    CHRONICLE_RETURN_IF_ERROR(OnlyOwnerId(body, false));
    std::uint64_t position = 0;
    CHRONICLE_RETURN_IF_ERROR(AssignOne(ctx, c.who(), c.request, c.param("id"), body, &position));
    return CurrentAnswer(ctx, Customers(), c.param("id"), position);
  });
  router.Add("POST", "/api/v1/pool/batch/claim", pool, [&ctx](const Call& c) {
    return RunBatch(ctx, c, [&](const std::string& id, const Json&, std::uint64_t* pos) {
      return ClaimOne(ctx, c.who(), c.request, id, pos);
    });
  });
  router.Add("POST", "/api/v1/pool/batch/assign", pool, [&ctx](const Call& c) {
    return RunBatch(
        ctx, c,
        [&](const std::string& id, const Json& body, std::uint64_t* pos) {
          return AssignOne(ctx, c.who(), c.request, id, body, pos);
        },
        [](const Json& body) { return OnlyOwnerId(body, true); });
  });
  const Access release = Access::Permission("customer.transfer");
  router.Add(
      "POST", "/api/v1/customers/{id}/release", release, [&ctx](const Call& c) -> Result<Response> {
        CatchUpReadModels(ctx);
        std::uint64_t position = 0;
        CHRONICLE_RETURN_IF_ERROR(ReleaseOne(ctx, c.who(), c.request, c.param("id"), &position));
        return CurrentAnswer(ctx, Customers(), c.param("id"), position);
      });
  router.Add("POST", "/api/v1/customers/batch/release", release, [&ctx](const Call& c) {
    return RunBatch(ctx, c, [&](const std::string& id, const Json&, std::uint64_t* pos) {
      return ReleaseOne(ctx, c.who(), c.request, id, pos);
    });
  });
  router.Add("GET", "/api/v1/schedule", Access::Authenticated(),
             [&ctx](const Call& c) { return Schedule(ctx, c); });
}

}  // namespace chronicle::api
