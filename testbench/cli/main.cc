// The nicsim command: parse, run one scenario, write the summary, exit 0 / 1 / 2.
// libsystemc owns main() and calls sc_main().
#include <cstdlib>
#include <iostream>
#include <systemc>

#include "testbench/cli/options.h"
#include "testbench/cli/run.h"
#include "testbench/cli/summary.h"

// libsystemc prints its banner before sc_main runs, so silence it at static initialization.
static const int kQuietSystemC = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);

extern "C" int sc_main(int argc, char* argv[]) {
  (void)kQuietSystemC;
  const auto parsed = nicsim::cli::parse_command_line(argc, argv);
  if (!parsed.run) return parsed.exit_code;
  const auto& config = *parsed.run;
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  nicsim::cli::RunSummary summary;
  try {
    summary = nicsim::cli::run_simulation(config);
  } catch (const nicsim::cli::InputError& e) {
    std::cerr << "nicsim: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "nicsim: internal error: " << e.what() << "\n";
    return 3;
  }
  if (!config.summary_path.empty()) {
    if (auto error = nicsim::cli::write_summary_file(summary, config.summary_path);
        !error.empty()) {
      std::cerr << "nicsim: " << error << "\n";
      return 2;
    }
  }
  if (!config.quiet) nicsim::cli::print_human_summary(summary, std::cout);
  return summary.exit_code();
}
