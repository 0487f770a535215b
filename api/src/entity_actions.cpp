// The business actions of the customer lifecycle, each a thin translation
// of HTTP into the domain's own Decide (domain/lifecycle.hpp, pool.hpp):
// lead transfer and convert, customer transfer / lock / team, contact
// transfer, and what creating a contact or a follow-up adds.
#include <map>

#include "chronicle/base/time.hpp"
#include "chronicle/domain/lifecycle.hpp"
#include "entity_routes.hpp"

namespace chronicle::api {
namespace {

using domain::EntitySpec;
using domain::record::Event;
using domain::record::State;

std::string OptionalString(const Json& body, std::string_view key) {
  const Json* v = body.Find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

Result<bool> OptionalBool(const Json& body, std::string_view key) {
  const Json* v = body.Find(key);
  if (v == nullptr || v->is_null()) return false;
  if (!v->is_bool()) return FieldError(std::string(key), std::string(key) + " must be a boolean");
  return v->as_bool();
}

Status OnlyKeys(const Json& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : body.as_object()) {
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (!known) return FieldError(key, "unknown field " + key);
  }
  return Status::Ok();
}

// ---- Transfer (leads, customers, contacts) --------------------------------------

Status TransferContact(ApiContext& ctx, const Caller& caller, const Request& request,
                       const std::string& id, const std::string& owner_id,
                       std::uint64_t* position) {
  const EntitySpec& spec = domain::contact::Spec();
  const bool owner_exists = ctx.directory.UserExists(owner_id);
  CHRONICLE_ASSIGN_OR_RETURN(auto outcome, RunRecord(
                                               ctx, spec, id, std::nullopt,
                                               [&](const State& s) {
                                                 return domain::contact::DecideTransfer(
                                                     s, owner_id, owner_exists);
                                               },
                                               MetadataOf(caller, request)));
  if (position != nullptr) *position = std::max(*position, outcome.position);
  return Status::Ok();
}

Status TransferOne(ApiContext& ctx, const EntitySpec& spec, const Caller& caller,
                   const Request& request, const std::string& id, const Json& body,
                   std::uint64_t* position) {
  CHRONICLE_RETURN_IF_ERROR(Visible(ctx, caller, spec, id, Need::kWrite).status());
  const std::string owner_id = OptionalString(body, "owner_id");
  if (owner_id.empty()) return FieldError("owner_id", "owner_id is required");
  // A record may be handed to any active colleague (the caller may lose sight of it).
  if (!ctx.directory.PrincipalOf(owner_id).ok()) {
    return FieldError("owner_id", "user " + owner_id + " does not exist or is disabled");
  }
  Decider decide;
  if (spec.name == "lead") {
    decide = [&](const State& s) { return domain::lead::DecideTransfer(s, owner_id, true); };
  } else if (spec.name == "contact") {
    decide = [&](const State& s) { return domain::contact::DecideTransfer(s, owner_id, true); };
  } else {
    domain::customer::Transfer t;
    t.owner_id = owner_id;
    t.owner_exists = true;
    t.now_ns = NowNs();
    if (const Json* keep = body.Find("keep_old_owner_as"); keep != nullptr && !keep->is_null()) {
      if (!keep->is_string()) {
        return FieldError("keep_old_owner_as", "keep_old_owner_as must be none, read or write");
      }
      t.keep_old_owner_as = keep->as_string();
    }
    decide = [t](const State& s) { return domain::customer::DecideTransfer(s, t); };
  }
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome, RunRecord(ctx, spec, id, std::nullopt, decide, MetadataOf(caller, request)));
  if (position != nullptr) *position = std::max(*position, outcome.position);
  if (spec.name != "customer") return Status::Ok();
  // The cascade: the customer's contacts go with it when asked. Opportunities
  // and contracts join the cascade when those entities exist.
  CHRONICLE_ASSIGN_OR_RETURN(bool with_contacts, OptionalBool(body, "with_contacts"));
  if (with_contacts) {
    for (const auto& contact_id : ctx.tables.IdsWhere(domain::contact::Spec(), "customer_id", id)) {
      CHRONICLE_RETURN_IF_ERROR(
          TransferContact(ctx, caller, request, contact_id, owner_id, position));
    }
  }
  return Status::Ok();
}

Status CheckTransferBody(const EntitySpec& spec, const Json& body, bool batch) {
  if (const Json* owner = body.Find("owner_id"); owner != nullptr && !owner->is_string()) {
    return FieldError("owner_id", "owner_id must be a user id");
  }
  if (spec.name == "customer") {
    if (const Json* keep = body.Find("keep_old_owner_as");
        keep != nullptr && !keep->is_null() && !keep->is_string()) {
      return FieldError("keep_old_owner_as", "keep_old_owner_as must be none, read or write");
    }
    CHRONICLE_RETURN_IF_ERROR(OptionalBool(body, "with_contacts").status());
    CHRONICLE_RETURN_IF_ERROR(OptionalBool(body, "with_opportunities").status());
    CHRONICLE_RETURN_IF_ERROR(OptionalBool(body, "with_contracts").status());
    return batch ? OnlyKeys(body, {"ids", "owner_id", "with_contacts", "with_opportunities",
                                   "with_contracts", "keep_old_owner_as"})
                 : OnlyKeys(body, {"owner_id", "with_contacts", "with_opportunities",
                                   "with_contracts", "keep_old_owner_as"});
  }
  return batch ? OnlyKeys(body, {"ids", "owner_id"}) : OnlyKeys(body, {"owner_id"});
}

Result<Response> Transfer(ApiContext& ctx, const EntitySpec& spec, const Call& call) {
  CatchUpReadModels(ctx);
  CHRONICLE_ASSIGN_OR_RETURN(Json body, ParseObjectBody(call.request));
  CHRONICLE_RETURN_IF_ERROR(CheckTransferBody(spec, body, false));
  std::uint64_t position = 0;
  CHRONICLE_RETURN_IF_ERROR(
      TransferOne(ctx, spec, call.who(), call.request, call.param("id"), body, &position));
  return CurrentAnswer(ctx, spec, call.param("id"), position);
}

// ---- Lead conversion ------------------------------------------------------------

struct Converted {
  std::string customer_id;
  std::string contact_id;
  std::uint64_t position = 0;
};

Result<Converted> ConvertOne(ApiContext& ctx, const Caller& caller, const Request& request,
                             const std::string& lead_id) {
  const EntitySpec& lead_spec = domain::lead::Spec();
  CHRONICLE_RETURN_IF_ERROR(Visible(ctx, caller, lead_spec, lead_id, Need::kWrite).status());
  // One conversion at a time: the customer, its contact and the lead's mark
  // are three streams; serialising keeps a lead from converting twice.
  static std::mutex convert_mu;
  std::lock_guard lock(convert_mu);
  CHRONICLE_ASSIGN_OR_RETURN(
      auto loaded,
      LoadAggregate<RecordAggregate>(ctx.store, std::string(lead_spec.stream_prefix) + lead_id,
                                     RecordAggregate{&lead_spec}));
  CHRONICLE_ASSIGN_OR_RETURN(auto plan, domain::lead::PlanConversion(loaded.state));
  // The lead's owner keeps what the lead becomes.
  const std::string owner = domain::record::StringField(loaded.state, "owner_id");
  Converted out;
  Json customer = plan.customer;
  if (!owner.empty()) customer.Set("owner_id", owner);
  CHRONICLE_ASSIGN_OR_RETURN(
      auto created_customer,
      CreateRecord(ctx, caller, request, domain::customer::Spec(), customer, Json::MakeObject()));
  out.customer_id = created_customer.id;
  out.position = created_customer.outcome.position;
  if (plan.contact) {
    Json contact = *plan.contact;
    contact.Set("customer_id", out.customer_id);
    if (!owner.empty()) contact.Set("owner_id", owner);
    ctx.runtime.WaitFor(out.position, std::chrono::seconds(2));  // the customer must be known
    CHRONICLE_ASSIGN_OR_RETURN(
        auto created_contact,
        CreateRecord(ctx, caller, request, domain::contact::Spec(), contact, Json::MakeObject()));
    out.contact_id = created_contact.id;
    out.position = created_contact.outcome.position;
  }
  CHRONICLE_ASSIGN_OR_RETURN(auto outcome, RunRecord(
                                               ctx, lead_spec, lead_id, loaded.version,
                                               [&](const State& s) {
                                                 return domain::lead::DecideConvert(
                                                     s, out.customer_id, out.contact_id);
                                               },
                                               MetadataOf(caller, request)));
  out.position = outcome.position;
  return out;
}

Json ConvertedBody(const Converted& c) {
  Json body = Json::MakeObject();
  body.Set("customer_id", c.customer_id);
  body.Set("contact_id", c.contact_id.empty() ? Json() : Json(c.contact_id));
  return body;
}

Result<Response> Convert(ApiContext& ctx, const Call& call) {
  CatchUpReadModels(ctx);
  CHRONICLE_ASSIGN_OR_RETURN(auto converted,
                             ConvertOne(ctx, call.who(), call.request, call.param("id")));
  Response r = JsonResponse(200, ConvertedBody(converted));
  r.SetHeader("X-Position", std::to_string(converted.position));
  return r;
}

// ---- Customer lock and team -------------------------------------------------------

Status LockOne(ApiContext& ctx, const Caller& caller, const Request& request, const std::string& id,
               bool locked, std::uint64_t* position) {
  const EntitySpec& spec = domain::customer::Spec();
  CHRONICLE_RETURN_IF_ERROR(Visible(ctx, caller, spec, id, Need::kWrite).status());
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome, RunRecord(
                        ctx, spec, id, std::nullopt,
                        [&](const State& s) { return domain::customer::DecideLock(s, locked); },
                        MetadataOf(caller, request)));
  if (position != nullptr) *position = outcome.position;
  return Status::Ok();
}

