// Event log throughput against raw RocksDB, in one process.
//
//   build/bench/chronicle_bench_eventstore [--seconds S] [--dir DIR]
//
// Ceilings: raw RocksDB writes of the same key/value bytes an append writes
// (one WriteBatch per event, WAL on; without and with fsync) and a raw
// iterator scan for reads. Every figure
// is printed as events/s and as a ratio of its ceiling from this same run.
#include <rocksdb/db.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "chronicle/eventstore/event_store.hpp"
#include "record_codec.hpp"

namespace {

using namespace chronicle;
using namespace chronicle::eventstore;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double g_seconds = 2.0;
fs::path g_root;

NewEvent BenchEvent(std::uint64_t n) {
  NewEvent e;
  e.type = "CustomerUpdated";
  e.payload =
      R"({"name":"上海某某科技有限公司","level":"a","industry":"制造业","phone":"021-5555)" +
      std::to_string(n % 10000) + R"(","remark":"第)" + std::to_string(n) +
      R"(次跟进后更新的客户资料"})";
  e.metadata = {"0193a1b2-user", "corr-" + std::to_string(n), ""};
  return e;
}

std::string RecordBytes(std::uint64_t n) {
  NewEvent source = BenchEvent(n);
  RecordedEvent e;
  e.id = NewUuidV7(1'700'000'000'000);
  e.stream = "customer-0193a1b2c3d4-" + std::to_string(n % 64);
  e.position = n;
  e.version = n / 64;
  e.type = source.type;
  e.metadata = source.metadata;
  e.payload = source.payload;
  return codec::EncodeRecord(e, Hash{});
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Figure {
  double events_per_second;
};

void Print(const char* name, double rate, double ceiling, const char* ceiling_name) {
  std::printf("%-34s %12.0f events/s   %6.1f%% of %s\n", name, rate, 100.0 * rate / ceiling,
              ceiling_name);
}

// The ceiling: what one append of one event writes (record, stream index,
// stream head, event-id entry: the same key/value bytes, the same column
// families), written by one thread as one raw WriteBatch per event, for
// g_seconds. With `record_only`, just the record, as one plain Put.
double RawPuts(bool sync, bool record_only) {
  fs::path dir =
      g_root / ((sync ? "raw-sync" : "raw-async") + std::string(record_only ? "-1" : "-4"));
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const char* name : {"default", "log", "stream_index", "stream_head", "event_id"}) {
    cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> h;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir.string(), cfs, &h, &raw).ok()) std::abort();
  rocksdb::WriteOptions write;
  write.sync = sync;
  std::vector<std::string> records;
  for (std::uint64_t i = 0; i < 1024; ++i) records.push_back(RecordBytes(i + 1));
  std::uint64_t n = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(g_seconds);
  while (Clock::now() < end) {
    for (int i = 0; i < 64; ++i, ++n) {
      const std::string key = codec::LogKey(n + 1);
      if (record_only) {
        if (!raw->Put(write, h[1], key, records[n % records.size()]).ok()) std::abort();
        continue;
      }
      const std::string stream = "customer-0193a1b2c3d4-" + std::to_string(n % 64);
      rocksdb::WriteBatch batch;
      batch.Put(h[1], key, records[n % records.size()]);
      batch.Put(h[2], codec::StreamIndexKey(stream, n / 64), key);
      batch.Put(h[3], stream, codec::EncodeU64(n / 64));
      batch.Put(h[4], codec::EventIdKey(NewUuidV7(1'700'000'000'000)), key);
      if (!raw->Write(write, &batch).ok()) std::abort();
    }
  }
  const double rate = static_cast<double>(n) / Seconds(Clock::now() - start);
  for (auto* handle : h) raw->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  delete raw;
  return rate;
}

