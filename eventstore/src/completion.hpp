#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <optional>

#include "chronicle/base/result.hpp"
#include "chronicle/eventstore/event_store.hpp"

namespace chronicle::eventstore {

// Pauses the CPU briefly inside a spin loop.
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Spins while `ready()` is false for at most `spins` rounds; true once it is true.
template <typename Ready>
bool SpinUntil(const Ready& ready, int spins) {
  for (int i = 0; i < spins; ++i) {
    if (ready()) return true;
    CpuRelax();
  }
  return ready();
}

// One append result handed from the writer thread to its blocked caller,
// through a bare Linux futex: no mutex for the woken caller to re-acquire.
//
// On a virtual machine a futex wake-up costs tens of microseconds, more than
// an unsynced append. So a lone caller (nobody else queued) spins briefly
// before sleeping; under load spinning would only steal the writer's core.
// (std::binary_semaphore spins with sched_yield in every waiter: measured
// worse. One condition variable for a whole group: every woken caller then
// queues on its mutex: worse again.)
class Completion {
 public:
  // Writer thread.
  void Set(Result<AppendResult> result) {
    outcome.emplace(std::move(result));
    state_.store(1, std::memory_order_release);
    // The caller may already have seen state_ and returned; a wake on its
    // dead stack slot wakes nobody, which futex semantics allow.
    syscall(SYS_futex, &state_, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  }

  void Wait(bool may_spin) {
    auto ready = [this] { return state_.load(std::memory_order_acquire) != 0; };
    if (may_spin) {
      int expected = 0;
      if (spinners_.compare_exchange_strong(expected, 1)) {
        const bool done = SpinUntil(ready, kSpins);
        spinners_.store(0);
        if (done) return;
      }
    }
    while (!ready()) {
      syscall(SYS_futex, &state_, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
    }
  }

  std::optional<Result<AppendResult>> outcome;  // written before state_

 private:
  static constexpr int kSpins = 20000;  // ~100-200 us of pause instructions
  static inline std::atomic<int> spinners_{0};

  std::atomic<std::int32_t> state_{0};
  static_assert(sizeof(std::atomic<std::int32_t>) == 4, "futex word");
};

}  // namespace chronicle::eventstore