Result<Response> Lock(ApiContext& ctx, const Call& call, bool locked) {
  CatchUpReadModels(ctx);
  std::uint64_t position = 0;
  CHRONICLE_RETURN_IF_ERROR(
      LockOne(ctx, call.who(), call.request, call.param("id"), locked, &position));
  return CurrentAnswer(ctx, domain::customer::Spec(), call.param("id"), position);
}

Result<Response> TeamChange(ApiContext& ctx, const Call& call, bool add) {
  CatchUpReadModels(ctx);
  const EntitySpec& spec = domain::customer::Spec();
  const std::string& id = call.param("id");
  CHRONICLE_RETURN_IF_ERROR(Visible(ctx, call.who(), spec, id, Need::kWrite).status());
  CHRONICLE_ASSIGN_OR_RETURN(Json body, ParseObjectBody(call.request));
  Decider decide;
  if (add) {
    CHRONICLE_RETURN_IF_ERROR(OnlyKeys(body, {"user_id", "access", "expires_at"}));
    domain::customer::TeamAdd t;
    t.user_id = OptionalString(body, "user_id");
    t.user_exists = ctx.directory.UserExists(t.user_id);
    if (const Json* a = body.Find("access"); a != nullptr && !a->is_null()) {
      if (!a->is_string()) return FieldError("access", "access must be read or write");
      t.access = a->as_string();
    }
    if (const Json* e = body.Find("expires_at"); e != nullptr && !e->is_null()) {
      auto at = e->is_string() ? ParseTimestamp(e->as_string()) : std::nullopt;
      if (!at) return FieldError("expires_at", "expires_at must be an RFC 3339 time");
      t.expires_at_ns = *at;
    }
    const std::int64_t now = NowNs();
    decide = [t, now](const State& s) { return domain::customer::DecideTeamAdd(s, t, now); };
  } else {
    CHRONICLE_RETURN_IF_ERROR(OnlyKeys(body, {"user_id"}));
    const std::string user = OptionalString(body, "user_id");
    decide = [user](const State& s) { return domain::customer::DecideTeamRemove(s, user); };
  }
  CHRONICLE_ASSIGN_OR_RETURN(auto outcome, RunRecord(ctx, spec, id, std::nullopt, decide,
                                                     MetadataOf(call.who(), call.request)));
  return RecordAnswer(ctx, spec, id, outcome, false);
}

