// The pcap reader (sim/pcap_io.cc, --pcap-in) on arbitrary bytes: a capture it cannot use must be
// a std::runtime_error naming the reason, never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "sim/pcap_io.h"
#include "testbench/fuzz/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static nicsim::fuzz::MemoryFile file("nicsim-fuzz.pcap");
  try {
    const auto frames = nicsim::sim::read_pcap(file.hold(data, size));
    for (const auto& frame : frames) {
      volatile uint8_t sink = frame.empty() ? 0 : frame.front() ^ frame.back();  // touch the bytes
      (void)sink;
    }
  } catch (const std::runtime_error&) {
  }
  return 0;
}
