#include "testbench/cli/coverage_output.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "sim/output_file.h"

#if NICSIM_COVERAGE
#include <verilated.h>
#include <verilated_cov.h>
#endif

namespace nicsim::cli {

std::string coverage_run_name(const RunSummary& summary) {
  std::string name = summary.scenario + "-" + summary.irq_mode + "-" + std::to_string(summary.seed);
  if (summary.driver_bug != "none") name += "-" + summary.driver_bug;
  return name + "-" + std::to_string(getpid());
}

std::string write_rtl_coverage([[maybe_unused]] VerilatedContext& context,
                               [[maybe_unused]] const std::string& dir,
                               [[maybe_unused]] const std::string& name) {
#if NICSIM_COVERAGE
  const std::string path = (std::filesystem::path(dir) / "rtl" / (name + ".dat")).string();
  if (auto error = sim::check_output_path(path); !error.empty()) return "--coverage " + error;
  // Verilator's writer reports no error: the file is checked once it is renamed into place.
  sim::OutputFile file(path);
  context.coveragep()->write(file.write_path().c_str());
  std::error_code error;
  if (std::filesystem::file_size(file.write_path(), error) == 0 || error)
    return "--coverage " + path + ": Verilator wrote no coverage data";
  if (auto commit_error = file.commit(); !commit_error.empty()) return "--coverage " + commit_error;
#endif
  return "";
}

std::string write_functional_coverage(const RunSummary& summary, const std::string& dir,
                                      const std::string& name) {
  const std::string path = (std::filesystem::path(dir) / "functional" / (name + ".json")).string();
  if (auto error = write_summary_file(summary, path); !error.empty()) return "--coverage " + error;
  return "";
}

}  // namespace nicsim::cli
