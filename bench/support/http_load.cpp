#include "http_load.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/optional.hpp>
#include <optional>
#include <sstream>

namespace chronicle::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// A response body that keeps its first Reply::kKeptBodyBytes and counts the
// rest: a /metrics answer of a gigabyte is measured, not held.
struct CappedBody {
  struct value_type {
    std::string text;
    std::uint64_t bytes = 0;
    std::uint64_t lines = 0;
  };
  class reader {
   public:
    template <bool kIsRequest, class Fields>
    reader(http::header<kIsRequest, Fields>& /*header*/, value_type& body) : body_(body) {}
    void init(const boost::optional<std::uint64_t>& /*length*/, beast::error_code& ec) { ec = {}; }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      ec = {};
      std::size_t total = 0;
      for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers);
           ++it) {
        const net::const_buffer part = *it;
        const auto* data = static_cast<const char*>(part.data());
        body_.lines += static_cast<std::uint64_t>(std::count(data, data + part.size(), '\n'));
        const std::size_t room = Reply::kKeptBodyBytes - body_.text.size();
        body_.text.append(static_cast<const char*>(part.data()), std::min(room, part.size()));
        total += part.size();
      }
      body_.bytes += total;
      return total;
    }
    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace

std::string FormatRequest(std::string_view method, std::string_view target, const Headers& headers,
                          std::string_view body) {
  http::request<http::string_body> req;
  req.method_string(beast::string_view(method.data(), method.size()));
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::string(body);
  req.keep_alive(true);
  req.prepare_payload();
  std::ostringstream out;
  out << req;
  return std::move(out).str();
}

struct AsyncConnection::Impl : std::enable_shared_from_this<Impl> {
  Impl(net::io_context& ioc, tcp::endpoint ep, std::chrono::milliseconds t)
      : stream(ioc), endpoint(ep), timeout(t) {}

  void Exchange(std::string request, std::function<void(Reply)> on_done) {
    raw = std::move(request);
    done = std::move(on_done);
    started = Clock::now();
    if (open) return Send();
    buffer.clear();
    stream.expires_after(timeout);
    stream.async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        Reply reply;
        reply.error = "connect: " + ec.message();
        return self->Finish(std::move(reply));
      }
      self->open = true;
      self->Send();
    });
  }

  void Send() {
    parser.emplace();
    parser->body_limit(boost::none);
    parser->header_limit(1 << 20);
    read_ec = {};
    write_ec = {};
    pending = 2;
    stream.expires_after(timeout);
    net::async_write(stream, net::buffer(raw),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->write_ec = ec;
                       self->OnPart();
                     });
    http::async_read(stream, buffer, *parser,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->read_ec = ec;
                       // No answer: abort the write too (it may be stuck on a full window).
                       if (ec && self->pending == 2) self->Close();
                       self->OnPart();
                     });
  }

  void OnPart() {
    if (--pending > 0) return;
    Reply reply;
    reply.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (read_ec) {
      reply.error = read_ec == beast::error::timeout ? "timeout" : read_ec.message();
      return Finish(std::move(reply));
    }
    auto& message = parser->get();
    reply.status = message.result_int();
    if (auto it = message.find("X-Position"); it != message.end()) {
      reply.position = std::string(it->value());
    }
    reply.body = std::move(message.body().text);
    reply.body_bytes = message.body().bytes;
    reply.body_lines = message.body().lines;
    reply.keep_alive = message.keep_alive() && !write_ec;
    Finish(std::move(reply));
  }

  void Finish(Reply reply) {
    if (!reply.keep_alive) Close();
    auto callback = std::move(done);
    done = nullptr;
    callback(std::move(reply));
  }

  void Close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
    open = false;
  }

  beast::tcp_stream stream;
  tcp::endpoint endpoint;
  std::chrono::milliseconds timeout;
  bool open = false;
  beast::flat_buffer buffer;
  std::string raw;
  std::optional<http::response_parser<CappedBody>> parser;
  int pending = 0;
  beast::error_code read_ec;
  beast::error_code write_ec;
  std::function<void(Reply)> done;
  Clock::time_point started;
};

AsyncConnection::AsyncConnection(net::io_context& ioc, tcp::endpoint endpoint,
                                 std::chrono::milliseconds timeout)
    : impl_(std::make_shared<Impl>(ioc, endpoint, timeout)) {}

AsyncConnection::~AsyncConnection() { impl_->Close(); }

void AsyncConnection::Exchange(std::string raw, std::function<void(Reply)> done) {
  impl_->Exchange(std::move(raw), std::move(done));
}

struct HttpConnection::Impl {
  Impl(unsigned short port, std::chrono::milliseconds timeout)
      : connection(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), port), timeout) {}
  net::io_context ioc;
  AsyncConnection connection;
};

HttpConnection::HttpConnection(unsigned short port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(port, timeout)) {}

HttpConnection::~HttpConnection() = default;

Reply HttpConnection::Exchange(const std::string& raw) {
  Reply out;
  impl_->connection.Exchange(raw, [&out](Reply r) { out = std::move(r); });
  impl_->ioc.restart();
  impl_->ioc.run();
  return out;
}

std::string LoadResult::StatusSummary() const {
  std::string out;
  for (const auto& [status, n] : statuses) {
    out += (out.empty() ? "" : ", ") + std::to_string(status) + " x" + std::to_string(n);
  }
  if (failed > 0) {
    out += (out.empty() ? "" : ", ") + std::string("no answer x") + std::to_string(failed) + " (" +
           first_error + ")";
  }
  return out;
}

LoadResult RunLoad(unsigned short port, std::size_t count, int connections,
                   const std::function<std::string(std::size_t)>& make,
                   std::chrono::milliseconds timeout) {
  net::io_context ioc;
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  LoadResult result;
  std::size_t next = 0;
  std::function<void(AsyncConnection&)> step = [&](AsyncConnection& connection) {
    if (next >= count) return;
    connection.Exchange(make(next++), [&](Reply reply) {
      if (reply.status == 0) {
        ++result.failed;
        if (result.first_error.empty()) result.first_error = reply.error;
      } else {
        ++result.answered;
        ++result.statuses[reply.status];
      }
      step(connection);
    });
  };
  std::vector<std::unique_ptr<AsyncConnection>> pool;
  for (int c = 0; c < std::max(connections, 1); ++c) {
    pool.push_back(std::make_unique<AsyncConnection>(ioc, endpoint, timeout));
  }
  const auto start = Clock::now();
  for (auto& connection : pool) step(*connection);
  ioc.run();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace chronicle::bench
