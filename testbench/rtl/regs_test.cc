// The checked-in generated register files match what the generator makes from the JSON now.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RegisterMap, RegisterMapNotStale) {
  const auto out =
      std::filesystem::temp_directory_path() / ("nic_regs_" + std::to_string(::getpid()));
  std::filesystem::create_directories(out);
  const std::string cmd =
      std::string(PYTHON) + " " + REGS_GEN + " " + REGS_JSON + " " + out.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  for (const char* name : {"nic_regs_pkg.sv", "nic_regs.h", "nic_regs_c.h", "nic_regs.md",
                           "nic_device.json"}) {
    const auto checked_in = std::filesystem::path(REGS_CHECKED_IN) / name;
    EXPECT_EQ(slurp(out / name), slurp(checked_in))
        << checked_in << " is stale: regenerate with python3 rtl/regs/regs_gen.py "
        << "rtl/regs/nic_regs.json rtl/regs/generated";
  }
  std::filesystem::remove_all(out);
}

}  // namespace
