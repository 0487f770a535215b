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
  // Waiting for a request of which no byte has arrived (evictable). Any thread.
  [[nodiscard]] virtual bool Idle() const { return false; }
};

// What every session shares: options, handlers, and the registry used for
// graceful shutdown (weak references only: sessions own themselves).
struct ServerContext {
  ServerOptions options;
  std::size_t connection_cap = 0;  // min(--max-connections, what the fd limit allows)
  RequestHandler handler;
  std::shared_ptr<WsAcceptor> ws;
  boost::asio::io_context* ws_ioc = nullptr;  // where upgraded connections run; owned by the server
  std::atomic<bool> stopping{false};
  std::atomic<int> busy{0};                   // requests being handled
  std::atomic<std::size_t> connections{0};    // open HTTP and WebSocket connections
  std::atomic<std::size_t> http_sessions{0};  // HTTP connections (shutdown waits for them)

  void Register(const std::shared_ptr<Closable>& session) {
    std::lock_guard lock(mu);
    std::erase_if(sessions, [](const auto& w) { return w.expired(); });
    sessions.push_back(session);
  }
  // Under connection pressure: closes up to `count` idle connections (no
  // request bytes pending) so that clients with requests get served.
  std::size_t EvictIdle(std::size_t count) {
    std::vector<std::weak_ptr<Closable>> copy;
    {
      std::lock_guard lock(mu);
      std::erase_if(sessions, [](const auto& w) { return w.expired(); });
      copy = sessions;
    }
    std::size_t evicted = 0;
    for (auto& w : copy) {
      if (evicted >= count) break;
      if (auto s = w.lock(); s && s->Idle()) {
        s->CloseGracefully();
        ++evicted;
      }
    }
    return evicted;
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
