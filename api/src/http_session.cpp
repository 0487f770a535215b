#include "http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <filesystem>

#include "problem.hpp"
#include "websocket_session.hpp"

namespace chronicle::api {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

HttpSession::HttpSession(net::ip::tcp::socket&& socket, ServerContext& context)
    : stream_(std::move(socket)), context_(context), deadline_(stream_.get_executor()) {
  ++context_.connections;
  ++context_.http_sessions;
}

HttpSession::~HttpSession() {
  --context_.http_sessions;
  --context_.connections;
}

void HttpSession::Run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
}

void HttpSession::CloseGracefully() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->close_after_response_ = true;
    // Idle, or between requests: close now. A request being read that has
    // not arrived whole is dropped (nothing of it ran).
    if (self->reading_) self->DoClose();
  });
}

void HttpSession::Arm(std::chrono::seconds timeout) {
  timed_out_ = false;
  deadline_.expires_after(timeout);
  deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;  // cancelled: the read finished in time
    self->timed_out_ = true;
    beast::error_code ignored;
    self->stream_.socket().cancel(ignored);
  });
}

void HttpSession::DoRead() {
  if (close_after_response_ || context_.stopping) return DoClose();
  stream_.expires_never();  // reads are bounded by deadline_, which can answer 408
  reading_ = true;
  if (first_request_ || buffer_.size() > 0) return ReadRequest();
  idle_ = true;
  WaitForNextRequest();
}

void HttpSession::WaitForNextRequest() {
  Arm(context_.options.idle_timeout);
  stream_.socket().async_wait(net::ip::tcp::socket::wait_read,
                              [self = shared_from_this()](beast::error_code ec) {
                                self->deadline_.cancel();
                                self->idle_ = false;
                                if (ec || self->timed_out_ || self->closed_) {
                                  self->reading_ = false;
                                  return self->DoClose();  // idle too long: close quietly
                                }
                                self->ReadRequest();
                              });
}

void HttpSession::ReadRequest() {
  Arm(context_.options.read_timeout);
  first_request_ = false;
  parser_.emplace();  // a fresh parser per request
  body_limit_ = context_.options.body_limit;
  parser_->body_limit(body_limit_);
  parser_->header_limit(16 * 1024);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                            self->OnHeader(ec, bytes);
                          });
}

void HttpSession::OnHeader(beast::error_code ec, std::size_t bytes) {
  if (ec || closed_ || timed_out_ || parser_->is_done()) return OnRead(ec, bytes);
  // File uploads (CSV imports) may be larger than JSON bodies.
  const auto type = parser_->get()[http::field::content_type];
  if (beast::iequals(type.substr(0, type.find(';')), "text/csv")) {
    body_limit_ = std::max(body_limit_, context_.options.upload_body_limit);
    parser_->body_limit(body_limit_);
  }
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code e, std::size_t n) {
                     self->OnRead(e, n);
                   });
}

void HttpSession::OnRead(beast::error_code ec, std::size_t /*bytes*/) {
  reading_ = false;
  idle_ = false;
  deadline_.cancel();
  // Closed for shutdown while this request arrived: it is dropped unrun (an
  // answer could no longer reach the client, so nothing may be committed).
  if (closed_) return;
  if (timed_out_) {
    if (!parser_->got_some() || context_.stopping) return DoClose();
    close_after_response_ = true;
    linger_ = true;
    return Send(ProblemResponse(408, "request_timeout",
                                "the request did not arrive within " +
                                    std::to_string(context_.options.read_timeout.count()) + " s"),
                false, 11);
  }
  if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset || ec == net::error::eof) {
    return DoClose();
  }
  if (ec == http::error::body_limit) {
    close_after_response_ = true;  // the rest of the body is still on the wire
    linger_ = true;
    return Send(ProblemResponse(413, "payload_too_large",
                                "request body exceeds " +
                                    std::to_string(body_limit_) + " bytes"),
                false, 11);
  }
  if (ec == http::error::header_limit) {
    close_after_response_ = true;
    linger_ = true;
    return Send(ProblemResponse(431, "request_header_fields_too_large",
                                "request headers exceed 16384 bytes"),
                false, 11);
  }
  if (ec) {
    close_after_response_ = true;
    linger_ = true;
    return Send(ProblemResponse(400, "bad_request", "malformed HTTP request: " + ec.message()),
                false, 11);
  }
  auto message = parser_->release();
  if (beast::websocket::is_upgrade(message)) {
    if (context_.ws == nullptr || context_.stopping) {
      return Send(ProblemResponse(404, "not_found", "no WebSocket here"), false, message.version());
    }
    stream_.expires_never();
    // The connection moves to the WebSocket thread's context.
    beast::error_code ec2;
    net::ip::tcp::socket& old_socket = stream_.socket();
    const auto protocol = old_socket.local_endpoint(ec2).protocol();
    if (ec2) return DoClose();
    net::ip::tcp::socket moved(net::make_strand(*context_.ws_ioc));
    moved.assign(protocol, old_socket.release(ec2), ec2);
    if (ec2) return DoClose();
    closed_ = true;  // this session is done with the connection
    std::make_shared<WebSocketSession>(beast::tcp_stream(std::move(moved)), context_)->Run(message);
    return;
  }
  Handle(std::move(message));
}

