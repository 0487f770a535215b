#include "chronicle/api/application.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <random>

#include "api_context.hpp"
#include "chronicle/base/time.hpp"
#include "chronicle/base/uuid.hpp"
#include "chronicle/projections/data_dir.hpp"
#include "chronicle/projections/read_model_store.hpp"
#include "command_pipeline.hpp"
#include "idempotency.hpp"
#include "problem.hpp"
#include "routes.hpp"
#include "stream_hub.hpp"

namespace chronicle::api {

std::string_view OpenApiDocument();  // generated from api/openapi/openapi.json

namespace {

std::string GeneratePassword() {
  static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 20; ++i) out.push_back(kAlphabet[rd() % (sizeof kAlphabet - 1)]);
  return out;
}

std::vector<std::string> PermissionsWhere(const std::function<bool(std::string_view)>& keep) {
  std::vector<std::string> out;
  for (const auto& p : domain::AllPermissions()) {
    if (keep(p.name)) out.emplace_back(p.name);
  }
  return out;
}

class ApplicationImpl final : public Application {
 public:
  explicit ApplicationImpl(const ApplicationOptions& options)
      : options_(options),
        hasher_({options.argon2_time, options.argon2_memory_kib, 1}),
        tokens_(options.token_lifetime),
        login_by_username_(5, std::chrono::minutes(15)),
        login_by_address_(30, std::chrono::minutes(15)),
        workers_(std::max(1u, options.workers)),
        idempotency_(100'000) {}

  ~ApplicationImpl() override { Stop(std::chrono::milliseconds(0)); }

  Status Open() {
    std::filesystem::create_directories(options_.data_dir);
    eventstore::Options store_options;
    store_options.durability = options_.durability;
    CHRONICLE_ASSIGN_OR_RETURN(store_, eventstore::EventStore::Open(
                                           store_options, projections::LogDir(options_.data_dir)));
    CHRONICLE_ASSIGN_OR_RETURN(read_models_, projections::ReadModelStore::Open(
                                                 projections::ReadModelDir(options_.data_dir)));
    runtime_ = std::make_unique<projections::ProjectionRuntime>(*store_, *read_models_);
    directory_ = std::make_unique<OrgDirectory>(records_);
    const std::uint64_t ready_position = store_->LastPosition();
    CHRONICLE_RETURN_IF_ERROR(runtime_->Start(records_));
    CHRONICLE_RETURN_IF_ERROR(runtime_->Start(history_));
    ctx_ = std::make_unique<ApiContext>(ApiContext{
        *store_, *runtime_, records_, history_, *directory_, hasher_, tokens_, login_by_username_,
        login_by_address_, metrics_, std::string(OpenApiDocument()), ready_position});
    if (store_->LastPosition() == 0) CHRONICLE_RETURN_IF_ERROR(Bootstrap());
    AddSystemRoutes(router_, *ctx_);
    AddAuthRoutes(router_, *ctx_);
    AddRecordRoutes(router_, *ctx_);
    AddOrgRoutes(router_, *ctx_);
    hub_ = std::make_shared<StreamHub>(*ctx_);
    CHRONICLE_ASSIGN_OR_RETURN(server_, Server::Start(
                                            options_.server,
                                            [this](Request r, Respond respond) {
                                              Dispatch(std::move(r), std::move(respond));
                                            },
                                            hub_));
    return Status::Ok();
  }

  [[nodiscard]] std::uint16_t port() const override { return server_ ? server_->port() : 0; }
  [[nodiscard]] std::string generated_admin_password() const override {
    return generated_password_;
  }
  [[nodiscard]] std::vector<std::string> routes() const override { return router_.Describe(); }

  void Stop(std::chrono::milliseconds grace) override {
    if (stopped_) return;
    stopped_ = true;
    if (server_) server_->Stop(grace);
    if (hub_) hub_->StopAll();
    workers_.join();
    if (runtime_) runtime_->Stop();
  }

 private:
  // First start: the top department, the seeded roles and the administrator.
  Status Bootstrap() {
    eventstore::EventMetadata system{"system", "bootstrap", ""};
    auto id = [] { return NewUuidV7(NowNs() / 1'000'000).ToString(); };
    const std::string top = id();
    CHRONICLE_RETURN_IF_ERROR(RunCommand<DepartmentAggregate>(
                                  *store_, projections::StreamOf(directory_->departments(), top),
                                  std::nullopt,
                                  [&](const auto&) {
                                    return domain::department::Command{domain::department::Create{
                                        top, "办公室", "", 0, false, false}};
                                  },
                                  system)
                                  .status());
    const std::string admin_role = id();
    auto role = [&](const std::string& role_id, std::string name, std::vector<std::string> perms,
                    domain::DataScope scope, bool builtin) {
      return RunCommand<RoleAggregate>(
                 *store_, projections::StreamOf(directory_->roles(), role_id), std::nullopt,
                 [&](const auto&) {
                   return domain::role::Command{
                       domain::role::Create{role_id, name, perms, scope, builtin, false}};
                 },
                 system)
          .status();
    };
    auto sales = [](std::string_view p) {
      return p.starts_with("lead.") || p.starts_with("customer.") ||
             p.starts_with("opportunity.") || p == "contract.read" || p == "contract.create" ||
             p == "contract.update" || p.starts_with("receivable.") || p == "dashboard.read" ||
             p == "department.read" || p == "user.read";
    };
    CHRONICLE_RETURN_IF_ERROR(role(admin_role, "超级管理员",
                                   PermissionsWhere([](std::string_view) { return true; }),
                                   domain::DataScope::kAll, true));
    CHRONICLE_RETURN_IF_ERROR(role(id(), "销售员", PermissionsWhere([&](std::string_view p) {
                                     return sales(p) && p != "customer.delete" &&
                                            p != "customer.export" && p != "customer.import";
                                   }),
                                   domain::DataScope::kSelf, false));
    CHRONICLE_RETURN_IF_ERROR(role(id(), "销售经理", PermissionsWhere([&](std::string_view p) {
                                     return sales(p) || p == "contract.approve";
                                   }),
                                   domain::DataScope::kDepartmentAndChildren, false));
    CHRONICLE_RETURN_IF_ERROR(role(id(), "审计员", PermissionsWhere([](std::string_view p) {
                                     return domain::IsKnownPermission(p) && (p.ends_with(".read"));
                                   }),
                                   domain::DataScope::kAll, false));
    std::string password = options_.admin_password;
    if (password.empty()) {
      password = GeneratePassword();
      generated_password_ = password;
    }
    CHRONICLE_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(password));
    const std::string admin = id();
    domain::user::Create create;
    create.id = admin;
    create.username = "admin";
    create.password_hash = hash;
    create.profile = {"系统管理员", "unknown", "", top, "", "", {admin_role}};
    create.system_account = true;
    CHRONICLE_RETURN_IF_ERROR(
        RunCommand<UserAggregate>(
            *store_, projections::StreamOf(directory_->users(), admin), std::nullopt,
            [&](const auto&) { return domain::user::Command{create}; }, system)
            .status());
    runtime_->WaitFor(store_->LastPosition(), std::chrono::seconds(10));
    return Status::Ok();
  }

