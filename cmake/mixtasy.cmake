# SPDX-License-Identifier: BSD-2-Clause
# Helpers every part's CMakeLists.txt uses, so that a part adds a test or a
# fuzz target in one line and all of them get the same labels and options.

# One Catch2 main for every unit-test binary, compiled once.
add_library(mixtasy_catch_main STATIC ${PROJECT_SOURCE_DIR}/tests/unit/catch_main.cpp)
target_link_libraries(mixtasy_catch_main PUBLIC Catch2::Catch2)

# mixtasy_add_unit_test(NAME LABEL SOURCES... LIBS lib...)
#   A Catch2 binary whose test cases become ctest tests labelled LABEL
#   (crypto, store, core, milter, e2e) so that `ctest -L LABEL` runs one part.
#   Tests run with the source tree's tests/data as their working directory's
#   neighbour: MIXTASY_TEST_DATA points at it.
function(mixtasy_add_unit_test name label)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  if(NOT ARG_UNPARSED_ARGUMENTS)
    return()  # a part with no tests yet
  endif()
  # ctest runs each case as `binary "<name>"`; Catch2 reads a leading '-'
  # or '~' as "all but", so such a case ran the whole binary (three "-n:"
  # cases cost 63 s each in CI).  Refuse those names at configure time.
  foreach(source ${ARG_UNPARSED_ARGUMENTS})
    file(STRINGS ${source} bad REGEX "TEST_CASE\\(\"[-~]")
    if(bad)
      message(FATAL_ERROR "${source}: a TEST_CASE name starts with '-' or '~' (${bad})")
    endif()
  endforeach()
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE mixtasy_catch_main ${ARG_LIBS})
  target_compile_definitions(${name} PRIVATE
    MIXTASY_TEST_DATA="${PROJECT_SOURCE_DIR}/tests/data"
    MIXTASY_BINARY_DIR="${PROJECT_BINARY_DIR}")
  catch_discover_tests(${name}
    TEST_PREFIX "${label}:"
    PROPERTIES LABELS ${label})
endfunction()

# mixtasy_add_kill_victim(TEST NAME SOURCE DEFINE LIBS lib...)
#   A victim program that a kill test of unit-test binary TEST SIGKILLs at
#   random moments: built before TEST, its path handed to TEST as the
#   compile definition DEFINE.
function(mixtasy_add_kill_victim test name source define)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  if(TARGET ${test})
    add_dependencies(${test} ${name})
    target_compile_definitions(${test} PRIVATE ${define}="$<TARGET_FILE:${name}>")
  endif()
endfunction()

# mixtasy_add_fuzzer(NAME SOURCE LIBS lib...)
#   A libFuzzer target with -DMIXTASY_FUZZ=ON (clang).  In the ordinary
#   build, NAME_replay instead: the same target under tests/fuzz/replay_main.cpp,
#   and the ctest fuzz:NAME-seeds (label fuzz) that replays its seed corpus.
function(mixtasy_add_fuzzer name source)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  if(NOT MIXTASY_FUZZ)
    add_executable(${name}_replay ${source} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
    target_link_libraries(${name}_replay PRIVATE ${ARG_LIBS})
    set(seeds ${PROJECT_SOURCE_DIR}/tests/fuzz/seeds/${name})
    if(EXISTS ${seeds})
      # From the repository root, as scripts/fuzz runs them (fixed keys in tests/data).
      add_test(NAME fuzz:${name}-seeds COMMAND ${name}_replay ${seeds} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
      set_tests_properties(fuzz:${name}-seeds PROPERTIES LABELS fuzz)
    endif()
    return()
  endif()
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
endfunction()