// ---- Create hooks -----------------------------------------------------------------

// A contact belongs to a customer the caller may see.
Status BeforeContact(ApiContext& ctx, const Caller& caller, Json& body) {
  const Json* customer = body.Find("customer_id");
  if (customer == nullptr || !customer->is_string()) return Status::Ok();  // validation names it
  auto record = ctx.tables.Get(domain::customer::Spec(), customer->as_string());
  if (!record || record->deleted) {
    return FieldError("customer_id", "customer " + customer->as_string() + " does not exist");
  }
  return CheckAccess(ctx, caller, domain::customer::Spec(), *record, Need::kRead);
}

const EntitySpec* TargetSpec(const Json& body) {
  const Json* type = body.Find("target_type");
  if (type == nullptr || !type->is_string()) return nullptr;
  const std::string& t = type->as_string();
  if (t == "lead" || t == "customer" || t == "contact") return domain::FindEntityByName(t);
  return nullptr;
}

// A follow-up is written by the caller on a record the caller may see.
Status BeforeFollowUp(ApiContext& ctx, const Caller& caller, Json& body) {
  const Json* type = body.Find("target_type");
  const Json* target = body.Find("target_id");
  if (type == nullptr || target == nullptr || !type->is_string() || !target->is_string()) {
    return Status::Ok();  // validation names the missing field
  }
  const EntitySpec* spec = TargetSpec(body);
  if (spec == nullptr) {
    if (type->as_string() == "opportunity" || type->as_string() == "contract") {
      return FieldError("target_type",
                        "follow-ups on " + type->as_string() + "s arrive with that module");
    }
    return Status::Ok();
  }
  auto record = ctx.tables.Get(*spec, target->as_string());
  if (!record || record->deleted) {
    return FieldError("target_id", "target " + target->as_string() + " does not exist");
  }
  CHRONICLE_RETURN_IF_ERROR(CheckAccess(ctx, caller, *spec, *record, Need::kRead));
  if (body.Find("at") == nullptr || body.Find("at")->is_null()) {
    body.Set("at", FormatTimestamp(NowNs()));
  }
  return Status::Ok();
}

