// The validator the integration tests check every response with: each
// keyword accepts what it should and refuses what it should, unknown
// keywords are refused, and exchanges are routed to the right schema.
#include "openapi_validator.hpp"

#include <gtest/gtest.h>

#include "chronicle/json/parse.hpp"

namespace chronicle::testing {
namespace {

Json J(std::string_view text) {
  auto parsed = ParseJson(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? std::move(parsed).value() : Json();
}

// The messages of every violation, one per line, each prefixed by its pointer.
std::string Explain(const std::vector<SchemaViolation>& violations) {
  std::string out;
  for (const auto& v : violations) out += "\"" + v.pointer + "\" " + v.message + "\n";
  return out;
}

class SchemaValidatorTest : public ::testing::Test {
 protected:
  // Violations of `instance` against `schema`, both JSON text.
  std::vector<SchemaViolation> Check(std::string_view schema, std::string_view instance,
                                     bool closed = false) {
    SchemaValidator::Options options;
    options.closed_objects = closed;
    return validator_.Validate(J(schema), J(instance), options);
  }
  void ExpectValid(std::string_view schema, std::string_view instance, bool closed = false) {
    EXPECT_EQ(Explain(Check(schema, instance, closed)), "") << schema << " / " << instance;
  }
  // Exactly one violation, at `pointer`, whose message contains `fragment`.
  void ExpectInvalid(std::string_view schema, std::string_view instance, std::string_view pointer,
                     std::string_view fragment, bool closed = false) {
    const auto violations = Check(schema, instance, closed);
    ASSERT_EQ(violations.size(), 1u) << schema << " / " << instance << "\n" << Explain(violations);
    EXPECT_EQ(violations[0].pointer, pointer);
    EXPECT_NE(violations[0].message.find(fragment), std::string::npos) << violations[0].message;
  }

  Json root_ = J(R"({"components": {"schemas": {
      "Name": {"type": "string", "minLength": 1},
      "Node": {"type": "object", "required": ["name"],
               "properties": {"name": {"$ref": "#/components/schemas/Name"},
                              "children": {"type": "array",
                                           "items": {"$ref": "#/components/schemas/Node"}}}},
      "a/b": {"const": 1}}}})");
  SchemaValidator validator_{root_};
};

TEST_F(SchemaValidatorTest, Type) {
  ExpectValid(R"({"type": "integer"})", "3");
  ExpectValid(R"({"type": "integer"})", "3.0");
  ExpectValid(R"({"type": "number"})", "3.5");
  ExpectValid(R"({"type": ["string", "null"]})", "null");
  ExpectValid(R"({"type": ["string", "null"]})", R"("x")");
  ExpectInvalid(R"({"type": "integer"})", "3.5", "", "expected integer, got number");
  ExpectInvalid(R"({"type": "string"})", "null", "", "expected string, got null");
  ExpectInvalid(R"({"type": ["string", "null"]})", "1", "", "expected string or null");
  ExpectInvalid(R"({"type": "object"})", "[]", "", "got array");
  ExpectInvalid(R"({"type": "boolean"})", "0", "", "got integer");
}

TEST_F(SchemaValidatorTest, EnumAndConst) {
  ExpectValid(R"({"enum": ["a", 1, null]})", "1.0");
  ExpectValid(R"({"enum": ["a", 1, null]})", "null");
  ExpectInvalid(R"({"enum": ["a", 1, null]})", R"("b")", "", R"("b" is not one of)");
  ExpectValid(R"({"const": {"x": [1, 2], "y": true}})", R"({"y": true, "x": [1, 2]})");
  ExpectInvalid(R"({"const": "ok"})", R"("okay")", "", R"("okay" is not "ok")");
  ExpectInvalid(R"({"const": [1, 2]})", "[2, 1]", "", "is not");
}

TEST_F(SchemaValidatorTest, PropertiesAndRequired) {
  const std::string_view schema =
      R"({"type": "object", "required": ["id"],
          "properties": {"id": {"type": "string"}, "a/b~c": {"type": "integer"}}})";
  ExpectValid(schema, R"({"id": "x", "a/b~c": 2, "extra": 1})");
  ExpectInvalid(schema, R"({"id": 5})", "/id", "expected string, got integer");
  ExpectInvalid(schema, R"({"id": "x", "a/b~c": "2"})", "/a~1b~0c", "expected integer");
  ExpectInvalid(schema, R"({})", "", "required property 'id' is missing");
  ExpectValid(R"({"required": ["id"]})", "[1]");  // applies to objects only
}

