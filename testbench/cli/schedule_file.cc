#include "testbench/cli/schedule_file.h"

#include <fstream>
#include <sstream>

#include "sim/output_file.h"
#include "testbench/cli/options.h"

namespace nicsim::cli {
namespace {

using Kind = sim::Perturbation::Kind;

// One line's perturbation, or the reason it is none.
std::string parse_line(const std::string& text, sim::Perturbation& out) {
  std::istringstream fields(text);
  std::string cpu, yield, extra, kind, more;
  fields >> cpu >> yield >> extra >> kind;
  if (kind.empty() || (fields >> more)) return "\"" + text + "\" is not CPU YIELD EXTRA_NS KIND";
  const auto cpu_value = parse_non_negative(cpu, 63);
  if (!cpu_value) return "cpu " + cpu + " is not 0..63";
  const auto yield_value = parse_non_negative(yield, UINT64_MAX);
  if (!yield_value) return "yield " + yield + " is not a non-negative integer";
  // A delay longer than a second is no schedule jitter; it would only stall the run.
  const auto extra_value = parse_non_negative(extra, 1'000'000'000);
  if (!extra_value || *extra_value == 0) return "extra_ns " + extra + " is not 1..1000000000";
  if (kind != "jitter" && kind != "change_point")
    return "kind " + kind + " is not jitter or change_point";
  out = {static_cast<unsigned>(*cpu_value), *yield_value, *extra_value,
         kind == "jitter" ? Kind::kJitter : Kind::kChangePoint};
  return "";
}

}  // namespace

std::string read_schedule_file(const std::string& flag, const std::string& path,
                               std::vector<sim::Perturbation>& perturbations) {
  std::ifstream in;
  if (auto error = open_input_file(flag, path, in); !error.empty()) return error;
  std::string line;
  for (unsigned number = 1; std::getline(in, line); ++number) {
    const std::string text = line.substr(0, line.find('#'));
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    sim::Perturbation p;
    if (auto reason = parse_line(text, p); !reason.empty())
      return flag + " " + path + ":" + std::to_string(number) + ": " + reason;
    perturbations.push_back(p);
  }
  if (in.bad()) return flag + " " + path + ": read error";
  return "";
}

std::string schedule_text(const std::vector<sim::Perturbation>& perturbations,
                          const std::vector<std::string>& header) {
  std::string text;
  for (const std::string& line : header) text += "# " + line + "\n";
  text += "# cpu yield extra_ns kind\n";
  for (const sim::Perturbation& p : perturbations) {
    text += std::to_string(p.cpu) + " " + std::to_string(p.yield) + " " +
            std::to_string(p.extra_ns) + " " +
            (p.kind == Kind::kJitter ? "jitter" : "change_point") + "\n";
  }
  return text;
}

std::string write_schedule_file(const std::string& path,
                                const std::vector<sim::Perturbation>& perturbations,
                                const std::vector<std::string>& header) {
  return sim::write_whole_file(path, schedule_text(perturbations, header));
}

}  // namespace nicsim::cli
