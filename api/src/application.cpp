#include "chronicle/api/application.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "api_context.hpp"
#include "chronicle/base/time.hpp"
#include "chronicle/base/uuid.hpp"
#include "chronicle/domain/lifecycle.hpp"
#include "chronicle/projections/data_dir.hpp"
#include "chronicle/projections/read_model_store.hpp"
#include "command_pipeline.hpp"
#include "export_routes.hpp"
#include "idempotency.hpp"
#include "problem.hpp"
#include "request_parsing.hpp"
#include "routes.hpp"
#include "stream_hub.hpp"

namespace chronicle::api {

std::string_view OpenApiDocument();  // embedded from build/api/openapi.json (generated)

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
        login_limiter_(LoginLimiter::Options{}),
        workers_(std::max(1u, options.workers)) {}

  ~ApplicationImpl() override { Stop(std::chrono::milliseconds(0)); }

  Status Open() {
    std::filesystem::create_directories(options_.data_dir);
    eventstore::Options store_options;
    store_options.durability = options_.durability;
    CHRONICLE_ASSIGN_OR_RETURN(store_, eventstore::EventStore::Open(
                                           store_options, projections::LogDir(options_.data_dir)));
    CHRONICLE_ASSIGN_OR_RETURN(read_models_, projections::ReadModelStore::Open(
                                                 projections::ReadModelDir(options_.data_dir)));
    CHRONICLE_ASSIGN_OR_RETURN(session_disk_, projections::ReadModelStore::Open(
                                                  projections::SessionDir(options_.data_dir)));
    CHRONICLE_ASSIGN_OR_RETURN(
        sessions_,
        SessionStore::Open({options_.token_lifetime, options_.session_idle}, *session_disk_));
    CHRONICLE_ASSIGN_OR_RETURN(idempotency_,
                               IdempotencyCache::Open({}, session_disk_.get(), NowNs()));
    runtime_ = std::make_unique<projections::ProjectionRuntime>(*store_, *read_models_);
    directory_ = std::make_unique<OrgDirectory>(records_);
    const std::uint64_t ready_position = store_->LastPosition();
    // pool_due_at follows the rules in force: read them before the tables load.
    CHRONICLE_RETURN_IF_ERROR(pool_rules_.Reload(*store_));
    // It reads only the fields PoolDue reads: the tables call it when one
    // of them changes, with an object of just those fields.
    tables_.SetDeriver(
        domain::customer::Spec().collection,
        [this](const Json& inputs) {
          Json derived = Json::MakeObject();
          const domain::pool::Rules rules = pool_rules_.Current();
          if (!rules.enabled) {  // PoolDue's first exemption, without parsing the facts
            derived.Set("pool_due_at", Json());
            return derived;
          }
          domain::record::State customer;
          customer.exists = true;
          customer.fields = inputs;
          derived.Set("pool_due_at", PoolDueAt(rules, customer));
          return derived;
        },
        {"owner_id", "owned_since", "last_follow_up_at", "locked", "deal_status", "level"});
    CHRONICLE_RETURN_IF_ERROR(runtime_->Start(records_));
    CHRONICLE_RETURN_IF_ERROR(runtime_->Start(tables_));
    ctx_ = std::make_unique<ApiContext>(ApiContext{
        *store_, *runtime_, records_, tables_, *directory_, hasher_, *sessions_, login_limiter_,
        metrics_, pool_rules_, std::string(OpenApiDocument()), ready_position, options_.data_dir});
    if (store_->LastPosition() == 0) CHRONICLE_RETURN_IF_ERROR(Bootstrap());
    AddSystemRoutes(router_, *ctx_);
    AddAuthRoutes(router_, *ctx_);
    AddRecordRoutes(router_, *ctx_);
    AddOrgRoutes(router_, *ctx_);
    AddEntityRoutes(router_, *ctx_);
    AddExportRoutes(router_, *ctx_);
    hub_ = std::make_shared<StreamHub>(*ctx_);
    CHRONICLE_RETURN_IF_ERROR(hub_->Start());
    sessions_->OnRevoked([hub = std::weak_ptr<StreamHub>(hub_)] {
      if (auto h = hub.lock()) h->RecheckSessions();
    });
    CHRONICLE_ASSIGN_OR_RETURN(server_, Server::Start(
                                            options_.server,
                                            [this](Request r, Respond respond) {
                                              Dispatch(std::move(r), std::move(respond));
                                            },
                                            hub_));
    recycler_ = std::thread([this] { RecycleLoop(); });
    return Status::Ok();
  }

  [[nodiscard]] std::uint16_t port() const override { return server_ ? server_->port() : 0; }
  [[nodiscard]] std::string generated_admin_password() const override {
    return generated_password_;
  }
  [[nodiscard]] std::vector<RouteInfo> routes() const override {
    std::vector<RouteInfo> out;
    for (const auto& r : router_.Routes())
      out.push_back({r.method, r.pattern, r.access.Describe()});
    return out;
  }

