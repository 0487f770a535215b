#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
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
      : ioc_(ioc), acceptor_(std::move(acceptor)), context_(context) {}

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
    if (!ec) {
      auto session = std::make_shared<HttpSession>(std::move(socket), context_);
      context_.Register(session);
      session->Run();
    }
    DoAccept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  ServerContext& context_;
};

class BeastServer final : public Server {
 public:
  explicit BeastServer(unsigned threads) : ioc_(static_cast<int>(threads)) {}
  ~BeastServer() override { Stop(std::chrono::milliseconds(0)); }

  Status Bind(const ServerOptions& options, RequestHandler handler,
              std::shared_ptr<WsAcceptor> ws) {
    context_.options = options;
    context_.handler = std::move(handler);
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
  }

  [[nodiscard]] std::uint16_t port() const override { return port_; }

  void Stop(std::chrono::milliseconds grace) override {
    if (stopped_) return;
    stopped_ = true;
    context_.stopping = true;
    if (listener_) listener_->Stop();
    context_.CloseAll();  // idle connections close now, busy ones after their response
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (context_.busy.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // Let the last responses reach the wire before the loop stops.
    std::this_thread::sleep_for(std::chrono::milliseconds(grace.count() > 0 ? 20 : 0));
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  net::io_context ioc_;
  ServerContext context_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, RequestHandler handler,
                                              std::shared_ptr<WsAcceptor> ws) {
  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  threads = std::max(threads, 1u);
  auto server = std::make_unique<BeastServer>(threads);
  CHRONICLE_RETURN_IF_ERROR(server->Bind(options, std::move(handler), std::move(ws)));
  server->RunThreads(threads);
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace chronicle::api
