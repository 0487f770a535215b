#include "server_child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <thread>

namespace chronicle::bench {

ProcStats ReadProcStats(pid_t pid) {
  ProcStats stats;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  bool seen_rss = false;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      stats.hwm_mib = std::strtod(line.c_str() + 6, nullptr) / 1024.0;  // kB
    } else if (line.rfind("VmRSS:", 0) == 0) {
      stats.rss_mib = std::strtod(line.c_str() + 6, nullptr) / 1024.0;  // kB
      seen_rss = true;
    } else if (line.rfind("Threads:", 0) == 0) {
      stats.threads = std::strtol(line.c_str() + 8, nullptr, 10);
    }
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name may hold spaces and parentheses: fields count from the last ')'.
  const auto close = text.rfind(')');
  if (!seen_rss || close == std::string::npos) return stats;  // gone, or a zombie
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  // Fields 3.. after the name; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  stats.cpu_seconds =
      static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  stats.ok = true;
  return stats;
}

rlim_t RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

Result<std::unique_ptr<ServerChild>> ServerChild::Start(const ServerChildOptions& options) {
  std::unique_ptr<ServerChild> child(new ServerChild());
  child->admin_password_ = options.admin_password;
  child->dir_ =
      std::filesystem::temp_directory_path() / ("chronicle-bench-" + std::to_string(getpid()) +
                                                "-" + std::to_string(std::random_device{}()));
  std::error_code ec;
  std::filesystem::create_directories(child->dir_, ec);
  if (ec) return UnavailableError("cannot create " + child->dir_.string() + ": " + ec.message());
  const std::string log_path = (child->dir_ / "server.log").string();

  std::vector<std::string> args = {
      CHRONICLE_BINARY,
      "serve",
      "--data-dir",
      options.data_dir.empty() ? (child->dir_ / "data").string() : options.data_dir.string(),
      "--listen",
      "127.0.0.1:0",
      "--admin-password",
      options.admin_password,
      "--argon2-memory-kib",
      "64"};
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (options.file_limit != 0) {
    limit.rlim_cur = options.file_limit;
    limit.rlim_max = options.file_limit;
  } else {
    limit.rlim_cur = limit.rlim_max;
  }

  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return UnavailableError("cannot create " + log_path);
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return UnavailableError("fork failed");
  }
  if (pid == 0) {
    // The child: only async-signal-safe calls until execv.
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  child->pid_ = pid;

  const std::string marker = "listening on 127.0.0.1:";
  const auto give_up = std::chrono::steady_clock::now() + options.start_timeout;
  while (std::chrono::steady_clock::now() < give_up) {
    std::ifstream log(log_path);
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    if (auto at = text.find(marker); at != std::string::npos) {
      child->port_ = static_cast<unsigned short>(std::atoi(text.c_str() + at + marker.size()));
      if (child->port_ != 0) return child;
    }
    if (!child->Alive()) {
      return UnavailableError("chronicle serve " + child->exit_reason_ + ": " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return UnavailableError("no 'listening on' line in " +
                          std::to_string(options.start_timeout.count()) +
                          " s: " + child->LogTail(2000));
}

ServerChild::~ServerChild() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    Reap(0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool ServerChild::Reap(int options) {
  int status = 0;
  if (waitpid(pid_, &status, options) != pid_) return false;
  pid_ = -1;
  exit_reason_ = WIFEXITED(status)
                     ? "exited with status " + std::to_string(WEXITSTATUS(status))
                     : std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return true;
}

bool ServerChild::Alive() { return pid_ > 0 && !Reap(WNOHANG); }

std::string ServerChild::LogTail(std::size_t bytes) const {
  std::ifstream log(dir_ / "server.log", std::ios::binary);
  log.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(std::max<std::streamoff>(log.tellg(), 0));
  log.seekg(static_cast<std::streamoff>(size > bytes ? size - bytes : 0));
  return std::string((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
}

Result<ToolRun> RunChronicle(const std::vector<std::string>& args) {
  const auto log_path =
      std::filesystem::temp_directory_path() / ("chronicle-tool-" + std::to_string(getpid()) + "-" +
                                                std::to_string(std::random_device{}()) + ".log");
  std::vector<std::string> all = {CHRONICLE_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return UnavailableError("cannot create " + log_path.string());
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return UnavailableError("fork failed");
  }
  if (pid == 0) {
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  int status = 0;
  waitpid(pid, &status, 0);
  ToolRun run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream log(log_path, std::ios::binary);
  run.output.assign(std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>());
  std::error_code ignored;
  std::filesystem::remove(log_path, ignored);
  return run;
}

void ServerChild::Stop(int grace_ms) {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (std::chrono::steady_clock::now() < give_up) {
    if (Reap(WNOHANG)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  Reap(0);
}

}  // namespace chronicle::bench
