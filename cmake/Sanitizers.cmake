# Sanitizer and fuzzing builds. Included from the root CMakeLists.txt before any target is
# defined, so the flags reach the core, every plugin, the tests and the fuzz targets alike.
#
#   -DSWITCHBOARD_SANITIZE=ON  ASan + UBSan (GCC or Clang); any report aborts the process.
#   -DSWITCHBOARD_FUZZ=ON      libFuzzer targets in fuzz/ (Clang only: CC=clang CXX=clang++).
#                              Everything is instrumented for coverage (fuzzer-no-link) and
#                              built with ASan + UBSan; only the fuzz executables link the
#                              libFuzzer driver.
#
# SWITCHBOARD_PLUGIN_LINK_OPTIONS is what switchboard_add_plugin() links plugins with.

option(SWITCHBOARD_SANITIZE "Build everything with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(SWITCHBOARD_FUZZ "Build the libFuzzer targets in fuzz/ (needs Clang)" OFF)

# UBSan must stop the process like ASan does, or a report would scroll past in a passing test.
set(SWITCHBOARD_SANITIZER_FLAGS
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)

# --no-undefined turns a symbol missing from a plugin into a link error instead of a dlopen
# failure (TOOLCHAIN.md).
set(SWITCHBOARD_PLUGIN_LINK_OPTIONS -Wl,--no-undefined)

if(SWITCHBOARD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SWITCHBOARD_FUZZ needs Clang: configure with CC=clang CXX=clang++")
  endif()
  add_compile_options(${SWITCHBOARD_SANITIZER_FLAGS} -fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=address,undefined)
  # Clang links the sanitizer and coverage runtimes into executables only; a plugin's
  # __asan_*/__sanitizer_cov_* references are resolved against the fuzzer that dlopens it,
  # so a plugin cannot be linked with --no-undefined here.
  set(SWITCHBOARD_PLUGIN_LINK_OPTIONS "")
elseif(SWITCHBOARD_SANITIZE)
  add_compile_options(${SWITCHBOARD_SANITIZER_FLAGS})
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's flow analysis sees through the sanitizer instrumentation poorly and reports
    # std::regex and std::function internals as maybe-uninitialized (-Werror would stop the
    # build); the normal build keeps the warning.
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # GCC links libasan/libubsan into shared objects; Clang does so only with a shared runtime.
    add_link_options(-shared-libsan)
  endif()
endif()