TEST_F(SchemaValidatorTest, AdditionalProperties) {
  const std::string_view closed =
      R"({"properties": {"to": {"type": "string"}}, "additionalProperties": false})";
  ExpectValid(closed, R"({"to": "/x"})");
  ExpectInvalid(closed, R"({"to": "/x", "from": 1})", "/from", "property 'from' is not allowed");
  const std::string_view typed = R"({"additionalProperties": {"type": "integer"}})";
  ExpectValid(typed, R"({"a": 1, "b": 2})");
  ExpectInvalid(typed, R"({"a": 1, "b": "2"})", "/b", "expected integer");
}

TEST_F(SchemaValidatorTest, ItemsMinItemsUniqueItems) {
  const std::string_view schema =
      R"({"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": true})";
  ExpectValid(schema, R"(["a", "b"])");
  ExpectInvalid(schema, R"(["a", 2])", "/1", "expected string");
  ExpectInvalid(schema, "[]", "", "fewer than the minimum 1");
  ExpectInvalid(schema, R"(["a", "b", "a"])", "", "items 0 and 2 are equal");
  ExpectInvalid(R"({"uniqueItems": true})", R"([{"a": 1, "b": 2}, {"b": 2, "a": 1.0}])", "",
                "are equal");
}

// Batch bodies carry at most 500 ids.
TEST_F(SchemaValidatorTest, MaxItems) {
  const std::string_view schema = R"({"type": "array", "maxItems": 2})";
  ExpectValid(schema, "[]");
  ExpectValid(schema, "[1, 2]");
  ExpectInvalid(schema, "[1, 2, 3]", "", "3 items, more than the maximum 2");
  EXPECT_FALSE(validator_.Lint(J(R"({"maxItems": -1})"), "#").empty());
}

TEST_F(SchemaValidatorTest, MinimumAndMaximum) {
  const std::string_view schema = R"({"type": "integer", "minimum": 0, "maximum": 500})";
  ExpectValid(schema, "0");
  ExpectValid(schema, "500");
  ExpectInvalid(schema, "-1", "", "-1 is less than the minimum 0");
  ExpectInvalid(schema, "501", "", "501 is greater than the maximum 500");
  ExpectInvalid(R"({"minimum": 0.5})", "0.25", "", "less than the minimum");
  ExpectValid(R"({"minimum": 1})", R"("0")");  // applies to numbers only
}

TEST_F(SchemaValidatorTest, LengthsCountCharactersNotBytes) {
  const std::string_view schema = R"({"type": "string", "minLength": 2, "maxLength": 3})";
  ExpectValid(schema, R"("华东区")");  // 9 bytes, 3 characters
  ExpectInvalid(schema, R"("华")", "", "1 characters, fewer than the minimum 2");
  ExpectInvalid(schema, R"("华东大区")", "", "4 characters, more than the maximum 3");
}

