#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "chronicle/base/json.hpp"

namespace chronicle::testing {

// One HTTP/1.1 request written byte for byte as given: methods, targets and
// header values a well-behaved client library refuses to send (junk methods,
// raw "%ZZ", control characters, invalid UTF-8).
struct RawRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Adds "Content-Length" (always) and "Content-Type: application/json"
  // (when there is a body and no Content-Type among `headers`).
  [[nodiscard]] std::string Serialize() const;
};

struct RawAnswer {
  bool answered = false;  // a whole response arrived before the connection ended
  std::string error;      // why not, when !answered
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  Json json;  // the body, when it parses as JSON

  [[nodiscard]] std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  [[nodiscard]] bool IsProblem() const {
    return Header("content-type").starts_with("application/problem+json");
  }
  // The problem's `code` and `errors[0].field`, or "".
  [[nodiscard]] std::string Code() const;
  [[nodiscard]] std::string ErrorField() const;
  // "STATUS BODY" (the body cut at 300 bytes), for failure messages.
  [[nodiscard]] std::string Describe() const;
};

// Sends `request` on a fresh connection to 127.0.0.1:port and reads one
// response (30 s at most). Blocking; safe from any thread.
RawAnswer SendRaw(unsigned short port, const RawRequest& request);

}  // namespace chronicle::testing
