#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "chronicle/base/result.hpp"

namespace chronicle::bench {

// What /proc says about a process: resident memory, threads, CPU time.
struct ProcStats {
  bool ok = false;         // false when the process is gone
  double rss_mib = 0;      // VmRSS
  double hwm_mib = 0;      // VmHWM: peak resident since start
  long threads = 0;        // Threads
  double cpu_seconds = 0;  // utime + stime
};
ProcStats ReadProcStats(pid_t pid);

// Raises this process's soft RLIMIT_NOFILE to its hard limit; returns the
// soft limit now in force.
rlim_t RaiseFileLimit();

struct ServerChildOptions {
  std::string admin_password = "Bench#2026-password";
  // RLIMIT_NOFILE of the server (soft and hard); 0: the hard limit this
  // process has.
  rlim_t file_limit = 0;
  std::vector<std::string> extra_args;  // appended to the serve command line
  // Empty: a fresh data dir inside the child's temp dir, removed with it.
  // Otherwise this data dir, which the child neither creates nor removes
  // (a restart on a loaded log).
  std::filesystem::path data_dir;
  // How long Start waits for the "listening on" line (the read models load
  // before the server listens).
  std::chrono::seconds start_timeout{30};
};

// The outcome of RunChronicle.
struct ToolRun {
  int exit_code = -1;  // -1: did not exit normally
  std::string output;  // stdout and stderr, interleaved
  double seconds = 0;  // wall time
};
// Runs CHRONICLE_BINARY with `args` (e.g. {"replay", "rebuild", "--data-dir", D})
// to completion.
Result<ToolRun> RunChronicle(const std::vector<std::string>& args);

// The real `chronicle serve` (CHRONICLE_BINARY) as a child process on a fresh
// data dir, listening on 127.0.0.1:0. Started with fork + setrlimit + execv
// (posix_spawn cannot set limits); stdout and stderr go to a log file in the
// temp dir (a pipe nobody drains would stall the server's access log). The
// port is read from its "listening on 127.0.0.1:PORT" line. The destructor
// kills the server and removes its files.
// Thread-safety: none; one owner.
class ServerChild {
 public:
  static Result<std::unique_ptr<ServerChild>> Start(const ServerChildOptions& options);
  ~ServerChild();
  ServerChild(const ServerChild&) = delete;
  ServerChild& operator=(const ServerChild&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] unsigned short port() const { return port_; }
  [[nodiscard]] const std::string& admin_password() const { return admin_password_; }

  // False once the server has exited; `exit_reason` then says how.
  bool Alive();
  [[nodiscard]] const std::string& exit_reason() const { return exit_reason_; }
  // The last `bytes` of the server's log.
  [[nodiscard]] std::string LogTail(std::size_t bytes) const;
  // SIGTERM, then SIGKILL if it has not exited after `grace_ms`.
  void Stop(int grace_ms);

 private:
  ServerChild() = default;
  bool Reap(int options);

  std::filesystem::path dir_;
  std::string admin_password_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::string exit_reason_;
};

}  // namespace chronicle::bench
