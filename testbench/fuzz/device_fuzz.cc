// The device fuzzer: the reference miniport on the reference NIC, the device made hostile by a
// fault script decoded from the input (sim/faults/fault_script.h): bytes of receive and transmit
// write-backs, the values register reads return (never ID's: the driver must get past its
// identity check), and the fate of interrupt messages. Each input runs a short default scenario
// (2 CPUs, 2 queues, 20 to 40 frames, MSI-X or INTx) through the command line's run_simulation.
//
// SystemC elaborates once per process and libFuzzer calls LLVMFuzzerTestOneInput many times, so
// each input runs in a child process (fork; the parent never elaborates). The child copies its
// coverage counters (libFuzzer's inline 8-bit counters, section __sancov_cntrs) into memory it
// shares with the parent, which copies them back into its own before libFuzzer reads them.
//
// Findings (the parent aborts, so libFuzzer keeps the input): the child died of a signal, a
// sanitizer reported (exit 77, set below), the run threw (exit 3), or it ran longer than
// NICSIM_DEVICE_FUZZ_SECONDS of wall time (default 20: a hang; a normal run takes well under a
// second). A rule the hostile device makes fire (exit 1, a violation or a lost frame) is the
// checker at work, not a finding; so is a run that ends on STALL or its simulated-time limit:
// one dropped message already stalls a queue of the reference driver until the limit (it has no
// watchdog, fault_test.cc's msix-drop), and the summary reports both like any rule. A run that
// does not end in wall time escaped the simulated clock: that hang is the testbench's or the
// driver's own. What the child writes to stderr is shown with a finding only;
// NICSIM_DEVICE_FUZZ_VERBOSE=1 shows it always, with each run's summary.
//
// Input: two header bytes, then records of 8 bytes (at most 64), decoded by decode_input.
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <systemc>
#include <thread>
#include <vector>

#include "driver/miniport/mp_driver.h"
#include "nic_regs.h"
#include "rtl/nic_device.h"
#include "sim/faults/fault_script.h"
#include "testbench/cli/design.h"
#include "testbench/cli/options.h"
#include "testbench/cli/run.h"
#include "testbench/cli/summary.h"
#include "testbench/fuzz/coverage_counters.h"

