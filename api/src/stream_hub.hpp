#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_context.hpp"
#include "chronicle/api/websocket.hpp"

namespace chronicle::api {

// /api/v1/stream: authenticates the upgrade (?token=), then each client
// subscribes with {"subscribe": [topics], "from_position": N} and gets every
// later event it may see, catch-up then live, in log order.
// Topics: a collection ("users"), one record ("user:ID"), or "events" (all).
//
// One feed thread and one log subscription serve every client: each event
// is looked up and placed once, then fanned out to the clients whose topics,
// permissions and data scope admit it, serialised once per topic. Sends go
// through each connection's bounded queue (a slow client is dropped, never
// waited for). A client behind the live position catches up from the log
// in chunks on the same thread, then joins the live fan-out.
//
// Sessions are re-checked whenever one is revoked and whenever a user or
// role changes: a client whose session ended, whose account was disabled or
// whose rights changed is closed with a close reason.
class StreamHub final : public WsAcceptor, public std::enable_shared_from_this<StreamHub> {
 public:
  explicit StreamHub(ApiContext& ctx) : ctx_(ctx) {}
  ~StreamHub() override { StopAll(); }

  // Subscribes to the log's end and starts the feed thread.
  Status Start();
  Result<std::shared_ptr<WsListener>> Accept(const Request& request,
                                             std::shared_ptr<WsConnection> connection) override;
  // Asks the feed thread to re-check every client's session (any thread).
  void RecheckSessions() { recheck_.store(true, std::memory_order_release); }
  // Stops the feed thread and closes every client (before the event store goes away).
  void StopAll();

  [[nodiscard]] std::size_t clients() const;

 private:
  struct Client;
  class Listener;
  void Subscribe(const std::shared_ptr<Client>& client, const std::string& text);
  void Remove(std::uint64_t id);
  void Feed();
  void Recheck(const std::vector<std::shared_ptr<Client>>& clients);
  void Deliver(const std::vector<std::shared_ptr<Client>>& clients,
               const eventstore::RecordedEvent& event, bool live);
  static void SendError(WsConnection& connection, const Status& status);

  ApiContext& ctx_;
  std::unique_ptr<eventstore::Subscription> subscription_;
  std::thread thread_;
  std::atomic<bool> recheck_{false};
  mutable std::mutex mu_;
  std::map<std::uint64_t, std::shared_ptr<Client>> clients_;  // guarded by mu_
  std::uint64_t next_id_ = 1;                                 // guarded by mu_
  std::uint64_t live_position_ = 0;  // the last event fanned out live; guarded by mu_
  bool stopped_ = false;             // guarded by mu_
};

}  // namespace chronicle::api
