# Every public header compiles on its own (Seastar's check): one generated .cc per header that
# includes only that header, built as an object library. Off by default; the ci preset turns it
# on (SB_HEADER_CHECK). A header that leans on what its includer happened to include first
# fails here.
file(GLOB_RECURSE sb_public_headers RELATIVE ${PROJECT_SOURCE_DIR}/src
     CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/*.h)
set(sb_header_sources "")
foreach(h IN LISTS sb_public_headers)
  string(MAKE_C_IDENTIFIER "${h}" id)
  set(cc ${CMAKE_BINARY_DIR}/header_check/${id}.cc)
  if(NOT EXISTS ${cc})
    file(WRITE ${cc} "#include \"${h}\"  // compiles alone\n")
  endif()
  list(APPEND sb_header_sources ${cc})
endforeach()
find_package(Boost 1.74 REQUIRED)
add_library(sb_header_check OBJECT ${sb_header_sources})
target_include_directories(sb_header_check PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(sb_header_check PRIVATE GTest::gtest benchmark::benchmark
                      nlohmann_json::nlohmann_json tomlplusplus::tomlplusplus CLI11::CLI11
                      Boost::headers
                      # for the include paths of their libraries (sofia-sip's is not a system one)
                      sb_sip sb_media)