  void Dispatch(Request request, Respond respond) {
    boost::asio::post(workers_, [this, request = std::move(request), respond = std::move(respond)] {
      const auto started = std::chrono::steady_clock::now();
      auto match = router_.Find(request.method, request.path);
      Response response;
      try {
        if (match.handler == nullptr) {
          response = match.path_known
                         ? ProblemResponse(405, "method_not_allowed", "method not allowed here")
                         : ProblemResponse(404, "not_found", "no such resource: " + request.path);
        } else if (Status caught_up = WaitForMinPosition(*ctx_, request); !caught_up.ok()) {
          // One place for read-your-writes: before authentication, so a
          // change to the caller's own account is seen too.
          response = ProblemResponse(caught_up);
        } else if (auto key = request.Header("idempotency-key"); key && request.method == "POST") {
          const std::string scope = std::string(request.Header("authorization").value_or("")) +
                                    "\n" + request.path + "\n" + std::string(*key);
          response = idempotency_.Run(scope, request.body,
                                      [&] { return (*match.handler)(request, match.params); });
        } else {
          response = (*match.handler)(request, match.params);
        }
      } catch (const std::exception& e) {
        // A bug must not take the server down; the client sees no internals.
        spdlog::error("{} {}: unhandled exception: {}", request.method, request.path, e.what());
        response = ProblemResponse(InternalError(e.what()));
      }
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      const std::string route = match.handler != nullptr ? match.pattern : "unmatched";
      metrics_.ObserveRequest(route, request.method, response.status, seconds);
      std::string position;
      for (const auto& [k, v] : response.headers) {
        if (k == "X-Position") position = v;
      }
      std::string user;
      if (auto auth = request.Header("authorization"); auth && auth->size() > 7) {
        user = tokens_.Find(std::string(auth->substr(7)), NowNs()).value_or("");
      }
      spdlog::info("{} {} {} {:.1f}ms user={} position={}", request.method, route, response.status,
                   seconds * 1000, user.empty() ? "-" : user, position.empty() ? "-" : position);
      respond(std::move(response));
    });
  }

  ApplicationOptions options_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<projections::ReadModelStore> read_models_;
  projections::RecordsProjection records_;
  projections::HistoryProjection history_;
  std::unique_ptr<projections::ProjectionRuntime> runtime_;
  std::unique_ptr<OrgDirectory> directory_;
  PasswordHasher hasher_;
  TokenStore tokens_;
  RateLimiter login_by_username_;
  RateLimiter login_by_address_;
  Metrics metrics_;
  std::unique_ptr<ApiContext> ctx_;
  Router router_;
  boost::asio::thread_pool workers_;
  IdempotencyCache idempotency_;
  std::shared_ptr<StreamHub> hub_;
  std::unique_ptr<Server> server_;
  std::string generated_password_;
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<Application>> Application::Start(const ApplicationOptions& options) {
  auto app = std::make_unique<ApplicationImpl>(options);
  CHRONICLE_RETURN_IF_ERROR(app->Open());
  return std::unique_ptr<Application>(std::move(app));
}

}  // namespace chronicle::api
