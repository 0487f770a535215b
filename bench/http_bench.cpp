// HTTP load against the real application, in one process.
//
//   build/bench/chronicle_bench_http [--seconds S] [--connections N]
//
// Ceiling: the same Beast server with a handler that answers a constant
// body (no auth, no storage), measured in this run with the same client.
// Then chronicle's /healthz, a list query and create commands (fsynced, group
// committed), each as req/s, p50/p99 latency and a ratio of the ceiling.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "chronicle/api/application.hpp"
#include "chronicle/api/server.hpp"
#include "chronicle/base/json.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

double g_seconds = 3.0;
int g_connections = 64;

struct Result {
  double rps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::size_t errors = 0;
};

// Builds the request for the n-th call on a connection.
using RequestFactory = std::function<http::request<http::string_body>(std::uint64_t n)>;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& ioc, tcp::endpoint ep, RequestFactory make, Clock::time_point end,
             std::vector<double>& latencies, std::size_t& errors)
      : stream_(ioc),
        endpoint_(ep),
        make_(std::move(make)),
        end_(end),
        latencies_(latencies),
        errors_(errors) {}

  void Start() {
    stream_.async_connect(endpoint_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->Next();
    });
  }

 private:
  void Next() {
    if (Clock::now() >= end_) return;
    request_ = make_(n_++);
    started_ = Clock::now();
    http::async_write(
        stream_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return;
          self->response_ = {};
          http::async_read(self->stream_, self->buffer_, self->response_,
                           [self](beast::error_code e, std::size_t) { self->OnRead(e); });
        });
  }
  void OnRead(beast::error_code ec) {
    if (ec) return;
    latencies_.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - started_).count());
    if (response_.result_int() >= 400) ++errors_;
    Next();
  }

  beast::tcp_stream stream_;
  tcp::endpoint endpoint_;
  RequestFactory make_;
  Clock::time_point end_;
  std::vector<double>& latencies_;
  std::size_t& errors_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  Clock::time_point started_;
  std::uint64_t n_ = 0;
};

Result Load(unsigned short port, const std::function<RequestFactory(int)>& factory_for) {
  net::io_context ioc;
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  std::size_t errors = 0;
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(g_seconds));
  const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  for (int c = 0; c < g_connections; ++c) {
    std::make_shared<Connection>(ioc, ep, factory_for(c), end, latencies, errors)->Start();
  }
  ioc.run();  // one client thread: the server keeps the other core
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  Result r;
  r.errors = errors;
  r.rps = static_cast<double>(latencies.size()) / elapsed;
  if (!latencies.empty()) {
    std::sort(latencies.begin(), latencies.end());
    r.p50_ms = latencies[latencies.size() / 2];
    r.p99_ms = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  }
  return r;
}

http::request<http::string_body> Make(http::verb verb, const std::string& target,
                                      const std::string& token, std::string body = "") {
  http::request<http::string_body> req(verb, target, 11);
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = std::move(body);
  req.keep_alive(true);
  req.prepare_payload();
  return req;
}

std::string Login(unsigned short port, const std::string& password) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  chronicle::Json body = chronicle::Json::MakeObject();
  body.Set("username", "admin");
  body.Set("password", password);
  auto req = Make(http::verb::post, "/api/v1/auth/login", "", body.Dump());
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  const std::string& text = res.body();
  auto at = text.find("\"token\":\"");
  return at == std::string::npos ? "" : text.substr(at + 9, 64);
}

std::string TopDepartment(unsigned short port, const std::string& token) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  auto req = Make(http::verb::get, "/api/v1/departments", token);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  const std::string& text = res.body();
  auto at = text.find("\"id\":\"");
  return text.substr(at + 6, 36);
}

void Print(const char* name, const Result& r, double ceiling) {
  std::printf("%-40s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  %5.1f%% of ceiling%s\n", name, r.rps,
              r.p50_ms, r.p99_ms, 100.0 * r.rps / ceiling,
              r.errors ? ("  (" + std::to_string(r.errors) + " errors)").c_str() : "");
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) g_seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--connections") == 0) g_connections = std::atoi(argv[i + 1]);
  }
  std::printf(
      "chronicle_bench_http: %d connections, %.1f s per figure, %u cores, 1 client thread\n\n",
      g_connections, g_seconds, std::thread::hardware_concurrency());

  // Ceiling: the bare Beast endpoint.
  double ceiling = 0;
  {
    auto server = chronicle::api::Server::Start(
        {.host = "127.0.0.1", .port = 0},
        [](chronicle::api::Request, chronicle::api::Respond respond) {
          chronicle::api::Response r;
          r.body = R"({"status":"ok"})";
          respond(std::move(r));
        },
        nullptr);
    if (!server.ok()) return 1;
    auto r = Load((*server)->port(), [](int) {
      return [](std::uint64_t) { return Make(http::verb::get, "/ping", ""); };
    });
    ceiling = r.rps;
    std::printf("%-40s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  (ceiling)\n",
                "minimal Beast endpoint", r.rps, r.p50_ms, r.p99_ms);
    (*server)->Stop(std::chrono::milliseconds(100));
  }

  spdlog::set_level(spdlog::level::warn);  // no access log lines in the figures' output
  const auto dir = std::filesystem::temp_directory_path() /
                   ("chronicle-bench-http-" + std::to_string(std::random_device{}()));
  chronicle::api::ApplicationOptions options;
  options.data_dir = dir;
  options.server.port = 0;
  options.admin_password = "Bench#2026-password";
  auto app = chronicle::api::Application::Start(options);
  if (!app.ok()) {
    std::fprintf(stderr, "%s\n", app.status().ToString().c_str());
    return 1;
  }
  const unsigned short port = (*app)->port();
  const std::string token = Login(port, options.admin_password);
  const std::string top = TopDepartment(port, token);

  Print(
      "chronicle GET /healthz",
      Load(port,
           [](int) { return [](std::uint64_t) { return Make(http::verb::get, "/healthz", ""); }; }),
      ceiling);
  Print("chronicle POST /api/v1/departments",
        Load(port,
             [&](int c) {
               return [&, c](std::uint64_t n) {
                 chronicle::Json body = chronicle::Json::MakeObject();
                 body.Set("name", "部门-" + std::to_string(c) + "-" + std::to_string(n));
                 body.Set("parent_id", top);
                 return Make(http::verb::post, "/api/v1/departments", token, body.Dump());
               };
             }),
        ceiling);
  Print("chronicle GET /api/v1/departments?limit=20",
        Load(port,
             [&](int) {
               return [&](std::uint64_t) {
                 return Make(http::verb::get, "/api/v1/departments?limit=20", token);
               };
             }),
        ceiling);
  Print("chronicle GET /api/v1/auth/me",
        Load(port,
             [&](int) {
               return
                   [&](std::uint64_t) { return Make(http::verb::get, "/api/v1/auth/me", token); };
             }),
        ceiling);
  (*app)->Stop(std::chrono::milliseconds(200));
  app->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
