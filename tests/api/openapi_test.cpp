// The OpenAPI document kept in the repo describes exactly the routes served.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "chronicle/api/application.hpp"
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

}  // namespace
}  // namespace chronicle
