# sb_module(): one library per folder under src/, with the allowed dependency graph written once.
# A module that links a module not listed as allowed for it fails at configure time, so a
# layering violation never compiles (the CMake analogue of Envoy's Bazel visibility rules).
#
#   sb_module(NAME core SOURCES a.cc b.cc DEPS base [EXTERNAL Some::lib])
#   sb_module_test(NAME core SOURCES a_test.cc [DEPS extra])

set(SB_ALLOWED_base "")
set(SB_ALLOWED_core "base")
set(SB_ALLOWED_wfm "base")
set(SB_ALLOWED_sim "core;wfm;base")
# The organization's records: import, index, search, screen pop.
set(SB_ALLOWED_directory "base")
# The store: event log, CDRs, cases, audit, users, configuration versions (SQLite, PostgreSQL).
set(SB_ALLOWED_store "eventlog;core;base")
# Cases: lifecycle, dispositions, follow-ups, confirmation numbers, versioned edits.
set(SB_ALLOWED_cases "store;eventlog;core;base")
# The event log on disk (JSON Lines); core itself never serialises.
set(SB_ALLOWED_eventlog "core;base")
# config turns TOML into the plain settings structs that core, sim and wfm declare.
set(SB_ALLOWED_config "core;sim;wfm;base")
# The server core: typed commands over the engine, registries of live contacts and agents, the
# event bus (no JSON, no clock, no thread of its own).
set(SB_ALLOWED_control "cases;store;directory;core;base")
# SIP signalling: a thin adapter over sofia-sip's nua (its own thread), replaceable.
set(SB_ALLOWED_sip "base")
# RTP media: our own engine (one epoll thread, a 20 ms tick, relay, G.711, RFC 4733).
set(SB_ALLOWED_media "base")
# The call flow: SIP and media happenings become commands, the engine's events SIP/media actions.
# store: only for its record types (store::CallDetail, handed to the server's writer through a
# hook); telephony never opens or reads a store.
set(SB_ALLOWED_telephony "control;config;sip;media;store;core;base")
set(SB_ALLOWED_server "telephony;sip;control;config;cases;store;directory;eventlog;sim;wfm;core;base")

function(sb_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPS;EXTERNAL" ${ARGN})
  if(NOT DEFINED SB_ALLOWED_${M_NAME})
    message(FATAL_ERROR "module '${M_NAME}' is not in the module graph (cmake/SbModule.cmake)")
  endif()
  foreach(dep IN LISTS M_DEPS)
    if(NOT dep IN_LIST SB_ALLOWED_${M_NAME})
      message(FATAL_ERROR "module '${M_NAME}' may not depend on '${dep}' "
                          "(allowed: ${SB_ALLOWED_${M_NAME}}); see cmake/SbModule.cmake")
    endif()
  endforeach()
  add_library(sb_${M_NAME} STATIC ${M_SOURCES})
  target_include_directories(sb_${M_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  list(TRANSFORM M_DEPS PREPEND sb_ OUTPUT_VARIABLE dep_targets)
  target_link_libraries(sb_${M_NAME} PUBLIC ${dep_targets} ${M_EXTERNAL})
endfunction()

function(sb_module_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${T_NAME}_test ${T_SOURCES})
  list(TRANSFORM T_DEPS PREPEND sb_ OUTPUT_VARIABLE dep_targets)
  target_link_libraries(${T_NAME}_test PRIVATE sb_${T_NAME} ${dep_targets} GTest::gtest
                        GTest::gmock GTest::gtest_main)
  target_compile_definitions(${T_NAME}_test PRIVATE
                             SB_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
                             SB_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  include(GoogleTest)
  gtest_discover_tests(${T_NAME}_test DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ${T_NAME})
endfunction()
