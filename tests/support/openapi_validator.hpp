#pragma once

// Checks what the server answers against the OpenAPI document (generated at
// build time into build/api/openapi.json from api/openapi/openapi.base.json
// and the field tables), so the document cannot drift from the server: a
// JSON Schema validator over the subset the document uses, and the OpenAPI
// routing around it (path template, method, status code, content type,
// headers).

#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"

namespace chronicle::testing {

// One place where an instance breaks its schema.
struct SchemaViolation {
  std::string pointer;  // JSON pointer (RFC 6901) into the instance; "" is the root
  std::string message;  // what is wrong, ending with the schema location
};

// Validates JSON values against the subset of JSON Schema 2020-12 that the
// OpenAPI document uses. Every other keyword is refused (reported as a
// violation, never skipped), so the document cannot come to rely on a
// keyword nobody checks.
//
// Assertions: `type` (a name or an array of names; "integer" is any integral
// number), `enum`, `const`, `properties`, `required`, `additionalProperties`
// (boolean or schema), `items` (one schema), `minItems`, `maxItems`, `uniqueItems`,
// `minimum`, `maximum`, `minLength`, `maxLength` (in code points), `pattern`
// (std::regex ECMAScript, unanchored as in JSON Schema), `format` "date-time"
// (RFC 3339) and "date" (the other formats in the document are annotations),
// `$ref` to "#/..." in the same document, `allOf`, `anyOf`, `oneOf`.
// Annotations, accepted and ignored: `description`, `title`, `examples`,
// `default`, `readOnly`, `writeOnly`, `deprecated`.
//
// With `Options::closed_objects`, an object whose schema describes its
// properties (`properties` or `additionalProperties`, also through `$ref`,
// `allOf`, `anyOf` and `oneOf`) may hold no property the schema does not
// name: as if every such schema said `unevaluatedProperties: false`. The
// tests validate responses this way, so a field the server sends but the
// document does not describe is drift too.
//
// Thread-safe: const after construction; compiled patterns are cached under
// a mutex.
class SchemaValidator {
 public:
  struct Options {
    bool closed_objects = false;
  };

  // `root` is the document "$ref"s resolve in. Borrowed: it must outlive the
  // validator.
  explicit SchemaValidator(const Json& root);
  ~SchemaValidator();
  SchemaValidator(const SchemaValidator&) = delete;
  SchemaValidator& operator=(const SchemaValidator&) = delete;

  // Every violation of `schema` (found at `schema_path` in the document, for
  // messages) by `instance`; empty when the instance is valid.
  [[nodiscard]] std::vector<SchemaViolation> Validate(const Json& schema, const Json& instance,
                                                      Options options,
                                                      std::string_view schema_path = "#") const;
  [[nodiscard]] std::vector<SchemaViolation> Validate(const Json& schema,
                                                      const Json& instance) const {
    return Validate(schema, instance, Options{});
  }

  // Checks `schema` and every schema inside it without an instance: unknown
  // keywords, keyword values of the wrong shape, patterns that do not
  // compile, "$ref"s that do not resolve, unknown formats. One message per
  // problem, naming its location under `schema_path`.
  [[nodiscard]] std::vector<std::string> Lint(const Json& schema,
                                              std::string_view schema_path) const;

  // The schema a local "$ref" ("#/components/schemas/User") points to, or
  // nullptr.
  [[nodiscard]] const Json* Resolve(std::string_view ref) const;

 private:
  struct Context;
  struct Evaluated;
  void CheckLocation(const Json& schema, const Json& instance, const std::string& schema_path,
                     Context& ctx) const;
  void CheckSchema(const Json& schema, const Json& instance, const std::string& schema_path,
                   Context& ctx, Evaluated& evaluated) const;
  void CheckKeyword(const std::string& keyword, const Json& value, const Json& schema,
                    const Json& instance, const std::string& schema_path, Context& ctx,
                    Evaluated& evaluated) const;
  void LintSchema(const Json& schema, const std::string& schema_path,
                  std::vector<std::string>& out) const;
  // nullptr (with `error` set) when the pattern does not compile.
  std::shared_ptr<const std::regex> Pattern(const std::string& pattern, std::string* error) const;