void HttpSession::Handle(http::request<http::string_body> message) {
  Request request;
  request.method = std::string(message.method_string());
  if (!ParseTarget(std::string_view(message.target().data(), message.target().size()), request)) {
    return Send(ProblemResponse(400, "bad_request", "malformed percent-encoding in the URL"),
                message.keep_alive(), message.version());
  }
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  beast::error_code ignored;
  auto remote = stream_.socket().remote_endpoint(ignored);
  request.remote_address = ignored ? std::string() : remote.address().to_string();

  const bool keep_alive = message.keep_alive();
  const unsigned version = message.version();
  head_ = message.method() == http::verb::head;
  ++context_.busy;
  context_.handler(std::move(request),
                   [self = shared_from_this(), keep_alive, version](Response r) {
                     net::post(self->stream_.get_executor(),
                               [self, r = std::move(r), keep_alive, version]() mutable {
                                 --self->context_.busy;
                                 self->Send(std::move(r), keep_alive, version);
                               });
                   });
}

namespace {

// Status line, Server, Content-Type and the handler's headers.
template <class Message>
void Decorate(Message& message, const Response& response) {
  message.set(http::field::server, "chronicle");
  if (response.status != 204) message.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.set(name, value);
}

}  // namespace

void HttpSession::Send(Response response, bool keep_alive, unsigned version) {
  if (!response.body_file.empty()) return SendFile(std::move(response), keep_alive, version);
  auto message = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(response.status), version);
  Decorate(*message, response);
  message->body() = std::move(response.body);
  keep_alive = keep_alive && !close_after_response_ && !context_.stopping;
  message->keep_alive(keep_alive);
  message->prepare_payload();
  if (head_) {
    // HEAD: the headers GET would send (Content-Length included), no body.
    const auto length = message->body().size();
    message->body().clear();
    message->content_length(length);
    head_ = false;
  }
  Write(std::move(message), keep_alive);
}

void HttpSession::SendFile(Response response, bool keep_alive, unsigned version) {
  // The file is unlinked as soon as it is open: the descriptor keeps its
  // bytes until the message is gone, so nothing is left behind whether the
  // write completes, fails or is abandoned with the connection.
  http::file_body::value_type file;
  beast::error_code ec;
  file.open(response.body_file.c_str(), beast::file_mode::scan, ec);
  std::error_code removed;
  std::filesystem::remove(response.body_file, removed);
  if (ec) {
    spdlog::error("cannot send {}: {}", response.body_file, ec.message());
    return Send(ProblemResponse(500, "internal", "internal error"), keep_alive, version);
  }
  keep_alive = keep_alive && !close_after_response_ && !context_.stopping;
  const auto status = static_cast<http::status>(response.status);
  if (head_) {
    head_ = false;
    auto message = std::make_shared<http::response<http::empty_body>>(status, version);
    Decorate(*message, response);
    message->keep_alive(keep_alive);
    message->content_length(file.size());
    return Write(std::move(message), keep_alive);
  }
  auto message = std::make_shared<http::response<http::file_body>>(status, version);
  Decorate(*message, response);
  message->body() = std::move(file);
  message->keep_alive(keep_alive);
  message->prepare_payload();
  Write(std::move(message), keep_alive);
}

template <class Message>
void HttpSession::Write(std::shared_ptr<Message> message, bool keep_alive) {
  in_flight_ = message;
  stream_.expires_after(context_.options.read_timeout);
  http::async_write(stream_, *message,
                    [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t n) {
                      self->OnWrite(keep_alive, ec, n);
                    });
}

void HttpSession::OnWrite(bool keep_alive, beast::error_code ec, std::size_t /*bytes*/) {
  in_flight_.reset();
  if (!ec && linger_) return DoLingeringClose();
  if (ec || !keep_alive) return DoClose();
  DoRead();
}

void HttpSession::DoLingeringClose() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::chrono::seconds(2));
  stream_.async_read_some(
      net::buffer(drain_buffer_),
      [self = shared_from_this()](beast::error_code e, std::size_t n) { self->OnDrain(e, n); });
}

void HttpSession::OnDrain(beast::error_code ec, std::size_t bytes) {
  drained_ += bytes;
  constexpr std::size_t kMaxDrain = 64u << 20;
  if (ec || drained_ > kMaxDrain) return DoClose();
  stream_.async_read_some(
      net::buffer(drain_buffer_),
      [self = shared_from_this()](beast::error_code e, std::size_t n) { self->OnDrain(e, n); });
}

void HttpSession::DoClose() {
  closed_ = true;
  deadline_.cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.socket().close(ignored);
}

}  // namespace chronicle::api
