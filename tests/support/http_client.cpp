#include "http_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <stdexcept>

#include "chronicle/json/parse.hpp"
#include "openapi_validator.hpp"

namespace chronicle::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

// api/openapi/openapi.json, loaded once per process.
const Result<OpenApiDocument>& Document() {
  static const Result<OpenApiDocument> document = OpenApiDocument::Load(CHRONICLE_OPENAPI);
  return document;
}

std::string Excerpt(const std::string& text) {
  constexpr std::size_t kExcerpt = 600;
  return text.size() > kExcerpt ? text.substr(0, kExcerpt) + "..." : text;
}

// The document, or nullptr after failing the test at `caller`.
const OpenApiDocument* DocumentOrFail(const std::source_location& caller) {
  const auto& document = Document();
  if (document.ok()) return &*document;
  ADD_FAILURE_AT(caller.file_name(), caller.line())
      << "cannot check responses against " << CHRONICLE_OPENAPI << ": "
      << document.status().ToString();
  return nullptr;
}

// Fails the current test for every way the exchange contradicts the document.
void CheckAgainstDocument(const std::string& method, const std::string& target,
                          const std::string& body,
                          const std::map<std::string, std::string>& headers,
                          const HttpResult& result, const std::source_location& caller) {
  const OpenApiDocument* document = DocumentOrFail(caller);
  if (document == nullptr) return;
  HttpExchange exchange;
  exchange.method = method;
  exchange.target = target;
  exchange.request_body = body;
  if (!body.empty()) exchange.request_content_type = "application/json";
  for (const auto& [name, value] : headers) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "content-type") exchange.request_content_type = value;
  }
  exchange.status = result.status;
  exchange.headers = result.headers;
  exchange.body = result.body;
  for (const auto& violation : document->Check(exchange)) {
    ADD_FAILURE_AT(caller.file_name(), caller.line())
        << "response contradicts api/openapi/openapi.json: " << violation.ToString()
        << "\n  request:  " << method << " " << target << "\n  response: " << result.status << " "
        << result.Header("content-type") << " " << Excerpt(result.body);
  }
}

}  // namespace

std::string HttpResult::Code() const {
  const Json* code = json.Find("code");
  return code != nullptr && code->is_string() ? code->as_string() : std::string();
}

struct HttpClient::Impl {
  explicit Impl(unsigned short p) : port(p), stream(ioc) {}
  void Connect() {
    stream.close();
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  unsigned short port;
  net::io_context ioc;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bool connected = false;
};

HttpClient::HttpClient(unsigned short port) : impl_(std::make_unique<Impl>(port)) {}
HttpClient::~HttpClient() = default;

HttpResult HttpClient::Send(const std::string& method, const std::string& target,
                            const std::string& body,
                            const std::map<std::string, std::string>& headers,
                            std::source_location caller) {
  HttpResult out;
  for (int attempt = 0; attempt < 2; ++attempt) {
    out = HttpResult();
    try {
      if (!impl_->connected) {
        impl_->Connect();
        impl_->connected = true;
      }
      http::request<http::string_body> req(http::string_to_verb(method), target, 11);
      req.set(http::field::host, "127.0.0.1");
      if (!body.empty()) req.set(http::field::content_type, "application/json");
      for (const auto& [k, v] : headers) req.set(k, v);
      req.body() = body;
      req.prepare_payload();
      req.keep_alive(true);
      http::write(impl_->stream, req);
      http::response_parser<http::string_body> parser;
      parser.body_limit(64 << 20);
      http::read(impl_->stream, impl_->buffer, parser);
      auto res = parser.release();
      out.status = res.result_int();
      for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(f.value());
      }
      out.body = res.body();
      if (auto parsed = ParseJson(out.body); parsed.ok()) out.json = std::move(parsed).value();
      if (!res.keep_alive()) impl_->connected = false;
      break;
    } catch (const std::exception&) {
      impl_->connected = false;  // the server closed an idle connection: reconnect once
      if (attempt == 1) throw;
    }
  }
  CheckAgainstDocument(method, target, body, headers, out, caller);
  return out;
}

HttpResult HttpClient::Call(const std::string& token, const std::string& method,
                            const std::string& target, const Json& body,
                            std::map<std::string, std::string> headers,
                            std::source_location caller) {
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  std::string with_position = target;
  if (read_own_writes_ && last_position_ > 0 && target.find("min_position=") == std::string::npos) {
    with_position += (target.find('?') == std::string::npos ? "?" : "&");
    with_position += "min_position=" + std::to_string(last_position_);
  }
  std::string text;
  if (body.is_string()) {
    // A string body is a CSV upload (imports), everything else JSON.
    headers.try_emplace("Content-Type", "text/csv; charset=utf-8");
    text = body.as_string();
  } else if (!body.is_null()) {
    text = body.Dump();
  }
  auto r = Send(method, with_position, text, headers, caller);
  if (auto p = r.Header("x-position"); !p.empty()) {
    last_position_ = std::max<std::uint64_t>(last_position_, std::stoull(p));
  }
  return r;
}

std::string HttpClient::Login(const std::string& username, const std::string& password,
                              std::source_location caller) {
  Json body = Json::MakeObject();
  body.Set("username", username);
  body.Set("password", password);
  auto r = Send("POST", "/api/v1/auth/login", body.Dump(), {}, caller);
  const Json* token = r.json.Find("token");
  return token != nullptr && token->is_string() ? token->as_string() : std::string();
}

struct WsClient::Impl {
  net::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
};

WsClient::WsClient(unsigned short port, const std::string& token)
    : impl_(std::make_unique<Impl>()) {
  beast::get_lowest_layer(impl_->ws).connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  impl_->ws.handshake("127.0.0.1", "/api/v1/stream?token=" + token);
}

WsClient::~WsClient() {
  beast::error_code ignored;
  beast::get_lowest_layer(impl_->ws).socket().close(ignored);
}

void WsClient::Send(const std::string& text) { impl_->ws.write(net::buffer(text)); }

std::string WsClient::Receive(int timeout_ms, std::source_location caller) {
  // The stream's deadline only bounds asynchronous operations (a blocking
  // read would wait forever), so read asynchronously and run until it ends.
  beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::milliseconds(timeout_ms));
  beast::error_code ec;
  impl_->ws.async_read(impl_->buffer, [&ec](beast::error_code e, std::size_t) { ec = e; });
  impl_->ioc.restart();
  impl_->ioc.run();
  if (ec) return "";
  std::string text = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->buffer.size());
  if (const OpenApiDocument* document = DocumentOrFail(caller); document != nullptr) {
    for (const auto& violation : document->CheckServerMessage("/api/v1/stream", text)) {
      ADD_FAILURE_AT(caller.file_name(), caller.line())
          << "message contradicts api/openapi/openapi.json: " << violation.ToString()
          << "\n  message: " << Excerpt(text);
    }
  }
  return text;
}

std::string WsClient::close_reason() const {
  return std::string(impl_->ws.reason().reason.c_str());
}

}  // namespace chronicle::testing