namespace {

constexpr int kExitSanitizer = 77;  // a sanitizer's report, told apart from a run's 0 and 1
constexpr int kExitThrew = 3;
constexpr size_t kHeaderBytes = 2;
constexpr size_t kRecordBytes = 8;
constexpr size_t kMaxRecords = 64;
constexpr uint64_t kMaxSimNs = 5'000'000;  // ten times what 40 frames take on a correct device

// One decoded input: the run's shape and its hostile device.
struct DeviceRun {
  nicsim::cli::IrqMode irq_mode = nicsim::cli::IrqMode::kMsix;
  uint64_t packets = 20;
  uint64_t seed = 1;
  nicsim::sim::FaultScript script;
};

const nicsim::sim::DeviceDescription& device() { return nicsim::rtl::nic_device_description(); }

// The registers the driver reads, but ID: the description's roles, and STATUS and CAPS.
const std::vector<uint32_t>& scripted_registers() {
  static const std::vector<uint32_t> registers = [] {
    const nicsim::sim::DeviceDescription& d = device();
    std::vector<uint32_t> out = {d.cause, d.mask_set, nic_regs::STATUS, nic_regs::CAPS};
    for (const nicsim::sim::RingCause& ring : d.rings) {
      if (ring.head) out.push_back(*ring.head);
    }
    for (const auto* counters : {&d.drop_counters, &d.send_error_counters, &d.error_counters}) {
      for (const nicsim::sim::DropCounter& counter : *counters) out.push_back(counter.offset);
    }
    std::erase(out, d.id.offset);
    return out;
  }();
  return registers;
}

uint32_t le32(const uint8_t* bytes) {
  return uint32_t{bytes[0]} | uint32_t{bytes[1]} << 8 | uint32_t{bytes[2]} << 16 |
         uint32_t{bytes[3]} << 24;
}

// Header: byte 0 bit 0 INTx (else MSI-X), its bits 1-7 the frames (20 + n % 21); byte 1 the
// seed - 1. Each record is kind, a, b, c, v0..v3, by kind % 3:
//   0 write-back bytes: a bit 0 a transmit ring's (else a receive ring's), bit 1 xor (else set),
//     bits 2-3 how many bytes - 1; b the write-back's number; c the first byte's offset in the
//     descriptor; v the bytes;
//   1 register read: a the register (scripted_registers); b + 256 * (c % 4) the read's number;
//     c bit 2 xor (else set); v the value, little-endian;
//   2 interrupt message: a % 3 drop, duplicate or delay; b + 256 * (c % 4) the message's number;
//     1 + (v0 | v1 << 8) % 4096 the cycles.
DeviceRun decode_input(std::span<const uint8_t> input) {
  using nicsim::sim::ScriptOp;
  DeviceRun run;
  if (input.size() >= kHeaderBytes) {
    run.irq_mode = input[0] & 1 ? nicsim::cli::IrqMode::kIntx : nicsim::cli::IrqMode::kMsix;
    run.packets = 20 + (input[0] >> 1) % 21;
    run.seed = 1 + uint64_t{input[1]};
  }
  const uint32_t descriptor_bytes = device().rings.front().descriptor_bytes;
  const std::vector<uint32_t>& registers = scripted_registers();
  for (size_t at = kHeaderBytes, n = 0; at + kRecordBytes <= input.size() && n < kMaxRecords;
       at += kRecordBytes, ++n) {
    const uint8_t* r = input.data() + at;
    const uint8_t kind = r[0], a = r[1], b = r[2], c = r[3];
    const uint32_t number = b + 256u * (c % 4u);
    switch (kind % 3) {
      case 0: {
        const unsigned bytes = 1 + (a >> 2) % 4;
        for (unsigned i = 0; i < bytes; ++i) {
          run.script.write_backs.push_back({!(a & 1), b, (c + i) % descriptor_bytes,
                                            a & 2 ? ScriptOp::kXor : ScriptOp::kSet, r[4 + i]});
        }
        break;
      }
      case 1:
        run.script.reads.push_back({registers[a % registers.size()], number,
                                    c & 4 ? ScriptOp::kXor : ScriptOp::kSet, le32(r + 4)});
        break;
      default:
        run.script.messages.push_back({number, static_cast<nicsim::sim::MessageFate>(a % 3),
                                       1 + (uint32_t{r[4]} | uint32_t{r[5]} << 8) % 4096});
        break;
    }
  }
  return run;
}

nicsim::cli::Design reference_design(const nicsim::cli::Scenario& scenario) {
  nicsim::cli::Design design;
  design.program = "nicsim-device-fuzz";
  design.make_device = [] { return nicsim::rtl::make_nic_device(); };
  design.device = device();
  design.driver_entry = DriverEntry;
  design.scenarios = {scenario};
  return design;
}

bool verbose() {
  const char* value = std::getenv("NICSIM_DEVICE_FUZZ_VERBOSE");
  return value && std::strcmp(value, "1") == 0;
}

// Wall time a run may take before it counts as a hang.
std::chrono::seconds child_limit() {
  const char* value = std::getenv("NICSIM_DEVICE_FUZZ_SECONDS");
  const long seconds = value ? std::strtol(value, nullptr, 10) : 0;
  return std::chrono::seconds(seconds > 0 ? seconds : 20);
}

std::span<uint8_t> shared_counters;  // the child's counters, handed back (MAP_SHARED)
// The child's stderr (SystemC's stack switches make ASan warn in every run): shown only with a
// finding.
int child_log = -1;

// Runs one input in the child and exits with the run's code: 0, 1, or kExitThrew.
[[noreturn]] void run_child(const DeviceRun& input) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a parent that gave up on it
  const bool loud = verbose();
  if (!loud && (!std::freopen("/dev/null", "w", stdout) || dup2(child_log, STDERR_FILENO) < 0))
    _exit(kExitThrew);
  int code = kExitThrew;
  try {
    nicsim::cli::Scenario scenario;
    scenario.name = "default";
    scenario.cpus = 2;
    scenario.queues = 2;
    scenario.irq_mode = input.irq_mode;
    scenario.packets = input.packets;
    nicsim::cli::RunConfig config;
    config.scenario = scenario;
    config.seed = input.seed;
    config.max_sim_ns = kMaxSimNs;
    config.quiet = true;
    config.race_check = false;  // the fuzz preset cannot instrument the driver for it
    config.faults.script = input.script;
    sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
    const nicsim::cli::RunSummary summary =
        nicsim::cli::run_simulation(reference_design(scenario), config);
    if (loud) nicsim::cli::print_human_summary(summary, std::cout);
    code = summary.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "device fuzzer: the run threw: %s\n", e.what());
  }
  const std::span<uint8_t> mine = nicsim_fuzz::coverage_counters();
  if (!shared_counters.empty() && shared_counters.size() == mine.size())
    std::memcpy(shared_counters.data(), mine.data(), mine.size());
  std::fflush(stdout);
  std::fflush(stderr);
  _exit(code);
}

