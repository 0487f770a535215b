#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/api/http.hpp"
#include "chronicle/base/result.hpp"

namespace chronicle::api {

// Path parameters of a matched route: "/api/v1/users/{id}" -> {"id": "..."}.
using PathParams = std::map<std::string, std::string, std::less<>>;
using RouteHandler = std::function<Response(const Request&, const PathParams&)>;

// Matches method + path patterns ("{name}" segments) to handlers. The route
// pattern doubles as the metrics/log label, so ids never explode label sets.
class Router {
 public:
  void Add(std::string method, std::string pattern, RouteHandler handler);

  struct Match {
    const RouteHandler* handler = nullptr;  // null: no route
    PathParams params;
    std::string pattern;      // for metrics and logs
    bool path_known = false;  // the path exists with another method (405)
  };
  [[nodiscard]] Match Find(std::string_view method, std::string_view path) const;
  // "METHOD pattern" of every route, in registration order.
  [[nodiscard]] std::vector<std::string> Describe() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace chronicle::api
