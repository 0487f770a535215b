#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "chronicle/api/http.hpp"
#include "chronicle/api/websocket.hpp"
#include "chronicle/base/result.hpp"

namespace chronicle::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port
  unsigned threads = 0;       // I/O threads; 0: one per core
  std::size_t body_limit = 1 << 20;
  // Bodies sent as text/csv (imports): checked by size only after the
  // headers, so a CSV of 100k rows fits while JSON bodies stay small.
  std::size_t upload_body_limit = std::size_t{64} << 20;
  std::chrono::seconds read_timeout{15};     // a whole request, headers and body: else 408
  std::chrono::seconds idle_timeout{60};     // between keep-alive requests
  std::size_t max_connections = 10'000;      // beyond: 503 and close
  std::size_t websocket_queue_limit = 1024;  // queued messages before a client is dropped
};

// Gets every HTTP request (except upgrades) and answers through Respond,
// from any thread. Must not block: post blocking work elsewhere.
using RequestHandler = std::function<void(Request, Respond)>;

// HTTP/1.1 (keep-alive) and WebSocket on Boost.Beast. Each connection runs
// on its own strand over a pool of I/O threads.
class Server {
 public:
  // Binds and starts serving. `ws` may be null (no WebSocket upgrades).
  // Raises the soft open-file limit to the hard one first.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, RequestHandler handler,
                                               std::shared_ptr<WsAcceptor> ws);
  virtual ~Server() = default;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  [[nodiscard]] virtual std::uint16_t port() const = 0;
  // Stops accepting, lets in-flight requests finish (up to `grace`), closes
  // idle connections, and joins the I/O threads.
  virtual void Stop(std::chrono::milliseconds grace) = 0;

 protected:
  Server() = default;
};

}  // namespace chronicle::api
