#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/api/http.hpp"
#include "chronicle/base/result.hpp"

namespace chronicle::api {

struct Caller;

// Path parameters of a matched route: "/api/v1/users/{id}" -> {"id": "..."}.
using PathParams = std::map<std::string, std::string, std::less<>>;

// Who may call a route. The dispatcher enforces it before anything else
// about the request is looked at (body, query, Idempotency-Key, waits):
// a handler only ever runs for a caller its route admits.
struct Access {
  enum class Kind : std::uint8_t {
    kPublic,         // no token (health, login, the API document)
    kAuthenticated,  // any live session
    kPermission,     // a live session whose roles grant `permission`
    kSuperAdmin,     // a live session of a super administrator
  };
  Kind kind = Kind::kAuthenticated;
  std::string permission;

  static Access Public() { return {Kind::kPublic, ""}; }
  static Access Authenticated() { return {Kind::kAuthenticated, ""}; }
  static Access Permission(std::string name) { return {Kind::kPermission, std::move(name)}; }
  static Access SuperAdmin() { return {Kind::kSuperAdmin, ""}; }
  // "public", "authenticated", "super_admin" or the permission name.
  [[nodiscard]] std::string Describe() const;
};

// What a handler gets: the request, its path parameters and the caller
// (null only on public routes).
struct Call {
  const Request& request;
  const PathParams& params;
  const Caller* caller;

  [[nodiscard]] const Caller& who() const { return *caller; }
  [[nodiscard]] const std::string& param(std::string_view name) const {
    return params.find(name)->second;
  }
};
// Errors become problem+json in one place (the dispatcher).
using RouteHandler = std::function<Result<Response>(const Call&)>;

// Matches method + path patterns ("{name}" segments) to handlers. The route
// pattern doubles as the metrics/log label, so ids never explode label sets.
class Router {
 public:
  void Add(std::string method, std::string pattern, Access access, RouteHandler handler);

  struct Match {
    const RouteHandler* handler = nullptr;  // null: no route
    const Access* access = nullptr;
    PathParams params;
    std::string pattern;      // for metrics and logs
    bool path_known = false;  // the path exists with another method (405)
  };
  [[nodiscard]] Match Find(std::string_view method, std::string_view path) const;

  struct Described {
    std::string method;
    std::string pattern;
    Access access;
  };
  // Every route, in registration order.
  [[nodiscard]] std::vector<Described> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Access access;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace chronicle::api
