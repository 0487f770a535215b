// Malformed input never makes the server fail (issue 6): for every route
// the server serves, as the administrator, garbage path ids, query values,
// headers and bodies get a 4xx problem (never a 5xx, never a dropped
// connection), with the exact status where the conventions fix it:
//
//   404 not_found    a path id that names no record
//   400 bad_request  "%ZZ" in the target; malformed JSON (empty where a body
//                    is required, "{", invalid UTF-8, nesting 10,000 deep,
//                    20,000 keys, duplicate keys); a bad query parameter
//                    (limit, cursor, scope, sort on lists; as_of and
//                    as_of_position on reads; min_position everywhere a
//                    token is needed) or header (If-Match where a version is
//                    read, Idempotency-Key on authenticated POSTs), with
//                    errors[0].field naming it
//   401 unauthorized a junk Authorization header on a non-public route
//   422 validation_failed an unknown field, or a string where an array is
//                    expected (and an array where a string is), naming it
//   405 (or 400)     an unknown HTTP method; /metrics does not grow with them
//
// Elsewhere (a JSON body that is not an object; 1e999 and 2^64 in a
// field) any 4xx problem will do. A value a route does not read (a list
// parameter on a command, a body on a route without one, X-Request-Id) must
// still not produce a 5xx or a dropped connection.
#include <optional>
#include <set>

#include "chronicle/json/parse.hpp"
#include "org_server_fixture.hpp"
#include "raw_http.hpp"

namespace chronicle::testing {
namespace {

// The body a Base() request carries, as JSON.
Json Parsed(const std::string& text) {
  auto parsed = ParseJson(text);
  return parsed.ok() ? std::move(parsed).value() : Json::MakeObject();
}

struct Expect {
  std::set<unsigned> statuses;  // empty: any 4xx
  std::string code;             // problem code, when fixed
  std::string field;            // errors[0].field, when fixed
};

class No500Test : public OrgServerTest {
 protected:
  // The table's call as raw bytes, as the administrator.
  RawRequest Base(const RouteCall& call, const std::string* id = nullptr) {
    auto p = Prepare(call, id);
    RawRequest r;
    r.method = call.method;
    r.target = p.path;
    const std::string token = call.ends_session ? Login("admin", kAdminPassword) : admin_;
    r.headers.emplace_back("Authorization", "Bearer " + token);
    if (!p.body.is_null()) r.body = p.body.Dump();
    return r;
  }

  static void SetHeader(RawRequest& r, const std::string& name, const std::string& value) {
    for (auto& [k, v] : r.headers) {
      if (k == name) {
        v = value;
        return;
      }
    }
    r.headers.emplace_back(name, value);
  }

  static std::string WithQuery(const std::string& target, const std::string& query) {
    return target + (target.find('?') == std::string::npos ? "?" : "&") + query;
  }

  RawAnswer Send(const RawRequest& r) { return SendRaw(port(), r); }

  // A 4xx problem+json as `e` describes; returns whether the status was.
  static bool ExpectProblem(const std::string& label, const RawAnswer& a, const Expect& e) {
    if (!a.answered) {
      ADD_FAILURE() << label << ": the connection dropped: " << a.error;
      return false;
    }
    const bool status_ok =
        e.statuses.empty() ? a.status >= 400 && a.status < 500 : e.statuses.contains(a.status);
    // One failure per case: the rest says nothing new when the status is wrong.
    if (!status_ok) {
      ADD_FAILURE() << label << ": expected "
                    << (e.statuses.empty() ? "a 4xx" : ::testing::PrintToString(e.statuses))
                    << ", got " << a.Describe();
      return false;
    }
    EXPECT_TRUE(a.IsProblem()) << label << ": content-type " << a.Header("content-type") << ", "
                               << a.Describe();
    const Json* status = a.json.Find("status");
    EXPECT_TRUE(status != nullptr && status->is_int() &&
                status->as_int() == static_cast<std::int64_t>(a.status))
        << label << ": the problem's status does not match: " << a.Describe();
    if (!e.code.empty()) {
      EXPECT_EQ(a.Code(), e.code) << label << ": " << a.Describe();
    }
    if (!e.field.empty()) {
      EXPECT_EQ(a.ErrorField(), e.field) << label << ": errors[0].field: " << a.Describe();
    }
    return true;
  }

  // Sends `r`, which must be refused as `e` says without appending to the log.
  void ExpectRefused(const std::string& label, const RawRequest& r, const Expect& e) {
    const std::uint64_t before = LogPosition();
    // (When it was not refused, it did append: no need to say so twice.)
    if (ExpectProblem(label, Send(r), e)) {
      EXPECT_EQ(LogPosition(), before) << label << ": a refused request appended to the log";
    }
  }

