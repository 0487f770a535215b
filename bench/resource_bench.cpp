// Resource use of the real server under hostile but cheap traffic (issue 6).
//
//   build/bench/chronicle_bench_resources [--posts 1000] [--body-bytes 1000000]
//       [--methods 20000] [--method-chars 4000] [--idle 2000] [--cpu-seconds 3]
//       [--keys 80000] [--seconds 3] [--departments 5000] [--rebuilds 60] [--only abcde]
//
// Each measurement runs `chronicle serve` (CHRONICLE_BINARY) as a child on a
// fresh data dir and compares it with a baseline measured in the same run:
//   a. server RSS growth after anonymous 1 MB POSTs, each with a fresh
//      Idempotency-Key, vs. the same POSTs without the header;
//   b. /metrics size after requests with random long methods, vs. after as
//      many GET /healthz;
//   c. server CPU over --cpu-seconds with its open-file limit (1024) used up
//      by idle connections, and whether a fresh GET /healthz is answered in
//      3 s, vs. the CPU with 10 idle connections;
//   d. time to reject an 80,000-key JSON object at POST /api/v1/auth/login,
//      vs. a body of the same size that is one long string; and ParseJson
//      on both in this process;
//   e. server RSS after --rebuilds online rebuilds (POST /api/v1/admin/rebuild)
//      of a log of --departments departments, vs. its RSS before them.
// Prints the figures beside their baselines as ratios; exits 0 whatever
// they are (a server that crashes or hangs is reported, not fatal).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/json/parse.hpp"
#include "http_load.hpp"
#include "server_child.hpp"

