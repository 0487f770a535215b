#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <source_location>
#include <string>
#include <utility>

#include "chronicle/base/json.hpp"

namespace chronicle::testing {

// {"k": v, ...} for request bodies in tests.
inline Json Obj(std::initializer_list<std::pair<const char*, Json>> members) {
  Json out = Json::MakeObject();
  for (const auto& [k, v] : members) out.Set(k, v);
  return out;
}

struct HttpResult {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  Json json;  // parsed body when it is JSON

  [[nodiscard]] std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  // A top-level string/integer field as text, "" when absent: never crashes a test.
  [[nodiscard]] std::string Field(const std::string& name) const {
    const Json* v = json.Find(name);
    if (v == nullptr) return "";
    return v->is_string() ? v->as_string() : v->Dump();
  }
  // The problem+json `code`, or "".
  [[nodiscard]] std::string Code() const;
};

// A keep-alive HTTP/1.1 client over Boost.Beast, blocking. One per thread.
//
// Every response is checked against api/openapi/openapi.json (see
// OpenApiDocument::Check): each way it contradicts the document fails the
// current test at `caller`, naming the route, status, JSON pointer and
// reason. Requests to paths the document does not have (garbage sent on
// purpose) only need a 4xx problem+json answer.
class HttpClient {
 public:
  explicit HttpClient(unsigned short port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult Send(const std::string& method, const std::string& target,
                  const std::string& body = "",
                  const std::map<std::string, std::string>& headers = {},
                  std::source_location caller = std::source_location::current());
  // With "Authorization: Bearer token". A string `body` is sent as text/csv
  // (imports); any other non-null body as JSON.
  HttpResult Call(const std::string& token, const std::string& method, const std::string& target,
                  const Json& body = Json(), std::map<std::string, std::string> headers = {},
                  std::source_location caller = std::source_location::current());
  // Reads its own writes, as the conventions ask: every request carries
  // min_position = the highest X-Position this client has seen.
  void set_read_own_writes(bool on) { read_own_writes_ = on; }
  [[nodiscard]] std::uint64_t last_position() const { return last_position_; }

  // Logs in and returns the token (empty on failure).
  std::string Login(const std::string& username, const std::string& password,
                    std::source_location caller = std::source_location::current());

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool read_own_writes_ = true;
  std::uint64_t last_position_ = 0;
};

// A WebSocket client for /api/v1/stream. Every message received is checked
// against the document's `x-websocket-messages.server` schema, failing the
// current test at `caller` on a violation.
class WsClient {
 public:
  WsClient(unsigned short port, const std::string& token);
  ~WsClient();
  void Send(const std::string& text);
  // The next message, or "" after `timeout_ms` without one (or on close).
  std::string Receive(int timeout_ms,
                      std::source_location caller = std::source_location::current());
  // After the server closed the connection: the reason of its close frame.
  [[nodiscard]] std::string close_reason() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chronicle::testing
