#include "route_table.hpp"

#include "http_client.hpp"

namespace chronicle::testing {
namespace {

using C = const CallContext&;
using BodyFn = std::function<Json(C)>;

Json Ids(C c) { return Obj({{"ids", Json::Array{c.target_id}}}); }

// What differs between the entities of the field tables (entity_routes.cpp
// serves the same nine routes for each).
struct EntityRoutes {
  std::string collection;  // "follow-ups"
  std::string permission;  // "follow_up"; empty: any session (saved views)
  Target target;
  bool scoped;  // records in a data scope (or private to their owner)
  BodyFn create;
  BodyFn update;
};

std::vector<EntityRoutes> Entities() {
  return {
      {"leads", "lead", Target::kLead, true,
       [](C c) {
         return Obj({{"name", "线索" + c.unique},
                     {"company", "线索公司" + c.unique},
                     {"source", "web"},
                     {"owner_id", c.world.user_b}});
       },
       [](C c) {
         return Obj({{"remark", "备注" + c.unique}, {"level", "a"}});
       }},
      {"customers", "customer", Target::kCustomer, true,
       [](C c) {
         return Obj({{"name", "新客户" + c.unique}, {"level", "b"}, {"owner_id", c.world.user_b}});
       },
       [](C c) {
         return Obj({{"remark", "备注" + c.unique}, {"level", "a"}});
       }},
      {"contacts", "contact", Target::kContact, true,
       [](C c) {
         return Obj({{"customer_id", c.world.customer_b},
                     {"name", "新联系人" + c.unique},
                     {"is_primary", false},
                     {"owner_id", c.world.user_b}});
       },
       [](C c) {
         return Obj({{"position", "经理"}, {"remark", "备注" + c.unique}});
       }},
      // A follow-up is its writer's: the manager may not write one on a lead in B.
      {"follow-ups", "follow_up", Target::kFollowUp, true,
       [](C c) {
         return Obj({{"target_type", "lead"},
                     {"target_id", c.world.lead_b},
                     {"method", "phone"},
                     {"content", "电话回访" + c.unique}});
       },
       [](C c) {
         return Obj({{"content", "改写" + c.unique}});
       }},
      // Organisation-wide; on opportunities, so that no other entity's form changes.
      {"custom-fields", "custom_field", Target::kCustomField, false,
       [](C c) {
         return Obj({{"entity", "opportunity"},
                     {"key", "f" + c.unique},
                     {"label", "字段" + c.unique},
                     {"type", "text"},
                     {"sort", 1}});
       },
       [](C c) {
         return Obj({{"label", "改名" + c.unique}, {"sort", 2}});
       }},
      // Any session has its own views; the target is the administrator's.
      {"views", "", Target::kView, true,
       [](C c) {
         return Obj({{"entity", "customers"},
                     {"name", "场景" + c.unique},
                     {"columns", Json::Array{"name", "owner_id"}}});
       },
       [](C c) {
         return Obj({{"name", "改名" + c.unique}});
       }},
  };
}

void AddEntityRoutes(std::vector<RouteCall>& t) {
  for (const auto& e : Entities()) {
    const std::string base = "/api/v1/" + e.collection;
    auto access = [&](const std::string& action) {
      return e.permission.empty() ? std::string("authenticated") : e.permission + "." + action;
    };
    t.push_back({.method = "GET", .pattern = base, .access = access("read"), .list = true});
    // Creates in B (owner_id, a contact's customer, a follow-up's lead); a
    // view is always the caller's own.
    t.push_back({.method = "POST",
                 .pattern = base,
                 .access = access("create"),
                 .body = BodyKind::kRequired,
                 .valid_body = e.create,
                 .scoped = e.scoped && !e.permission.empty()});
    // Names and owners of records whoever owns them (查重): not scoped.
    t.push_back({.method = "GET",
                 .pattern = base + "/duplicates",
                 .access = access("read"),
                 .query = "name=%E5%AE%A2%E6%88%B7"});  // 客户
    t.push_back({.method = "POST",
                 .pattern = base + "/batch/delete",
                 .access = access("delete"),
                 .target = e.target,
                 .body = BodyKind::kRequired,
                 .valid_body = Ids,
                 .scoped = e.scoped,
                 .destructive = true,
                 .batch = true});
    t.push_back({.method = "GET",
                 .pattern = base + "/{id}",
                 .access = access("read"),
                 .target = e.target,
                 .scoped = e.scoped,
                 .as_of = true});
    t.push_back({.method = "PATCH",
                 .pattern = base + "/{id}",
                 .access = access("update"),
                 .target = e.target,
                 .body = BodyKind::kRequired,
                 .valid_body = e.update,
                 .scoped = e.scoped,
                 .if_match = true});
    t.push_back({.method = "DELETE",
                 .pattern = base + "/{id}",
                 .access = access("delete"),
                 .target = e.target,
                 .scoped = e.scoped,
                 .destructive = true,
                 .if_match = true});
    t.push_back({.method = "POST",
                 .pattern = base + "/{id}/restore",
                 .access = access("delete"),
                 .target = e.target,
                 .scoped = e.scoped,
                 .destructive = true,
                 .deleted = true});
    t.push_back({.method = "GET",
                 .pattern = base + "/{id}/history",
                 .access = access("read"),
                 .target = e.target,
                 .scoped = e.scoped});
  }
}

void AddActionRoutes(std::vector<RouteCall>& t) {
  // Transfer to the administrator (the top department: out of the manager's scope).
  struct Transfer {
    std::string collection, permission;
    Target target;
    BodyFn body;
  };
  const std::vector<Transfer> transfers = {
      {"leads", "lead", Target::kLead,
       [](C c) {
         return Obj({{"owner_id", c.world.admin_id}});
       }},
      {"customers", "customer", Target::kCustomer,
       [](C c) {
         return Obj({{"owner_id", c.world.admin_id},
                     {"with_contacts", true},
                     {"keep_old_owner_as", "read"}});
       }},
      {"contacts", "contact", Target::kContact,
       [](C c) {
         return Obj({{"owner_id", c.world.admin_id}});
       }},
  };
  for (const auto& x : transfers) {
    const std::string base = "/api/v1/" + x.collection;
    t.push_back({.method = "POST",
                 .pattern = base + "/{id}/transfer",
                 .access = x.permission + ".transfer",
                 .target = x.target,
                 .body = BodyKind::kRequired,
                 .valid_body = x.body,
                 .scoped = true,
                 .destructive = true});
    const BodyFn single = x.body;
    t.push_back({.method = "POST",
                 .pattern = base + "/batch/transfer",
                 .access = x.permission + ".transfer",
                 .target = x.target,
                 .body = BodyKind::kRequired,
                 .valid_body =
                     [single](C c) {
                       Json body = Ids(c);
                       const Json fields = single(c);
                       for (const auto& [key, value] : fields.as_object()) body.Set(key, value);
                       return body;
                     },
                 .scoped = true,
                 .destructive = true,
                 .batch = true});
  }
  t.push_back({.method = "POST",
               .pattern = "/api/v1/leads/{id}/convert",
               .access = "lead.convert",
               .target = Target::kLead,
               .scoped = true,
               .destructive = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/leads/batch/convert",
               .access = "lead.convert",
               .target = Target::kLead,
               .body = BodyKind::kRequired,
               .valid_body = Ids,
               .scoped = true,
               .destructive = true,
               .batch = true});
  for (const bool lock : {true, false}) {
    const std::string action = lock ? "lock" : "unlock";
    const Target target = lock ? Target::kCustomer : Target::kLockedCustomer;
    t.push_back({.method = "POST",
                 .pattern = "/api/v1/customers/{id}/" + action,
                 .access = "customer.lock",
                 .target = target,
                 .scoped = true,
                 .destructive = true});
    t.push_back({.method = "POST",
                 .pattern = "/api/v1/customers/batch/" + action,
                 .access = "customer.lock",
                 .target = target,
                 .body = BodyKind::kRequired,
                 .valid_body = Ids,
                 .scoped = true,
                 .destructive = true,
                 .batch = true});
  }
  t.push_back({.method = "POST",
               .pattern = "/api/v1/customers/{id}/team/add",
               .access = "customer.update",
               .target = Target::kCustomer,
               .body = BodyKind::kRequired,
               .valid_body =
                   [](C c) {
                     return Obj({{"user_id", c.world.nobody_id},
                                 {"access", "read"},
                                 {"expires_at", "2099-01-01T00:00:00.000Z"}});
                   },
               .scoped = true,
               .destructive = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/customers/{id}/team/remove",
               .access = "customer.update",
               .target = Target::kTeamCustomer,
               .body = BodyKind::kRequired,
               .valid_body =
                   [](C c) {
                     return Obj({{"user_id", c.world.nobody_id}});
                   },
               .scoped = true,
               .destructive = true});
}

// The pool: its customers have no owner (anyone with customer.pool claims
// them); assigning gives one to a user, who must be in scope; only an owner
// releases its customer; the rules are organisation-wide.
void AddPoolRoutes(std::vector<RouteCall>& t) {
  t.push_back(
      {.method = "GET", .pattern = "/api/v1/pool", .access = "customer.read", .list = true});
  t.push_back({.method = "GET", .pattern = "/api/v1/pool/rules", .access = "customer.read"});
  t.push_back({.method = "PUT",
               .pattern = "/api/v1/pool/rules",
               .access = "pool.rules",
               .body = BodyKind::kRequired,
               .valid_body = [](C) {
                 return Obj({{"enabled", true},
                             {"no_follow_up_days", 30},
                             {"no_deal_days", 90},
                             {"remind_days_before", 3},
                             {"exempt_locked", true},
                             {"exempt_closed", true},
                             {"max_owned_per_user", 0},
                             {"reclaim_cooldown_days", 7},
                             {"levels", Json::Array{"a", "b", "c"}}});
               }});
  t.push_back({.method = "POST", .pattern = "/api/v1/pool/recycle", .access = "pool.rules"});
  t.push_back({.method = "GET",
               .pattern = "/api/v1/pool/{id}",
               .access = "customer.read",
               .target = Target::kPoolCustomer});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/pool/{id}/claim",
               .access = "customer.pool",
               .target = Target::kPoolCustomer,
               .destructive = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/pool/batch/claim",
               .access = "customer.pool",
               .target = Target::kPoolCustomer,
               .body = BodyKind::kRequired,
               .valid_body = Ids,
               .destructive = true,
               .batch = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/pool/{id}/assign",
               .access = "customer.pool",
               .target = Target::kPoolCustomer,
               .body = BodyKind::kRequired,
               .valid_body =
                   [](C c) {
                     return Obj({{"owner_id", c.world.user_b}});
                   },
               .scoped = true,
               .destructive = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/pool/batch/assign",
               .access = "customer.pool",
               .target = Target::kPoolCustomer,
               .body = BodyKind::kRequired,
               .valid_body =
                   [](C c) {
                     Json body = Ids(c);
                     body.Set("owner_id", c.world.user_b);
                     return body;
                   },
               .scoped = true,
               .destructive = true,
               .batch = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/customers/{id}/release",
               .access = "customer.transfer",
               .target = Target::kAdminCustomer,
               .scoped = true,
               .destructive = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/customers/batch/release",
               .access = "customer.transfer",
               .target = Target::kAdminCustomer,
               .body = BodyKind::kRequired,
               .valid_body = Ids,
               .scoped = true,
               .destructive = true,
               .batch = true});
  t.push_back({.method = "GET",
               .pattern = "/api/v1/schedule",
               .access = "authenticated",
               .query = "from=2026-01-01&to=2026-01-31"});
}