namespace {

using chronicle::Json;
using chronicle::bench::FormatRequest;
using chronicle::bench::HttpConnection;
using chronicle::bench::ProcStats;
using chronicle::bench::ReadProcStats;
using chronicle::bench::Reply;
using chronicle::bench::RunLoad;
using chronicle::bench::ServerChild;
using chronicle::bench::ServerChildOptions;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Flags {
  std::size_t posts = 1000;
  std::size_t body_bytes = 1'000'000;
  std::size_t methods = 20'000;
  std::size_t method_chars = 4000;
  int idle = 2000;
  double cpu_seconds = 3;
  int keys = 80'000;
  double seconds = 3;
  std::size_t departments = 5000;
  int rebuilds = 60;
  std::string only = "abcde";
};
Flags g_flags;

// One row of the closing table.
struct Row {
  std::string name;
  std::string figure;
  std::string baseline;
  std::string ratio;
};
std::vector<Row> g_rows;

std::string Format(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string Bytes(double bytes) {
  if (bytes >= 1 << 30) return Format("%.2f GiB", bytes / (1 << 30));
  if (bytes >= 1 << 20) return Format("%.1f MiB", bytes / (1 << 20));
  if (bytes >= 1 << 10) return Format("%.1f KiB", bytes / (1 << 10));
  return Format("%.0f B", bytes);
}

// figure / baseline, with the baseline floored at `floor` so that a baseline
// of ~0 gives a finite ratio (printed as ">=").
std::string Ratio(double figure, double baseline, double floor) {
  if (baseline < floor) return ">=" + Format("%.1fx", figure / floor);
  return Format("%.1fx", figure / baseline);
}

std::unique_ptr<ServerChild> StartServer(ServerChildOptions options = {}) {
  auto server = ServerChild::Start(options);
  if (!server.ok()) {
    std::printf("   cannot start chronicle serve: %s\n", server.status().ToString().c_str());
    return nullptr;
  }
  return std::move(server).value();
}

// Says so when the server died during a measurement.
void ReportIfDead(ServerChild& server) {
  if (server.Alive()) return;
  std::printf("   !! the server %s; last log lines:\n%s\n", server.exit_reason().c_str(),
              server.LogTail(1500).c_str());
}

// ---- a. idempotency cache --------------------------------------------------

struct PostsRun {
  bool ok = false;
  double rss_growth_mib = 0;
  double rss_after_mib = 0;
  std::string statuses;
  double seconds = 0;
};

PostsRun RunPosts(bool with_key) {
  PostsRun run;
  auto server = StartServer();
  if (!server) return run;
  Json body = Json::MakeObject();
  body.Set("old_password", "x");
  body.Set("new_password", "");
  const std::size_t frame = body.Dump().size();
  body.Set("new_password",
           std::string(g_flags.body_bytes > frame ? g_flags.body_bytes - frame : 0, 'n'));
  const std::string text = body.Dump();
  const std::string run_id = std::to_string(std::random_device{}());

  const ProcStats before = ReadProcStats(server->pid());
  auto load = RunLoad(
      server->port(), g_flags.posts, 4,
      [&](std::size_t i) {
        chronicle::bench::Headers headers = {{"Content-Type", "application/json"}};
        if (with_key) headers.emplace_back("Idempotency-Key", run_id + "-" + std::to_string(i));
        return FormatRequest("POST", "/api/v1/auth/change-password", headers, text);
      },
      milliseconds(30'000));
  std::this_thread::sleep_for(milliseconds(300));
  const ProcStats after = ReadProcStats(server->pid());
  run.statuses = load.StatusSummary();
  run.seconds = load.seconds;
  ReportIfDead(*server);
  if (!before.ok || !after.ok) return run;
  run.ok = true;
  run.rss_growth_mib = after.rss_mib - before.rss_mib;
  run.rss_after_mib = after.rss_mib;
  return run;
}

void MeasureIdempotency() {
  std::printf(
      "a. %zu anonymous POST /api/v1/auth/change-password, %zu-byte bodies, 4 connections\n",
      g_flags.posts, g_flags.body_bytes);
  const PostsRun base = RunPosts(false);
  std::printf("   without Idempotency-Key (baseline)  RSS %+8.1f MiB -> %7.1f MiB  %5.1f s  [%s]\n",
              base.rss_growth_mib, base.rss_after_mib, base.seconds, base.statuses.c_str());
  const PostsRun keyed = RunPosts(true);
  std::printf(
      "   a fresh Idempotency-Key on each      RSS %+8.1f MiB -> %7.1f MiB  %5.1f s  [%s]\n",
      keyed.rss_growth_mib, keyed.rss_after_mib, keyed.seconds, keyed.statuses.c_str());
  if (!base.ok || !keyed.ok) return;
  const std::string ratio = Ratio(keyed.rss_growth_mib, base.rss_growth_mib, 1.0);
  std::printf("   growth with keys / without: %s (baseline floored at 1 MiB)\n\n", ratio.c_str());
  g_rows.push_back({"a. RSS growth, " + std::to_string(g_flags.posts) + " keyed 1 MB POSTs",
                    Format("%+.1f MiB", keyed.rss_growth_mib),
                    Format("%+.1f MiB", base.rss_growth_mib), ratio});
}

// ---- b. /metrics cardinality ----------------------------------------------

struct MetricsRun {
  bool ok = false;
  std::uint64_t metrics_bytes = 0;
  double fetch_seconds = 0;
  double rss_mib = 0;
  std::string statuses;
  double seconds = 0;
};

MetricsRun RunMetrics(bool random_methods) {
  MetricsRun run;
  auto server = StartServer();
  if (!server) return run;
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_int_distribution<int> letter('A', 'Z');
  auto load = RunLoad(
      server->port(), g_flags.methods, 4,
      [&](std::size_t) {
        if (!random_methods) return FormatRequest("GET", "/healthz");
        std::string method(g_flags.method_chars, 'X');
        for (auto& c : method) c = static_cast<char>(letter(rng));
        return FormatRequest(method, "/healthz");
      },
      milliseconds(30'000));
  run.statuses = load.StatusSummary();
  run.seconds = load.seconds;
  HttpConnection client(server->port(), milliseconds(300'000));
  const Reply metrics = client.Exchange(FormatRequest("GET", "/metrics"));
  const ProcStats after = ReadProcStats(server->pid());
  ReportIfDead(*server);
  if (metrics.status != 200) {
    std::printf("   GET /metrics: %s\n",
                metrics.status == 0 ? metrics.error.c_str()
                                    : ("status " + std::to_string(metrics.status)).c_str());
    return run;
  }
  run.ok = true;
  run.metrics_bytes = metrics.body_bytes;
  run.fetch_seconds = metrics.seconds;
  run.rss_mib = after.rss_mib;
  return run;
}

void MeasureMetrics() {
  std::printf("b. /metrics after %zu requests, 4 connections\n", g_flags.methods);
  const MetricsRun base = RunMetrics(false);
  std::printf(
      "   GET /healthz (baseline)          /metrics %10s in %7.3f s, server RSS %7.1f MiB  "
      "%5.1f s  [%s]\n",
      Bytes(static_cast<double>(base.metrics_bytes)).c_str(), base.fetch_seconds, base.rss_mib,
      base.seconds, base.statuses.c_str());
  const MetricsRun odd = RunMetrics(true);
  std::printf(
      "   random %zu-char methods        /metrics %10s in %7.3f s, server RSS %7.1f MiB  "
      "%5.1f s  [%s]\n",
      g_flags.method_chars, Bytes(static_cast<double>(odd.metrics_bytes)).c_str(),
      odd.fetch_seconds, odd.rss_mib, odd.seconds, odd.statuses.c_str());
  if (!base.ok || !odd.ok) return;
  const std::string ratio =
      Ratio(static_cast<double>(odd.metrics_bytes), static_cast<double>(base.metrics_bytes), 1.0);
  std::printf("   /metrics size, odd methods / plain: %s; fetch time %s\n\n", ratio.c_str(),
              Ratio(odd.fetch_seconds, base.fetch_seconds, 1e-4).c_str());
  g_rows.push_back({"b. /metrics size after " + std::to_string(g_flags.methods) + " odd methods",
                    Bytes(static_cast<double>(odd.metrics_bytes)),
                    Bytes(static_cast<double>(base.metrics_bytes)), ratio});
  g_rows.push_back({"b. GET /metrics time", Format("%.3f s", odd.fetch_seconds),
                    Format("%.3f s", base.fetch_seconds),
                    Ratio(odd.fetch_seconds, base.fetch_seconds, 1e-4)});
  g_rows.push_back({"b. server RSS after", Format("%.1f MiB", odd.rss_mib),
                    Format("%.1f MiB", base.rss_mib), Ratio(odd.rss_mib, base.rss_mib, 1.0)});
}

// ---- c. file descriptors exhausted ------------------------------------------

struct IdleRun {
  bool ok = false;
  int connected = 0;
  int connect_failed = 0;   // refused or reset while connecting
  int connect_pending = 0;  // no handshake within 5 s
  int closed_by_server = 0;
  int answered_503 = 0;
  int answered_other = 0;
  long server_fds = 0;
  double cpu_seconds = 0;
  Reply probe;
};

long CountFds(pid_t pid) {
  std::error_code ec;
  long n = 0;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end;
       !ec && it != end; it.increment(ec)) {
    ++n;
  }
  return n;
}

// Opens `count` TCP connections to the port without sending anything.
// Returns the sockets that completed their handshake.
std::vector<int> OpenIdle(unsigned short port, int count, IdleRun& run) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<pollfd> pending;
  std::vector<int> open;
  for (int i = 0; i < count; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      ++run.connect_failed;
      continue;
    }
    const int rc = connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    if (rc == 0) {
      open.push_back(fd);
    } else if (errno == EINPROGRESS) {
      pending.push_back({fd, POLLOUT, 0});
    } else {
      ++run.connect_failed;
      close(fd);
    }
  }
  const auto give_up = Clock::now() + std::chrono::seconds(5);
  while (!pending.empty() && Clock::now() < give_up) {
    if (poll(pending.data(), pending.size(), 100) <= 0) continue;
    std::vector<pollfd> still;
    for (auto& p : pending) {
      if (p.revents == 0) {
        still.push_back(p);
        continue;
      }
      int error = 0;
      socklen_t len = sizeof error;
      getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &error, &len);
      if (error == 0) {
        open.push_back(p.fd);
      } else {
        ++run.connect_failed;
        close(p.fd);
      }
    }
    pending.swap(still);
  }
  run.connect_pending = static_cast<int>(pending.size());
  for (auto& p : pending) close(p.fd);
  run.connected = static_cast<int>(open.size());
  return open;
}

// What the server did to the idle connections: closed them, answered 503...
void ClassifyIdle(const std::vector<int>& sockets, IdleRun& run) {
  for (int fd : sockets) {
    char buf[64] = {};
    const ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
      ++run.closed_by_server;
    } else if (n > 0) {
      if (std::strncmp(buf, "HTTP/1.1 503", 12) == 0 ||
          std::strncmp(buf, "HTTP/1.0 503", 12) == 0) {
        ++run.answered_503;
      } else {
        ++run.answered_other;
      }
    }
  }
}

IdleRun RunIdle(int count) {
  IdleRun run;
  ServerChildOptions options;
  options.file_limit = 1024;
  auto server = StartServer(options);
  if (!server) return run;
  std::vector<int> sockets = OpenIdle(server->port(), count, run);
  std::this_thread::sleep_for(milliseconds(500));  // let the server accept what it can
  const ProcStats before = ReadProcStats(server->pid());
  std::this_thread::sleep_for(std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(g_flags.cpu_seconds)));
  const ProcStats after = ReadProcStats(server->pid());
  run.server_fds = CountFds(server->pid());
  HttpConnection probe(server->port(), milliseconds(3000));
  run.probe = probe.Exchange(FormatRequest("GET", "/healthz"));
  ClassifyIdle(sockets, run);
  for (int fd : sockets) close(fd);
  ReportIfDead(*server);
  if (!before.ok || !after.ok) return run;
  run.ok = true;
  run.cpu_seconds = after.cpu_seconds - before.cpu_seconds;
  return run;
}

std::string ProbeText(const Reply& probe) {
  if (probe.status == 0) return "no answer (" + probe.error + ")";
  return std::to_string(probe.status) + " in " + Format("%.1f ms", probe.seconds * 1000);
}

void PrintIdle(const char* name, const IdleRun& run) {
  std::printf(
      "   %-22s CPU %5.2f s in %.1f s (%5.1f%% of a core); /healthz: %s\n"
      "   %-22s connected %d, connect failed %d, pending %d; server fds %ld; then closed by "
      "server %d, 503 %d, other answer %d\n",
      name, run.cpu_seconds, g_flags.cpu_seconds, 100.0 * run.cpu_seconds / g_flags.cpu_seconds,
      ProbeText(run.probe).c_str(), "", run.connected, run.connect_failed, run.connect_pending,
      run.server_fds, run.closed_by_server, run.answered_503, run.answered_other);
}

void MeasureFdExhaustion() {
  std::printf("c. server with RLIMIT_NOFILE 1024, idle connections, CPU over %.1f s\n",
              g_flags.cpu_seconds);
  const IdleRun base = RunIdle(10);
  PrintIdle("10 idle (baseline)", base);
  const std::string name = std::to_string(g_flags.idle) + " idle";
  const IdleRun full = RunIdle(g_flags.idle);
  PrintIdle(name.c_str(), full);
  if (!base.ok || !full.ok) return;
  const double tick = 1.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  const std::string ratio = Ratio(full.cpu_seconds, base.cpu_seconds, tick);
  std::printf("   CPU, %s / 10 idle: %s (baseline floored at one clock tick)\n\n", name.c_str(),
              ratio.c_str());
  g_rows.push_back({"c. server CPU, " + name + " conns, fds 1024",
                    Format("%.2f s", full.cpu_seconds), Format("%.2f s", base.cpu_seconds), ratio});
  g_rows.push_back(
      {"c. fresh GET /healthz (3 s deadline)", ProbeText(full.probe), ProbeText(base.probe), ""});
}

// ---- d. JSON objects with many keys -----------------------------------------

struct Timing {
  std::size_t runs = 0;
  double seconds_each = 0;
  std::string outcome;
};

// Runs `once` until --seconds have passed (at least once).
Timing TimeRepeatedly(const std::function<std::string()>& once) {
  Timing t;
  const auto start = Clock::now();
  const auto budget = std::chrono::duration<double>(g_flags.seconds);
  do {
    t.outcome = once();
    ++t.runs;
  } while (Clock::now() - start < budget);
  t.seconds_each =
      std::chrono::duration<double>(Clock::now() - start).count() / static_cast<double>(t.runs);
  return t;
}

void MeasureJson() {
  chronicle::JsonWriter keys;
  keys.BeginObject();
  for (int i = 0; i < g_flags.keys; ++i) keys.Key("k" + std::to_string(i)).Int(0);
  keys.EndObject();
  const std::string many_keys = keys.Take();
  Json one = Json::MakeObject();
  one.Set("username", "");
  const std::size_t frame = one.Dump().size();
  one.Set("username", std::string(many_keys.size() > frame ? many_keys.size() - frame : 0, 'x'));
  const std::string one_string = one.Dump();
  std::printf("d. a %d-key object (%zu bytes) vs one string (%zu bytes)\n", g_flags.keys,
              many_keys.size(), one_string.size());

  auto parse = [](const std::string& text) {
    return [&text] {
      auto parsed = chronicle::ParseJson(text);
      return parsed.ok() ? std::string("parsed") : parsed.status().ToString();
    };
  };
  const Timing local_base = TimeRepeatedly(parse(one_string));
  const Timing local_keys = TimeRepeatedly(parse(many_keys));
  const std::string local_ratio = Ratio(local_keys.seconds_each, local_base.seconds_each, 1e-9);
  std::printf("   ParseJson, one string (baseline)   %10.3f ms each (%zu runs)  %s\n",
              local_base.seconds_each * 1000, local_base.runs, local_base.outcome.c_str());
  std::printf("   ParseJson, %d keys              %10.3f ms each (%zu runs)  %s  -> %s\n",
              g_flags.keys, local_keys.seconds_each * 1000, local_keys.runs,
              local_keys.outcome.c_str(), local_ratio.c_str());
  g_rows.push_back({"d. ParseJson in process, " + std::to_string(g_flags.keys) + " keys",
                    Format("%.3f ms", local_keys.seconds_each * 1000),
                    Format("%.3f ms", local_base.seconds_each * 1000), local_ratio});

  auto server = StartServer();
  if (!server) return;
  HttpConnection client(server->port(), milliseconds(120'000));
  auto post = [&](const std::string& text) {
    const std::string raw =
        FormatRequest("POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}}, text);
    return [&client, raw] {
      const Reply r = client.Exchange(raw);
      return r.status == 0 ? "no answer (" + r.error + ")" : std::to_string(r.status);
    };
  };
  const Timing served_base = TimeRepeatedly(post(one_string));
  const Timing served_keys = TimeRepeatedly(post(many_keys));
  ReportIfDead(*server);
  const std::string served_ratio = Ratio(served_keys.seconds_each, served_base.seconds_each, 1e-9);
  std::printf("   POST /api/v1/auth/login, one string %9.3f ms each (%zu runs)  status %s\n",
              served_base.seconds_each * 1000, served_base.runs, served_base.outcome.c_str());
  std::printf("   POST /api/v1/auth/login, %d keys %8.3f ms each (%zu runs)  status %s  -> %s\n\n",
              g_flags.keys, served_keys.seconds_each * 1000, served_keys.runs,
              served_keys.outcome.c_str(), served_ratio.c_str());
  g_rows.push_back({"d. POST /auth/login, " + std::to_string(g_flags.keys) + " keys",
                    Format("%.3f ms", served_keys.seconds_each * 1000),
                    Format("%.3f ms", served_base.seconds_each * 1000), served_ratio});
}

// ---- e. memory across online rebuilds ------------------------------------------

std::string JsonField(const std::string& body, const char* name) {
  auto parsed = chronicle::ParseJson(body);
  if (!parsed.ok()) return "";
  const Json* v = parsed->Find(name);
  return v != nullptr && v->is_string() ? v->as_string() : "";
}

void MeasureRebuilds() {
  std::printf("e. %d online rebuilds of a log of %zu departments\n", g_flags.rebuilds,
              g_flags.departments);
  auto server = StartServer();
  if (!server) return;
  HttpConnection c(server->port(), milliseconds(60'000));
  Json login = Json::MakeObject();
  login.Set("username", "admin");
  login.Set("password", server->admin_password());
  const std::string token =
      JsonField(c.Exchange(FormatRequest("POST", "/api/v1/auth/login",
                                         {{"Content-Type", "application/json"}}, login.Dump()))
                    .body,
                "token");
  const chronicle::bench::Headers auth = {{"Authorization", "Bearer " + token},
                                          {"Content-Type", "application/json"}};
  const std::string tree = c.Exchange(FormatRequest("GET", "/api/v1/departments", auth)).body;
  auto parsed = chronicle::ParseJson(tree);
  std::string top;
  if (parsed.ok() && parsed->Find("items") != nullptr && parsed->Find("items")->is_array() &&
      !parsed->Find("items")->as_array().empty()) {
    top = JsonField(parsed->Find("items")->as_array()[0].Dump(), "id");
  }
  if (token.empty() || top.empty()) {
    std::printf("   cannot log in or find the top department\n\n");
    return;
  }
  auto load = RunLoad(
      server->port(), g_flags.departments, 8,
      [&](std::size_t i) {
        Json body = Json::MakeObject();
        body.Set("name", "部门" + std::to_string(i));
        body.Set("parent_id", top);
        return FormatRequest("POST", "/api/v1/departments", auth, body.Dump());
      },
      milliseconds(60'000));
  std::this_thread::sleep_for(milliseconds(500));
  const ProcStats before = ReadProcStats(server->pid());
  std::size_t ok = 0;
  const auto started = Clock::now();
  for (int i = 0; i < g_flags.rebuilds; ++i) {
    ok += c.Exchange(FormatRequest("POST", "/api/v1/admin/rebuild", auth, "{}")).status == 200;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const ProcStats after = ReadProcStats(server->pid());
  ReportIfDead(*server);
  std::printf("   log written: %s\n", load.StatusSummary().c_str());
  std::printf("   RSS before rebuilds %.1f MiB, after %d (%zu ok, %.1f s) %.1f MiB\n\n",
              before.rss_mib, g_flags.rebuilds, ok, seconds, after.rss_mib);
  if (!before.ok || !after.ok) return;
  g_rows.push_back({"e. server RSS after " + std::to_string(g_flags.rebuilds) + " rebuilds",
                    Format("%.1f MiB", after.rss_mib), Format("%.1f MiB", before.rss_mib),
                    Ratio(after.rss_mib, before.rss_mib, 1.0)});
}

void Usage() {
  std::fprintf(stderr,
               "usage: chronicle_bench_resources [--posts N] [--body-bytes N] [--methods N]\n"
               "         [--method-chars N] [--idle N] [--cpu-seconds S] [--keys N]\n"
               "         [--seconds S] [--departments N] [--rebuilds N] [--only abcde]\n");
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      Usage();
      return 2;
    }
    const char* value = argv[i + 1];
    if (flag == "--posts") {
      g_flags.posts = std::strtoull(value, nullptr, 10);
    } else if (flag == "--body-bytes") {
      g_flags.body_bytes = std::strtoull(value, nullptr, 10);
    } else if (flag == "--methods") {
      g_flags.methods = std::strtoull(value, nullptr, 10);
    } else if (flag == "--method-chars") {
      g_flags.method_chars = std::max<std::size_t>(1, std::strtoull(value, nullptr, 10));
    } else if (flag == "--idle") {
      g_flags.idle = std::atoi(value);
    } else if (flag == "--cpu-seconds") {
      g_flags.cpu_seconds = std::atof(value);
    } else if (flag == "--keys") {
      g_flags.keys = std::atoi(value);
    } else if (flag == "--seconds") {
      g_flags.seconds = std::atof(value);
    } else if (flag == "--departments") {
      g_flags.departments = std::strtoull(value, nullptr, 10);
    } else if (flag == "--rebuilds") {
      g_flags.rebuilds = std::atoi(value);
    } else if (flag == "--only") {
      g_flags.only = value;
    } else {
      Usage();
      return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN);
  const rlim_t files = chronicle::bench::RaiseFileLimit();
  std::printf(
      "chronicle_bench_resources --posts %zu --body-bytes %zu --methods %zu --method-chars %zu "
      "--idle %d --cpu-seconds %.1f --keys %d --seconds %.1f --departments %zu --rebuilds %d "
      "--only %s\n"
      "(%u cores, this process may open %llu files)\n\n",
      g_flags.posts, g_flags.body_bytes, g_flags.methods, g_flags.method_chars, g_flags.idle,
      g_flags.cpu_seconds, g_flags.keys, g_flags.seconds, g_flags.departments, g_flags.rebuilds,
      g_flags.only.c_str(), std::thread::hardware_concurrency(),
      static_cast<unsigned long long>(files));
  auto selected = [](char c) { return g_flags.only.find(c) != std::string::npos; };
  if (selected('a')) MeasureIdempotency();
  if (selected('b')) MeasureMetrics();
  if (selected('c')) MeasureFdExhaustion();
  if (selected('d')) MeasureJson();
  if (selected('e')) MeasureRebuilds();

  std::printf("%-44s %22s %22s %10s\n", "measurement", "figure", "baseline", "ratio");
  for (const auto& row : g_rows) {
    std::printf("%-44s %22s %22s %10s\n", row.name.c_str(), row.figure.c_str(),
                row.baseline.c_str(), row.ratio.c_str());
  }
  return 0;
}
