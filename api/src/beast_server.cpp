#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <thread>
#include <vector>

#include "chronicle/api/server.hpp"
#include "http_session.hpp"
#include "server_context.hpp"

namespace chronicle::api {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Accepts connections, each onto its own strand, and starts an HttpSession.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor&& acceptor, ServerContext& context)
      : ioc_(ioc), acceptor_(std::move(acceptor)), context_(context), backoff_(ioc) {}

  void Run() { DoAccept(); }
  void Stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::beast::error_code ignored;
      self->acceptor_.close(ignored);
    });
  }

 private:
  void DoAccept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           [self = shared_from_this()](boost::beast::error_code ec, tcp::socket s) {
                             self->OnAccept(ec, std::move(s));
                           });
  }
  void OnAccept(boost::beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec == net::error::no_descriptors || ec.value() == ENFILE || ec.value() == ENOBUFS ||
        ec.value() == ENOMEM) {
      // Out of file descriptors: accepting again at once would spin. Back off
      // (connections closing free some), and say so now and then.
      if (std::chrono::steady_clock::now() - last_warning_ > std::chrono::seconds(10)) {
        last_warning_ = std::chrono::steady_clock::now();
        spdlog::warn("accept: {}; backing off", ec.message());
      }
      backoff_.expires_after(std::chrono::milliseconds(100));
      backoff_.async_wait([self = shared_from_this()](boost::beast::error_code e) {
        if (!e) self->DoAccept();
      });
      return;
    }
    if (!ec) {
      // At the cap, idle connections make room for this one; with none idle, 503.
      if (context_.connections.load() >= context_.connection_cap &&
          context_.EvictIdle(context_.connection_cap / 10 + 1) == 0) {
        Refuse(std::move(socket));
      } else {
        auto session = std::make_shared<HttpSession>(std::move(socket), context_);
        context_.Register(session);
        session->Run();
      }
    }
    DoAccept();
  }

  // Over --max-connections: a short 503 and close, without a session.
  static void Refuse(tcp::socket socket) {
    static const std::string kAnswer = [] {
      const std::string body =
          R"({"type":"https://chronicle-crm.dev/problems/unavailable","title":"unavailable",)"
          R"("status":503,"code":"unavailable","detail":"too many connections"})";
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
             "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    auto s = std::make_shared<tcp::socket>(std::move(socket));
    net::async_write(*s, net::buffer(kAnswer), [s](boost::beast::error_code, std::size_t) {
      boost::beast::error_code ignored;
      s->shutdown(tcp::socket::shutdown_both, ignored);
      s->close(ignored);
    });
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  ServerContext& context_;
  net::steady_timer backoff_;
  std::chrono::steady_clock::time_point last_warning_{};
};

// A server gets as many descriptors as the process may have. Returns the
// soft limit in force afterwards.
rlim_t RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return RLIM_INFINITY;
  if (limit.rlim_cur < limit.rlim_max) {
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
      spdlog::info("open-file limit raised from {} to {}", before, limit.rlim_max);
    } else {
      limit.rlim_cur = before;
    }
  }
  return limit.rlim_cur;
}

class BeastServer final : public Server {
 public:
  BeastServer(unsigned threads, rlim_t fd_limit)
      : ioc_(static_cast<int>(threads)),
        work_(net::make_work_guard(ioc_)),
        ws_ioc_(1),
        ws_work_(net::make_work_guard(ws_ioc_)),
        fd_limit_(fd_limit) {}
  ~BeastServer() override { Stop(std::chrono::milliseconds(0)); }

  Status Bind(const ServerOptions& options, RequestHandler handler,
              std::shared_ptr<WsAcceptor> ws) {
    context_.options = options;
    // Connections stop short of the open-file limit: the log, read models
    // and a fresh accept still need descriptors.
    context_.connection_cap = options.max_connections;
    if (fd_limit_ != RLIM_INFINITY && fd_limit_ > 256) {
      context_.connection_cap =
          std::min<std::size_t>(context_.connection_cap, static_cast<std::size_t>(fd_limit_ - 128));
    }
    context_.handler = std::move(handler);
    context_.ws_ioc = &ws_ioc_;
    context_.ws = std::move(ws);
    boost::beast::error_code ec;
    auto address = net::ip::make_address(options.host, ec);
    if (ec) return InvalidArgumentError("bad listen address '" + options.host + "'");
    tcp::acceptor acceptor(net::make_strand(ioc_));
    tcp::endpoint endpoint(address, options.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return UnavailableError("cannot listen on " + options.host + ":" +
                              std::to_string(options.port) + ": " + ec.message());
    }
    port_ = acceptor.local_endpoint().port();
    listener_ = std::make_shared<Listener>(ioc_, std::move(acceptor), context_);
    listener_->Run();
    return Status::Ok();
  }

  void RunThreads(unsigned count) {
    for (unsigned i = 0; i < count; ++i) threads_.emplace_back([this] { ioc_.run(); });
    threads_.emplace_back([this] { ws_ioc_.run(); });
  }

  [[nodiscard]] std::uint16_t port() const override { return port_; }

  void Stop(std::chrono::milliseconds grace) override {
    if (stopped_) return;
    stopped_ = true;
    context_.stopping = true;
    if (listener_) listener_->Stop();
    // Idle connections close now; busy ones after their response is written.
    // The loop runs until every HTTP connection is gone, so every request
    // taken in is answered (bounded by `grace`), and not a moment longer.
    context_.CloseAll();
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while ((context_.http_sessions.load() > 0 || context_.busy.load() > 0) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (context_.http_sessions.load() > 0) {
      spdlog::warn("stopping with {} connection(s) still open after {} ms",
                   context_.http_sessions.load(), grace.count());
    }
    work_.reset();
    ws_work_.reset();
    ioc_.stop();
    ws_ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  net::io_context ioc_;
  // Keeps the I/O threads running while no socket operation is pending: a
  // connection waiting for its handler has none, and its answer is posted
  // later. Without it the loop ran dry under load and answers were lost.
  net::executor_work_guard<net::io_context::executor_type> work_;
  // WebSockets run on their own thread: a fan-out of thousands of frames
  // never queues ahead of HTTP answers on the request threads.
  net::io_context ws_ioc_;
  net::executor_work_guard<net::io_context::executor_type> ws_work_;
  ServerContext context_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  const rlim_t fd_limit_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, RequestHandler handler,
                                              std::shared_ptr<WsAcceptor> ws) {
  const rlim_t fd_limit = RaiseOpenFileLimit();
  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  threads = std::max(threads, 1u);
  auto server = std::make_unique<BeastServer>(threads, fd_limit);
  CHRONICLE_RETURN_IF_ERROR(server->Bind(options, std::move(handler), std::move(ws)));
  server->RunThreads(threads);
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace chronicle::api