  const Json& root_;
  mutable std::mutex patterns_mu_;
  // Guarded by patterns_mu_.
  mutable std::map<std::string, std::shared_ptr<const std::regex>> patterns_;
};

// One HTTP exchange as a client saw it.
struct HttpExchange {
  std::string method;                          // "GET"
  std::string target;                          // path and query, as sent
  std::string request_content_type;            // "" when the request had no body
  std::string request_body;                    // "" when none
  unsigned status = 0;                         // of the response
  std::map<std::string, std::string> headers;  // of the response, lower-case names
  std::string body;                            // of the response
};

// One way an exchange contradicts the document.
struct ExchangeViolation {
  std::string route;    // "GET /api/v1/users/{id}", or "GET /x (no such path in the document)"
  unsigned status = 0;  // the response's
  std::string where;    // a JSON pointer into the body, "header ETag" or "request /name"
  std::string message;

  [[nodiscard]] std::string ToString() const;
};

// The OpenAPI 3.1 document, loaded and ready to check exchanges against.
//
// An exchange is checked against the operation its method and path match
// (literal segments win over `{params}`, as in the server's router):
//  - the status must be documented for that operation: exactly, as "4XX",
//    or, for 5xx only, by `default` (which the document reserves for
//    unexpected server errors);
//  - the response's content type must be one the document lists for that
//    status, and a body is only allowed where it lists content;
//  - a JSON body (application/json, application/problem+json, ...) must
//    parse and satisfy its schema with closed objects; a text body is
//    checked as a JSON string against its schema;
//  - headers the document marks `required` must be present, and documented
//    headers must satisfy their schemas;
//  - when the server accepted the request (2xx), the request body must be
//    one the operation allows: declared, present if required, of a
//    documented content type, valid against its schema.
// A request whose path matches no path of the document (a test sending
// garbage on purpose), or whose method the path does not have, is only
// checked to be answered with a 4xx application/problem+json Problem.
//
// Thread-safe: const after Load.
class OpenApiDocument {
 public:
  // Reads, parses and lints the document: fails, naming every location, if
  // any schema uses a keyword the validator does not implement.
  static Result<OpenApiDocument> Load(const std::string& path);
  static Result<OpenApiDocument> FromJson(Json document);

  // Every way `exchange` contradicts the document; empty when it conforms.
  [[nodiscard]] std::vector<ExchangeViolation> Check(const HttpExchange& exchange) const;

  // Every way a WebSocket message the server sent on `path` contradicts the
  // `x-websocket-messages.server` schema of that path's 101 response
  // (checked with closed objects, like response bodies).
  [[nodiscard]] std::vector<ExchangeViolation> CheckServerMessage(std::string_view path,
                                                                  const std::string& text) const;

  [[nodiscard]] const Json& json() const { return *root_; }
  [[nodiscard]] const SchemaValidator& validator() const { return *validator_; }

 private:
  struct PathTemplate {
    std::string path;  // as written in the document
    std::vector<std::string> segments;
    std::size_t params = 0;
  };

  OpenApiDocument(std::unique_ptr<const Json> root, std::vector<PathTemplate> paths);
  [[nodiscard]] const PathTemplate* Match(std::string_view path) const;
  void CheckProblemOnly(const HttpExchange& exchange, const std::string& route,
                        std::vector<ExchangeViolation>& out) const;
  void CheckResponse(const HttpExchange& exchange, const std::string& route, const Json& operation,
                     std::vector<ExchangeViolation>& out) const;
  void CheckRequest(const HttpExchange& exchange, const std::string& route, const Json& operation,
                    std::vector<ExchangeViolation>& out) const;
  // Follows a "$ref" member (of a response, header, request body) if present.
  [[nodiscard]] const Json& Deref(const Json& object) const;

  std::unique_ptr<const Json> root_;
  std::unique_ptr<SchemaValidator> validator_;
  std::vector<PathTemplate> paths_;
};

}  // namespace chronicle::testing
