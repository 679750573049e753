// nicsim's runtime for the hooks GCC's and Clang's -fsanitize=thread emit into driver code: every
// __tsan_* entry point forwards to the active RaceDetector, or returns at once when there is none
// (--no-race-check, or code running off the simulated CPUs). The binary never links libtsan.
#pragma once

#include <cstdint>

#include "driver/ndis/race/race_detector.h"

namespace nicsim::ndis::race {

// The detector the hooks report to (nullptr: none). The kernel that owns it sets and clears it.
void set_active_detector(RaceDetector* detector);
RaceDetector* active_detector();

}  // namespace nicsim::ndis::race
