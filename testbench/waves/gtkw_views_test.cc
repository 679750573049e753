// Every signal a waves/*.gtkw view names must exist in a real wave, so a renamed RTL signal breaks
// this test instead of leaving an empty row in the user's view.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "testbench/waves/model_fixture.h"
#include "testbench/waves/vcd_reader.h"

namespace nicsim::sim::trace {
namespace {

TEST(GtkwViews, EverySignalOfEveryViewIsInARealWave) {
  nicsim::testing::ModelFixture f;
  {
    WaveTracer tracer(f.device(), {.path = f.path("views.fst")});
    f.run_until(&tracer, 100'000);
    tracer.finish();
  }
  const auto vcd =
      nicsim::testing::parse_vcd(nicsim::testing::fst_to_vcd_text(f.path("views.fst")));
  int views = 0;
  for (const auto& entry : std::filesystem::directory_iterator(NICSIM_WAVES_DIR)) {
    if (entry.path().extension() != ".gtkw") continue;
    ++views;
    std::ifstream in(entry.path());
    std::string line;
    int signals = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '[' || line[0] == '@' || line[0] == '-' || line[0] == '*') {
        continue;
      }
      ++signals;
      EXPECT_TRUE(vcd.id_of.count(line))
          << entry.path().filename() << " names " << line << ", which the wave does not have";
    }
    EXPECT_GT(signals, 5) << entry.path();
  }
  EXPECT_GE(views, 3);
}

}  // namespace
}  // namespace nicsim::sim::trace
