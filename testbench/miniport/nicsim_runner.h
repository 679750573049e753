// Runs the nicsim command as a user would (a child process) and reads its summary JSON, so each
// run gets its own SystemC elaboration and the tests check the real command line.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nicsim::testing {

struct NicsimRun {
  int exit_code = -1;
  std::string output;      // stdout and stderr
  nlohmann::json summary;  // null when no summary was written
  bool has_rule(const std::string& rule) const;
  // The driver's accesses reached the race checker. The asan preset builds the driver without
  // that instrumentation (ASan and TSan cannot share a translation unit).
  bool race_instrumented() const;
  std::string violations_text() const;  // for failure messages
};

// Rules only the race instrumentation can see: a build without it never reports them.
bool seen_through_instrumentation(const std::string& rule);

// Adds --summary to a fresh temporary file unless with_summary is false.
NicsimRun run_nicsim(std::vector<std::string> args, bool with_summary = true);
// A fresh temporary directory for files a test writes.
std::string temp_dir();

}  // namespace nicsim::testing
