# chronicle_add_library(NAME SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# One library per layer: public headers in include/, private code in src/.
function(chronicle_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  if(ARG_SOURCES)
    add_library(${name} STATIC ${ARG_SOURCES})
    target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                       PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_link_libraries(${name} PUBLIC chronicle_options ${ARG_PUBLIC_DEPS}
                                  PRIVATE chronicle_warnings ${ARG_PRIVATE_DEPS})
  else()
    add_library(${name} INTERFACE)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include)
      target_include_directories(${name} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    endif()
    target_link_libraries(${name} INTERFACE chronicle_options ${ARG_PUBLIC_DEPS})
  endif()
  string(REPLACE "chronicle_" "" short ${name})
  add_library(chronicle::${short} ALIAS ${name})
endfunction()

# chronicle_add_test(NAME SOURCES ... DEPS ... [LABELS ...] [TIMEOUT s])
# One GoogleTest binary, registered with CTest as one test (labels select runs).
function(chronicle_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE chronicle_options chronicle_warnings ${ARG_DEPS}
                                        GTest::gtest GTest::gtest_main GTest::gmock)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}")
endfunction()
