#pragma once

#include <memory>
#include <string>

#include "chronicle/api/http.hpp"
#include "chronicle/base/result.hpp"

namespace chronicle::api {

// The server side of one WebSocket, as handlers see it.
// Thread-safety: every method may be called from any thread; sends are
// posted to the connection's strand, at most one write is in flight, and a
// client whose queue exceeds its bound is dropped (it never blocks anyone).
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  virtual void Send(std::shared_ptr<const std::string> text) = 0;
  // Sends a close frame with `reason` (after the message being written, if
  // any; queued messages are dropped), then closes.
  virtual void Close(std::string reason) = 0;
};

// Receives what one client says. Called on the connection's strand.
class WsListener {
 public:
  virtual ~WsListener() = default;
  virtual void OnMessage(std::string text) = 0;
  virtual void OnClose() = 0;
};

// Decides on an upgrade request: a listener accepts it, an error status
// refuses it with a problem response.
class WsAcceptor {
 public:
  virtual ~WsAcceptor() = default;
  virtual Result<std::shared_ptr<WsListener>> Accept(const Request& request,
                                                     std::shared_ptr<WsConnection> connection) = 0;
};

}  // namespace chronicle::api
