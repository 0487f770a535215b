// Every entity declared by a field table gets the same routes from its
// table: list, create, read (also as of a time), update, delete, restore,
// history, duplicates and batch delete. Per-entity code is only for actions
// (entity_actions.cpp) and for the few rules a create or update must add.
#include "entity_routes.hpp"

#include <chrono>
#include <limits>
#include <mutex>
#include <set>

#include "chronicle/base/time.hpp"
#include "chronicle/base/uuid.hpp"
#include "chronicle/domain/lifecycle.hpp"
#include "chronicle/json/parse.hpp"
#include "problem.hpp"
#include "request_parsing.hpp"

namespace chronicle::api {

using domain::EntitySpec;
using domain::record::State;

std::string NewRecordId() { return NewUuidV7(NowNs() / 1'000'000).ToString(); }

const projections::EntityKind& KindOf(const EntitySpec& spec) {
  return *projections::FindKindByCollection(spec.collection);
}

// ---- Who sees what ------------------------------------------------------------

Result<projections::Visibility> VisibilityOf(ApiContext& ctx, const Caller& caller,
                                             const EntitySpec& spec, std::string_view narrowing) {
  const domain::Principal& p = caller.principal;
  if (!narrowing.empty() && narrowing != "mine" && narrowing != "subordinates" &&
      narrowing != "department") {
    return InvalidArgumentError("scope must be mine, subordinates or department")
        .WithParameter("scope");
  }
  projections::Visibility v;
  v.now_ns = NowNs();
  if (spec.name == "view") {  // saved views are private to their user
    v.owners = {p.user_id};
    return v;
  }
  if (!spec.owned) {
    v.all = true;
    return v;
  }
  v.all = narrowing.empty() && p.scope == domain::DataScope::kAll;
  if (!v.all) {
    for (const auto& [user, department] : ctx.directory.UserPlacements()) {
      if (!domain::InScope(p, {user, department})) continue;
      if (narrowing == "mine" && user != p.user_id) continue;
      if (narrowing == "subordinates" && (user == p.user_id || !p.subordinates.contains(user))) {
        continue;
      }
      if (narrowing == "department" && department != p.department_id) continue;
      v.owners.push_back(user);
    }
  }
  // Team members see the customers they were added to (until the membership expires).
  if (narrowing.empty() || narrowing == "mine") v.member = p.user_id;
  return v;
}

Status CheckAccess(ApiContext& ctx, const Caller& caller, const EntitySpec& spec,
                   const projections::TableRecord& record, Need need) {
  return CheckRecordAccess(ctx, caller.principal, spec, record, need);
}

Status CheckRecordAccess(ApiContext& ctx, const domain::Principal& p, const EntitySpec& spec,
                         const projections::TableRecord& record, Need need) {
  if (spec.name == "view") {
    if (record.owner_id == p.user_id) return Status::Ok();
    return PermissionDeniedError("saved views are private to their user");
  }
  if (!spec.owned) return Status::Ok();
  if (record.owner_id.empty()) {
    // A customer in the public pool: anyone who may read customers sees it;
    // changing it takes a claim or an assignment first.
    if (need == Need::kRead) return Status::Ok();
    return FailedPreconditionError("the customer is in the public pool: claim it first");
  }
  if (domain::InScope(p, {record.owner_id, ctx.directory.DepartmentOf(record.owner_id)})) {
    return Status::Ok();
  }
  const Json* members = record.body.Find("team");
  const std::string team =
      domain::customer::TeamAccess(members != nullptr ? *members : Json(), p.user_id, NowNs());
  if (team == "write" || (team == "read" && need == Need::kRead)) return Status::Ok();
  if (team == "read") return PermissionDeniedError("your team access to this record is read-only");
  return PermissionDeniedError("the record is outside your data scope");
}

Result<projections::TableRecord> Visible(ApiContext& ctx, const Caller& caller,
                                         const EntitySpec& spec, const std::string& id, Need need) {
  auto record = ctx.tables.Get(spec, id);
  if (!record || record->deleted) {
    return NotFoundError(std::string(spec.collection) + "/" + id + " not found");
  }
  CHRONICLE_RETURN_IF_ERROR(CheckAccess(ctx, caller, spec, *record, need));
  return *record;
}

// The owner a record is given: someone the caller may place records with.
Status CheckOwner(ApiContext& ctx, const Caller& caller, const std::string& owner_id) {
  if (!ctx.directory.UserExists(owner_id)) {
    return FieldError("owner_id", "user " + owner_id + " does not exist");
  }
  if (!domain::InScope(caller.principal, {owner_id, ctx.directory.DepartmentOf(owner_id)})) {
    return PermissionDeniedError("user " + owner_id + " is outside your data scope");
  }
  return Status::Ok();
}

domain::FieldFacts FactsFor(ApiContext& ctx, const EntitySpec& spec) {
  domain::FieldFacts facts;
  facts.exists = [&ctx](std::string_view collection, std::string_view id) {
    if (collection == "users") return ctx.directory.UserExists(std::string(id));
    const EntitySpec* target = domain::FindEntityByCollection(collection);
    if (target == nullptr) return false;
    auto record = ctx.tables.Get(*target, id);
    return record && !record->deleted;
  };
  facts.taken = [&ctx, &spec](std::string_view field, std::string_view folded,
                              std::string_view self_id) {
    return ctx.tables.Taken(spec, field, folded, self_id);
  };
  return facts;
}

// ---- Commands -----------------------------------------------------------------

// Unique values being written (customer names): a command claims them
// before it checks the read model and holds them until the read model has
// applied its write, so two concurrent commands never both find a value
// free, and no lock is held across an append (an fsync). Claims are
// in-process (one process owns the log).
class UniqueClaim {
 public:
  UniqueClaim() = default;
  UniqueClaim(const UniqueClaim&) = delete;
  UniqueClaim& operator=(const UniqueClaim&) = delete;
  ~UniqueClaim() { Release(); }

