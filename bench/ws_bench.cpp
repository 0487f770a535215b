// WebSocket fan-out of the real server (issue 6).
//
//   build/bench/chronicle_bench_websocket [--clients 5000] [--rate 200] [--seconds 10]
//       [--drain 10] [--connect-seconds 60]
//
// Runs `chronicle serve` (CHRONICLE_BINARY) as a child process with its
// open-file limit raised to the hard limit, logs in as admin and holds
// --clients WebSocket clients on /api/v1/stream, each subscribed to
// "departments" from the current position. Then creates departments at
// --rate commands/s for --seconds (16 keep-alive connections) and waits up
// to --drain seconds for the messages. Every client runs on one io_context
// in this process (async Beast, no thread per client); every step has a
// deadline, so a server that stalls or dies is reported, not waited for.
//
// Reported: clients connected and dropped, messages expected (commands
// answered 201 x clients subscribed) vs delivered, delivery latency p50/p99
// (command written -> message read, matched by the message's "position" and
// the command's X-Position), the server's thread count and RSS. Baseline in
// the same run: the same with 1 client, on its own fresh server.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/json/parse.hpp"
#include "http_load.hpp"
#include "server_child.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using chronicle::Json;
using chronicle::bench::AsyncConnection;
using chronicle::bench::FormatRequest;
using chronicle::bench::Headers;
using chronicle::bench::HttpConnection;
using chronicle::bench::ProcStats;
using chronicle::bench::ReadProcStats;
using chronicle::bench::Reply;
using chronicle::bench::ServerChild;
using std::chrono::milliseconds;

struct Flags {
  int clients = 5000;
  double rate = 200;
  double seconds = 10;
  double drain = 10;
  double connect_seconds = 60;
};
Flags g_flags;

constexpr int kConnectWindow = 100;      // handshakes in flight at once
constexpr int kCommandConnections = 16;  // keep-alive connections for commands
constexpr auto kStepTimeout = std::chrono::seconds(10);

Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// Everything the clients and the command driver record; touched only by the
// thread running the io_context.
struct Tally {
  int connected = 0;
  int subscribed = 0;
  int connect_failed = 0;
  std::string first_connect_error;
  int dropped = 0;  // closed by the server (or failed) after subscribing
  std::string first_drop_error;
  bool closing = false;  // our own close: not a drop
  std::size_t messages = 0;
  std::size_t error_messages = 0;
  std::string first_error_message;
  // Command position -> when the command was written.
  std::unordered_map<std::uint64_t, Clock::time_point> sent_at;
  std::vector<float> latencies_ms;
  // Messages that arrived before their command's answer: resolved at the end.
  std::vector<std::pair<std::uint64_t, Clock::time_point>> early;
  std::size_t unmatched = 0;      // positions no command of ours produced
  std::vector<float> command_ms;  // command written -> answer read
  std::size_t commands_ok = 0;
  std::size_t commands_failed = 0;
  std::string first_command_error;

  void OnMessage(std::string_view text, Clock::time_point at) {
    ++messages;
    constexpr std::string_view kKey = "\"position\":";
    const auto key = text.find(kKey);
    if (key == std::string_view::npos) {
      ++error_messages;
      if (first_error_message.empty()) first_error_message = std::string(text.substr(0, 200));
      return;
    }
    const std::uint64_t position = std::strtoull(text.data() + key + kKey.size(), nullptr, 10);
    if (auto it = sent_at.find(position); it != sent_at.end()) {
      latencies_ms.push_back(std::chrono::duration<float, std::milli>(at - it->second).count());
    } else {
      early.emplace_back(position, at);
    }
  }
  [[nodiscard]] std::size_t delivered() const { return latencies_ms.size(); }
};

// One WebSocket client: connect, handshake, subscribe, then read until closed.
class WsClient : public std::enable_shared_from_this<WsClient> {
 public:
  WsClient(net::io_context& ioc, Tally& tally, tcp::endpoint endpoint, std::string target,
           std::string subscribe, std::function<void()> on_settled)
      : ws_(ioc),
        tally_(tally),
        endpoint_(endpoint),
        target_(std::move(target)),
        subscribe_(std::move(subscribe)),
        on_settled_(std::move(on_settled)) {}