  void Stop(std::chrono::milliseconds grace) override {
    if (stopped_) return;
    stopped_ = true;
    if (server_) server_->Stop(grace);
    if (hub_) hub_->StopAll();
    {
      std::lock_guard lock(recycle_mu_);
      recycle_stop_ = true;
    }
    recycle_wake_.notify_all();
    if (recycler_.joinable()) recycler_.join();
    if (sessions_) sessions_->OnRevoked(nullptr);
    workers_.join();
    if (runtime_) runtime_->Stop();
  }

 private:
  // The public pool's recycle job: at start (once the read models caught
  // up with the log) and then every --pool-recycle-interval.
  void RecycleLoop() {
    std::unique_lock lock(recycle_mu_);
    while (!recycle_stop_) {
      lock.unlock();
      if (runtime_->WaitFor(ctx_->ready_position, std::chrono::seconds(1))) {
        auto recycled = RunRecycle(*ctx_);
        if (!recycled.ok()) spdlog::error("pool recycle: {}", recycled.status().ToString());
        lock.lock();
        recycle_wake_.wait_for(lock, options_.pool_recycle_interval,
                               [this] { return recycle_stop_; });
      } else {
        lock.lock();
      }
    }
  }

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
      return p.starts_with("lead.") || p.starts_with("customer.") || p.starts_with("contact.") ||
             p.starts_with("follow_up.") || p == "custom_field.read" ||
             p.starts_with("opportunity.") || p == "contract.read" || p == "contract.create" ||
             p == "contract.update" || p.starts_with("receivable.") || p == "dashboard.read" ||
             p == "department.read" || p == "user.read";
    };
    CHRONICLE_RETURN_IF_ERROR(role(admin_role, "超级管理员",
                                   PermissionsWhere([](std::string_view) { return true; }),
                                   domain::DataScope::kAll, true));
    CHRONICLE_RETURN_IF_ERROR(role(id(), "销售员", PermissionsWhere([&](std::string_view p) {
                                     return sales(p) && !p.ends_with(".delete") &&
                                            !p.ends_with(".export") && !p.ends_with(".import");
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

  // One request through the fixed order of checks (docs/architecture.md):
  // method, route, authentication, permission, parameters of the wait,
  // read-your-writes wait (async), Idempotency-Key, handler.
  struct Exchange {
    Request request;
    Respond respond;
    std::chrono::steady_clock::time_point started;
    Router::Match match;
    std::string route = "unmatched";
    std::string method = "other";
    std::optional<Caller> caller;
    bool refresh_caller = false;  // resolve the caller again after ?min_position
  };

  void Dispatch(Request request, Respond respond) {
    auto x = std::make_shared<Exchange>();
    x->request = std::move(request);
    x->respond = std::move(respond);
    x->started = std::chrono::steady_clock::now();
    boost::asio::post(workers_, [this, x] { Begin(x); });
  }

  void Begin(const std::shared_ptr<Exchange>& x) {
    Request& request = x->request;
    if (!IsKnownMethod(request.method)) {
      return Finish(x, ProblemResponse(405, "method_not_allowed", "unknown HTTP method"));
    }
    x->method = request.method;
    // HEAD is GET without the body (the session drops it).
    x->match = router_.Find(request.method == "HEAD" ? "GET" : request.method, request.path);
    if (x->match.handler == nullptr) {
      return Finish(x, x->match.path_known
                           ? ProblemResponse(405, "method_not_allowed", "method not allowed here")
                           : ProblemResponse(404, "not_found", "no such resource"));
    }
    x->route = x->match.pattern;
    if (Status allowed = Admit(*x); !allowed.ok()) return Finish(x, ProblemResponse(allowed));
    // A parameter given twice is ambiguous (which one did the client mean?).
    for (auto it = request.query.begin(); it != request.query.end();) {
      auto next = request.query.upper_bound(it->first);
      if (std::next(it) != next) {
        return Finish(x, ProblemResponse(InvalidArgumentError("the query parameter '" + it->first +
                                                              "' is given twice")
                                             .WithParameter(it->first)));
      }
      it = next;
    }
    // Read-your-writes, for callers only (public routes read no models):
    // wait for the read models without holding a worker.
    if (auto raw = request.Query("min_position"); raw && x->caller) {
      auto position = ParseCount("min_position", *raw);
      if (!position.ok()) return Finish(x, ProblemResponse(position.status()));
      // The caller is resolved again once the models include the position:
      // a change to its own account or organisation must be seen too.
      x->refresh_caller = true;
      if (runtime_->AppliedPosition() < *position) return Wait(x, *position);
    }
    Run(x);
  }

  // Authentication and permission, from the route's declaration.
  Status Admit(Exchange& x) {
    const Access& access = *x.match.access;
    if (access.kind == Access::Kind::kPublic) return Status::Ok();
    CHRONICLE_ASSIGN_OR_RETURN(x.caller, Authenticate(*ctx_, x.request));
    switch (access.kind) {
      case Access::Kind::kPermission:
        return RequirePermission(*x.caller, access.permission);
      case Access::Kind::kSuperAdmin:
        if (!x.caller->principal.super_admin) {
          return PermissionDeniedError("only a super administrator may do this");
        }
        return Status::Ok();
      case Access::Kind::kPublic:
      case Access::Kind::kAuthenticated:
        break;
    }
    return Status::Ok();
  }

  void Wait(const std::shared_ptr<Exchange>& x, std::uint64_t position) {
    struct Waiting {
      std::atomic<bool> settled{false};
      std::uint64_t ticket = 0;
      boost::asio::steady_timer timer;
      explicit Waiting(boost::asio::thread_pool& pool) : timer(pool) {}
    };
    auto w = std::make_shared<Waiting>(workers_);
    w->timer.expires_after(std::chrono::seconds(5));
    // Whichever comes first settles the request: the read models or the timer.
    w->timer.async_wait([this, x, w, position](boost::system::error_code) {
      if (w->settled.exchange(true)) return;
      runtime_->CancelWhenApplied(w->ticket);
      Finish(x, ProblemResponse(UnavailableError("read models have not reached position " +
                                                 std::to_string(position) + " within 5 s")));
    });
    w->ticket = runtime_->WhenApplied(position, [this, x, w] {
      if (w->settled.exchange(true)) return;
      boost::asio::post(workers_, [this, x, w] {
        w->timer.cancel();
        Run(x);
      });
    });
  }

  void Run(const std::shared_ptr<Exchange>& x) {
    if (x->refresh_caller) {
      if (Status allowed = Admit(*x); !allowed.ok()) return Finish(x, ProblemResponse(allowed));
    }
    const Request& request = x->request;
    const Call call{request, x->match.params, x->caller ? &*x->caller : nullptr};
    auto handle = [&]() -> Response {
      try {
        auto result = (*x->match.handler)(call);
        return result.ok() ? std::move(result).value() : ProblemResponse(result.status());
      } catch (const std::exception& e) {
        // A bug must not take the server down; the client sees no internals.
        spdlog::error("{} {}: unhandled exception: {}", request.method, x->route, e.what());
        return ProblemResponse(InternalError(e.what()));
      }
    };
    if (request.method == "POST" && x->caller) {
      auto key = ParseIdempotencyKey(request.Header("idempotency-key"));
      if (!key.ok()) return Finish(x, ProblemResponse(key.status()));
      if (*key) {
        // Keys belong to the user (not the token: a new login keeps them).
        const std::string scope =
            x->caller->principal.user_id + '\n' + x->route + '\n' + request.path;
        return Finish(x, idempotency_->Run(scope, **key, request.body, NowNs(), handle));
      }
    }
    Finish(x, handle());
  }

  void Finish(const std::shared_ptr<Exchange>& x, Response response) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - x->started).count();
    metrics_.ObserveRequest(x->route, x->method, response.status, seconds);
    std::string position;
    for (const auto& [k, v] : response.headers) {
      if (k == "X-Position") position = v;
    }
    spdlog::info("{} {} {} {:.1f}ms user={} position={}", x->method, x->route, response.status,
                 seconds * 1000, x->caller ? x->caller->principal.user_id : "-",
                 position.empty() ? "-" : position);
    x->respond(std::move(response));
  }

  ApplicationOptions options_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<projections::ReadModelStore> read_models_;
  projections::RecordsProjection records_;
  projections::TablesProjection tables_;
  PoolRules pool_rules_;
  std::unique_ptr<projections::ProjectionRuntime> runtime_;
  std::unique_ptr<OrgDirectory> directory_;
  PasswordHasher hasher_;
  std::unique_ptr<projections::ReadModelStore> session_disk_;  // sessions + idempotency
  std::unique_ptr<SessionStore> sessions_;
  LoginLimiter login_limiter_;
  Metrics metrics_;
  std::unique_ptr<ApiContext> ctx_;
  Router router_;
  boost::asio::thread_pool workers_;
  std::unique_ptr<IdempotencyCache> idempotency_;
  std::shared_ptr<StreamHub> hub_;
  std::unique_ptr<Server> server_;
  std::string generated_password_;
  bool stopped_ = false;
  std::thread recycler_;
  std::mutex recycle_mu_;
  std::condition_variable recycle_wake_;
  bool recycle_stop_ = false;  // guarded by recycle_mu_
};

}  // namespace

Result<std::unique_ptr<Application>> Application::Start(const ApplicationOptions& options) {
  auto app = std::make_unique<ApplicationImpl>(options);
  CHRONICLE_RETURN_IF_ERROR(app->Open());
  return std::unique_ptr<Application>(std::move(app));
}

}  // namespace chronicle::api