  // Claims the unique fields' values present in `values` (raw or stored).
  // kAlreadyExists naming the field when another command holds one.
  Status Take(const EntitySpec& spec, const Json& values) {
    for (const auto& field : spec.fields) {
      if (!field.Has(domain::kUnique)) continue;
      const Json* v = values.Find(field.name);
      if (v == nullptr || !v->is_string()) continue;
      std::string key = std::string(spec.collection) + '\0' + std::string(field.name) + '\0' +
                        domain::FoldForCompare(v->as_string());
      std::lock_guard lock(Mu());
      if (!Held().insert(key).second) {
        return AlreadyExistsError("\"" + v->as_string() + "\" is being written by another request")
            .WithField(std::string(field.name));
      }
      keys_.push_back(std::move(key));
    }
    return Status::Ok();
  }
  // Keeps the claims until the read models applied `position`.
  void HoldUntilApplied(ApiContext& ctx, std::uint64_t position) {
    if (!keys_.empty()) ctx.runtime.WaitFor(position, std::chrono::seconds(5));
  }

 private:
  void Release() {
    if (keys_.empty()) return;
    std::lock_guard lock(Mu());
    for (const auto& key : keys_) Held().erase(key);
    keys_.clear();
  }
  static std::mutex& Mu() {
    static std::mutex mu;
    return mu;
  }
  static std::set<std::string>& Held() {
    static std::set<std::string> held;  // guarded by Mu()
    return held;
  }
  std::vector<std::string> keys_;
};

Result<CommandOutcome> RunRecord(ApiContext& ctx, const EntitySpec& spec, const std::string& id,
                                 std::optional<std::uint64_t> if_match, const Decider& decide,
                                 const eventstore::EventMetadata& metadata) {
  const auto started = std::chrono::steady_clock::now();
  auto outcome = RunCommand<RecordAggregate>(ctx.store, std::string(spec.stream_prefix) + id,
                                             if_match, decide, metadata, RecordAggregate{&spec});
  ctx.metrics.ObserveCommand(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return outcome;
}

Result<Json> CurrentBody(ApiContext& ctx, const EntitySpec& spec, const std::string& id,
                         const CommandOutcome& outcome) {
  // The tables model answers once it applied the command (derived fields
  // included); if it lags, the record is folded from its stream.
  ctx.runtime.WaitFor(outcome.position, std::chrono::seconds(2));
  if (auto record = ctx.tables.Get(spec, id); record && record->version >= outcome.version) {
    return record->body;
  }
  CHRONICLE_ASSIGN_OR_RETURN(auto view, LoadView(ctx, KindOf(spec), id, outcome.position,
                                                 std::numeric_limits<std::int64_t>::max()));
  return projections::RenderRecord(KindOf(spec), view);
}

Result<Response> RecordAnswer(ApiContext& ctx, const EntitySpec& spec, const std::string& id,
                              const CommandOutcome& outcome, bool created) {
  CHRONICLE_ASSIGN_OR_RETURN(Json body, CurrentBody(ctx, spec, id, outcome));
  Response r = JsonResponse(created ? 201 : 200, body);
  r.SetHeader("ETag", "\"" + std::to_string(outcome.version) + "\"");
  r.SetHeader("X-Position", std::to_string(outcome.position));
  if (created) r.SetHeader("Location", "/api/v1/" + std::string(spec.collection) + "/" + id);
  return r;
}

Result<Response> CurrentAnswer(ApiContext& ctx, const EntitySpec& spec, const std::string& id,
                               std::uint64_t position) {
  ctx.runtime.WaitFor(position, std::chrono::seconds(2));
  auto record = ctx.tables.Get(spec, id);
  if (!record) return NotFoundError(std::string(spec.collection) + "/" + id + " not found");
  Response r = JsonResponse(200, record->body);
  r.SetHeader("ETag", "\"" + std::to_string(record->version) + "\"");
  if (position > 0) r.SetHeader("X-Position", std::to_string(position));
  return r;
}

Response ListResponse(projections::ListPage page) {
  Json body = Json::MakeObject();
  Json items = Json::MakeArray();
  for (auto& item : page.items) items.Push(std::move(item));
  body.Set("items", std::move(items));
  if (!page.next_cursor.empty()) body.Set("next_cursor", page.next_cursor);
  body.Set("total", static_cast<std::int64_t>(page.total));
  return JsonResponse(200, body);
}

Result<Json> ParseObjectBody(const Request& request) {
  auto parsed = ParseJson(request.body);
  if (!parsed.ok() || !parsed->is_object()) {
    return InvalidArgumentError("the body must be a JSON object");
  }
  return std::move(parsed).value();
}

Result<Created> CreateRecord(ApiContext& ctx, const Caller& caller, const Request& request,
                             const EntitySpec& spec, Json body, const Json& server_values) {
  std::string owner_id;
  if (spec.owned) {
    const Json* owner = body.Find("owner_id");
    const domain::FieldSpec* owner_field = spec.Find("owner_id");
    const bool settable = owner_field != nullptr && !owner_field->Has(domain::kReadOnly);
    if (owner == nullptr || owner->is_null() || !settable) {
      owner_id = caller.principal.user_id;  // records are the caller's unless given to someone
    } else if (!owner->is_string()) {
      return FieldError("owner_id", "owner_id must be a user id");
    } else {
      owner_id = owner->as_string();
      CHRONICLE_RETURN_IF_ERROR(CheckOwner(ctx, caller, owner_id));
    }
    body.Erase("owner_id");
  }
  const auto custom = spec.custom_fields ? ctx.tables.CustomFieldsOf(spec.name)
                                         : std::vector<domain::CustomField>{};
  const std::string id = NewRecordId();
  UniqueClaim claim;
  CHRONICLE_RETURN_IF_ERROR(claim.Take(spec, body));
  const auto facts = FactsFor(ctx, spec);
  CHRONICLE_ASSIGN_OR_RETURN(Json values, domain::ValidateCreate(spec, custom, body, facts, ""));
  if (spec.owned) {
    values.Set("owner_id", owner_id);
    // The pool's clocks start when a customer gets its owner.
    if (spec.Find("owned_since") != nullptr) values.Set("owned_since", FormatTimestamp(NowNs()));
  }
  values = domain::WithInitialValues(spec, std::move(values));
  for (const auto& [key, value] : server_values.as_object()) values.Set(key, value);
  domain::record::Create command{id, std::move(values), caller.principal.user_id};
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome, RunRecord(
                        ctx, spec, id, std::nullopt,
                        [&](const State& s) { return domain::record::DecideCreate(s, command); },
                        MetadataOf(caller, request)));
  claim.HoldUntilApplied(ctx, outcome.position);
  return Created{id, outcome};
}

namespace {

Result<Response> List(ApiContext& ctx, const EntitySpec& spec, const Call& call) {
  const std::string narrowing(call.request.Query("scope").value_or(""));
  CHRONICLE_ASSIGN_OR_RETURN(auto visibility, VisibilityOf(ctx, call.who(), spec, narrowing));
  CHRONICLE_ASSIGN_OR_RETURN(auto page, ctx.tables.List(spec, call.request.query, visibility));
  return ListResponse(std::move(page));
}

Result<Response> Read(ApiContext& ctx, const EntitySpec& spec, const Call& call) {
  const Request& request = call.request;
  const std::string& id = call.param("id");
  CHRONICLE_ASSIGN_OR_RETURN(auto point,
                             ParseAsOf(request.Query("as_of"), request.Query("as_of_position")));
  if (!point) {
    CHRONICLE_ASSIGN_OR_RETURN(auto record, Visible(ctx, call.who(), spec, id, Need::kRead));
    Response r = JsonResponse(200, record.body);
    r.SetHeader("ETag", "\"" + std::to_string(record.version) + "\"");
    return r;
  }
  // Scope is judged on the record as it is now (who may see it today).
  auto current = ctx.tables.Get(spec, id);
  if (!current) return NotFoundError(std::string(spec.collection) + "/" + id + " not found");
  CHRONICLE_RETURN_IF_ERROR(CheckAccess(ctx, call.who(), spec, *current, Need::kRead));
  const auto& kind = KindOf(spec);
  CHRONICLE_ASSIGN_OR_RETURN(auto view,
                             LoadView(ctx, kind, id, point->max_position, point->max_time_ns));
  if (kind.deleted(view.snapshot)) return NotFoundError("the record was deleted by then");
  Response r = JsonResponse(200, projections::RenderRecord(kind, view));
  r.SetHeader("ETag", "\"" + std::to_string(view.version) + "\"");
  return r;
}

Result<Response> Create(ApiContext& ctx, const EntitySpec& spec, const Call& call) {
  CatchUpReadModels(ctx);
  CHRONICLE_ASSIGN_OR_RETURN(Json body, ParseObjectBody(call.request));
  const CreateHook* hook = CreateHookOf(spec);
  if (hook != nullptr && hook->before) {
    CHRONICLE_RETURN_IF_ERROR(hook->before(ctx, call.who(), body));
  }
  CHRONICLE_ASSIGN_OR_RETURN(
      auto created, CreateRecord(ctx, call.who(), call.request, spec, body, Json::MakeObject()));
  if (hook != nullptr && hook->after) {
    CHRONICLE_ASSIGN_OR_RETURN(created.outcome.position,
                               hook->after(ctx, call.who(), call.request, created.id, body));
  }
  return RecordAnswer(ctx, spec, created.id, created.outcome, true);
}

Result<Response> Update(ApiContext& ctx, const EntitySpec& spec, const Call& call) {
  const std::string& id = call.param("id");
  CatchUpReadModels(ctx);
  CHRONICLE_RETURN_IF_ERROR(Visible(ctx, call.who(), spec, id, Need::kWrite).status());
  CHRONICLE_ASSIGN_OR_RETURN(auto if_match, ParseIfMatch(call.request.Header("if-match")));
  CHRONICLE_ASSIGN_OR_RETURN(Json patch, ParseObjectBody(call.request));
  const auto custom = spec.custom_fields ? ctx.tables.CustomFieldsOf(spec.name)
                                         : std::vector<domain::CustomField>{};
  UniqueClaim claim;
  CHRONICLE_RETURN_IF_ERROR(claim.Take(spec, patch));
  const auto facts = FactsFor(ctx, spec);
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome,
      RunRecord(
          ctx, spec, id, if_match,
          [&](const State& s) -> Result<std::vector<domain::record::Event>> {
            if (spec.name == "lead") CHRONICLE_RETURN_IF_ERROR(domain::lead::CheckOpen(s));
            // Ownership changes through transfer (and the pool), never a plain edit.
            if (const Json* owner = patch.Find("owner_id");
                owner != nullptr && !(*owner == domain::record::Field(s, "owner_id"))) {
              return FieldError("owner_id", "owner_id changes through the transfer action");
            }
            Json edit = patch;
            edit.Erase("owner_id");
            CHRONICLE_ASSIGN_OR_RETURN(
                Json changes, domain::ValidatePatch(spec, custom, s.fields, edit, facts, id));
            return domain::record::DecideUpdate(s, {std::move(changes)});
          },
          MetadataOf(call.who(), call.request)));
  claim.HoldUntilApplied(ctx, outcome.position);
  return RecordAnswer(ctx, spec, id, outcome, false);
}

Status DeleteOne(ApiContext& ctx, const EntitySpec& spec, const Caller& caller,
                 const Request& request, const std::string& id,
                 std::optional<std::uint64_t> if_match, std::uint64_t* position) {
  CHRONICLE_RETURN_IF_ERROR(Visible(ctx, caller, spec, id, Need::kWrite).status());
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome, RunRecord(
                        ctx, spec, id, if_match,
                        [&](const State& s) { return domain::record::DecideDelete(s, {}); },
                        MetadataOf(caller, request)));
  if (position != nullptr) *position = outcome.position;
  return Status::Ok();
}

