#include "raw_http.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>

#include "chronicle/json/parse.hpp"

namespace chronicle::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string RawRequest::Serialize() const {
  std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    has_type = has_type || Lower(name) == "content-type";
    out += name + ": " + value + "\r\n";
  }
  if (!body.empty() && !has_type) out += "Content-Type: application/json\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  out += body;
  return out;
}

std::string RawAnswer::Code() const {
  const Json* code = json.Find("code");
  return code != nullptr && code->is_string() ? code->as_string() : std::string();
}

std::string RawAnswer::ErrorField() const {
  const Json* errors = json.Find("errors");
  if (errors == nullptr || !errors->is_array() || errors->as_array().empty()) return "";
  const Json* field = errors->as_array().front().Find("field");
  return field != nullptr && field->is_string() ? field->as_string() : std::string();
}

std::string RawAnswer::Describe() const {
  if (!answered) return "no answer (" + error + ")";
  return std::to_string(status) + " " + body.substr(0, 300);
}

RawAnswer SendRaw(unsigned short port, const RawRequest& request) {
  RawAnswer out;
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) {
    out.error = "connect: " + ec.message();
    return out;
  }
  const std::string bytes = request.Serialize();
  net::write(stream, net::buffer(bytes), ec);
  // A server may answer (and close) before it has read everything: still
  // try to read the answer.
  const std::string write_error = ec ? ec.message() : "";
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  parser.header_limit(1 << 20);
  parser.skip(request.method == "HEAD");  // a HEAD answer announces a body it does not send
  http::read(stream, buffer, parser, ec);
  if (ec) {
    out.error = "read: " + ec.message() + (write_error.empty() ? "" : "; write: " + write_error);
    return out;
  }
  auto res = parser.release();
  out.answered = true;
  out.status = res.result_int();
  for (const auto& f : res)
    out.headers[Lower(std::string(f.name_string()))] = std::string(f.value());
  out.body = res.body();
  if (auto parsed = ParseJson(out.body); parsed.ok()) out.json = std::move(parsed).value();
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

}  // namespace chronicle::testing