  void Start() {
    beast::get_lowest_layer(ws_).expires_after(kStepTimeout);
    beast::get_lowest_layer(ws_).async_connect(
        endpoint_, [self = shared_from_this()](beast::error_code ec) { self->OnConnect(ec); });
  }

  void Close() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  void OnConnect(beast::error_code ec) {
    if (ec) return FailConnect("connect: " + ec.message());
    beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts take over
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = kStepTimeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.async_handshake("127.0.0.1", target_,
                        [self = shared_from_this()](beast::error_code e) { self->OnHandshake(e); });
  }
  void OnHandshake(beast::error_code ec) {
    if (ec) return FailConnect("handshake: " + ec.message());
    ++tally_.connected;
    ws_.text(true);
    ws_.async_write(
        net::buffer(subscribe_),
        [self = shared_from_this()](beast::error_code e, std::size_t) { self->OnSubscribed(e); });
  }
  void OnSubscribed(beast::error_code ec) {
    if (ec) return FailConnect("subscribe: " + ec.message());
    ++tally_.subscribed;
    Settle();
    DoRead();
  }
  void DoRead() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->OnRead(ec);
    });
  }
  void OnRead(beast::error_code ec) {
    if (ec) {
      if (!tally_.closing) {
        ++tally_.dropped;
        if (tally_.first_drop_error.empty()) tally_.first_drop_error = ec.message();
      }
      return;
    }
    const auto data = buffer_.cdata();
    tally_.OnMessage(std::string_view(static_cast<const char*>(data.data()), data.size()),
                     Clock::now());
    buffer_.consume(buffer_.size());
    DoRead();
  }
  void FailConnect(const std::string& why) {
    ++tally_.connect_failed;
    if (tally_.first_connect_error.empty()) tally_.first_connect_error = why;
    Close();
    Settle();
  }
  void Settle() {
    if (on_settled_) std::exchange(on_settled_, nullptr)();
  }

  websocket::stream<beast::tcp_stream> ws_;
  Tally& tally_;
  tcp::endpoint endpoint_;
  std::string target_;
  std::string subscribe_;
  std::function<void()> on_settled_;  // once: connected and subscribed, or failed
  beast::flat_buffer buffer_;
};

struct PhaseResult {
  bool ran = false;
  int clients = 0;
  Tally tally;
  std::size_t commands_sent = 0;
  double command_seconds = 0;
  std::size_t expected = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  long threads_held = 0;  // server threads with every client subscribed, before commands
  long threads_peak = 0;
  double rss_held_mib = 0;
  double rss_peak_mib = 0;
  double command_p50_ms = 0;
  double command_p99_ms = 0;
  double client_cpu_seconds = 0;
  double wall_seconds = 0;
  std::string server_fate;  // empty when it stayed up
  std::string server_stop;  // how SIGTERM went
};

double Percentile(std::vector<float>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto at = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[at];
}

std::string Field(const Reply& reply, std::string_view name) {
  auto parsed = chronicle::ParseJson(reply.body);
  if (!parsed.ok()) return "";
  const Json* value = parsed->Find(name);
  if (value == nullptr) return "";
  if (value->is_string()) return value->as_string();
  if (value->is_int()) return std::to_string(value->as_int());
  return "";
}

