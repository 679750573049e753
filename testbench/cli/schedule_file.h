// The explicit schedule file of --schedule, --schedule-out and --shrink-out: one perturbation a
// line, "CPU YIELD EXTRA_NS KIND" (KIND jitter or change_point), '#' starts a comment.
#pragma once

#include <string>
#include <vector>

#include "sim/host_config.h"

namespace nicsim::cli {

// Reads the file into perturbations; "" or an error naming the flag, file and line.
std::string read_schedule_file(const std::string& flag, const std::string& path,
                               std::vector<sim::Perturbation>& perturbations);

// The file's text: the header lines as comments, then the perturbations.
std::string schedule_text(const std::vector<sim::Perturbation>& perturbations,
                          const std::vector<std::string>& header);

// Writes schedule_text; "" or the error naming the path.
std::string write_schedule_file(const std::string& path,
                                const std::vector<sim::Perturbation>& perturbations,
                                const std::vector<std::string>& header);

}  // namespace nicsim::cli