TEST_F(SchemaValidatorTest, Pattern) {
  const std::string_view schema = R"({"type": "string", "pattern": "^1[0-9]{10}$"})";
  ExpectValid(schema, R"("13800138000")");
  ExpectInvalid(schema, R"("admin")", "", R"("admin" does not match the pattern ^1[0-9]{10}$)");
  ExpectValid(R"({"pattern": "[0-9]"})", R"("abc1")");  // unanchored, as in JSON Schema
  ExpectInvalid(R"({"pattern": "(["})", R"("x")", "", "does not compile");
}

TEST_F(SchemaValidatorTest, Formats) {
  const std::string_view time = R"({"type": "string", "format": "date-time"})";
  ExpectValid(time, R"("2026-11-25T10:00:00.000Z")");
  ExpectValid(time, R"("2024-02-29T23:59:60+08:00")");
  ExpectInvalid(time, R"("2026-11-25 10:00:00")", "", "not an RFC 3339 date-time");
  ExpectInvalid(time, R"("2026-02-30T10:00:00Z")", "", "not an RFC 3339 date-time");
  ExpectInvalid(time, R"("2026-11-25T24:00:00Z")", "", "not an RFC 3339 date-time");
  const std::string_view date = R"({"format": "date"})";
  ExpectValid(date, R"("2026-11-25")");
  ExpectInvalid(date, R"("2026-13-01")", "", "not an RFC 3339 date");
  ExpectValid(R"({"format": "int64"})", "5");  // an annotation
  ExpectValid(R"({"format": "email"})", R"("not checked")");
  ExpectInvalid(R"({"format": "ipv4"})", R"("1.2.3.4")", "", "unsupported format 'ipv4'");
}

TEST_F(SchemaValidatorTest, RefsResolveInTheDocument) {
  const std::string_view node = R"({"$ref": "#/components/schemas/Node"})";
  ExpectValid(node, R"({"name": "办公室", "children": [{"name": "销售部", "children": []}]})");
  const auto violations = Check(node, R"({"name": "a", "children": [{"name": ""}]})");
  ASSERT_EQ(violations.size(), 1u) << Explain(violations);
  EXPECT_EQ(violations[0].pointer, "/children/0/name");
  EXPECT_NE(violations[0].message.find("[#/components/schemas/Name/minLength]"), std::string::npos)
      << violations[0].message;
  ExpectValid(R"({"$ref": "#/components/schemas/a~1b"})", "1");
  ExpectInvalid(R"({"$ref": "#/components/schemas/a~1b"})", "2", "", "is not 1");
  ExpectInvalid(R"({"$ref": "#/components/schemas/Missing"})", "1", "", "unresolvable $ref");
}

TEST_F(SchemaValidatorTest, Combinators) {
  const std::string_view all = R"({"allOf": [{"type": "integer"}, {"minimum": 3}]})";
  ExpectValid(all, "3");
  ExpectInvalid(all, "2", "", "less than the minimum 3");
  const std::string_view any = R"({"anyOf": [{"type": "string"}, {"minimum": 3}]})";
  ExpectValid(any, R"("x")");
  ExpectValid(any, "4");
  ExpectInvalid(any, "2", "", "matches none of the anyOf schemas");
  const std::string_view one =
      R"({"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 3}]})";
  ExpectValid(one, "2");
  ExpectValid(one, "3.5");
  ExpectInvalid(one, "4", "", "matches more than one of the oneOf schemas (0 and 1)");
  ExpectInvalid(one, R"("x")", "", "matches none of the oneOf schemas");
}

TEST_F(SchemaValidatorTest, BooleanSchemas) {
  ExpectValid("true", R"({"anything": [1]})");
  ExpectInvalid(R"({"items": false})", "[1]", "/0", "no value is allowed here");
}

TEST_F(SchemaValidatorTest, ClosedObjectsRejectUndocumentedProperties) {
  const std::string_view schema =
      R"({"type": "object", "properties": {"status": {"type": "string"}}})";
  ExpectValid(schema, R"({"status": "ready", "applied_position": 4})");
  ExpectInvalid(schema, R"({"status": "ready", "applied_position": 4})", "/applied_position",
                "property 'applied_position' is not in the document", true);
  // Nested objects too, through $ref and items.
  ExpectInvalid(R"({"$ref": "#/components/schemas/Node"})",
                R"({"name": "a", "children": [{"name": "b", "colour": "red"}]})",
                "/children/0/colour", "not in the document", true);
  // allOf describes the union of its branches (like unevaluatedProperties).
  const std::string_view me =
      R"({"allOf": [{"$ref": "#/components/schemas/Node"},
                    {"properties": {"permissions": {"type": "array"}}}]})";
  ExpectValid(me, R"({"name": "a", "permissions": []})", true);
  ExpectInvalid(me, R"({"name": "a", "permissions": [], "x": 1})", "/x", "not in the document",
                true);
  // Only passing anyOf branches describe properties.
  const std::string_view any = R"({"anyOf": [{"properties": {"a": {"type": "integer"}}},
                                             {"properties": {"b": {"type": "integer"}}}]})";
  ExpectValid(any, R"({"a": 1, "b": 2})", true);
  ExpectInvalid(any, R"({"a": 1, "b": "2"})", "/b", "not in the document", true);
  // A schema that names no properties leaves the object open; additionalProperties describes all.
  ExpectValid(R"({"type": "object"})", R"({"anything": 1})", true);
  ExpectValid(R"({"properties": {}, "additionalProperties": {"type": "integer"}})", R"({"a": 1})",
              true);
}

