// The --config keyword file reader (testbench/cli/options.cc read_keyword_file) on arbitrary
// bytes: it returns an error naming the file and line, or the keywords, and every keyword it
// returns is non-empty.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "testbench/cli/options.h"
#include "testbench/fuzz/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static nicsim::fuzz::MemoryFile file("nicsim-fuzz.ini");
  const std::string& path = file.hold(data, size);
  std::vector<std::pair<std::string, std::string>> keywords;
  const std::string error = nicsim::cli::read_keyword_file(path, keywords);
  if (!error.empty() && error.find(path) == std::string::npos) std::abort();
  for (const auto& [key, value] : keywords) {
    if (key.empty()) std::abort();
  }
  return 0;
}