// The target remembers its last follow-up and next contact: the pool's
// no-follow-up clock restarts.
Result<std::uint64_t> AfterFollowUp(ApiContext& ctx, const Caller& caller, const Request& request,
                                    const std::string& id, const Json& /*body*/) {
  ctx.runtime.WaitFor(ctx.store.LastPosition(), std::chrono::seconds(2));
  auto follow_up = ctx.tables.Get(domain::follow_up::Spec(), id);
  if (!follow_up) return InternalError("the follow-up just written is missing");
  const Json& body = follow_up->body;
  const EntitySpec* spec = TargetSpec(body);
  if (spec == nullptr) return follow_up->position;
  const std::string target = OptionalString(body, "target_id");
  const std::string at = OptionalString(body, "at");
  const Json* next = body.Find("next_contact_at");
  CHRONICLE_ASSIGN_OR_RETURN(auto outcome, RunRecord(
                                               ctx, *spec, target, std::nullopt,
                                               [&](const State& s) {
                                                 return domain::follow_up::DecideFollowedUp(
                                                     s, id, at, next != nullptr ? *next : Json());
                                               },
                                               MetadataOf(caller, request)));
  return outcome.position;
}

const std::map<std::string_view, CreateHook>& Hooks() {
  static const std::map<std::string_view, CreateHook> kHooks = {
      {"contact", {BeforeContact, nullptr}},
      {"follow_up", {BeforeFollowUp, AfterFollowUp}},
  };
  return kHooks;
}

}  // namespace

const CreateHook* CreateHookOf(const EntitySpec& spec) {
  auto it = Hooks().find(spec.name);
  return it == Hooks().end() ? nullptr : &it->second;
}

void AddEntityActionRoutes(Router& router, ApiContext& ctx) {
  for (std::string_view name : {"lead", "customer", "contact"}) {
    const EntitySpec* spec = domain::FindEntityByName(name);
    const std::string base = "/api/v1/" + std::string(spec->collection);
    const Access transfer = Access::Permission(std::string(name) + ".transfer");
    router.Add("POST", base + "/{id}/transfer", transfer,
               [&ctx, spec](const Call& c) { return Transfer(ctx, *spec, c); });
    router.Add("POST", base + "/batch/transfer", transfer, [&ctx, spec](const Call& c) {
      return RunBatch(
          ctx, c,
          [&](const std::string& id, const Json& body, std::uint64_t* pos) {
            return TransferOne(ctx, *spec, c.who(), c.request, id, body, pos);
          },
          [spec](const Json& body) { return CheckTransferBody(*spec, body, true); });
    });
  }
  const Access convert = Access::Permission("lead.convert");
  router.Add("POST", "/api/v1/leads/{id}/convert", convert,
             [&ctx](const Call& c) { return Convert(ctx, c); });
  router.Add("POST", "/api/v1/leads/batch/convert", convert, [&ctx](const Call& c) {
    return RunBatch(ctx, c, [&](const std::string& id, const Json&, std::uint64_t* pos) {
      CHRONICLE_ASSIGN_OR_RETURN(auto converted, ConvertOne(ctx, c.who(), c.request, id));
      *pos = converted.position;
      return Status::Ok();
    });
  });
  const Access lock = Access::Permission("customer.lock");
  for (bool locked : {true, false}) {
    const std::string action = locked ? "lock" : "unlock";
    router.Add("POST", "/api/v1/customers/{id}/" + action, lock,
               [&ctx, locked](const Call& c) { return Lock(ctx, c, locked); });
    router.Add("POST", "/api/v1/customers/batch/" + action, lock, [&ctx, locked](const Call& c) {
      return RunBatch(ctx, c, [&](const std::string& id, const Json&, std::uint64_t* pos) {
        return LockOne(ctx, c.who(), c.request, id, locked, pos);
      });
    });
  }
  const Access team = Access::Permission("customer.update");
  router.Add("POST", "/api/v1/customers/{id}/team/add", team,
             [&ctx](const Call& c) { return TeamChange(ctx, c, true); });
  router.Add("POST", "/api/v1/customers/{id}/team/remove", team,
             [&ctx](const Call& c) { return TeamChange(ctx, c, false); });
  AddPoolRoutes(router, ctx);
}

}  // namespace chronicle::api
