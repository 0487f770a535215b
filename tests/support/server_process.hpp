#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace chronicle::testing {

inline constexpr const char* kAdminPassword = "Admin#2026-test";

// The real `chronicle serve` as a child process on 127.0.0.1:0. The port is
// read from its "listening on 127.0.0.1:PORT" log line, as clients would.
class ServerProcess {
 public:
  // `env`: extra "NAME=value" entries for the child's environment (e.g.
  // libfaketime's LD_PRELOAD and FAKETIME to move the server's clock).
  explicit ServerProcess(std::string data_dir, std::vector<std::string> extra = {},
                         std::vector<std::string> env = {})
      : data_dir_(std::move(data_dir)), extra_(std::move(extra)), env_(std::move(env)) {
    Start();
  }
  ~ServerProcess() {
    if (pid_ > 0) Kill();
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  [[nodiscard]] unsigned short port() const { return port_; }
  // What the server has logged so far.
  [[nodiscard]] std::string log() const {
    std::lock_guard lock(log_mu_);
    return log_;
  }

  void Start() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<std::string> args = {CHRONICLE_BINARY,
                                     "serve",
                                     "--data-dir",
                                     data_dir_,
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--admin-password",
                                     kAdminPassword,
                                     "--argon2-memory-kib",
                                     "64",
                                     "--workers",
                                     "4"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
    for (auto& e : env_) envp.push_back(e.data());
    envp.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) {
      throw std::runtime_error("spawn chronicle");
    }
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fds[0];
    port_ = 0;
    {
      std::lock_guard lock(log_mu_);
      log_.clear();  // a restart must not find the previous run's port
    }
    // The server logs a line per request: drain the pipe all the time, or a
    // busy test fills it and the server blocks on its own log.
    drain_ = std::thread([this, fd = out_] {
      char buf[4096];
      for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
        std::lock_guard lock(log_mu_);
        log_.append(buf, static_cast<std::size_t>(n));
      }
    });
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    const std::string marker = "listening on 127.0.0.1:";
    while (port_ == 0 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      {
        std::lock_guard lock(log_mu_);
        if (auto at = log_.find(marker); at != std::string::npos) {
          port_ = static_cast<unsigned short>(std::atoi(log_.c_str() + at + marker.size()));
        }
      }
      int status = 0;
      if (port_ == 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        drain_.join();
        close(out_);
        throw std::runtime_error("chronicle serve exited: " + log());
      }
    }
    if (port_ == 0) throw std::runtime_error("no 'listening on' line: " + log());
  }

  // SIGTERM and wait: the graceful path. Returns the exit status.
  int Stop() {
    kill(pid_, SIGTERM);
    return Wait();
  }
  // SIGKILL: the crash path.
  void Kill() {
    kill(pid_, SIGKILL);
    Wait();
  }

 private:
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    drain_.join();  // the write end closed with the process
    close(out_);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string data_dir_;
  std::vector<std::string> extra_;
  std::vector<std::string> env_;
  pid_t pid_ = -1;
  int out_ = -1;
  unsigned short port_ = 0;
  std::thread drain_;
  mutable std::mutex log_mu_;
  std::string log_;  // guarded by log_mu_
};

}  // namespace chronicle::testing