Result<Response> Delete(ApiContext& ctx, const EntitySpec& spec, const Call& call) {
  CatchUpReadModels(ctx);
  CHRONICLE_ASSIGN_OR_RETURN(auto if_match, ParseIfMatch(call.request.Header("if-match")));
  std::uint64_t position = 0;
  CHRONICLE_RETURN_IF_ERROR(
      DeleteOne(ctx, spec, call.who(), call.request, call.param("id"), if_match, &position));
  Response r;
  r.status = 204;
  r.SetHeader("X-Position", std::to_string(position));
  return r;
}

Result<Response> RestoreRecord(ApiContext& ctx, const EntitySpec& spec, const Call& call) {
  const std::string& id = call.param("id");
  CatchUpReadModels(ctx);
  auto current = ctx.tables.Get(spec, id);
  if (!current) return NotFoundError(std::string(spec.collection) + "/" + id + " not found");
  CHRONICLE_RETURN_IF_ERROR(CheckAccess(ctx, call.who(), spec, *current, Need::kWrite));
  UniqueClaim claim;
  CHRONICLE_RETURN_IF_ERROR(claim.Take(spec, current->body));
  bool taken = false;
  for (const auto& field : spec.fields) {
    if (!field.Has(domain::kUnique)) continue;
    const Json* v = current->body.Find(field.name);
    if (v != nullptr && v->is_string() &&
        ctx.tables.Taken(spec, field.name, domain::FoldForCompare(v->as_string()), id)) {
      taken = true;
    }
  }
  CHRONICLE_ASSIGN_OR_RETURN(
      auto outcome, RunRecord(
                        ctx, spec, id, std::nullopt,
                        [&](const State& s) { return domain::record::DecideRestore(s, {taken}); },
                        MetadataOf(call.who(), call.request)));
  claim.HoldUntilApplied(ctx, outcome.position);
  return RecordAnswer(ctx, spec, id, outcome, false);
}

