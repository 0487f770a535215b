#pragma once

// Contract checks for the fuzz targets. Unlike assert() they hold in every
// build type (the fuzz preset is RelWithDebInfo, so NDEBUG), and they abort
// so that libFuzzer keeps the input as a crash reproducer.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace chronicle::fuzz {

// Prints what failed (and `detail`, e.g. the offending text) and aborts.
[[noreturn]] inline void Fail(const char* file, int line, const char* condition,
                              std::string_view detail) {
  std::fprintf(stderr, "%s:%d: fuzz contract broken: %s\n", file, line, condition);
  if (!detail.empty()) {
    std::fprintf(stderr, "  detail: %.*s\n", static_cast<int>(detail.size()), detail.data());
  }
  std::abort();
}

}  // namespace chronicle::fuzz

// CHRONICLE_FUZZ_CHECK(condition) or CHRONICLE_FUZZ_CHECK(condition, detail).
#define CHRONICLE_FUZZ_CHECK(condition, ...)                                \
  do {                                                                      \
    if (!(condition)) {                                                     \
      ::chronicle::fuzz::Fail(__FILE__, __LINE__, #condition,               \
                              ::std::string_view(__VA_OPT__(__VA_ARGS__))); \
    }                                                                       \
  } while (0)

// The libFuzzer entry point every fuzz_<name>.cpp defines.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
