#include "api_fixture.hpp"

namespace chronicle::testing {
namespace {

class AuthTest : public ApiTest {};

TEST_F(AuthTest, LoginReturnsTokenExpiryAndUserWithoutSecrets) {
  auto r = client_->Send("POST", "/api/v1/auth/login",
                         Obj({{"username", "admin"}, {"password", kAdminPassword}}).Dump());
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json.Find("token")->as_string().size(), 64u);
  EXPECT_TRUE(r.json.Find("expires_at")->as_string().ends_with("Z"));
  EXPECT_EQ(r.json.Find("user")->Find("username")->as_string(), "admin");
  EXPECT_EQ(r.body.find("password"), std::string::npos);
  EXPECT_EQ(r.body.find("argon2"), std::string::npos);
}

TEST_F(AuthTest, WrongPasswordAndUnknownUserAre401) {
  EXPECT_TRUE(client_->Login("admin", "nope-nope").empty());
  auto r = client_->Send("POST", "/api/v1/auth/login",
                         Obj({{"username", "13900000000"}, {"password", "whatever1"}}).Dump());
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.Code(), "unauthorized");
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
}

TEST_F(AuthTest, RepeatedFailuresAreRateLimitedPerUsername) {
  for (int i = 0; i < 5; ++i) client_->Login("admin", "wrong-password");
  auto r = client_->Send("POST", "/api/v1/auth/login",
                         Obj({{"username", "admin"}, {"password", kAdminPassword}}).Dump());
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(r.Code(), "rate_limited");
}

TEST_F(AuthTest, RequestsWithoutOrWithBadTokenAre401) {
  EXPECT_EQ(client_->Call("", "GET", "/api/v1/users").status, 401u);
  EXPECT_EQ(client_->Call("deadbeef", "GET", "/api/v1/users").status, 401u);
  EXPECT_EQ(client_->Send("GET", "/api/v1/users", "", {{"Authorization", "Basic abc"}}).status,
            401u);
}

TEST_F(AuthTest, LogoutRevokesTheToken) {
  const std::string token = client_->Login("admin", kAdminPassword);
  EXPECT_EQ(client_->Call(token, "GET", "/api/v1/auth/me").status, 200u);
  EXPECT_EQ(client_->Call(token, "POST", "/api/v1/auth/logout").status, 204u);
  EXPECT_EQ(client_->Call(token, "GET", "/api/v1/auth/me").status, 401u);
  EXPECT_EQ(client_->Call(admin_, "GET", "/api/v1/auth/me").status, 200u);  // other sessions live
}

TEST_F(AuthTest, DisablingAUserStopsItsTokensAndLogins) {
  const std::string rep = CreateUser("13800000001", "李雷", top_, "销售员");
  const std::string token = client_->Login("13800000001", "Passw0rd!");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(client_->Call(admin_, "POST", "/api/v1/users/" + rep + "/disable").status, 200u);
  EXPECT_EQ(client_->Call(token, "GET", "/api/v1/auth/me").status, 401u);
  EXPECT_TRUE(client_->Login("13800000001", "Passw0rd!").empty());
  auto enabled = client_->Call(admin_, "POST", "/api/v1/users/" + rep + "/enable");
  EXPECT_EQ(enabled.json.Find("status")->as_string(), "active");
  EXPECT_FALSE(client_->Login("13800000001", "Passw0rd!").empty());
}

// Clients send `{}` to actions that take no parameters; the document must allow it.
TEST_F(AuthTest, ActionsWithoutParametersAcceptAnEmptyObject) {
  const std::string rep = CreateUser("13800000005", "孙七", top_, "销售员");
  EXPECT_EQ(
      client_->Call(admin_, "POST", "/api/v1/users/" + rep + "/disable", Json::MakeObject()).status,
      200u);
  EXPECT_EQ(
      client_->Call(admin_, "POST", "/api/v1/users/" + rep + "/enable", Json::MakeObject()).status,
      200u);
  const std::string token = client_->Login("admin", kAdminPassword);
  EXPECT_EQ(client_->Call(token, "POST", "/api/v1/auth/logout", Json::MakeObject()).status, 204u);
}

TEST_F(AuthTest, MeListsPermissionsAndDataScope) {
  CreateUser("13800000002", "韩梅梅", top_, "审计员");
  const std::string token = client_->Login("13800000002", "Passw0rd!");
  auto me = client_->Call(token, "GET", "/api/v1/auth/me");
  ASSERT_EQ(me.status, 200u);
  EXPECT_EQ(me.json.Find("data_scope")->as_string(), "all");
  const auto& perms = me.json.Find("permissions")->as_array();
  EXPECT_NE(std::find(perms.begin(), perms.end(), Json("audit.read")), perms.end());
  EXPECT_EQ(std::find(perms.begin(), perms.end(), Json("user.create")), perms.end());
}

TEST_F(AuthTest, ChangePasswordNeedsTheOldOne) {
  CreateUser("13800000003", "王五", top_, "销售员");
  const std::string token = client_->Login("13800000003", "Passw0rd!");
  auto wrong =
      client_->Call(token, "POST", "/api/v1/auth/change-password",
                    Obj({{"old_password", "not-it-at-all"}, {"new_password", "N3w-passw0rd"}}));
  EXPECT_EQ(wrong.status, 422u);
  EXPECT_EQ(wrong.json.Find("errors")->as_array()[0].Find("field")->as_string(), "old_password");
  auto ok = client_->Call(token, "POST", "/api/v1/auth/change-password",
                          Obj({{"old_password", "Passw0rd!"}, {"new_password", "N3w-passw0rd"}}));
  EXPECT_EQ(ok.status, 204u);
  EXPECT_TRUE(client_->Login("13800000003", "Passw0rd!").empty());
  EXPECT_FALSE(client_->Login("13800000003", "N3w-passw0rd").empty());
}

TEST_F(AuthTest, AdminResetsAPassword) {
  const std::string id = CreateUser("13800000004", "赵六", top_, "销售员");
  auto r = client_->Call(admin_, "POST", "/api/v1/users/" + id + "/reset-password",
                         Obj({{"password", "Reset-2026"}}));
  EXPECT_EQ(r.status, 200u);
  EXPECT_FALSE(client_->Login("13800000004", "Reset-2026").empty());
}

}  // namespace
}  // namespace chronicle::testing
