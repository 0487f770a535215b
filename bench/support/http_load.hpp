#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chronicle::bench {

using Headers = std::vector<std::pair<std::string, std::string>>;

// An HTTP/1.1 request as bytes on the wire (keep-alive, Host and
// Content-Length set). `method` may be any token, however long: the
// robustness benchmarks send methods no HTTP library would.
std::string FormatRequest(std::string_view method, std::string_view target,
                          const Headers& headers = {}, std::string_view body = {});

// One answer. `status` 0 means none came: `error` says why (timeout,
// refused, reset).
struct Reply {
  unsigned status = 0;
  std::string error;
  std::string position;  // the X-Position header, if any
  std::string body;      // the first kKeptBodyBytes of the body
  std::uint64_t body_bytes = 0;
  std::uint64_t body_lines = 0;  // '\n' in the whole body (CSV rows + header)
  bool keep_alive = false;
  double seconds = 0;  // request written to answer read
  static constexpr std::size_t kKeptBodyBytes = 1 << 20;
};

// One keep-alive connection to `endpoint` on `ioc`, one exchange at a time:
// the request is written while the answer is read (a server may answer and
// close before reading a whole body). Every step (connect, write, read) is
// bounded by `timeout`; after a failure or a `Connection: close` answer the
// next exchange reconnects. `done` runs on `ioc`.
// Thread-safety: use only from the thread running `ioc`.
class AsyncConnection {
 public:
  AsyncConnection(boost::asio::io_context& ioc, boost::asio::ip::tcp::endpoint endpoint,
                  std::chrono::milliseconds timeout);
  ~AsyncConnection();
  AsyncConnection(const AsyncConnection&) = delete;
  AsyncConnection& operator=(const AsyncConnection&) = delete;

  void Exchange(std::string raw, std::function<void(Reply)> done);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with the handlers in flight
};

// One keep-alive connection to 127.0.0.1:port used by one thread; every
// operation (connect, write, read) is bounded by `timeout`, after which the
// connection is dropped and the next Exchange reconnects.
class HttpConnection {
 public:
  HttpConnection(unsigned short port, std::chrono::milliseconds timeout);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends `raw` (see FormatRequest) and reads the answer.
  Reply Exchange(const std::string& raw);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The outcome of RunLoad.
struct LoadResult {
  std::size_t answered = 0;
  std::size_t failed = 0;  // no answer (timeout, reset)
  std::map<unsigned, std::size_t> statuses;
  std::string first_error;
  double seconds = 0;
  [[nodiscard]] std::string StatusSummary() const;  // "401 x1000, no answer x2"
};

// Sends requests make(0) .. make(count - 1) over `connections` keep-alive
// connections at once (one thread, async), each request bounded by
// `timeout`. A connection the server closes is reopened for the next one.
LoadResult RunLoad(unsigned short port, std::size_t count, int connections,
                   const std::function<std::string(std::size_t)>& make,
                   std::chrono::milliseconds timeout);

}  // namespace chronicle::bench