  // Success or a 4xx problem; never a 5xx or a dropped connection.
  static void ExpectNot5xx(const std::string& label, const RawAnswer& a) {
    ASSERT_TRUE(a.answered) << label << ": the connection dropped: " << a.error;
    EXPECT_LT(a.status, 500u) << label << ": " << a.Describe();
    if (a.status >= 400) {
      EXPECT_TRUE(a.IsProblem()) << label << ": " << a.Describe();
    }
  }

  std::vector<const RouteCall*> Calls() {
    std::vector<const RouteCall*> out;
    for (const auto& route : app_->routes()) {
      const RouteCall* call = FindRouteCall(route.method, route.pattern);
      EXPECT_NE(call, nullptr) << route.method << " " << route.pattern
                               << " is missing from tests/support/route_table.cpp";
      if (call != nullptr) out.push_back(call);
    }
    return out;
  }

  void ExpectStillServing() {
    RawRequest health;
    health.target = "/healthz";
    auto a = Send(health);
    EXPECT_TRUE(a.answered && a.status == 200u) << "after the garbage: " << a.Describe();
  }
};

TEST_F(No500Test, GarbagePathIdsAre404) {
  struct Id {
    std::string text;  // as it appears in the target
    Expect expect;
  };
  const Expect not_found{{404}, "not_found", ""};
  const std::vector<Id> ids = {
      {"..", not_found},
      {std::string(300, 'a'), not_found},
      {"%00", not_found},
      {"%ZZ", {{400}, "bad_request", ""}},
      {"%E4%B8%AD%E6%96%87", not_found},  // 中文, encoded
      {"中文", {{400, 404}, "", ""}},     // raw UTF-8 bytes in the target
      {"-1", not_found},
      {"99999999999999999999", not_found},
  };
  for (const RouteCall* call : Calls()) {
    // (A batch names its ids in the body: each garbage id is a failed result.)
    if (call->target == Target::kNone || call->batch) continue;
    for (const auto& id : ids) {
      auto r = Base(*call, &id.text);
      ExpectRefused(call->Label() + " with id " + id.text.substr(0, 20), r, id.expect);
    }
  }
  ExpectStillServing();
}

TEST_F(No500Test, MalformedQueryParametersAre400NamingTheParameter) {
  enum class Reads : std::uint8_t { kList, kAsOf, kAnyToken };
  struct Query {
    std::string text;
    std::string parameter;
    Reads reads;
  };
  const std::string big = "99999999999999999999";
  const std::vector<Query> queries = {
      {"limit=5abc", "limit", Reads::kList},
      {"limit=1e2", "limit", Reads::kList},
      {"limit=-1", "limit", Reads::kList},
      {"limit=0", "limit", Reads::kList},
      {"limit=501", "limit", Reads::kList},
      {"limit=" + big, "limit", Reads::kList},
      {"cursor=o" + big, "cursor", Reads::kList},
      {"cursor=x", "cursor", Reads::kList},
      {"scope=everything", "scope", Reads::kList},
      {"sort=", "sort", Reads::kList},
      {"sort=-", "sort", Reads::kList},
      {"limit=", "limit", Reads::kList},
      {"cursor=", "cursor", Reads::kList},
      {"as_of_position=-1", "as_of_position", Reads::kAsOf},
      {"as_of_position=1e3", "as_of_position", Reads::kAsOf},
      {"as_of=yesterday", "as_of", Reads::kAsOf},
      {"as_of=2026-13-45T99:99:99Z", "as_of", Reads::kAsOf},
      {"min_position=-1", "min_position", Reads::kAnyToken},
      {"min_position=abc", "min_position", Reads::kAnyToken},
      {"min_position=" + big, "min_position", Reads::kAnyToken},
  };
  for (const RouteCall* call : Calls()) {
    for (const auto& q : queries) {
      const bool reads = (q.reads == Reads::kList && call->list) ||
                         (q.reads == Reads::kAsOf && call->as_of) ||
                         (q.reads == Reads::kAnyToken && call->access != "public");
      auto r = Base(*call);
      r.target = WithQuery(r.target, q.text);
      const std::string label = call->Label() + " ?" + q.text;
      if (reads) {
        ExpectRefused(label, r, {{400}, "bad_request", q.parameter});
      } else {
        ExpectNot5xx(label, Send(r));
      }
    }
  }
  // A bad parameter on an otherwise good URL of the same route.
  RawRequest encoded;
  encoded.target = "/api/v1/users?limit=%ZZ";
  encoded.headers.emplace_back("Authorization", "Bearer " + admin_);
  ExpectRefused("GET /api/v1/users?limit=%ZZ", encoded, {{400}, "bad_request", ""});
  // Extreme values that do parse: the record as it was then, or 404; never a 5xx.
  for (const RouteCall* call : Calls()) {
    if (!call->as_of) continue;
    for (const std::string query :
         {"as_of=1969-12-31T23:59:59.999Z", "as_of=0001-01-01T00:00:00.000Z",
          "as_of=9999-12-31T23:59:59.999Z", "as_of_position=0",
          "as_of_position=18446744073709551615"}) {
      auto r = Base(*call);
      r.target = WithQuery(r.target, query);
      ExpectNot5xx(call->Label() + " ?" + query, Send(r));
    }
  }
  ExpectStillServing();
}

// Times that parse but lie outside what int64 nanoseconds since 1970 hold
// (before 1677-09-21T00:12:43.145Z, after 2262-04-11T23:47:16.854Z): the
// record as it was then (or 404 before it existed), or 400; never the
// answer for another time.
TEST_F(No500Test, AsOfFarFromNowIsRefusedOrRight) {
  for (const RouteCall* call : Calls()) {
    if (!call->as_of) continue;
    const auto p = Prepare(*call);
    const auto now = client_->Call(admin_, "GET", p.path);
    ASSERT_EQ(now.status, 200u) << call->Label() << ": " << now.body;
    for (const std::string past : {"1677-09-21T00:12:43.145Z", "1500-01-01T00:00:00.000Z",
                                   "1000-01-01T00:00:00.000Z", "0001-01-01T00:00:00.000Z"}) {
      auto r = client_->Call(admin_, "GET", p.path + "?as_of=" + past);
      EXPECT_TRUE(r.status == 404u || r.status == 400u)
          << call->Label() << " as of " << past << ", before it existed: " << r.status << " "
          << r.body.substr(0, 200);
    }
    for (const std::string future :
         {"2262-04-11T23:47:16.854Z", "3000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"}) {
      auto r = client_->Call(admin_, "GET", p.path + "?as_of=" + future);
      EXPECT_TRUE(r.status == 400u || (r.status == 200u && r.body == now.body))
          << call->Label() << " as of " << future << ", when it is as now: " << r.status << " "
          << r.body.substr(0, 200);
    }
  }
}

TEST_F(No500Test, MalformedHeadersAre400Or401) {
  enum class Reads : std::uint8_t { kIfMatch, kIdempotencyKey, kParserRefuses, kNobody, kAuth };
  struct Header {
    std::string name;
    std::string value;
    std::string label;
    Reads reads;
  };
  const std::vector<Header> headers = {
      {"If-Match", "\"99999999999999999999\"", "If-Match: \"2^66\"", Reads::kIfMatch},
      {"If-Match", "abc", "If-Match: abc", Reads::kIfMatch},
      {"If-Match", "\"-1\"", "If-Match: \"-1\"", Reads::kIfMatch},
      {"Idempotency-Key", std::string(300, 'k'), "Idempotency-Key of 300 chars",
       Reads::kIdempotencyKey},
      {"Idempotency-Key", "key\twith-tab", "Idempotency-Key with a tab", Reads::kIdempotencyKey},
      {"Idempotency-Key", "key\x01with-soh", "Idempotency-Key with \\x01", Reads::kParserRefuses},
      {"X-Request-Id", "\xff\xfe\xc3(bad", "X-Request-Id with invalid UTF-8", Reads::kNobody},
      {"X-Request-Id", std::string(16 * 1024, 'r'), "X-Request-Id of 16 KB", Reads::kNobody},
      {"Authorization", "Bearer " + std::string(10 * 1024, 't'), "Authorization: Bearer 10 KB",
       Reads::kAuth},
      {"Authorization", "Basic x", "Authorization: Basic x", Reads::kAuth},
  };
  for (const RouteCall* call : Calls()) {
    const bool guarded = call->access != "public";
    for (const auto& h : headers) {
      auto r = Base(*call);
      SetHeader(r, h.name, h.value);
      const std::string label = call->Label() + " with " + h.label;
      std::optional<Expect> refused;  // nullopt: the header may be ignored
      switch (h.reads) {
        case Reads::kIfMatch:
          if (call->if_match) refused = Expect{{400}, "bad_request", "If-Match"};
          break;
        case Reads::kIdempotencyKey:
          if (call->method == "POST" && guarded) {
            refused = Expect{{400}, "bad_request", "Idempotency-Key"};
          }
          break;
        case Reads::kParserRefuses:
          if (call->method == "POST" && guarded) refused = Expect{{400}, "bad_request", ""};
          break;
        case Reads::kNobody:
          break;
        case Reads::kAuth:
          if (guarded) refused = Expect{{401}, "unauthorized", ""};
          break;
      }
      if (refused) {
        ExpectRefused(label, r, *refused);
      } else {
        ExpectNot5xx(label, Send(r));
      }
    }
  }
  ExpectStillServing();
}

TEST_F(No500Test, MalformedBodiesAre4xx) {
  const std::string deep = std::string(10'000, '[') + std::string(10'000, ']');
  std::string many = "{";
  for (int i = 0; i < 20'000; ++i) {
    if (i > 0) many += ",";
    many += "\"k" + std::to_string(i) + "\":0";
  }
  many += "}";
  const Expect bad_request{{400}, "bad_request", ""};
  struct Case {
    std::string label;
    std::string body;
    Expect expect;
  };
  const std::vector<Case> malformed = {
      {"body null", "null", {{400, 422}, "", ""}},
      {"body []", "[]", {{400, 422}, "", ""}},
      {"body \"x\"", "\"x\"", {{400, 422}, "", ""}},
      {"body {", "{", bad_request},
      {"body with invalid UTF-8", "{\"name\":\"\xff\xfe\xc3(\"}", bad_request},
      {"body of arrays 10,000 deep", deep, bad_request},
      {"body with 20,000 keys", many, bad_request},
  };
  for (const RouteCall* call : Calls()) {
    if (call->method == "GET") continue;
    if (call->body == BodyKind::kNone) {
      // Bodies nobody reads: they may be ignored, never a 5xx.
      for (const auto& c : malformed) {
        auto r = Base(*call);
        r.body = c.body;
        ExpectNot5xx(call->Label() + " with " + c.label, Send(r));
      }
      continue;
    }
    {
      auto r = Base(*call);
      r.body.clear();
      const std::string label = call->Label() + " with an empty body";
      if (call->body == BodyKind::kRequired) {
        ExpectRefused(label, r, bad_request);
      } else {
        ExpectNot5xx(label, Send(r));
      }
    }
    for (const auto& c : malformed) {
      auto r = Base(*call);
      r.body = c.body;
      ExpectRefused(call->Label() + " with " + c.label, r, c.expect);
    }
    // Field by field, on the body that succeeds for the administrator.
    const Json valid = call->valid_body(NextContext());
    const auto& fields = valid.as_object();
    {
      const auto& [first, value] = fields.front();
      auto r = Base(*call);
      r.body = "{\"" + first + "\":" + value.Dump() + "," + r.body.substr(1);
      ExpectRefused(call->Label() + " with a duplicate key " + first, r, bad_request);
    }
    for (const auto& [field, value] : fields) {
      // (-0 is JSON's 0: accepted where a number is, so not in this list.)
      for (const std::string number : {"1e999", "18446744073709551616"}) {
        auto r = Base(*call);
        Json body = Parsed(r.body);
        body.Set(field, "@@number@@");
        r.body = body.Dump();
        r.body.replace(r.body.find("\"@@number@@\""), 12, number);
        ExpectRefused(call->Label() + " with " + field + ": " + number, r, {});
      }
      auto r = Base(*call);
      Json body = Parsed(r.body);
      if (value.is_array()) {
        body.Set(field, "x");
      } else if (value.is_string()) {
        body.Set(field, Json::Array{"x"});
      } else {
        body.Set(field, "x");
      }
      r.body = body.Dump();
      ExpectRefused(call->Label() + " with " + field + " of the wrong type", r,
                    {{422}, "validation_failed", field});
    }
    auto r = Base(*call);
    Json body = Parsed(r.body);
    body.Set("zz_unknown", 1);
    r.body = body.Dump();
    ExpectRefused(call->Label() + " with an unknown field", r,
                  {{422}, "validation_failed", "zz_unknown"});
  }
  ExpectStillServing();
}

TEST_F(No500Test, UnknownMethodsAre405AndLeaveNoMetricsLabel) {
  const std::vector<std::string> paths = {"/api/v1/users", "/healthz",
                                          "/api/v1/departments/" + world_.b, "/nowhere"};
  for (int i = 0; i < 200; ++i) {
    RawRequest r;
    switch (i % 4) {
      case 0:
        r.method = "BREW";
        break;
      case 1:
        r.method = std::string(4000, 'X');
        break;
      case 2:
        r.method = "JUNK" + std::to_string(i);
        break;
      default:
        r.method = "PROPFIND";
        break;
    }
    r.target = paths[static_cast<std::size_t>(i) % paths.size()];
    r.headers.emplace_back("Authorization", "Bearer " + admin_);
    ExpectRefused("method " + r.method.substr(0, 12) + " on " + r.target, r, {{400, 405}, "", ""});
  }
  RawRequest metrics;
  metrics.target = "/metrics";
  auto a = Send(metrics);
  ASSERT_TRUE(a.answered && a.status == 200u) << a.Describe();
  EXPECT_LT(a.body.size(), 64u * 1024) << "GET /metrics grew to " << a.body.size() << " bytes";
  for (const std::string junk : {"BREW", "XXXXXXXX", "JUNK", "PROPFIND"}) {
    EXPECT_EQ(a.body.find(junk), std::string::npos) << "/metrics has a label with " << junk;
  }
  ExpectStillServing();
}

}  // namespace
}  // namespace chronicle::testing