TEST_F(SchemaValidatorTest, UnsupportedKeywordsAreRefused) {
  ExpectInvalid(R"({"type": "integer", "exclusiveMinimum": 0})", "5", "",
                "unsupported keyword 'exclusiveMinimum'");
  ExpectInvalid(R"({"patternProperties": {"^x": {}}})", "{}", "",
                "unsupported keyword 'patternProperties'");
  ExpectInvalid(R"({"maxProperties": 2})", "{}", "", "unsupported keyword 'maxProperties'");
  ExpectInvalid(R"({"type": "integr"})", "1", "", "unknown type 'integr'");
  // Annotations are not keywords to check.
  ExpectValid(R"({"description": "d", "title": "t", "examples": [1], "default": 1,
                  "readOnly": true, "writeOnly": false, "deprecated": false})",
              "2");
}

TEST_F(SchemaValidatorTest, LintFindsEveryUnsupportedKeywordWithoutAnInstance) {
  const Json schema = J(R"({"type": "object", "properties": {
      "a": {"type": "string", "contentEncoding": "base64"},
      "b": {"items": [{"type": "string"}]},
      "c": {"anyOf": [{"not": {}}]},
      "d": {"pattern": "(["},
      "e": {"format": "uuid"},
      "f": {"$ref": "#/components/schemas/Nope"},
      "g": {"$ref": "#/components/schemas/Node", "description": "fine"}}})");
  const auto problems = validator_.Lint(schema, "#/x");
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_EQ(problems.size(), 6u) << all;
  EXPECT_NE(all.find("#/x/properties/a/contentEncoding: unsupported keyword"), std::string::npos)
      << all;
  EXPECT_NE(all.find("#/x/properties/b/items: must be one schema"), std::string::npos) << all;
  EXPECT_NE(all.find("#/x/properties/c/anyOf/0/not: unsupported keyword"), std::string::npos)
      << all;
  EXPECT_NE(all.find("#/x/properties/d/pattern: does not compile"), std::string::npos) << all;
  EXPECT_NE(all.find("#/x/properties/e/format: unsupported format"), std::string::npos) << all;
  EXPECT_NE(all.find("#/x/properties/f/$ref: unresolvable"), std::string::npos) << all;
}

// ---- OpenApiDocument --------------------------------------------------------

class OpenApiDocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = OpenApiDocument::FromJson(J(R"({
      "openapi": "3.1.0",
      "paths": {
        "/things": {
          "post": {
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["name"],
              "properties": {"name": {"type": "string"}}}}}},
            "responses": {
              "201": {"headers": {"X-Position": {"$ref": "#/components/headers/XPosition"},
                                  "ETag": {"schema": {"type": "string", "pattern": "^\"[0-9]+\"$"}}},
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
              "4XX": {"$ref": "#/components/responses/Problem"},
              "default": {"$ref": "#/components/responses/Problem"}}}},
        "/things/{id}": {
          "get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
            "404": {"$ref": "#/components/responses/Problem"}}},
          "delete": {"responses": {"204": {"description": "gone"}}}},
        "/things/special": {
          "get": {"responses": {"200": {"content": {"text/plain": {"schema": {"const": "ok"}}}}}}},
        "/stream": {"get": {"responses": {"101": {"description": "upgrade",
          "x-websocket-messages": {"server": {"oneOf": [
            {"type": "object", "required": ["position"],
             "properties": {"position": {"type": "integer", "minimum": 1}}},
            {"type": "object", "required": ["error"],
             "properties": {"error": {"$ref": "#/components/schemas/Problem"}}}]}}}}}},
        "/things/{id}/touch": {
          "post": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}
      },
      "components": {
        "schemas": {
          "Thing": {"type": "object", "required": ["id", "version"],
                    "properties": {"id": {"type": "string"},
                                   "version": {"type": "integer", "minimum": 0}}},
          "Problem": {"type": "object", "required": ["status", "code"],
                      "properties": {"status": {"type": "integer"}, "code": {"type": "string"},
                                     "title": {"type": "string"}}}},
        "headers": {"XPosition": {"required": true,
                                  "schema": {"type": "integer", "minimum": 1}}},
        "responses": {"Problem": {"description": "an error", "content": {
          "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
      }})"));
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    doc_ = std::make_unique<OpenApiDocument>(std::move(loaded).value());
  }

  static HttpExchange Exchange(std::string method, std::string target, unsigned status,
                               std::string content_type, std::string body) {
    HttpExchange e;
    e.method = std::move(method);
    e.target = std::move(target);
    e.status = status;
    if (!content_type.empty()) e.headers["content-type"] = std::move(content_type);
    e.body = std::move(body);
    return e;
  }
  static HttpExchange Created(std::string request, std::string response) {
    HttpExchange e = Exchange("POST", "/things", 201, "application/json", std::move(response));
    e.request_body = std::move(request);
    e.request_content_type = "application/json";
    e.headers["x-position"] = "7";
    e.headers["etag"] = "\"0\"";
    return e;
  }
  std::string Violations(const HttpExchange& exchange) {
    std::string out;
    for (const auto& v : doc_->Check(exchange)) out += v.ToString() + "\n";
    return out;
  }

  std::unique_ptr<OpenApiDocument> doc_;
};

TEST_F(OpenApiDocumentTest, ConformingExchangesPass) {
  EXPECT_EQ(Violations(Created(R"({"name": "a"})", R"({"id": "1", "version": 0})")), "");
  EXPECT_EQ(Violations(Exchange("GET", "/things/1?min_position=3", 200,
                                "application/json; charset=utf-8", R"({"id": "1", "version": 2})")),
            "");
  EXPECT_EQ(Violations(Exchange("GET", "/things/1", 404, "application/problem+json",
                                R"({"status": 404, "code": "not_found"})")),
            "");
  EXPECT_EQ(Violations(Exchange("POST", "/things", 422, "application/problem+json",
                                R"({"status": 422, "code": "validation_failed"})")),
            "");
  EXPECT_EQ(Violations(Exchange("POST", "/things", 503, "application/problem+json",
                                R"({"status": 503, "code": "unavailable"})")),
            "");
  EXPECT_EQ(Violations(Exchange("DELETE", "/things/1", 204, "application/json", "")), "");
}

