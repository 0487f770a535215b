#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "http_client.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace chronicle::testing {

// A fresh server per test, logged in as the administrator.
class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ =
        std::make_unique<ServerProcess>(dir_.path("data").string(), ServerFlags(), ServerEnv());
    client_ = std::make_unique<HttpClient>(server_->port());
    admin_ = client_->Login("admin", kAdminPassword);
    ASSERT_FALSE(admin_.empty()) << server_->log();
    auto tree = client_->Call(admin_, "GET", "/api/v1/departments");
    top_ = tree.json.Find("items")->as_array().at(0).Find("id")->as_string();
    auto roles = client_->Call(admin_, "GET", "/api/v1/roles");
    for (const auto& role : roles.json.Find("items")->as_array()) {
      role_ids_[role.Find("name")->as_string()] = role.Find("id")->as_string();
    }
  }

  // Extra `chronicle serve` flags and environment of a fixture's server.
  virtual std::vector<std::string> ServerFlags() { return {}; }
  virtual std::vector<std::string> ServerEnv() { return {}; }

  static Json Obj(std::initializer_list<std::pair<const char*, Json>> members) {
    return testing::Obj(members);
  }
  static std::string Id(const HttpResult& r) {
    const Json* id = r.json.Find("id");
    return id != nullptr && id->is_string() ? id->as_string() : std::string();
  }

  std::string CreateDepartment(const std::string& name, const std::string& parent) {
    auto r = client_->Call(admin_, "POST", "/api/v1/departments",
                           Obj({{"name", name}, {"parent_id", parent}}));
    EXPECT_EQ(r.status, 201u) << r.body;
    return Id(r);
  }

  // Creates a user with one seeded role ("销售员", "销售经理", "审计员", ...).
  std::string CreateUser(const std::string& username, const std::string& name,
                         const std::string& department, const std::string& role,
                         const std::string& supervisor = "") {
    Json body = Obj({{"username", username},
                     {"password", "Passw0rd!"},
                     {"name", name},
                     {"department_id", department},
                     {"role_ids", Json::Array{role_ids_.at(role)}}});
    if (!supervisor.empty()) body.Set("supervisor_id", supervisor);
    auto r = client_->Call(admin_, "POST", "/api/v1/users", body);
    EXPECT_EQ(r.status, 201u) << r.body;
    return Id(r);
  }

  std::vector<std::string> ListIds(const std::string& token, const std::string& target) {
    auto r = client_->Call(token, "GET", target);
    std::vector<std::string> ids;
    if (const Json* items = r.json.Find("items"); items != nullptr && items->is_array()) {
      for (const auto& item : items->as_array()) ids.push_back(item.Find("id")->as_string());
    }
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
  std::string admin_;
  std::string top_;
  std::map<std::string, std::string> role_ids_;
};

}  // namespace chronicle::testing
