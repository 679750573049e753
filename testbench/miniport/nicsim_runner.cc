#include "testbench/miniport/nicsim_runner.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#ifndef NICSIM_PATH
#error "NICSIM_PATH must name the nicsim executable"
#endif

namespace nicsim::testing {
namespace {

std::string quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The folders this test process made, removed when it exits so thousands of test runs leave no
// litter in /tmp; NICSIM_KEEP_TEST_FILES=1 keeps them for a look after a failure.
class TempDirs {
 public:
  ~TempDirs() {
    if (std::getenv("NICSIM_KEEP_TEST_FILES")) return;
    std::error_code ignored;
    for (const auto& dir : dirs_) std::filesystem::remove_all(dir, ignored);
  }
  void add(const std::string& dir) { dirs_.push_back(dir); }

 private:
  std::vector<std::string> dirs_;
};

TempDirs& temp_dirs() {
  static TempDirs dirs;
  return dirs;
}

}  // namespace

std::string temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "nicsim-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) return std::filesystem::temp_directory_path().string();
  temp_dirs().add(pattern);
  return pattern;
}

bool NicsimRun::race_instrumented() const {
  return summary.is_object() && summary["race_check"].value("accesses", uint64_t{0}) > 0;
}

bool seen_through_instrumentation(const std::string& rule) {
  return rule == "DATA_RACE" || rule == "CPU_TOUCHES_DEVICE_BUFFER" ||
         rule == "ISR_SHARED_UNSYNCHRONIZED" || rule == "SYNC_WRONG_MESSAGE";
}

bool NicsimRun::has_rule(const std::string& rule) const {
  if (!summary.is_object() || !summary.contains("violations")) return false;
  for (const auto& v : summary["violations"]) {
    if (v.value("rule", "") == rule) return true;
  }
  return false;
}

std::string NicsimRun::violations_text() const {
  if (!summary.is_object() || !summary.contains("violations")) return "(no summary)\n" + output;
  std::string text;
  for (const auto& v : summary["violations"]) {
    text += v.value("rule", "?") + " at " + v.value("where", "?") + ": " + v.value("message", "") +
            "\n";
  }
  return text.empty() ? "(none)" : text;
}

NicsimRun run_nicsim(std::vector<std::string> args, bool with_summary) {
  NicsimRun run;
  std::string summary_path;
  if (with_summary) {
    summary_path = temp_dir() + "/summary.json";
    args.push_back("--summary");
    args.push_back(summary_path);
  }
  std::string command = quote(NICSIM_PATH);
  for (const auto& arg : args) command += " " + quote(arg);
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (!summary_path.empty() && std::filesystem::exists(summary_path)) {
    std::ifstream in(summary_path);
    run.summary = nlohmann::json::parse(in, nullptr, false);
    if (run.summary.is_discarded()) run.summary = nullptr;
  }
  return run;
}

}  // namespace nicsim::testing