// `appenders` threads, each appending one event per command to its own
// stream with an exact expected version, for g_seconds.
double Appends(EventStore& store, int appenders) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> total{0};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  static std::atomic<int> run{0};
  const int this_run = run++;
  for (int t = 0; t < appenders; ++t) {
    threads.emplace_back([&, t] {
      const std::string stream = "customer-r" + std::to_string(this_run) + "-" + std::to_string(t);
      std::optional<std::uint64_t> version;
      std::uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        auto expected = version ? ExpectedVersion::Exact(*version) : ExpectedVersion::NoStream();
        auto r = store.Append(stream, expected, {BenchEvent(n++)});
        if (!r.ok()) std::abort();
        version = r->last_version;
      }
      total += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(g_seconds));
  stop = true;
  for (auto& t : threads) t.join();
  return static_cast<double>(total) / Seconds(Clock::now() - start);
}

// `appenders` logical clients, each keeping one AppendAsync in flight and
// issuing its next command from the completion, as the API server does
// (it never parks a thread per request). For g_seconds.
double PipelinedAppends(EventStore& store, int appenders) {
  struct Client {
    std::string stream;
    std::optional<std::uint64_t> version;
    std::uint64_t n = 0;
  };
  static std::atomic<int> run{0};
  const int this_run = run++;
  std::vector<Client> clients(static_cast<std::size_t>(appenders));
  std::atomic<bool> stop{false};
  std::atomic<int> in_flight{0};
  std::function<void(Client&)> issue = [&](Client& c) {
    auto expected = c.version ? ExpectedVersion::Exact(*c.version) : ExpectedVersion::NoStream();
    store.AppendAsync(c.stream, expected, {BenchEvent(c.n)},
                      [&, client = &c](Result<AppendResult> r) {
                        if (!r.ok()) std::abort();
                        client->version = r->last_version;
                        ++client->n;
                        if (stop.load(std::memory_order_relaxed)) {
                          --in_flight;
                        } else {
                          issue(*client);
                        }
                      });
  };
  const auto start = Clock::now();
  for (int i = 0; i < appenders; ++i) {
    clients[static_cast<std::size_t>(i)].stream =
        "customer-p" + std::to_string(this_run) + "-" + std::to_string(i);
    ++in_flight;
    issue(clients[static_cast<std::size_t>(i)]);
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(g_seconds));
  stop = true;
  while (in_flight.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double elapsed = Seconds(Clock::now() - start);
  std::uint64_t total = 0;
  for (const auto& c : clients) total += c.n;
  return static_cast<double>(total) / elapsed;
}

std::unique_ptr<EventStore> OpenStore(const std::string& name, Durability durability) {
  Options options;
  options.durability = durability;
  auto store = EventStore::Open(options, g_root / name);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::abort();
  }
  return std::move(store).value();
}

