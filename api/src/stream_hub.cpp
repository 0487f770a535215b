#include "stream_hub.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>

#include "chronicle/base/time.hpp"
#include "chronicle/json/parse.hpp"
#include "chronicle/domain/secrets.hpp"
#include "entity_routes.hpp"
#include "request_parsing.hpp"

namespace chronicle::api {

using Topics = std::set<std::string, std::less<>>;

struct StreamHub::Client {
  std::uint64_t id = 0;
  std::shared_ptr<WsConnection> connection;
  std::string token;
  // Feed thread only (set before the client is registered).
  domain::Principal principal;
  // What the client asked for; a new subscribe message replaces both.
  std::mutex mu;
  std::shared_ptr<const Topics> topics;  // guarded by mu; null: not subscribed yet
  std::uint64_t cursor = 0;              // last position delivered or passed; guarded by mu
  std::uint64_t generation = 0;          // bumped by each subscribe; guarded by mu
};

// The per-connection listener: forwards what the client says to the hub.
class StreamHub::Listener final : public WsListener {
 public:
  Listener(std::weak_ptr<StreamHub> hub, std::shared_ptr<Client> client)
      : hub_(std::move(hub)), client_(std::move(client)) {}
  void OnMessage(std::string text) override {
    if (auto hub = hub_.lock()) hub->Subscribe(client_, text);
  }
  void OnClose() override {
    if (auto hub = hub_.lock()) hub->Remove(client_->id);
  }

 private:
  std::weak_ptr<StreamHub> hub_;
  std::shared_ptr<Client> client_;
};

namespace {

// One event as every client sees it: looked up, placed and rendered once.
struct Prepared {
  const projections::EntityKind* kind = nullptr;
  std::string id;
  std::string record_topic;  // "user:ID"
  bool exists = false;       // the read model knows the record
  bool org_wide = false;
  domain::Placement placement;
  std::string permission;
  std::optional<projections::TableRecord> record;  // field-table entities: judged per client
  Json data;
  std::map<std::string, std::shared_ptr<const std::string>, std::less<>> rendered;  // by topic
};

bool SameRights(const domain::Principal& a, const domain::Principal& b) {
  return a.super_admin == b.super_admin && a.scope == b.scope && a.permissions == b.permissions &&
         a.department_id == b.department_id;
}

}  // namespace

Status StreamHub::Start() {
  const std::uint64_t from = ctx_.store.LastPosition();
  CHRONICLE_ASSIGN_OR_RETURN(subscription_, ctx_.store.Subscribe(from + 1));
  {
    std::lock_guard lock(mu_);
    live_position_ = from;
  }
  thread_ = std::thread([this] { Feed(); });
  return Status::Ok();
}

std::size_t StreamHub::clients() const {
  std::lock_guard lock(mu_);
  return clients_.size();
}

Result<std::shared_ptr<WsListener>> StreamHub::Accept(const Request& request,
                                                      std::shared_ptr<WsConnection> connection) {
  if (request.path != "/api/v1/stream") return NotFoundError("no WebSocket at " + request.path);
  auto token = request.Query("token");
  if (!token) {
    if (auto header = request.Header("authorization"); header && header->starts_with("Bearer ")) {
      token = header->substr(7);
    }
  }
  if (!token) return UnauthenticatedError("missing token");
  CHRONICLE_ASSIGN_OR_RETURN(Caller caller, AuthenticateToken(ctx_, std::string(*token)));
  auto client = std::make_shared<Client>();
  client->connection = std::move(connection);
  client->token = caller.token;
  client->principal = std::move(caller.principal);
  std::lock_guard lock(mu_);
  if (stopped_) return UnavailableError("shutting down");
  client->id = next_id_++;
  clients_.emplace(client->id, client);
  return std::shared_ptr<WsListener>(std::make_shared<Listener>(weak_from_this(), client));
}

void StreamHub::Subscribe(const std::shared_ptr<Client>& client, const std::string& text) {
  auto message = ParseSubscribeMessage(text);
  if (!message.ok()) return SendError(*client->connection, message.status());
  std::uint64_t from = 0;
  if (message->from_position) {
    from = *message->from_position;
  } else {
    std::lock_guard lock(mu_);
    from = live_position_;
  }
  std::lock_guard lock(client->mu);
  client->topics = std::make_shared<const Topics>(std::move(message->topics));
  client->cursor = from;
  ++client->generation;
}

void StreamHub::Remove(std::uint64_t id) {
  std::lock_guard lock(mu_);
  clients_.erase(id);
}

void StreamHub::SendError(WsConnection& connection, const Status& status) {
  // The same problem object an HTTP error carries (RFC 9457), under "error".
  const bool field = status.field().has_value();
  const std::string code = field ? "validation_failed" : "bad_request";
  JsonWriter w;
  w.BeginObject().Key("error").BeginObject();
  w.Key("type").String("https://chronicle-crm.dev/problems/" + code);
  w.Key("title").String(field ? "Validation failed" : "Bad request");
  w.Key("status").Int(field ? 422 : 400);
  w.Key("code").String(code);
  w.Key("detail").String(status.message());
  if (status.field()) {
    w.Key("errors").BeginArray().BeginObject();
    w.Key("field").String(*status.field());
    w.Key("message").String(status.message());
    w.EndObject().EndArray();
  }
  w.EndObject().EndObject();
  connection.Send(std::make_shared<const std::string>(w.Take()));
}

void StreamHub::StopAll() {
  std::map<std::uint64_t, std::shared_ptr<Client>> clients;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    clients.swap(clients_);
  }
  if (subscription_) subscription_->Stop();
  if (thread_.joinable()) thread_.join();
  for (auto& [id, client] : clients) client->connection->Close("server shutting down");
}

