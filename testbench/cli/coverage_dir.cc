// The parts of --coverage that options need (no Verilator): is this a coverage build, DIR's
// folders, and where gcov writes.
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "sim/output_file.h"
#include "testbench/cli/coverage_output.h"

namespace nicsim::cli {

bool coverage_built() {
#if NICSIM_COVERAGE
  return true;
#else
  return false;
#endif
}

std::string make_coverage_dir(const std::string& dir) {
  for (const char* part : {"rtl", "gcov", "functional"}) {
    const std::filesystem::path path = std::filesystem::path(dir) / part;
    std::error_code error;
    std::filesystem::create_directories(path, error);
    if (error) return "--coverage " + path.string() + ": cannot create it: " + error.message();
    if (auto problem = sim::check_output_path((path / ".probe").string()); !problem.empty())
      return "--coverage " + problem;
  }
  return "";
}

void route_gcov_output(const std::string& dir) {
  // libgcov reads these when it writes the counters at exit: DIR/gcov/<the object's full path>.
  setenv("GCOV_PREFIX", (std::filesystem::path(dir) / "gcov").c_str(), 1);
  unsetenv("GCOV_PREFIX_STRIP");
}

}  // namespace nicsim::cli
