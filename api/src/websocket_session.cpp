#include "websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "problem.hpp"

namespace chronicle::api {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;

WebSocketSession::WebSocketSession(beast::tcp_stream&& stream, ServerContext& context)
    : ws_(std::move(stream)), context_(context) {
  ++context_.connections;
}

WebSocketSession::~WebSocketSession() { --context_.connections; }

void WebSocketSession::Run(const http::request<http::string_body>& upgrade) {
  Request request;
  request.method = "GET";
  if (!ParseTarget(std::string_view(upgrade.target().data(), upgrade.target().size()), request))
    request.path.clear();
  for (const auto& field : upgrade) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  auto accepted = context_.ws->Accept(request, shared_from_this());
  if (!accepted.ok()) {
    // Refuse with a problem+json answer over plain HTTP, then close.
    Response problem = ProblemResponse(accepted.status());
    auto message = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(problem.status), upgrade.version());
    message->set(http::field::content_type, problem.content_type);
    message->body() = std::move(problem.body);
    message->keep_alive(false);
    message->prepare_payload();
    http::async_write(ws_.next_layer(), *message,
                      [self = shared_from_this(), message](beast::error_code, std::size_t) {
                        beast::error_code ignored;
                        self->ws_.next_layer().socket().close(ignored);
                      });
    return;
  }
  listener_ = std::move(accepted).value();
  context_.Register(shared_from_this());
  // Heartbeat: a ping after 20 s of silence; a client silent for 40 s is dropped.
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = std::chrono::seconds(40);
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.read_message_max(std::size_t{64} * 1024);
  ws_.async_accept(upgrade,
                   [self = shared_from_this()](beast::error_code ec) { self->OnAccept(ec); });
}

void WebSocketSession::OnAccept(beast::error_code ec) {
  if (ec) return Fail();
  DoRead();
}

void WebSocketSession::DoRead() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
    self->OnRead(ec, bytes);
  });
}

void WebSocketSession::OnRead(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) return Fail();
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  if (listener_) listener_->OnMessage(std::move(text));
  DoRead();
}

void WebSocketSession::Send(std::shared_ptr<const std::string> text) {
  net::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
    if (self->closed_ || self->close_reason_) return;
    if (self->queue_.size() >= self->context_.options.websocket_queue_limit) {
      // Too slow to keep up: drop this client rather than buffer without bound.
      return self->Fail();
    }
    self->queue_.push_back(std::move(text));
    if (!self->writing_) self->DoWrite();
  });
}

void WebSocketSession::DoWrite() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(*queue_.front()),
                  [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                    self->OnWrite(ec, bytes);
                  });
}

void WebSocketSession::OnWrite(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  if (ec || closed_) {
    queue_.clear();  // the buffer written from is no longer in use
    return Fail();
  }
  queue_.pop_front();
  if (close_reason_) return DoClose();
  if (!queue_.empty()) DoWrite();
}

void WebSocketSession::Close(std::string reason) {
  net::post(ws_.get_executor(), [self = shared_from_this(), reason = std::move(reason)]() mutable {
    if (self->closed_ || self->close_reason_) return;
    self->close_reason_ = std::move(reason);
    // One write at a time: the close frame follows the message in flight.
    if (self->queue_.empty()) return self->DoClose();
    self->queue_.resize(1);
  });
}

void WebSocketSession::DoClose() {
  queue_.clear();
  if (close_reason_->size() > 120) close_reason_->resize(120);  // a close frame holds 123 bytes
  ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, *close_reason_),
                  [self = shared_from_this()](beast::error_code) { self->Fail(); });
}

void WebSocketSession::Fail() {
  if (closed_) return;
  closed_ = true;
  // The message being written must outlive its write (it completes with an
  // error once the socket is closed); the rest is dropped now.
  if (writing_) {
    queue_.resize(1);
  } else {
    queue_.clear();
  }
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  if (listener_) {
    listener_->OnClose();
    listener_.reset();  // breaks the listener -> connection -> listener cycle
  }
}

}  // namespace chronicle::api