void StreamHub::Recheck(const std::vector<std::shared_ptr<Client>>& clients) {
  const std::int64_t now = NowNs();
  for (const auto& client : clients) {
    std::string reason;
    if (!ctx_.sessions.Live(client->token, now)) {
      reason = "session ended";
    } else if (auto principal = ctx_.directory.PrincipalOf(client->principal.user_id);
               !principal.ok()) {
      reason = "account disabled";
    } else if (!SameRights(*principal, client->principal)) {
      reason = "roles changed: reconnect";
    } else {
      client->principal = std::move(principal).value();  // e.g. new subordinates
      continue;
    }
    Remove(client->id);
    client->connection->Close(reason);
  }
}

void StreamHub::Feed() {
  constexpr std::size_t kChunk = 256;
  bool catching_up = false;
  auto last_recheck = std::chrono::steady_clock::now();
  for (;;) {
    auto batch = subscription_->Next(
        kChunk, catching_up ? std::chrono::milliseconds(0) : std::chrono::milliseconds(200));
    if (!batch.ok()) {
      if (batch.status().code() != StatusCode::kCancelled) {
        spdlog::error("stream: reading the log: {}", batch.status().ToString());
      }
      return;
    }
    std::vector<std::shared_ptr<Client>> clients;
    std::uint64_t before = 0;
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      before = live_position_;
      clients.reserve(clients_.size());
      for (const auto& [id, c] : clients_) clients.push_back(c);
    }
    if (!batch->empty()) {
      // Scope is judged on the read models once they include these events.
      ctx_.runtime.WaitFor(batch->back().position, std::chrono::seconds(5));
      for (const auto& e : *batch) {
        if (e.stream.starts_with("user-") || e.stream.starts_with("role-")) RecheckSessions();
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (recheck_.exchange(false, std::memory_order_acq_rel) ||
        now - last_recheck > std::chrono::seconds(5)) {
      last_recheck = now;
      Recheck(clients);
    }
    for (const auto& e : *batch) Deliver(clients, e, true);
    const std::uint64_t live = batch->empty() ? before : batch->back().position;
    {
      std::lock_guard lock(mu_);
      live_position_ = live;
    }
    // Clients behind the live position read the log, a chunk per round each.
    catching_up = false;
    for (const auto& client : clients) {
      std::uint64_t cursor = 0;
      {
        std::lock_guard lock(client->mu);
        if (!client->topics || client->cursor >= before) continue;
        cursor = client->cursor;
      }
      auto events =
          ctx_.store.ReadAll(cursor + 1, std::min<std::uint64_t>(kChunk, before - cursor));
      if (!events.ok() || events->empty()) continue;
      ctx_.runtime.WaitFor(events->back().position, std::chrono::seconds(5));
      std::vector<std::shared_ptr<Client>> one{client};
      for (const auto& e : *events) Deliver(one, e, false);
      std::lock_guard lock(client->mu);
      if (client->cursor < live) catching_up = true;
    }
  }
}

void StreamHub::Deliver(const std::vector<std::shared_ptr<Client>>& clients,
                        const eventstore::RecordedEvent& event, bool live) {
  std::optional<Prepared> prepared;
  auto prepare = [&]() -> Prepared& {
    if (prepared) return *prepared;
    Prepared& p = prepared.emplace();
    p.kind = projections::FindKindByStream(event.stream);
    if (p.kind != nullptr) {
      p.id = std::string(projections::RecordIdOfStream(*p.kind, event.stream));
      p.record_topic =
          std::string(p.kind->stream_prefix.substr(0, p.kind->stream_prefix.size() - 1)) + ":" +
          p.id;
      p.permission = std::string(p.kind->permission) + ".read";
      if (p.kind->spec != nullptr) {
        p.record = ctx_.tables.Get(*p.kind->spec, p.id);
        p.exists = p.record.has_value();
      } else if (auto view = ctx_.records.Get(*p.kind, p.id)) {
        p.exists = true;
        p.org_wide = &*p.kind == &ctx_.directory.roles();
        p.placement = ctx_.directory.PlacementOf(*p.kind, *view);
      }
    }
    auto payload = ParseJson(event.payload);
    p.data = payload.ok() ? std::move(payload).value() : Json::MakeObject();
    domain::RemoveSecrets(p.data);
    return p;
  };
  for (const auto& client : clients) {
    std::shared_ptr<const Topics> topics;
    std::uint64_t generation = 0;
    {
      std::lock_guard lock(client->mu);
      if (!client->topics || client->cursor >= event.position) continue;
      // Live events go to clients already caught up; the rest read the log.
      if (live && client->cursor + 1 < event.position) continue;
      topics = client->topics;
      generation = client->generation;
    }
    Prepared& p = prepare();
    std::string topic;
    if (p.kind != nullptr) {
      if (topics->contains(p.record_topic)) {
        topic = p.record_topic;
      } else if (topics->contains(p.kind->collection)) {
        topic = std::string(p.kind->collection);
      }
    }
    if (topic.empty() && topics->contains("events")) topic = "events";
    bool admitted = !topic.empty();
    // Deny by default: what the read model does not know is sent to nobody
    // but a super administrator.
    if (admitted && p.kind == nullptr) {
      admitted = client->principal.super_admin;
    } else if (admitted) {
      admitted = p.exists && domain::HasPermission(client->principal, p.permission);
      if (admitted && p.record) {
        // The one access rule of reads (owner in scope, team, private views, the pool).
        admitted =
            CheckRecordAccess(ctx_, client->principal, *p.kind->spec, *p.record, Need::kRead).ok();
      } else if (admitted) {
        admitted = p.org_wide || domain::InScope(client->principal, p.placement);
      }
    }
    if (admitted) {
      auto& message = p.rendered[topic];
      if (!message) {
        JsonWriter w;
        w.BeginObject();
        w.Key("position").Int(static_cast<std::int64_t>(event.position));
        w.Key("topic").String(topic);
        w.Key("type").String(event.type);
        w.Key("id").String(p.id);
        w.Key("at").String(FormatTimestamp(event.recorded_at_ns));
        w.Key("data").Value(p.data);
        w.EndObject();
        message = std::make_shared<const std::string>(w.Take());
      }
      client->connection->Send(message);
    }
    std::lock_guard lock(client->mu);
    if (client->generation == generation) client->cursor = event.position;
  }
}

}  // namespace chronicle::api
