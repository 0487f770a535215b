#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chronicle::api {

// A parsed HTTP request, independent of Beast so handlers stay light to compile.
struct Request {
  std::string method;                                          // "GET", "POST", ...
  std::string path;                                            // percent-decoded, without the query
  std::multimap<std::string, std::string, std::less<>> query;  // decoded
  std::vector<std::pair<std::string, std::string>> headers;    // names lower-case
  std::string body;
  std::string remote_address;

  [[nodiscard]] std::optional<std::string_view> Header(std::string_view name) const;
  [[nodiscard]] std::optional<std::string_view> Query(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is this file instead of `body` (exports): the server
  // sends it (HEAD: only its length) and removes it once the answer is
  // written or abandoned. The file belongs to the response from then on.
  std::string body_file;

  Response& SetHeader(std::string name, std::string value);
};

// Answers exactly once, from any thread.
using Respond = std::function<void(Response)>;

// Splits "/a/b?x=1&y=%E4%B8%AD" into a decoded path and query; false when
// the percent-encoding is malformed or the path encodes a slash (%2F).
bool ParseTarget(std::string_view target, Request& request);
std::string PercentDecode(std::string_view text, bool plus_is_space, bool* ok);

}  // namespace chronicle::api
