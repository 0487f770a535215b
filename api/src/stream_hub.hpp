#pragma once

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api_context.hpp"
#include "chronicle/api/websocket.hpp"

namespace chronicle::api {

class StreamClient;

// /api/v1/stream: authenticates the upgrade (?token=), then each client
// subscribes with {"subscribe": [topics], "from_position": N} and gets every
// later event it may see, catch-up then live, in log order.
// Topics: a collection ("users"), one record ("user:ID"), or "events" (all).
// Each client reads the log on its own thread through its own subscription,
// and the server drops a client whose send queue overflows, so a slow or
// dead client never holds anyone else up.
class StreamHub final : public WsAcceptor {
 public:
  explicit StreamHub(ApiContext& ctx) : ctx_(ctx) {}
  ~StreamHub() override { StopAll(); }
  Result<std::shared_ptr<WsListener>> Accept(const Request& request,
                                             std::shared_ptr<WsConnection> connection) override;
  // Stops every feed thread (before the event store goes away).
  void StopAll();

 private:
  ApiContext& ctx_;
  std::mutex mu_;
  std::vector<std::weak_ptr<StreamClient>> clients_;  // guarded by mu_
  bool stopped_ = false;                              // guarded by mu_
};

}  // namespace chronicle::api
