#include <signal.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdio>

#include "chronicle/api/application.hpp"
#include "cli_flags.hpp"
#include "commands.hpp"

namespace chronicle::app {
namespace {

Result<api::ServerOptions> ParseListen(const std::string& listen, api::ServerOptions options) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return InvalidArgumentError("--listen must be HOST:PORT");
  options.host = listen.substr(0, colon);
  try {
    const int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    options.port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    return InvalidArgumentError("--listen has a bad port: " + listen);
  }
  return options;
}

}  // namespace

// chronicle serve --data-dir DIR --listen HOST:PORT
int RunServe(const Args& args) {
  const std::vector<FlagSpec> specs = {
      {"data-dir", "CHRONICLE_DATA_DIR", "./data", "the data directory (created if missing)"},
      {"listen", "CHRONICLE_LISTEN", "127.0.0.1:8080",
       "address to serve on; port 0 picks a free one"},
      {"admin-password", "CHRONICLE_ADMIN_PASSWORD", "",
       "first start only: the password of 'admin' (default: generated and logged once)"},
      {"durability", "CHRONICLE_DURABILITY", "sync",
       "sync: fsync every commit (group commit); async: WAL without fsync"},
      {"threads", "CHRONICLE_THREADS", "0", "I/O threads (0: one per core)"},
      {"workers", "CHRONICLE_WORKERS", "8", "handler threads (storage, password hashing)"},
      {"body-limit", "CHRONICLE_BODY_LIMIT", "1048576", "largest request body in bytes"},
      {"upload-body-limit", "CHRONICLE_UPLOAD_BODY_LIMIT", "67108864",
       "largest text/csv request body (imports) in bytes"},
      {"read-timeout", "CHRONICLE_READ_TIMEOUT", "15",
       "seconds a client has to send a whole request (slower clients are dropped)"},
      {"idle-timeout", "CHRONICLE_IDLE_TIMEOUT", "60",
       "seconds a keep-alive connection may wait between requests"},
      {"max-connections", "CHRONICLE_MAX_CONNECTIONS", "10000",
       "open connections beyond which new ones are answered 503 and closed"},
      {"session-idle", "CHRONICLE_SESSION_IDLE", "7200",
       "seconds without a request after which a login session ends"},
      {"pool-recycle-interval", "CHRONICLE_POOL_RECYCLE_INTERVAL", "3600",
       "seconds between runs of the public pool's recycle job (it also runs at start)"},
      {"argon2-memory-kib", "CHRONICLE_ARGON2_MEMORY_KIB", "19456", "Argon2id memory cost"},
  };
  const char* usage = "chronicle serve [--data-dir DIR] [--listen HOST:PORT]";
  auto flags = Flags::Parse(specs, args);
  if (!flags.ok() || flags->help()) {
    if (!flags.ok())
      std::fprintf(stderr, "chronicle serve: %s\n", flags.status().message().c_str());
    std::fputs(FlagsHelp(usage, specs).c_str(), flags.ok() ? stdout : stderr);
    return flags.ok() ? 0 : 2;
  }
  api::ApplicationOptions options;
  options.data_dir = flags->Get("data-dir");
  options.admin_password = flags->Get("admin-password");
  const std::string durability = flags->Get("durability");
  if (durability != "sync" && durability != "async") {
    std::fprintf(stderr, "chronicle serve: --durability must be sync or async\n");
    return 2;
  }
  options.durability =
      durability == "sync" ? eventstore::Durability::kSync : eventstore::Durability::kAsync;
  // Numbers are strict: digits only, within range (no sign, no wrap-around).
  std::string bad;
  auto number = [&](const char* name, std::uint64_t min, std::uint64_t max) -> std::uint64_t {
    const std::string text = flags->Get(name);
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min ||
        value > max) {
      if (bad.empty()) {
        bad = "--" + std::string(name) + " must be a whole number from " + std::to_string(min) +
              " to " + std::to_string(max) + ", not '" + text + "'";
      }
    }
    return value;
  };
  options.server.threads = static_cast<unsigned>(number("threads", 0, 1024));
  options.workers = static_cast<unsigned>(number("workers", 1, 1024));
  options.server.body_limit = number("body-limit", 1024, std::uint64_t{1} << 30);
  options.server.upload_body_limit = number("upload-body-limit", 1024, std::uint64_t{1} << 32);
  options.server.read_timeout = std::chrono::seconds(number("read-timeout", 1, 3600));
  options.server.idle_timeout = std::chrono::seconds(number("idle-timeout", 1, 3600));
  options.server.max_connections = number("max-connections", 1, 1'000'000);
  options.session_idle =
      std::chrono::seconds(number("session-idle", 1, std::uint64_t{30} * 24 * 3600));
  options.pool_recycle_interval =
      std::chrono::seconds(number("pool-recycle-interval", 1, std::uint64_t{7} * 24 * 3600));
  options.argon2_memory_kib =
      static_cast<std::uint32_t>(number("argon2-memory-kib", 8, std::uint64_t{4} << 20));
  if (!bad.empty()) {
    std::fprintf(stderr, "chronicle serve: %s\n", bad.c_str());
    return 2;
  }
  auto server = ParseListen(flags->Get("listen"), options.server);
  if (!server.ok()) {
    std::fprintf(stderr, "chronicle serve: %s\n", server.status().message().c_str());
    return 2;
  }
  options.server = *server;

  // Signals are taken synchronously by this thread; every other thread
  // (started below) inherits the block.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  spdlog::flush_on(spdlog::level::info);
  auto app = api::Application::Start(options);
  if (!app.ok()) {
    spdlog::error("cannot start: {}", app.status().ToString());
    return 1;
  }
  if (!(*app)->generated_admin_password().empty()) {
    spdlog::warn("first start: created user 'admin' with password {} (shown once; change it)",
                 (*app)->generated_admin_password());
  }
  spdlog::info("listening on {}:{}", options.server.host, (*app)->port());
  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("signal {}: finishing in-flight requests", signal);
  (*app)->Stop(std::chrono::seconds(10));
  spdlog::info("stopped");
  return 0;
}

}  // namespace chronicle::app
