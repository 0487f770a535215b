#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "server_context.hpp"

namespace chronicle::api {

// One WebSocket client. Reads messages into its WsListener; writes are
// queued (bounded: an overflowing client is dropped), one in flight at a
// time, always on the session's strand.
class WebSocketSession : public WsConnection,
                         public Closable,
                         public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(boost::beast::tcp_stream&& stream, ServerContext& context);
  ~WebSocketSession() override;
  WebSocketSession(const WebSocketSession&) = delete;
  WebSocketSession& operator=(const WebSocketSession&) = delete;
  void Run(const boost::beast::http::request<boost::beast::http::string_body>& upgrade);

  void Send(std::shared_ptr<const std::string> text) override;
  void Close(std::string reason) override;
  void CloseGracefully() override { Close("server shutting down"); }

 private:
  void OnAccept(boost::beast::error_code ec);
  void DoRead();
  void OnRead(boost::beast::error_code ec, std::size_t bytes);
  void DoWrite();
  void OnWrite(boost::beast::error_code ec, std::size_t bytes);
  void Fail();
  void DoClose();  // strand; the close frame, then the socket

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  ServerContext& context_;
  std::shared_ptr<WsListener> listener_;                  // strand only
  std::deque<std::shared_ptr<const std::string>> queue_;  // strand only
  bool closed_ = false;                                   // strand only
  bool writing_ = false;  // an async_write of queue_.front() is in flight; strand only
  std::optional<std::string> close_reason_;  // strand only; set: closing
};

}  // namespace chronicle::api
