# Project-wide policy lives in two INTERFACE targets that every target links:
# chronicle_warnings (diagnostics) and chronicle_options (language, sanitizers).

add_library(chronicle_warnings INTERFACE)
target_compile_options(chronicle_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                    -Wnon-virtual-dtor -Wcast-align)
if(CHRONICLE_WARNINGS_AS_ERRORS)
  target_compile_options(chronicle_warnings INTERFACE -Werror)
endif()

# Fuzzing needs libFuzzer (clang) and sanitizers: ASan+UBSan unless the
# cache names others. Every library gets the fuzzer's coverage
# instrumentation (fuzzer-no-link); only fuzz/ targets link libFuzzer itself.
if(CHRONICLE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CHRONICLE_FUZZ needs clang (libFuzzer): cmake --preset fuzz")
  endif()
  if(NOT CHRONICLE_SANITIZE)
    set(CHRONICLE_SANITIZE address,undefined)
  endif()
endif()

add_library(chronicle_options INTERFACE)
target_compile_features(chronicle_options INTERFACE cxx_std_20)
if(CHRONICLE_SANITIZE)
  target_compile_options(chronicle_options INTERFACE -fsanitize=${CHRONICLE_SANITIZE}
                                                     -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(chronicle_options INTERFACE -fsanitize=${CHRONICLE_SANITIZE})
endif()
if(CHRONICLE_FUZZ)
  target_compile_options(chronicle_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

if(CHRONICLE_CLANG_TIDY)
  find_program(CLANG_TIDY_EXE NAMES clang-tidy REQUIRED)
  set(CMAKE_CXX_CLANG_TIDY ${CLANG_TIDY_EXE})
endif()

find_program(CCACHE_EXE ccache)
if(CCACHE_EXE)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_EXE})
endif()