Result<Response> History(ApiContext& ctx, const EntitySpec& spec, const Call& call) {
  const std::string& id = call.param("id");
  // History stays readable after a delete: scope is judged on the last state.
  auto current = ctx.tables.Get(spec, id);
  if (!current) return NotFoundError(std::string(spec.collection) + "/" + id + " not found");
  CHRONICLE_RETURN_IF_ERROR(CheckAccess(ctx, call.who(), spec, *current, Need::kRead));
  CHRONICLE_ASSIGN_OR_RETURN(auto entries, projections::ReadHistory(ctx.store, KindOf(spec), id));
  Json items = Json::MakeArray();
  for (auto& entry : entries) items.Push(std::move(entry));
  Json body = Json::MakeObject();
  body.Set("items", std::move(items));
  return JsonResponse(200, body);
}

// 查重: live records with the same name (folded: case and width), or the
// same mobile / phone, whoever owns them, so a rep sees that a customer
// exists before creating it again. Only id, name and owner are shown.
Result<Response> Duplicates(ApiContext& ctx, const EntitySpec& spec, const Call& call) {
  const std::string name(call.request.Query("name").value_or(""));
  const std::string mobile(call.request.Query("mobile").value_or(""));
  if (name.empty() && mobile.empty()) {
    return InvalidArgumentError("give name or mobile").WithParameter("name");
  }
  std::vector<std::string> ids;
  auto add = [&](std::vector<std::string> found) {
    for (auto& id : found) {
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
    }
  };
  projections::Visibility everyone;
  everyone.all = spec.name != "view";  // saved views are private to their user
  if (!everyone.all) everyone.owners = {call.who().principal.user_id};
  everyone.now_ns = NowNs();
  auto scan = [&](std::string key, const std::string& value) -> Status {
    std::vector<std::string> found;
    projections::QueryParams params{{std::move(key), value}};
    for (auto owner :
         {projections::Visibility::Owner::kOwned, projections::Visibility::Owner::kUnowned}) {
      everyone.owner = owner;
      CHRONICLE_RETURN_IF_ERROR(ctx.tables.Scan(spec, params, everyone, [&](const Json& r) {
        if (found.size() < 50) found.push_back(r.Find("id")->as_string());
        return Status::Ok();
      }));
    }
    add(std::move(found));
    return Status::Ok();
  };
  if (!name.empty() && spec.Find("name") != nullptr) {
    CHRONICLE_RETURN_IF_ERROR(scan("name.contains", name));
  }
  for (std::string_view field : {"mobile", "phone"}) {
    if (!mobile.empty() && spec.Find(field) != nullptr) {
      CHRONICLE_RETURN_IF_ERROR(scan(std::string(field), mobile));
    }
  }
  Json items = Json::MakeArray();
  for (const auto& id : ids) {
    auto record = ctx.tables.Get(spec, id);
    if (!record || record->deleted) continue;
    Json item = Json::MakeObject();
    item.Set("id", id);
    const Json* n = record->body.Find("name");
    item.Set("name", n != nullptr ? *n : Json());
    item.Set("owner_id", record->owner_id.empty() ? Json() : Json(record->owner_id));
    items.Push(std::move(item));
    if (items.as_array().size() >= 50) break;
  }
  Json body = Json::MakeObject();
  body.Set("items", std::move(items));
  return JsonResponse(200, body);
}

}  // namespace

