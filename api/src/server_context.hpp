#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <mutex>
#include <vector>

#include "chronicle/api/server.hpp"

namespace chronicle::api {

// A connection the server may have to close on shutdown.
class Closable {
 public:
  virtual ~Closable() = default;
  // Closes now if idle, else after the response in flight. Any thread.
  virtual void CloseGracefully() = 0;
};

// What every session shares: options, handlers, and the registry used for
// graceful shutdown (weak references only: sessions own themselves).
struct ServerContext {
  ServerOptions options;
  RequestHandler handler;
  std::shared_ptr<WsAcceptor> ws;
  std::atomic<bool> stopping{false};
  std::atomic<int> busy{0};                   // requests being handled
  std::atomic<std::size_t> connections{0};    // open HTTP and WebSocket connections
  std::atomic<std::size_t> http_sessions{0};  // HTTP connections (shutdown waits for them)

  void Register(const std::shared_ptr<Closable>& session) {
    std::lock_guard lock(mu);
    std::erase_if(sessions, [](const auto& w) { return w.expired(); });
    sessions.push_back(session);
  }
  void CloseAll() {
    std::vector<std::weak_ptr<Closable>> copy;
    {
      std::lock_guard lock(mu);
      copy = sessions;
    }
    for (auto& w : copy) {
      if (auto s = w.lock()) s->CloseGracefully();
    }
  }

  std::mutex mu;
  std::vector<std::weak_ptr<Closable>> sessions;  // guarded by mu
};

}  // namespace chronicle::api
