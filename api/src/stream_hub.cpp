#include "stream_hub.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <set>

#include "chronicle/base/time.hpp"
#include "chronicle/json/parse.hpp"
#include "problem.hpp"

namespace chronicle::api {

class StreamClient final : public WsListener, public std::enable_shared_from_this<StreamClient> {
 public:
  StreamClient(ApiContext& ctx, Caller caller, std::shared_ptr<WsConnection> connection)
      : ctx_(ctx), caller_(std::move(caller)), connection_(std::move(connection)) {}
  ~StreamClient() override { Stop(); }

  void OnMessage(std::string text) override {
    auto parsed = ParseJson(text);
    if (!parsed.ok() || !parsed->is_object())
      return SendError("bad_request", "messages must be JSON objects");
    const Json* topics = parsed->Find("subscribe");
    if (topics == nullptr || !topics->is_array()) {
      return SendError("validation_failed", "subscribe must be an array of topics");
    }
    std::set<std::string, std::less<>> wanted;
    for (const auto& t : topics->as_array()) {
      if (!t.is_string()) return SendError("validation_failed", "topics are strings");
      wanted.insert(t.as_string());
    }
    std::uint64_t from = 0;
    if (const Json* f = parsed->Find("from_position"); f != nullptr && !f->is_null()) {
      if (!f->is_int() || f->as_int() < 0) {
        return SendError("validation_failed", "from_position must be a non-negative integer");
      }
      from = static_cast<std::uint64_t>(f->as_int());
    } else {
      from = ctx_.store.LastPosition();
    }
    Start(std::move(wanted), from);
  }

  void OnClose() override { Stop(); }

  void Stop() {
    std::unique_ptr<eventstore::Subscription> sub;
    std::thread thread;
    {
      std::lock_guard lock(mu_);
      if (subscription_) subscription_->Stop();
      thread = std::move(thread_);
    }
    if (thread.joinable()) {
      if (thread.get_id() == std::this_thread::get_id()) {
        thread.detach();
      } else {
        thread.join();
      }
    }
    std::lock_guard lock(mu_);
    subscription_.reset();
  }

 private:
  void Start(std::set<std::string, std::less<>> topics, std::uint64_t after) {
    Stop();  // a new subscribe message replaces the previous one
    auto sub = ctx_.store.Subscribe(after + 1);
    if (!sub.ok()) return SendError("internal", "cannot subscribe");
    std::lock_guard lock(mu_);
    subscription_ = std::move(sub).value();
    thread_ = std::thread([this, topics = std::move(topics)] { Feed(topics); });
  }

  void Feed(const std::set<std::string, std::less<>>& topics) {
    eventstore::Subscription* sub = nullptr;
    {
      std::lock_guard lock(mu_);
      sub = subscription_.get();
    }
    for (;;) {
      auto batch = sub->Next(256, std::chrono::seconds(1));
      if (!batch.ok()) return;
      for (const auto& event : *batch) Deliver(event, topics);
    }
  }

  void Deliver(const eventstore::RecordedEvent& event,
               const std::set<std::string, std::less<>>& topics) {
    const projections::EntityKind* kind = projections::FindKindByStream(event.stream);
    std::string topic;
    std::string id;
    if (kind != nullptr) {
      id = std::string(projections::RecordIdOfStream(*kind, event.stream));
      std::string singular(kind->stream_prefix.substr(0, kind->stream_prefix.size() - 1));
      if (topics.contains(singular + ":" + id)) {
        topic = singular + ":" + id;
      } else if (topics.contains(kind->collection)) {
        topic = std::string(kind->collection);
      }
    }
    if (topic.empty() && topics.contains("events")) topic = "events";
    if (topic.empty()) return;
    // The data scope decides, as for every read: by the record's placement.
    // Deny by default: a record the read model does not know is not sent.
    if (kind == nullptr) {
      if (!caller_.principal.super_admin) return;
    } else {
      if (!domain::HasPermission(caller_.principal, std::string(kind->permission) + ".read")) {
        return;
      }
      // The feed can run ahead of the read models: judge the placement only
      // once they include this event.
      ctx_.runtime.WaitFor(event.position, std::chrono::seconds(5));
      auto view = ctx_.records.Get(*kind, id);
      if (!view || !domain::InScope(caller_.principal, ctx_.directory.PlacementOf(*kind, *view))) {
        return;
      }
    }
    auto payload = ParseJson(event.payload);
    Json data = payload.ok() ? std::move(payload).value() : Json::MakeObject();
    data.Erase("password_hash");  // secrets never leave the server
    JsonWriter w;
    w.BeginObject();
    w.Key("position").Int(static_cast<std::int64_t>(event.position));
    w.Key("topic").String(topic);
    w.Key("type").String(event.type);
    w.Key("id").String(id);
    w.Key("at").String(FormatTimestamp(event.recorded_at_ns));
    w.Key("data").Value(data);
    w.EndObject();
    connection_->Send(std::make_shared<const std::string>(w.Take()));
  }

  void SendError(std::string_view code, std::string_view detail) {
    Json problem = Json::MakeObject();
    problem.Set("code", std::string(code));
    problem.Set("detail", std::string(detail));
    Json out = Json::MakeObject();
    out.Set("error", std::move(problem));
    connection_->Send(std::make_shared<const std::string>(out.Dump()));
  }

  ApiContext& ctx_;
  const Caller caller_;
  std::shared_ptr<WsConnection> connection_;
  std::mutex mu_;
  std::unique_ptr<eventstore::Subscription> subscription_;  // guarded by mu_
  std::thread thread_;                                      // guarded by mu_
};

Result<std::shared_ptr<WsListener>> StreamHub::Accept(const Request& request,
                                                      std::shared_ptr<WsConnection> connection) {
  if (request.path != "/api/v1/stream") return NotFoundError("no WebSocket at " + request.path);
  Request with_token = request;
  if (auto token = request.Query("token")) {
    with_token.headers.emplace_back("authorization", "Bearer " + std::string(*token));
  }
  CHRONICLE_ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx_, with_token));
  std::lock_guard lock(mu_);
  if (stopped_) return UnavailableError("shutting down");
  auto client = std::make_shared<StreamClient>(ctx_, std::move(caller), std::move(connection));
  std::erase_if(clients_, [](const auto& w) { return w.expired(); });
  clients_.push_back(client);
  return std::shared_ptr<WsListener>(client);
}

void StreamHub::StopAll() {
  std::vector<std::weak_ptr<StreamClient>> clients;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    clients.swap(clients_);
  }
  for (auto& w : clients) {
    if (auto c = w.lock()) c->Stop();
  }
}

}  // namespace chronicle::api