// Waits for the child; kills it after the limit. Returns its wait status, or nullopt on a hang.
std::optional<int> wait_for(pid_t child, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) return status;
    if (done < 0 && errno != EINTR) {
      std::perror("device fuzzer: waitpid");
      std::abort();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// What makes a child's end a finding; "" when it is a run's outcome (0 or 1) and its coverage
// counts. nullopt status: it was killed for running too long.
std::string finding(const std::optional<int>& status) {
  if (!status) {
    return "a hang: the run took more than " + std::to_string(child_limit().count()) +
           " s of wall time";
  }
  if (WIFSIGNALED(*status)) {
    return "the run died of signal " + std::to_string(WTERMSIG(*status)) + " (" +
           strsignal(WTERMSIG(*status)) + ")";
  }
  const int code = WEXITSTATUS(*status);
  if (code == 0 || code == 1) return "";
  if (code == kExitSanitizer) return "a sanitizer report (above)";
  if (code == kExitThrew) return "an exception out of the run (above)";
  return "the run exited " + std::to_string(code);
}

// Copies what the child wrote to stderr to ours.
void show_child_log() {
  char chunk[4096];
  for (off_t at = 0;;) {
    const ssize_t n = pread(child_log, chunk, sizeof chunk, at);
    if (n <= 0) break;
    if (write(STDERR_FILENO, chunk, static_cast<size_t>(n)) < 0) break;
    at += n;
  }
}

}  // namespace

// The child's sanitizer reports exit with their own code; UBSan stops at the first. SystemC
// switches the simulated CPUs' stacks under ASan's feet, so its fake stack (clang's default
// detect_stack_use_after_return) would take live frames of another stack for dead and reuse them
// (regressions/device/empty_input_asan_fake_stack: the first input run showed it).
// Allocation stacks of 5 frames make a run about a fifth faster than 30; replay a regression
// with ASAN_OPTIONS=malloc_context_size=30 for more.
extern "C" const char* __asan_default_options() {
  return "exitcode=77:detect_stack_use_after_return=0:malloc_context_size=5";
}
extern "C" const char* __ubsan_default_options() {
  return "exitcode=77:halt_on_error=1:print_stacktrace=1";
}

// libsystemc.so defines main() and calls sc_main; here libFuzzer's main (or the replayer's) runs
// instead, and each run starts from LLVMFuzzerTestOneInput.
extern "C" int sc_main(int, char**) {
  std::fprintf(stderr, "device fuzzer: sc_main is not an entry point\n");
  return 2;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  child_log = memfd_create("device-fuzz-child-stderr", 0);
  if (child_log < 0) {
    std::perror("device fuzzer: memfd_create");
    std::abort();
  }
  const std::span<uint8_t> mine = nicsim_fuzz::coverage_counters();
  if (!mine.empty()) {
    void* shared =
        mmap(nullptr, mine.size(), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
      std::perror("device fuzzer: mmap");
      std::abort();
    }
    shared_counters = {static_cast<uint8_t*>(shared), mine.size()};
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const DeviceRun input = decode_input({data, size});
  if (ftruncate(child_log, 0) < 0) std::perror("device fuzzer: ftruncate");
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t child = fork();
  if (child < 0) {
    std::perror("device fuzzer: fork");
    std::abort();
  }
  if (child == 0) run_child(input);
  const std::string found = finding(wait_for(child, child_limit()));
  if (!found.empty()) {
    show_child_log();
    std::fprintf(stderr, "device fuzzer: %s\n", found.c_str());
    std::abort();  // libFuzzer keeps the input
  }
  const std::span<uint8_t> mine = nicsim_fuzz::coverage_counters();
  if (!shared_counters.empty()) std::memcpy(mine.data(), shared_counters.data(), mine.size());
  return 0;
}
