# cmake -DFUZZER=bin -DSEEDS=dir -DWORK=dir -DSECONDS=n [-DDICT=file] -P RunFuzzer.cmake
# Runs one libFuzzer target for SECONDS ($ENV{CHRONICLE_FUZZ_SECONDS} wins
# when set) on a fresh copy of SEEDS in WORK/corpus/, which it may grow.
# A crash, leak, timeout (10 s per input) or RSS over 2 GB fails the run and
# leaves the input in WORK/artifacts/.
if(DEFINED ENV{CHRONICLE_FUZZ_SECONDS} AND NOT "$ENV{CHRONICLE_FUZZ_SECONDS}" STREQUAL "")
  set(SECONDS "$ENV{CHRONICLE_FUZZ_SECONDS}")
endif()
if(NOT SECONDS MATCHES "^[1-9][0-9]*$")
  message(FATAL_ERROR "fuzz seconds must be a positive integer, not '${SECONDS}'")
endif()

file(REMOVE_RECURSE ${WORK}/corpus ${WORK}/artifacts)
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
file(GLOB seeds ${SEEDS}/*)
file(COPY ${seeds} DESTINATION ${WORK}/corpus)

# UBSan prints a stack only when asked.
if(NOT DEFINED ENV{UBSAN_OPTIONS})
  set(ENV{UBSAN_OPTIONS} "print_stacktrace=1")
endif()

set(args -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
         -artifact_prefix=${WORK}/artifacts/)
if(DICT)
  list(APPEND args -dict=${DICT})
endif()
execute_process(COMMAND ${FUZZER} ${args} ${WORK}/corpus RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(GLOB found ${WORK}/artifacts/*)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); reproducers: ${found}\n"
                      "replay one with: ${FUZZER} FILE")
endif()
