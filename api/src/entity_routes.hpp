#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/domain/fields.hpp"
#include "chronicle/domain/record.hpp"
#include "command_pipeline.hpp"
#include "routes.hpp"

// The generic routes of field-table entities, and what entity actions
// share with them: who sees which record, how a command runs, how a
// record is answered.
namespace chronicle::api {

enum class Need : std::uint8_t { kRead, kWrite };

std::string NewRecordId();
const projections::EntityKind& KindOf(const domain::EntitySpec& spec);

// The caller's data scope as a table query sees it; `narrowing` is the
// scope= parameter (mine | subordinates | department, else 400).
Result<projections::Visibility> VisibilityOf(ApiContext& ctx, const Caller& caller,
                                             const domain::EntitySpec& spec,
                                             std::string_view narrowing);
// The one access rule for a single record: owner in scope, or a team
// member (write access for changes); a pool customer is read-only.
Status CheckAccess(ApiContext& ctx, const Caller& caller, const domain::EntitySpec& spec,
                   const projections::TableRecord& record, Need need);
Status CheckRecordAccess(ApiContext& ctx, const domain::Principal& principal,
                         const domain::EntitySpec& spec, const projections::TableRecord& record,
                         Need need);
// A live record the caller may read / change: 404, 403 or 409 otherwise.
Result<projections::TableRecord> Visible(ApiContext& ctx, const Caller& caller,
                                         const domain::EntitySpec& spec, const std::string& id,
                                         Need need);
// A user the caller may give records to: exists (422) and is in scope (403).
Status CheckOwner(ApiContext& ctx, const Caller& caller, const std::string& owner_id);
domain::FieldFacts FactsFor(ApiContext& ctx, const domain::EntitySpec& spec);

using Decider =
    std::function<Result<std::vector<domain::record::Event>>(const domain::record::State&)>;
// One command on one record, through the command pipeline (If-Match, retry).
Result<CommandOutcome> RunRecord(ApiContext& ctx, const domain::EntitySpec& spec,
                                 const std::string& id, std::optional<std::uint64_t> if_match,
                                 const Decider& decide, const eventstore::EventMetadata& metadata);
// 200 (or 201 with Location) with the record as it is after `outcome`.
Result<Response> RecordAnswer(ApiContext& ctx, const domain::EntitySpec& spec,
                              const std::string& id, const CommandOutcome& outcome, bool created);
// 200 with the record once the read model applied `position` (an action's last event).
Result<Response> CurrentAnswer(ApiContext& ctx, const domain::EntitySpec& spec,
                               const std::string& id, std::uint64_t position);
// 200 {"items", "next_cursor"?, "total"} of a tables page.
Response ListResponse(projections::ListPage page);
Result<Json> ParseObjectBody(const Request& request);

struct Created {
  std::string id;
  CommandOutcome outcome;
};
// Validates `body` against the table (and custom fields) and creates the
// record; owned records go to body.owner_id (checked) or the caller.
// `server_values` are read-only fields the server sets (status, links).
Result<Created> CreateRecord(ApiContext& ctx, const Caller& caller, const Request& request,
                             const domain::EntitySpec& spec, Json body, const Json& server_values);

// What an entity adds to its generic create (entity_actions.cpp).
struct CreateHook {
  // Before validation: checks and defaults (a contact's customer must be visible).
  std::function<Status(ApiContext&, const Caller&, Json& body)> before;
  // After the record exists: effects on other records (a follow-up updates
  // its target); returns the log position of the last event appended.
  std::function<Result<std::uint64_t>(ApiContext&, const Caller&, const Request&,
                                      const std::string& id, const Json& body)>
      after;
};
const CreateHook* CreateHookOf(const domain::EntitySpec& spec);

// {"ids": [...]} → 200 {"results": [{"id", "status": "ok"|"failed", "error"?}]}:
// each id succeeds or fails on its own. The body itself is checked once,
// before any id is tried, by `check` (default: no field but ids): an
// unknown or mistyped field refuses the whole batch (422).
Result<std::vector<std::string>> ParseBatchIds(const Json& body);
Result<Response> RunBatch(ApiContext& ctx, const Call& call,
                          const std::function<Status(const std::string& id, const Json& body,
                                                     std::uint64_t* position)>& one,
                          const std::function<Status(const Json& body)>& check = nullptr);

void AddEntityActionRoutes(Router& router, ApiContext& ctx);
void AddPoolRoutes(Router& router, ApiContext& ctx);

}  // namespace chronicle::api