TEST_F(OpenApiDocumentTest, BodiesAreCheckedAgainstTheirSchemaWithClosedObjects) {
  const std::string out = Violations(Exchange("GET", "/things/1", 200, "application/json",
                                              R"({"id": "1", "version": -1, "x": 1})"));
  EXPECT_NE(out.find("GET /things/{id} -> 200, body at \"/version\": -1 is less than the minimum 0 "
                     "[#/components/schemas/Thing/properties/version/minimum]"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("body at \"/x\": property 'x' is not in the document"), std::string::npos)
      << out;
}

TEST_F(OpenApiDocumentTest, LiteralSegmentsWinOverParameters) {
  EXPECT_EQ(Violations(Exchange("GET", "/things/special", 200, "text/plain", "ok")), "");
  EXPECT_NE(Violations(Exchange("GET", "/things/special", 200, "text/plain", "nok")).find("is not"),
            std::string::npos);
}

TEST_F(OpenApiDocumentTest, UndocumentedStatusIsAViolation) {
  const std::string out = Violations(Exchange("GET", "/things/1", 409, "application/problem+json",
                                              R"({"status": 409, "code": "conflict"})"));
  EXPECT_NE(out.find("status 409 is not documented for this operation (documented: 200, 404)"),
            std::string::npos)
      << out;
  // `default` covers unexpected server errors only, not any status.
  EXPECT_EQ(Violations(Exchange("POST", "/things", 500, "application/problem+json",
                                R"({"status": 500, "code": "internal"})")),
            "");
  EXPECT_NE(
      Violations(Exchange("POST", "/things", 302, "", "")).find("status 302 is not documented"),
      std::string::npos);
}

TEST_F(OpenApiDocumentTest, ContentTypeAndJsonAreChecked) {
  EXPECT_NE(Violations(Exchange("GET", "/things/1", 200, "text/html", "<p>"))
                .find("content type 'text/html' is not documented for this response"),
            std::string::npos);
  EXPECT_NE(Violations(Exchange("GET", "/things/1", 200, "application/json", "{oops"))
                .find("application/json body is not JSON"),
            std::string::npos);
  EXPECT_NE(Violations(Exchange("DELETE", "/things/1", 204, "application/json", "{}"))
                .find("the document declares no body for this response"),
            std::string::npos);
  // A problem's `status` member is the HTTP status.
  EXPECT_NE(Violations(Exchange("GET", "/things/1", 404, "application/problem+json",
                                R"({"status": 400, "code": "bad_request"})"))
                .find("the problem's status 400 is not the HTTP status"),
            std::string::npos);
}

TEST_F(OpenApiDocumentTest, HeadersAreChecked) {
  HttpExchange missing = Created(R"({"name": "a"})", R"({"id": "1", "version": 0})");
  missing.headers.erase("x-position");
  EXPECT_NE(Violations(missing).find("header X-Position: the document requires this header"),
            std::string::npos);
  HttpExchange zero = Created(R"({"name": "a"})", R"({"id": "1", "version": 0})");
  zero.headers["x-position"] = "0";
  EXPECT_NE(Violations(zero).find("header X-Position: '0': 0 is less than the minimum 1"),
            std::string::npos)
      << Violations(zero);
  HttpExchange etag = Created(R"({"name": "a"})", R"({"id": "1", "version": 0})");
  etag.headers["etag"] = "W/\"0\"";
  EXPECT_NE(Violations(etag).find("header ETag"), std::string::npos);
}

TEST_F(OpenApiDocumentTest, AcceptedRequestBodiesMustBeDocumented) {
  EXPECT_NE(Violations(Created(R"({"title": "a"})", R"({"id": "1", "version": 0})"))
                .find("request body at \"\": required property 'name' is missing"),
            std::string::npos);
  EXPECT_NE(Violations(Created("", R"({"id": "1", "version": 0})"))
                .find("without the body the document requires"),
            std::string::npos);
  HttpExchange touch =
      Exchange("POST", "/things/1/touch", 200, "application/json", R"({"id": "1", "version": 1})");
  EXPECT_EQ(Violations(touch), "");
  touch.request_body = "{}";
  touch.request_content_type = "application/json";
  EXPECT_NE(Violations(touch).find("the operation declares none"), std::string::npos);
  // A refused request is the server's business, not the document's.
  HttpExchange refused = Exchange("POST", "/things", 400, "application/problem+json",
                                  R"({"status": 400, "code": "bad_request"})");
  refused.request_body = "{not json";
  EXPECT_EQ(Violations(refused), "");
}

TEST_F(OpenApiDocumentTest, RequestsOutsideTheDocumentOnlyNeedAProblem) {
  EXPECT_EQ(Violations(Exchange("GET", "/nothing-here", 404, "application/problem+json",
                                R"({"status": 404, "code": "not_found"})")),
            "");
  EXPECT_EQ(Violations(Exchange("PUT", "/things/1", 405, "application/problem+json",
                                R"({"status": 405, "code": "method_not_allowed"})")),
            "");
  const std::string html = Violations(Exchange("GET", "/nothing-here", 404, "text/html", "<p>"));
  EXPECT_NE(html.find("GET /nothing-here (no such path in the document) -> 404, body at \"\": "
                      "expected an application/problem+json body"),
            std::string::npos)
      << html;
  EXPECT_NE(Violations(Exchange("GET", "/nothing-here", 200, "application/problem+json",
                                R"({"status": 200, "code": "ok"})"))
                .find("must be refused with a 4xx status"),
            std::string::npos);
  EXPECT_NE(Violations(Exchange("GET", "/nothing-here", 404, "application/problem+json",
                                R"({"status": 400, "code": "not_found"})"))
                .find("the problem's status 400 is not the HTTP status"),
            std::string::npos);
}

TEST_F(OpenApiDocumentTest, WebSocketMessagesAreChecked) {
  auto explain = [](const std::vector<ExchangeViolation>& violations) {
    std::string out;
    for (const auto& v : violations) out += v.ToString() + "\n";
    return out;
  };
  EXPECT_EQ(explain(doc_->CheckServerMessage("/stream", R"({"position": 3})")), "");
  EXPECT_EQ(explain(doc_->CheckServerMessage(
                "/stream", R"({"error": {"status": 400, "code": "bad_request"}})")),
            "");
  EXPECT_NE(explain(doc_->CheckServerMessage("/stream", R"({"position": 0})"))
                .find("matches none of the oneOf schemas"),
            std::string::npos);
  EXPECT_NE(explain(doc_->CheckServerMessage("/stream", R"({"position": 1, "at": "now"})"))
                .find("body at \"/at\": property 'at' is not in the document"),
            std::string::npos);
  EXPECT_NE(explain(doc_->CheckServerMessage("/stream", "not json")).find("is not JSON"),
            std::string::npos);
  EXPECT_NE(explain(doc_->CheckServerMessage("/things/1", "{}")).find("no server messages"),
            std::string::npos);
}

TEST(OpenApiDocumentLoadTest, RefusesADocumentWithUncheckableSchemas) {
  auto loaded = OpenApiDocument::FromJson(J(R"({
      "openapi": "3.1.0",
      "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {
        "schema": {"type": "object", "dependentRequired": {"a": ["b"]}}}}}}}}},
      "components": {"schemas": {"Y": {"type": "array", "prefixItems": [{}]}}}})"));
  ASSERT_FALSE(loaded.ok());
  const std::string message = loaded.status().message();
  EXPECT_NE(message.find("#/paths/~1x/get/responses/200/content/application~1json/schema/"
                         "dependentRequired: unsupported keyword"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("#/components/schemas/Y/prefixItems: unsupported keyword"),
            std::string::npos)
      << message;
  EXPECT_FALSE(OpenApiDocument::FromJson(J(R"({"openapi": "3.0.3", "paths": {}})")).ok());
}

