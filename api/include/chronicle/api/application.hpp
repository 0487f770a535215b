#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "chronicle/api/server.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/eventstore/event_store.hpp"

namespace chronicle::api {

struct ApplicationOptions {
  std::filesystem::path data_dir = "./data";
  ServerOptions server;
  // First start only: the super administrator's password. Empty: generate
  // one and report it through generated_admin_password().
  std::string admin_password;
  eventstore::Durability durability = eventstore::Durability::kSync;
  std::chrono::seconds token_lifetime{12 * 3600};  // a session's absolute lifetime
  std::chrono::seconds session_idle{2 * 3600};  // a session ends this long after its last request
  // Argon2id cost; tests lower it.
  std::uint32_t argon2_memory_kib = 19 * 1024;
  std::uint32_t argon2_time = 2;
  // The public pool's recycle job runs at start and then this often.
  std::chrono::seconds pool_recycle_interval{3600};
  unsigned workers = 8;  // threads for handlers (blocking storage calls, hashing)
};

// The whole server: event log, read models and their runtime, organisation
// bootstrap, HTTP/WebSocket. `chronicle serve` is this plus flags.
class Application {
 public:
  static Result<std::unique_ptr<Application>> Start(const ApplicationOptions& options);
  virtual ~Application() = default;
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  [[nodiscard]] virtual std::uint16_t port() const = 0;
  // Set on first start when no admin password was given.
  [[nodiscard]] virtual std::string generated_admin_password() const = 0;
  struct RouteInfo {
    std::string method;
    std::string pattern;  // "/api/v1/users/{id}"
    std::string access;   // "public", "authenticated", "super_admin" or a permission
  };
  // Every HTTP route (the OpenAPI document must match, x-permission included).
  [[nodiscard]] virtual std::vector<RouteInfo> routes() const = 0;
  // Stops accepting, finishes in-flight requests, stops projections.
  virtual void Stop(std::chrono::milliseconds grace) = 0;

 protected:
  Application() = default;
};

}  // namespace chronicle::api