std::vector<RouteCall> MakeTable() {
  std::vector<RouteCall> t;
  // ---- system and auth ------------------------------------------------------
  t.push_back({.method = "GET", .pattern = "/healthz", .access = "public"});
  t.push_back({.method = "GET", .pattern = "/readyz", .access = "public"});
  t.push_back({.method = "GET", .pattern = "/metrics", .access = "public"});
  t.push_back({.method = "GET", .pattern = "/api/openapi.json", .access = "public"});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/auth/login",
               .access = "public",
               .body = BodyKind::kRequired,
               .valid_body = [](C c) {
                 return Obj({{"username", "admin"}, {"password", c.admin_password}});
               }});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/auth/logout",
               .access = "authenticated",
               .ends_session = true});
  t.push_back({.method = "GET", .pattern = "/api/v1/auth/me", .access = "authenticated"});
  // Old and new password the same: the administrator keeps its password.
  t.push_back(
      {.method = "POST",
       .pattern = "/api/v1/auth/change-password",
       .access = "authenticated",
       .body = BodyKind::kRequired,
       .valid_body = [](C c) {
         return Obj({{"old_password", c.admin_password}, {"new_password", c.admin_password}});
       }});
  t.push_back({.method = "GET", .pattern = "/api/v1/permissions", .access = "authenticated"});
  t.push_back({.method = "GET", .pattern = "/api/v1/audit/head", .access = "audit.read"});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/admin/rebuild",
               .access = "super_admin",
               .body = BodyKind::kOptional,
               .valid_body = [](C) {
                 return Obj({{"projection", "records"}});
               }});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/admin/backup",
               .access = "super_admin",
               .body = BodyKind::kRequired,
               .valid_body = [](C c) {
                 return Obj({{"to", c.scratch.string()}});
               }});

  // ---- departments ------------------------------------------------------------
  t.push_back({.method = "GET",
               .pattern = "/api/v1/departments",
               .access = "department.read",
               .list = true});
  t.push_back(
      {.method = "POST",
       .pattern = "/api/v1/departments",
       .access = "department.create",
       .body = BodyKind::kRequired,
       .valid_body =
           [](C c) {
             return Obj({{"name", "部门" + c.unique}, {"parent_id", c.world.b}, {"sort", 1}});
           },
       .scoped = true});
  t.push_back(
      {.method = "GET", .pattern = "/api/v1/departments/tree", .access = "department.read"});
  t.push_back({.method = "GET",
               .pattern = "/api/v1/departments/{id}",
               .access = "department.read",
               .target = Target::kDepartment,
               .scoped = true,
               .as_of = true});
  t.push_back({.method = "PATCH",
               .pattern = "/api/v1/departments/{id}",
               .access = "department.update",
               .target = Target::kDepartment,
               .body = BodyKind::kRequired,
               .valid_body =
                   [](C c) {
                     return Obj({{"name", "改名" + c.unique}, {"sort", 2}});
                   },
               .scoped = true,
               .if_match = true});
  t.push_back({.method = "DELETE",
               .pattern = "/api/v1/departments/{id}",
               .access = "department.delete",
               .target = Target::kDepartment,
               .scoped = true,
               .destructive = true,
               .if_match = true});
  t.push_back({.method = "GET",
               .pattern = "/api/v1/departments/{id}/history",
               .access = "department.read",
               .target = Target::kDepartment,
               .scoped = true});

  // ---- users --------------------------------------------------------------------
  t.push_back({.method = "GET", .pattern = "/api/v1/users", .access = "user.read", .list = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/users",
               .access = "user.create",
               .body = BodyKind::kRequired,
               .valid_body =
                   [](C c) {
                     return Obj({{"username", c.username},
                                 {"password", "Passw0rd!"},
                                 {"name", "员工" + c.unique},
                                 {"department_id", c.world.b},
                                 {"role_ids", Json::Array{c.world.plain_role}}});
                   },
               .scoped = true});
  t.push_back({.method = "GET",
               .pattern = "/api/v1/users/{id}",
               .access = "user.read",
               .target = Target::kUser,
               .scoped = true,
               .as_of = true});
  t.push_back({.method = "PATCH",
               .pattern = "/api/v1/users/{id}",
               .access = "user.update",
               .target = Target::kUser,
               .body = BodyKind::kRequired,
               .valid_body =
                   [](C c) {
                     return Obj({{"name", "乙" + c.unique},
                                 {"position", "销售"},
                                 {"role_ids", Json::Array{c.world.plain_role}}});
                   },
               .scoped = true,
               .if_match = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/users/{id}/disable",
               .access = "user.disable",
               .target = Target::kUser,
               .scoped = true,
               .destructive = true,
               .if_match = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/users/{id}/enable",
               .access = "user.disable",
               .target = Target::kDisabledUser,
               .scoped = true,
               .destructive = true,
               .if_match = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/users/{id}/reset-password",
               .access = "user.reset_password",
               .target = Target::kUser,
               .body = BodyKind::kRequired,
               .valid_body =
                   [](C) {
                     return Obj({{"password", "Passw0rd!2"}});
                   },
               .scoped = true,
               .if_match = true});
  t.push_back({.method = "GET",
               .pattern = "/api/v1/users/{id}/history",
               .access = "user.read",
               .target = Target::kUser,
               .scoped = true});

  // ---- roles (organisation-wide: no data scope applies) ----------------------------
  auto role_body = [](C c) {
    return Obj({{"name", "角色" + c.unique},
                {"permissions", Json::Array{"department.read"}},
                {"data_scope", "self"}});
  };
  t.push_back({.method = "GET", .pattern = "/api/v1/roles", .access = "role.read", .list = true});
  t.push_back({.method = "POST",
               .pattern = "/api/v1/roles",
               .access = "role.create",
               .body = BodyKind::kRequired,
               .valid_body = role_body});
  t.push_back({.method = "GET",
               .pattern = "/api/v1/roles/{id}",
               .access = "role.read",
               .target = Target::kRole,
               .as_of = true});
  t.push_back({.method = "PATCH",
               .pattern = "/api/v1/roles/{id}",
               .access = "role.update",
               .target = Target::kRole,
               .body = BodyKind::kRequired,
               .valid_body = role_body,
               .if_match = true});
  t.push_back({.method = "DELETE",
               .pattern = "/api/v1/roles/{id}",
               .access = "role.delete",
               .target = Target::kRole,
               .destructive = true,
               .if_match = true});
  t.push_back({.method = "GET",
               .pattern = "/api/v1/roles/{id}/history",
               .access = "role.read",
               .target = Target::kRole});
  AddEntityRoutes(t);
  AddActionRoutes(t);
  AddPoolRoutes(t);

  // ---- export and import (the list entities that have them) ----------------------
  // An import's body is CSV (the client sends a string body as text/csv); a
  // dry run appends nothing, so the matrix's "refused calls append nothing"
  // holds for the success path too.
  for (const std::string name : {"lead", "customer", "contact"}) {
    const std::string base = "/api/v1/" + name + "s";
    t.push_back({.method = "GET",
                 .pattern = base + "/export",
                 .access = name + ".export",
                 .query = "format=csv"});
    t.push_back({.method = "POST",
                 .pattern = base + "/import",
                 .access = name + ".import",
                 .query = "dry_run=true",
                 .body = BodyKind::kRequired,
                 .valid_body = [name](C c) -> Json {
                   if (name == "contact") {
                     return "name,customer_id\n联系人" + c.unique + "," + c.world.customer_b + "\n";
                   }
                   return "name\n导入" + c.unique + "\n";
                 }});
  }
  return t;
}

}  // namespace

const std::vector<RouteCall>& RouteTable() {
  static const std::vector<RouteCall> table = MakeTable();
  return table;
}

const RouteCall* FindRouteCall(std::string_view method, std::string_view pattern) {
  for (const auto& call : RouteTable()) {
    if (call.method == method && call.pattern == pattern) return &call;
  }
  return nullptr;
}

std::string FillPath(const std::string& pattern, const std::string& id) {
  std::string out = pattern;
  if (auto at = out.find("{id}"); at != std::string::npos) out.replace(at, 4, id);
  return out;
}

}  // namespace chronicle::testing
