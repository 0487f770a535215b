#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>

#include "server_context.hpp"

namespace chronicle::api {

// One HTTP/1.1 connection: read a request (fresh parser, body and header
// limits, deadline), hand it to the handler, write the answer, repeat while
// keep-alive. Upgrades become a WebSocketSession. Runs on its own strand.
//
// Deadlines: a new connection must deliver its first whole request within
// the read timeout; between keep-alive requests it may idle for the idle
// timeout, and once the next request's first byte arrives the read timeout
// bounds the rest. A request cut off by the deadline is answered 408.
class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, ServerContext& context);
  ~HttpSession() override;
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;
  void Run();
  void CloseGracefully() override;
  [[nodiscard]] bool Idle() const override { return idle_.load(std::memory_order_relaxed); }

 private:
  void DoRead();
  void WaitForNextRequest();  // idle between keep-alive requests
  void ReadRequest();
  // The header is in: picks the body limit (uploads get their own), reads the body.
  void OnHeader(boost::beast::error_code ec, std::size_t bytes);
  void Arm(std::chrono::seconds timeout);
  void OnRead(boost::beast::error_code ec, std::size_t bytes);
  void Handle(boost::beast::http::request<boost::beast::http::string_body> message);
  void Send(Response response, bool keep_alive, unsigned version);
  // Response::body_file: streams the file (http::file_body) and removes it.
  void SendFile(Response response, bool keep_alive, unsigned version);
  template <class Message>
  void Write(std::shared_ptr<Message> message, bool keep_alive);
  void OnWrite(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void DoClose();
  // After an error answer with request bytes still unread: stop sending,
  // drain (bounded in time and bytes) so the client can read our answer
  // instead of a connection reset, then close.
  void DoLingeringClose();
  void OnDrain(boost::beast::error_code ec, std::size_t bytes);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  ServerContext& context_;
  boost::asio::steady_timer deadline_;  // the read deadline (strand only)
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<void> in_flight_;  // keeps the response alive during async_write
  bool reading_ = false;             // strand only
  std::atomic<bool> idle_{true};     // waiting, no byte of a request yet
  bool timed_out_ = false;           // the deadline cancelled the read
  bool closed_ = false;              // DoClose ran: nothing more is read or run
  bool first_request_ = true;
  std::size_t body_limit_ = 0;  // of the request being read
  bool head_ = false;  // the request in flight is HEAD: answer without a body
  bool close_after_response_ = false;
  bool linger_ = false;  // the request was not fully read
  std::size_t drained_ = 0;
  std::array<char, 16384> drain_buffer_{};
};

}  // namespace chronicle::api
