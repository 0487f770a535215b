// The OpenAPI document (generated at build time from api/openapi/openapi.base.json
// and the field tables) describes exactly the routes served, and every
// entity exactly as its field table declares it.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "chronicle/api/application.hpp"
#include "chronicle/domain/fields.hpp"
#include "chronicle/json/parse.hpp"
#include "temp_dir.hpp"

namespace chronicle {
namespace {

TEST(OpenApiTest, DocumentMatchesTheRoutes) {
  testing::TempDir dir;
  api::ApplicationOptions options;
  options.data_dir = dir.path("data");
  options.server.port = 0;
  options.admin_password = "Admin#2026-test";
  options.argon2_memory_kib = 64;
  auto app = api::Application::Start(options);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  std::set<std::string> served;
  // Each route with who may call it: the document's x-permission must say
  // what the router enforces.
  for (const auto& r : (*app)->routes()) served.insert(r.method + " " + r.pattern + " " + r.access);
  served.insert("GET /api/v1/stream authenticated");  // the WebSocket upgrade, outside the router
  (*app)->Stop(std::chrono::milliseconds(0));

  std::ifstream file(CHRONICLE_OPENAPI);
  std::stringstream text;
  text << file.rdbuf();
  auto doc = ParseJson(text.str());
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  std::set<std::string> documented;
  for (const auto& [path, item] : doc->Find("paths")->as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      std::string upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      const Json* access = op.Find("x-permission");
      documented.insert(
          upper + " " + path + " " +
          (access != nullptr && access->is_string() ? access->as_string() : "<no x-permission>"));
    }
  }
  std::vector<std::string> undocumented;
  std::set_difference(served.begin(), served.end(), documented.begin(), documented.end(),
                      std::back_inserter(undocumented));
  std::vector<std::string> unserved;
  std::set_difference(documented.begin(), documented.end(), served.begin(), served.end(),
                      std::back_inserter(unserved));
  EXPECT_TRUE(undocumented.empty())
      << "served but not in openapi.json: " << ::testing::PrintToString(undocumented);
  EXPECT_TRUE(unserved.empty()) << "in openapi.json but not served: "
                                << ::testing::PrintToString(unserved);
}

// The generator writes each entity's resource schema from its table: the
// common fields, every table field in order, and `custom` where allowed.
TEST(OpenApiTest, EntitySchemasFollowTheFieldTables) {
  std::ifstream file(CHRONICLE_OPENAPI);
  std::stringstream text;
  text << file.rdbuf();
  auto doc = ParseJson(text.str());
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const Json* schemas = doc->Find("components")->Find("schemas");
  for (const domain::EntitySpec* spec : domain::AllEntitySpecs()) {
    const std::string name(spec->event_prefix);
    const Json* schema = schemas->Find(name);
    ASSERT_NE(schema, nullptr) << name;
    std::vector<std::string> expected = {"id", "version", "created_at", "updated_at", "created_by"};
    for (const auto& field : spec->fields) expected.emplace_back(field.name);
    if (spec->custom_fields) expected.emplace_back("custom");
    std::vector<std::string> documented;
    for (const auto& [key, value] : schema->Find("properties")->as_object()) {
      documented.push_back(key);
    }
    EXPECT_EQ(documented, expected) << name;
    const Json* create = schemas->Find(name + "Create")->Find("properties");
    for (const auto& field : spec->fields) {
      const bool writable = !field.Has(domain::kReadOnly) && !field.Has(domain::kDerived);
      EXPECT_EQ(create->Find(field.name) != nullptr, writable) << name << "Create." << field.name;
    }
  }
}

}  // namespace
}  // namespace chronicle
