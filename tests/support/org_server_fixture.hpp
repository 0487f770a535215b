#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "chronicle/api/application.hpp"
#include "http_client.hpp"
#include "route_table.hpp"
#include "temp_dir.hpp"

namespace chronicle::testing {

// A server started in-process (api::Application on 127.0.0.1:0) with the
// organisation of `World` (route_table.hpp) set up by the administrator.
class OrgServerTest : public ::testing::Test {
 protected:
  static constexpr const char* kAdminPassword = "Admin#2026-test";
  static constexpr const char* kUserPassword = "Passw0rd!";

  void SetUp() override;
  void TearDown() override;

  [[nodiscard]] unsigned short port() const { return app_->port(); }

  // ---- set-up helpers (as the administrator; they expect success) ----------
  std::string CreateDepartment(const std::string& name, const std::string& parent);
  std::string CreateRole(const std::string& name, const std::vector<std::string>& permissions,
                         const std::string& scope);
  // A user with a fresh username (returned through `username`) and password kUserPassword.
  std::string CreateUser(const std::string& department, const std::vector<std::string>& role_ids,
                         std::string* username = nullptr, bool disabled = false);
  std::string Login(const std::string& username, const std::string& password = kUserPassword);
  // POST /api/v1/{collection} as `token`; the new record's id.
  std::string CreateRecord(const std::string& token, const std::string& collection,
                           const Json& body);
  // POST `path` as `token`, expecting 200.
  void Act(const std::string& token, const std::string& path, const Json& body = Json());

  // The log's head position (GET /api/v1/audit/head as the administrator).
  std::uint64_t LogPosition();

  // A request the route table describes, ready to send: the path with its
  // {id} filled (a fresh target for destructive routes, unless `id` is
  // given) and the body that succeeds for the administrator (null if none).
  struct Prepared {
    std::string path;
    Json body;
    std::string target_id;
  };
  Prepared Prepare(const RouteCall& call, const std::string* id = nullptr);
  CallContext NextContext();

  // Sends a request that must be refused with one of `statuses` and must
  // not append to the log.
  void ExpectRefused(const std::string& label, const std::string& token, const std::string& method,
                     const std::string& path, const Json& body, const std::set<unsigned>& statuses);
  // The same for a batch route (RouteCall::batch): 200 with every id failed
  // with one of `statuses`, and nothing appended.
  void ExpectBatchRefused(const std::string& label, const std::string& token,
                          const std::string& method, const std::string& path, const Json& body,
                          const std::set<unsigned>& statuses);

  TempDir dir_;
  std::unique_ptr<api::Application> app_;
  std::unique_ptr<HttpClient> client_;
  std::string admin_;  // the administrator's token
  World world_;

 private:
  std::string FreshTarget(Target target);
  std::string SharedTarget(Target target) const;
  static std::string CollectionOf(Target target);
  std::string writer_b_token_;
  std::uint64_t next_unique_ = 1;
};

}  // namespace chronicle::testing
