// Appends to the log in sync mode from several threads until killed,
// writing "POSITION INDEX FIRST_INDEX_OF_ITS_APPEND\n" to stdout for every event once its append
// has been acknowledged. Usage: chronicle_crash_child DATA_DIR FIRST_INDEX
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "chronicle/eventstore/event_store.hpp"
#include "crash_events.hpp"

int main(int argc, char** argv) {
  using namespace chronicle;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DATA_DIR FIRST_INDEX\n", argv[0]);
    return 2;
  }
  auto store = eventstore::EventStore::Open({}, argv[1]);  // default durability: sync
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  std::atomic<std::uint64_t> next_index{std::strtoull(argv[2], nullptr, 10)};
  std::mutex out_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (;;) {
        // 1-3 events per append, all in the stream of the first index.
        std::uint64_t count = 1 + next_index.load() % 3;
        std::uint64_t first = next_index.fetch_add(count);
        std::vector<eventstore::NewEvent> events;
        for (std::uint64_t i = 0; i < count; ++i)
          events.push_back(chronicle::testing::CrashEvent(first + i));
        auto r = (*store)->Append(chronicle::testing::CrashStream(first),
                                  eventstore::ExpectedVersion::Any(), std::move(events));
        if (!r.ok()) {
          std::fprintf(stderr, "append: %s\n", r.status().ToString().c_str());
          std::_Exit(1);
        }
        std::string acks;
        for (std::uint64_t i = 0; i < count; ++i) {
          acks += std::to_string(r->first_position + i) + " " + std::to_string(first + i) + " " +
                  std::to_string(first) + "\n";
        }
        std::lock_guard lock(out_mu);
        // Short writes to a pipe are atomic (< PIPE_BUF): a line is whole or absent.
        if (write(STDOUT_FILENO, acks.data(), acks.size()) < 0) std::_Exit(1);
      }
    });
  }
  for (auto& t : threads) t.join();
}