// ---- Batches ------------------------------------------------------------------

Result<std::vector<std::string>> ParseBatchIds(const Json& body) {
  const Json* ids = body.Find("ids");
  if (ids == nullptr || !ids->is_array() || ids->as_array().empty()) {
    return FieldError("ids", "ids must be a non-empty array of record ids");
  }
  if (ids->as_array().size() > 500) return FieldError("ids", "at most 500 ids per batch");
  std::vector<std::string> out;
  for (const auto& id : ids->as_array()) {
    if (!id.is_string() || id.as_string().empty()) {
      return FieldError("ids", "ids must be a non-empty array of record ids");
    }
    out.push_back(id.as_string());
  }
  return out;
}

Result<Response> RunBatch(ApiContext& ctx, const Call& call,
                          const std::function<Status(const std::string& id, const Json& body,
                                                     std::uint64_t* position)>& one,
                          const std::function<Status(const Json& body)>& check) {
  CatchUpReadModels(ctx);
  CHRONICLE_ASSIGN_OR_RETURN(Json body, ParseObjectBody(call.request));
  CHRONICLE_ASSIGN_OR_RETURN(auto ids, ParseBatchIds(body));
  if (check) {
    CHRONICLE_RETURN_IF_ERROR(check(body));
  } else {
    for (const auto& [key, value] : body.as_object()) {
      if (key != "ids") return FieldError(key, "unknown field " + key);
    }
  }
  Json results = Json::MakeArray();
  std::uint64_t last_position = 0;
  for (const auto& id : ids) {
    std::uint64_t position = 0;
    Status status = one(id, body, &position);
    last_position = std::max(last_position, position);
    // The next record is judged on read models that include this one's change.
    if (position > 0) ctx.runtime.WaitFor(position, std::chrono::seconds(5));
    Json result = Json::MakeObject();
    result.Set("id", id);
    if (status.ok()) {
      result.Set("status", "ok");
    } else {
      result.Set("status", "failed");
      auto parsed = ParseJson(ProblemResponse(status).body);
      result.Set("error", parsed.ok() ? std::move(parsed).value() : Json(status.message()));
    }
    results.Push(std::move(result));
  }
  Json out = Json::MakeObject();
  out.Set("results", std::move(results));
  Response r = JsonResponse(200, out);
  if (last_position > 0) r.SetHeader("X-Position", std::to_string(last_position));
  return r;
}