PhaseResult RunPhase(int clients) {
  PhaseResult result;
  result.clients = clients;
  auto started = ServerChild::Start({});
  if (!started.ok()) {
    result.server_fate = "did not start: " + started.status().ToString();
    return result;
  }
  std::unique_ptr<ServerChild> server = std::move(started).value();
  const unsigned short port = server->port();

  HttpConnection admin(port, milliseconds(10'000));
  Json login = Json::MakeObject();
  login.Set("username", "admin");
  login.Set("password", server->admin_password());
  const std::string token =
      Field(admin.Exchange(FormatRequest("POST", "/api/v1/auth/login",
                                         {{"Content-Type", "application/json"}}, login.Dump())),
            "token");
  const Headers auth = {{"Authorization", "Bearer " + token}};
  std::string top;
  if (auto parsed = chronicle::ParseJson(
          admin.Exchange(FormatRequest("GET", "/api/v1/departments", auth)).body);
      parsed.ok()) {
    if (const Json* items = parsed->Find("items");
        items != nullptr && items->is_array() && !items->as_array().empty()) {
      if (const Json* id = items->as_array()[0].Find("id"); id != nullptr && id->is_string()) {
        top = id->as_string();
      }
    }
  }
  const std::string last = Field(admin.Exchange(FormatRequest("GET", "/readyz")), "last_position");
  if (token.empty() || top.empty() || last.empty()) {
    result.server_fate = "setup failed (login, top department or /readyz)";
    return result;
  }
  result.ran = true;

  Json subscribe = Json::MakeObject();
  Json topics = Json::MakeArray();
  topics.Push("departments");
  subscribe.Set("subscribe", std::move(topics));
  subscribe.Set("from_position", static_cast<std::int64_t>(std::stoll(last)));
  const std::string subscribe_text = subscribe.Dump();

  const ProcStats self_before = ReadProcStats(getpid());
  const auto phase_start = Clock::now();
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  Tally& tally = result.tally;
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);

  auto sample = [&] {
    const ProcStats s = ReadProcStats(server->pid());
    if (!s.ok) return;
    result.threads_peak = std::max(result.threads_peak, s.threads);
    result.rss_peak_mib = std::max(result.rss_peak_mib, s.rss_mib);
  };
  // Runs the io_context until `done` or `deadline`, sampling the server.
  auto run_until = [&](const std::function<bool()>& done, Clock::time_point deadline) {
    auto next_sample = Clock::now();
    while (!done() && Clock::now() < deadline) {
      ioc.run_for(milliseconds(20));
      if (Clock::now() >= next_sample) {
        sample();
        next_sample = Clock::now() + milliseconds(200);
      }
    }
  };

  // Connect with at most kConnectWindow handshakes in flight.
  std::vector<std::shared_ptr<WsClient>> ws;
  ws.reserve(static_cast<std::size_t>(clients));
  int started_clients = 0;
  int settled = 0;
  bool connect_deadline_passed = false;
  std::function<void()> start_next = [&] {
    if (started_clients >= clients || connect_deadline_passed) return;
    ++started_clients;
    auto client = std::make_shared<WsClient>(ioc, tally, endpoint, "/api/v1/stream?token=" + token,
                                             subscribe_text, [&] {
                                               ++settled;
                                               start_next();
                                             });
    ws.push_back(client);
    client->Start();
  };
  for (int i = 0; i < std::min(clients, kConnectWindow); ++i) start_next();
  run_until([&] { return settled >= clients; }, Clock::now() + Seconds(g_flags.connect_seconds));
  connect_deadline_passed = true;
  run_until([&] { return settled >= started_clients; }, Clock::now() + kStepTimeout);
  const ProcStats held = ReadProcStats(server->pid());
  result.threads_held = held.threads;
  result.rss_held_mib = held.rss_mib;
  const int listening = tally.subscribed;

  // Commands at --rate over kCommandConnections keep-alive connections.
  const auto total = static_cast<std::size_t>(g_flags.rate * g_flags.seconds);
  std::size_t next_command = 0;
  std::size_t answered = 0;
  bool commands_done = false;
  const auto command_start = Clock::now() + milliseconds(200);
  std::vector<std::unique_ptr<AsyncConnection>> pool;
  std::vector<std::unique_ptr<net::steady_timer>> timers;
  std::function<void(int)> command_loop = [&](int c) {
    if (next_command >= total) return;
    const std::size_t i = next_command++;
    timers[c]->expires_at(command_start + Seconds(static_cast<double>(i) / g_flags.rate));
    timers[c]->async_wait([&, c, i](beast::error_code ec) {
      if (ec || commands_done) return;
      Json body = Json::MakeObject();
      body.Set("name", "d" + std::to_string(i));
      body.Set("parent_id", top);
      Headers headers = auth;
      headers.emplace_back("Content-Type", "application/json");
      const auto sent = Clock::now();
      ++result.commands_sent;
      pool[c]->Exchange(
          FormatRequest("POST", "/api/v1/departments", headers, body.Dump()),
          [&, c, sent](Reply reply) {
            if (commands_done) return;  // our own close after the deadline
            ++answered;
            tally.command_ms.push_back(
                std::chrono::duration<float, std::milli>(Clock::now() - sent).count());
            if (reply.status == 201 && !reply.position.empty()) {
              ++tally.commands_ok;
              tally.sent_at[std::stoull(reply.position)] = sent;
            } else {
              ++tally.commands_failed;
              if (tally.first_command_error.empty()) {
                tally.first_command_error = reply.status == 0 ? reply.error
                                                              : std::to_string(reply.status) + " " +
                                                                    reply.body.substr(0, 200);
              }
            }
            command_loop(c);
          });
    });
  };
  for (int c = 0; c < kCommandConnections; ++c) {
    pool.push_back(std::make_unique<AsyncConnection>(ioc, endpoint, kStepTimeout));
    timers.push_back(std::make_unique<net::steady_timer>(ioc));
  }
  for (int c = 0; c < kCommandConnections; ++c) command_loop(c);
  run_until([&] { return answered >= total; },
            command_start + Seconds(g_flags.seconds) + kStepTimeout);
  result.command_seconds = std::chrono::duration<double>(Clock::now() - command_start).count();
  commands_done = true;  // no more commands, even if some are still due
  for (auto& t : timers) t->cancel();

  // Messages that beat their command's answer, then the drain.
  auto resolve_early = [&] {
    std::vector<std::pair<std::uint64_t, Clock::time_point>> still;
    for (const auto& [position, at] : tally.early) {
      if (auto it = tally.sent_at.find(position); it != tally.sent_at.end()) {
        tally.latencies_ms.push_back(
            std::chrono::duration<float, std::milli>(at - it->second).count());
      } else {
        still.emplace_back(position, at);
      }
    }
    tally.early.swap(still);
  };
  result.expected = tally.commands_ok * static_cast<std::size_t>(listening);
  run_until(
      [&] {
        resolve_early();
        return tally.delivered() >= result.expected;
      },
      Clock::now() + Seconds(g_flags.drain));
  resolve_early();
  tally.unmatched = tally.early.size();
  sample();

  const ProcStats self_after = ReadProcStats(getpid());
  result.client_cpu_seconds = self_after.cpu_seconds - self_before.cpu_seconds;
  result.wall_seconds = std::chrono::duration<double>(Clock::now() - phase_start).count();
  tally.closing = true;
  for (auto& client : ws) client->Close();
  pool.clear();
  guard.reset();
  ioc.run_for(milliseconds(2000));

  std::sort(tally.latencies_ms.begin(), tally.latencies_ms.end());
  result.p50_ms = Percentile(tally.latencies_ms, 0.50);
  result.p99_ms = Percentile(tally.latencies_ms, 0.99);
  result.max_ms = tally.latencies_ms.empty() ? 0 : tally.latencies_ms.back();
  std::sort(tally.command_ms.begin(), tally.command_ms.end());
  result.command_p50_ms = Percentile(tally.command_ms, 0.50);
  result.command_p99_ms = Percentile(tally.command_ms, 0.99);
  if (!server->Alive()) {
    result.server_fate = server->exit_reason() + "; log tail:\n" + server->LogTail(1500);
    result.server_stop = "it had already stopped";
    return result;
  }
  const auto stop_start = Clock::now();
  server->Stop(10'000);
  char stop[128];
  std::snprintf(stop, sizeof stop, "%s, %.1f s after SIGTERM", server->exit_reason().c_str(),
                std::chrono::duration<double>(Clock::now() - stop_start).count());
  result.server_stop = stop;
  return result;
}

void Print(const char* name, const PhaseResult& r) {
  const Tally& t = r.tally;
  const std::size_t in_flight = r.commands_sent - t.commands_ok - t.commands_failed;
  std::printf("%-22s", name);
  if (!r.ran) {
    std::printf(" not run: %s\n", r.server_fate.c_str());
    return;
  }
  std::printf(" %6d/%-6d %7d %10zu %10zu %6.1f%% %9.1f %9.1f %9.1f %8ld %8ld %8.1f %8.1f\n",
              t.subscribed, r.clients, t.dropped, r.expected, t.delivered(),
              r.expected == 0
                  ? 0.0
                  : 100.0 * static_cast<double>(t.delivered()) / static_cast<double>(r.expected),
              r.p50_ms, r.p99_ms, r.max_ms, r.threads_held, r.threads_peak, r.rss_held_mib,
              r.rss_peak_mib);
  std::printf(
      "%-22s commands %zu sent, %zu answered 201 (%.0f/s, p50 %.1f ms, p99 %.1f ms), %zu "
      "failed%s%s%s\n",
      "", r.commands_sent, t.commands_ok,
      static_cast<double>(t.commands_ok) / std::max(r.command_seconds, 1e-9), r.command_p50_ms,
      r.command_p99_ms, t.commands_failed, t.first_command_error.empty() ? "" : ": ",
      t.first_command_error.c_str(),
      in_flight > 0 ? (", " + std::to_string(in_flight) + " unanswered at the deadline").c_str()
                    : "");
  std::printf("%-22s client CPU %.1f s of %.1f s wall (%.0f%% of a core)\n", "",
              r.client_cpu_seconds, r.wall_seconds,
              100.0 * r.client_cpu_seconds / std::max(r.wall_seconds, 1e-9));
  if (t.connect_failed > 0) {
    std::printf("%-22s connect failed %d: %s\n", "", t.connect_failed,
                t.first_connect_error.c_str());
  }
  if (r.clients - t.subscribed - t.connect_failed > 0) {
    std::printf("%-22s %d clients not attempted or unsettled within --connect-seconds\n", "",
                r.clients - t.subscribed - t.connect_failed);
  }
  if (t.dropped > 0) {
    std::printf("%-22s dropped %d: %s\n", "", t.dropped, t.first_drop_error.c_str());
  }
  if (t.error_messages > 0) {
    std::printf("%-22s %zu error messages: %s\n", "", t.error_messages,
                t.first_error_message.c_str());
  }
  if (t.unmatched > 0) {
    std::printf("%-22s %zu messages for positions no command answered\n", "", t.unmatched);
  }
  if (!r.server_fate.empty()) {
    std::printf("%-22s !! the server %s\n", "", r.server_fate.c_str());
  }
  std::printf("%-22s server stop: %s\n", "", r.server_stop.c_str());
}

std::string Ratio(double figure, double baseline) {
  if (baseline <= 0) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fx", figure / baseline);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = i + 1 < argc ? argv[i] : "--help";
    const char* value = i + 1 < argc ? argv[i + 1] : "";
    if (flag == "--clients") {
      g_flags.clients = std::max(1, std::atoi(value));
    } else if (flag == "--rate") {
      g_flags.rate = std::max(0.1, std::atof(value));
    } else if (flag == "--seconds") {
      g_flags.seconds = std::atof(value);
    } else if (flag == "--drain") {
      g_flags.drain = std::atof(value);
    } else if (flag == "--connect-seconds") {
      g_flags.connect_seconds = std::atof(value);
    } else {
      std::fprintf(stderr,
                   "usage: chronicle_bench_websocket [--clients N] [--rate R] [--seconds S]\n"
                   "         [--drain S] [--connect-seconds S]\n");
      return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN);
  const rlim_t files = chronicle::bench::RaiseFileLimit();
  std::printf(
      "chronicle_bench_websocket --clients %d --rate %.0f --seconds %.1f --drain %.1f "
      "--connect-seconds %.0f\n(%u cores; this process and the server may open %llu files; one "
      "client thread)\n\n",
      g_flags.clients, g_flags.rate, g_flags.seconds, g_flags.drain, g_flags.connect_seconds,
      std::thread::hardware_concurrency(), static_cast<unsigned long long>(files));

  const PhaseResult base = RunPhase(1);
  const PhaseResult many = RunPhase(g_flags.clients);
  std::printf("%-22s %13s %7s %10s %10s %7s %9s %9s %9s %8s %8s %8s %8s\n", "", "subscribed",
              "dropped", "expected", "delivered", "", "p50 ms", "p99 ms", "max ms", "threads",
              "thr peak", "RSS MiB", "RSS peak");
  Print("1 client (baseline)", base);
  const std::string name = std::to_string(g_flags.clients) + " clients";
  Print(name.c_str(), many);
  if (base.ran && many.ran) {
    std::printf(
        "\n%s / 1 client: latency p50 %s, p99 %s; server threads %s (peak %s); RSS %s (peak "
        "%s)\n",
        name.c_str(), Ratio(many.p50_ms, base.p50_ms).c_str(),
        Ratio(many.p99_ms, base.p99_ms).c_str(),
        Ratio(static_cast<double>(many.threads_held), static_cast<double>(base.threads_held))
            .c_str(),
        Ratio(static_cast<double>(many.threads_peak), static_cast<double>(base.threads_peak))
            .c_str(),
        Ratio(many.rss_held_mib, base.rss_held_mib).c_str(),
        Ratio(many.rss_peak_mib, base.rss_peak_mib).c_str());
  }
  return 0;
}
