#include "router.hpp"

#include <cstdint>

namespace chronicle::api {
namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) out.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

std::string Access::Describe() const {
  switch (kind) {
    case Kind::kPublic:
      return "public";
    case Kind::kAuthenticated:
      return "authenticated";
    case Kind::kPermission:
      return permission;
    case Kind::kSuperAdmin:
      return "super_admin";
  }
  return "authenticated";
}

void Router::Add(std::string method, std::string pattern, Access access, RouteHandler handler) {
  auto segments = Split(pattern);
  Route route{std::move(method), std::move(pattern), std::move(segments), std::move(access),
              std::move(handler)};
  routes_.push_back(std::move(route));
}

std::vector<Router::Described> Router::Routes() const {
  std::vector<Described> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.push_back({route.method, route.pattern, route.access});
  return out;
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  const auto segments = Split(path);
  Match match;
  std::size_t best_params = SIZE_MAX;  // literal segments win over {params}
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    PathParams params;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& s = route.segments[i];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
        params[s.substr(1, s.size() - 2)] = segments[i];
      } else {
        ok = s == segments[i];
      }
    }
    if (!ok) continue;
    if (route.method != method) {
      match.path_known = true;
      continue;
    }
    if (params.size() >= best_params) continue;
    best_params = params.size();
    match.handler = &route.handler;
    match.access = &route.access;
    match.params = std::move(params);
    match.pattern = route.pattern;
  }
  return match;
}

}  // namespace chronicle::api
