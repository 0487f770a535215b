#include "idempotency.hpp"

#include <spdlog/spdlog.h>

#include "chronicle/base/json.hpp"
#include "chronicle/json/parse.hpp"
#include "problem.hpp"
#include "sha256.hpp"

namespace chronicle::api {
namespace {

constexpr std::string_view kKeySpace = "idempotency";

// A kept answer, or (r null) the mark of a request still running.
std::string Encode(const std::string& fingerprint, std::int64_t at_ns, const Response* response) {
  JsonWriter w;
  w.BeginObject();
  w.Key("fingerprint").String(fingerprint);
  w.Key("at_ns").Int(at_ns);
  if (response == nullptr) {
    w.Key("pending").Bool(true);
    w.EndObject();
    return w.Take();
  }
  const Response& r = *response;
  w.Key("status").Int(r.status);
  w.Key("content_type").String(r.content_type);
  w.Key("headers").BeginArray();
  for (const auto& [name, value] : r.headers) w.BeginArray().String(name).String(value).EndArray();
  w.EndArray();
  w.Key("body").String(r.body);
  w.EndObject();
  return w.Take();
}

std::size_t SizeOf(const Response& r) {
  std::size_t n = r.body.size() + r.content_type.size() + 256;
  for (const auto& [name, value] : r.headers) n += name.size() + value.size();
  return n;
}

}  // namespace

Result<std::unique_ptr<IdempotencyCache>> IdempotencyCache::Open(Options options,
                                                                 projections::ReadModelStore* disk,
                                                                 std::int64_t now_ns) {
  std::unique_ptr<IdempotencyCache> cache(new IdempotencyCache(options, disk));
  if (disk == nullptr) return cache;
  CHRONICLE_ASSIGN_OR_RETURN(auto loaded, disk->Load(kKeySpace));
  std::vector<std::pair<std::int64_t, std::string>> by_age;
  std::lock_guard lock(cache->mu_);
  for (const auto& [id, text] : loaded.documents) {
    auto doc = ParseJson(text);
    if (!doc.ok() || !doc->is_object()) continue;
    const Json* fp = doc->Find("fingerprint");
    const Json* at = doc->Find("at_ns");
    if (const Json* pending = doc->Find("pending");
        pending != nullptr && pending->is_bool() && pending->as_bool() && fp != nullptr &&
        fp->is_string() && at != nullptr && at->is_int()) {
      // The server stopped while the first request ran: it may or may not
      // have been applied, so it is never run again under this key.
      Response r = ProblemResponse(
          409, "conflict",
          "the first request with this Idempotency-Key was interrupted by a server restart and "
          "may have been applied: check the record, then retry with a new key");
      Entry entry{fp->as_string(), std::nullopt, at->as_int(), SizeOf(r)};
      entry.response = std::move(r);
      cache->bytes_ += entry.bytes;
      by_age.emplace_back(entry.at_ns, id);
      cache->entries_.emplace(id, std::move(entry));
      continue;
    }
    const Json* status = doc->Find("status");
    const Json* type = doc->Find("content_type");
    const Json* headers = doc->Find("headers");
    const Json* body = doc->Find("body");
    if (fp == nullptr || !fp->is_string() || at == nullptr || !at->is_int() || status == nullptr ||
        !status->is_int() || type == nullptr || !type->is_string() || headers == nullptr ||
        !headers->is_array() || body == nullptr || !body->is_string()) {
      continue;
    }
    Response r;
    r.status = static_cast<unsigned>(status->as_int());
    r.content_type = type->as_string();
    for (const auto& h : headers->as_array()) {
      if (h.is_array() && h.as_array().size() == 2 && h.as_array()[0].is_string() &&
          h.as_array()[1].is_string()) {
        r.headers.emplace_back(h.as_array()[0].as_string(), h.as_array()[1].as_string());
      }
    }
    r.body = body->as_string();
    Entry entry{fp->as_string(), std::nullopt, at->as_int(), SizeOf(r)};
    entry.response = std::move(r);
    cache->bytes_ += entry.bytes;
    by_age.emplace_back(entry.at_ns, id);
    cache->entries_.emplace(id, std::move(entry));
  }
  std::sort(by_age.begin(), by_age.end());
  for (auto& [at, id] : by_age) cache->order_.push_back(std::move(id));
  cache->Evict(now_ns);
  return cache;
}

std::size_t IdempotencyCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

Response IdempotencyCache::Run(const std::string& scope, const std::string& key,
                               std::string_view body, std::int64_t now_ns,
                               const std::function<Response()>& run) {
  // The id is a hash too: the key never grows memory beyond 64 bytes.
  const std::string id = Sha256Hex(scope + '\n' + key);
  const std::string fingerprint = Sha256Hex(body);
  std::unique_lock lock(mu_);
  for (;;) {
    auto it = entries_.find(id);
    if (it == entries_.end()) break;
    if (it->second.fingerprint != fingerprint) {
      return ProblemResponse(409, "conflict",
                             "this Idempotency-Key was used with a different request body");
    }
    if (it->second.response) return *it->second.response;
    done_.wait(lock);
  }
  entries_[id] = Entry{fingerprint, std::nullopt, now_ns, 0};
  // On disk first as pending: a crash while the command runs must not let a
  // retry after the restart apply it a second time.
  Persist(id, Encode(fingerprint, now_ns, nullptr));
  lock.unlock();
  Response response = run();
  lock.lock();
  if (response.status >= 500) {
    entries_.erase(id);  // a failure that changed nothing may be retried
    Forget(id);
  } else {
    Entry& entry = entries_[id];
    entry.response = response;
    Keep(id, entry, now_ns);
  }
  done_.notify_all();
  return response;
}

void IdempotencyCache::Keep(const std::string& id, Entry& entry, std::int64_t now_ns) {
  entry.bytes = SizeOf(*entry.response);
  bytes_ += entry.bytes;
  order_.push_back(id);
  Persist(id, Encode(entry.fingerprint, entry.at_ns, &*entry.response));
  Evict(now_ns);
}

void IdempotencyCache::Persist(const std::string& id, std::string document) {
  if (disk_ == nullptr) return;
  projections::DocChanges changes;
  changes.Put(id, std::move(document));
  if (Status s = disk_->Commit(kKeySpace, 0, changes); !s.ok()) {
    spdlog::error("idempotency: writing to disk: {}", s.ToString());
  }
}

void IdempotencyCache::Forget(const std::string& id) {
  if (disk_ == nullptr) return;
  projections::DocChanges changes;
  changes.Delete(id);
  if (Status s = disk_->Commit(kKeySpace, 0, changes); !s.ok()) {
    spdlog::error("idempotency: forgetting a key: {}", s.ToString());
  }
}

void IdempotencyCache::Evict(std::int64_t now_ns) {
  const std::int64_t oldest_kept =
      now_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(options_.max_age).count();
  projections::DocChanges changes;
  while (!order_.empty()) {
    auto it = entries_.find(order_.front());
    if (it != entries_.end() && bytes_ <= options_.max_bytes && it->second.at_ns >= oldest_kept) {
      break;
    }
    if (it != entries_.end()) {
      bytes_ -= it->second.bytes;
      entries_.erase(it);
    }
    changes.Delete(order_.front());
    order_.pop_front();
  }
  if (disk_ != nullptr && !changes.deletes().empty()) {
    if (Status s = disk_->Commit(kKeySpace, 0, changes); !s.ok()) {
      spdlog::error("idempotency: forgetting old keys: {}", s.ToString());
    }
  }
}

}  // namespace chronicle::api
