// GoogleTest entry for test binaries that link SystemC. libsystemc.so owns main() and calls
// sc_main(), so the tests start here. Each test runs in its own process (gtest_discover_tests),
// because SystemC elaborates once per process.
#include <gtest/gtest.h>

#include <cstdlib>

extern "C" int sc_main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