double RawScan(const fs::path& dir) {
  rocksdb::Options options;
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, dir.string(), &names).ok()) std::abort();
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(options, dir.string(), cfs, &handles, &raw).ok()) std::abort();
  rocksdb::ColumnFamilyHandle* log = nullptr;
  for (auto* h : handles) {
    if (h->GetName() == "log") log = h;
  }
  std::uint64_t n = 0;
  std::size_t bytes = 0;
  const auto start = Clock::now();
  std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), log));
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++n) bytes += it->value().size();
  const double rate = static_cast<double>(n) / Seconds(Clock::now() - start);
  it.reset();
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  delete raw;
  if (bytes == 0) std::abort();
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) g_seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--dir") == 0) g_root = argv[i + 1];
  }
  if (g_root.empty()) {
    g_root =
        fs::temp_directory_path() / ("chronicle-bench-" + std::to_string(std::random_device{}()));
  }
  fs::remove_all(g_root);
  fs::create_directories(g_root);
  std::printf("chronicle_bench_eventstore: %.1f s per figure, data in %s, %u cores\n\n", g_seconds,
              g_root.c_str(), std::thread::hardware_concurrency());

  const double raw_async = RawPuts(false, false);
  const double raw_sync = RawPuts(true, false);
  std::printf("%-34s %12.0f events/s   (reference)\n", "raw put of the record only, no fsync",
              RawPuts(false, true));
  std::printf("%-34s %12.0f events/s   (ceiling)\n", "raw batch put, WAL no fsync", raw_async);
  std::printf("%-34s %12.0f events/s   (ceiling)\n\n", "raw batch put, WAL fsync", raw_sync);

  {
    auto store = OpenStore("async", Durability::kAsync);
    for (int appenders : {1, 8, 64}) {
      std::string name = "append async, " + std::to_string(appenders) + " threads";
      Print(name.c_str(), Appends(*store, appenders), raw_async, "raw (no fsync)");
    }
    for (int appenders : {8, 64}) {
      std::string name = "append async, " + std::to_string(appenders) + " pipelined";
      Print(name.c_str(), PipelinedAppends(*store, appenders), raw_async, "raw (no fsync)");
    }
  }
  std::printf("\n");
  double sync_one = 0;
  double sync_threads = 0;
  double sync_pipelined = 0;
  {
    auto store = OpenStore("sync", Durability::kSync);
    for (int appenders : {1, 8, 64}) {
      std::string name = "append sync, " + std::to_string(appenders) + " threads";
      const WriterStats before = store->Stats();
      double rate = Appends(*store, appenders);
      const WriterStats after = store->Stats();
      if (appenders == 1) sync_one = rate;
      if (appenders == 64) sync_threads = rate;
      Print(name.c_str(), rate, raw_sync, "raw (fsync)");
      std::printf("%-34s %12.1f events per fsync\n", "",
                  static_cast<double>(after.events - before.events) /
                      static_cast<double>(after.groups - before.groups));
    }
    for (int appenders : {8, 64}) {
      std::string name = "append sync, " + std::to_string(appenders) + " pipelined";
      const WriterStats before = store->Stats();
      double rate = PipelinedAppends(*store, appenders);
      const WriterStats after = store->Stats();
      if (appenders == 64) sync_pipelined = rate;
      Print(name.c_str(), rate, raw_sync, "raw (fsync)");
      std::printf("%-34s %12.1f events per fsync\n", "",
                  static_cast<double>(after.events - before.events) /
                      static_cast<double>(after.groups - before.groups));
    }
  }
  std::printf("%-34s %12.1fx  (group commit, blocking threads)\n", "sync 64 / 1 appender",
              sync_threads / sync_one);
  std::printf("%-34s %12.1fx  (group commit, pipelined)\n\n", "sync 64 pipelined / 1 appender",
              sync_pipelined / sync_one);

  // Reads over the async store's log (several hundred thousand events).
  const double raw_scan = RawScan(g_root / "async");
  std::printf("%-34s %12.0f events/s   (ceiling)\n", "raw RocksDB iterator scan", raw_scan);
  auto store = OpenStore("async", Durability::kAsync);
  const std::uint64_t last = store->LastPosition();
  auto start = Clock::now();
  std::uint64_t read = 0;
  for (std::uint64_t from = 1; from <= last;) {
    auto page = store->ReadAll(from, 1000);
    if (!page.ok() || page->empty()) std::abort();
    read += page->size();
    from = page->back().position + 1;
  }
  Print("read-all (pages of 1000)", static_cast<double>(read) / Seconds(Clock::now() - start),
        raw_scan, "raw scan");

  start = Clock::now();
  read = 0;
  for (int t = 0; t < 64; ++t) {
    const std::string stream = "customer-r2-" + std::to_string(t);  // 64-appender async run
    for (std::uint64_t v = 0;;) {
      auto page = store->ReadStreamForward(stream, v, 100);
      if (!page.ok()) std::abort();
      if (page->empty()) break;
      read += page->size();
      v = page->back().version + 1;
    }
  }
  Print("read-stream (pages of 100)", static_cast<double>(read) / Seconds(Clock::now() - start),
        raw_scan, "raw scan");
  std::printf("\n(%llu events in the read-all log)\n", static_cast<unsigned long long>(last));
  store.reset();
  fs::remove_all(g_root);
  return 0;
}