TEST(OpenApiDocumentLoadTest, TheRepositoryDocumentUsesOnlyCheckableSchemas) {
  auto loaded = OpenApiDocument::Load(CHRONICLE_OPENAPI);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
}

// Every `example` of a media type and every `examples` entry of a schema
// satisfies its schema (what Redocly's no-invalid-media-type-examples and
// no-invalid-schema-examples check, offline).
void CheckExamples(const SchemaValidator& validator, const Json& node, const std::string& path,
                   int& checked) {
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.as_array().size(); ++i) {
      CheckExamples(validator, node.as_array()[i], path + "/" + std::to_string(i), checked);
    }
    return;
  }
  if (!node.is_object()) return;
  const Json* schema = node.Find("schema");
  const Json* example = node.Find("example");
  if (schema != nullptr && example != nullptr) {
    ++checked;
    SchemaValidator::Options closed;
    closed.closed_objects = true;
    EXPECT_EQ(Explain(validator.Validate(*schema, *example, closed, path + "/schema")), "")
        << path << "/example";
  }
  const Json* examples = node.Find("examples");
  if (examples != nullptr && examples->is_array() && node.Find("schema") == nullptr) {
    for (const auto& e : examples->as_array()) {
      ++checked;
      EXPECT_EQ(Explain(validator.Validate(node, e, {}, path)), "") << path << "/examples";
    }
  }
  for (const auto& [key, value] : node.as_object()) {
    if (key == "example" || key == "examples") continue;
    CheckExamples(validator, value, path + "/" + key, checked);
  }
}

TEST(OpenApiDocumentLoadTest, TheRepositoryDocumentsExamplesSatisfyTheirSchemas) {
  auto loaded = OpenApiDocument::Load(CHRONICLE_OPENAPI);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  int checked = 0;
  CheckExamples(loaded->validator(), loaded->json(), "#", checked);
  EXPECT_GT(checked, 30);
}

}  // namespace
}  // namespace chronicle::testing