void AddEntityRoutes(Router& router, ApiContext& ctx) {
  for (const EntitySpec* spec_ptr : domain::AllEntitySpecs()) {
    const EntitySpec& spec = *spec_ptr;
    const std::string base = "/api/v1/" + std::string(spec.collection);
    const std::string perm(spec.name);
    auto access = [&](std::string_view action) {
      // Saved views belong to whoever is signed in.
      if (spec.name == "view") return Access::Authenticated();
      return Access::Permission(perm + "." + std::string(action));
    };
    const EntitySpec* s = &spec;
    router.Add("GET", base, access("read"), [&ctx, s](const Call& c) { return List(ctx, *s, c); });
    router.Add("POST", base, access("create"),
               [&ctx, s](const Call& c) { return Create(ctx, *s, c); });
    router.Add("GET", base + "/duplicates", access("read"),
               [&ctx, s](const Call& c) { return Duplicates(ctx, *s, c); });
    router.Add("POST", base + "/batch/delete", access("delete"), [&ctx, s](const Call& c) {
      return RunBatch(ctx, c, [&](const std::string& id, const Json&, std::uint64_t* position) {
        return DeleteOne(ctx, *s, c.who(), c.request, id, std::nullopt, position);
      });
    });
    router.Add("GET", base + "/{id}", access("read"),
               [&ctx, s](const Call& c) { return Read(ctx, *s, c); });
    router.Add("PATCH", base + "/{id}", access("update"),
               [&ctx, s](const Call& c) { return Update(ctx, *s, c); });
    router.Add("DELETE", base + "/{id}", access("delete"),
               [&ctx, s](const Call& c) { return Delete(ctx, *s, c); });
    router.Add("POST", base + "/{id}/restore", access("delete"),
               [&ctx, s](const Call& c) { return RestoreRecord(ctx, *s, c); });
    router.Add("GET", base + "/{id}/history", access("read"),
               [&ctx, s](const Call& c) { return History(ctx, *s, c); });
  }
  AddEntityActionRoutes(router, ctx);
}

}  // namespace chronicle::api
