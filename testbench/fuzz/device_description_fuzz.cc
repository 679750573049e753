// A resolved device description (sim/device_description.cc, <name>_device.json) on arbitrary
// bytes: a bad one is DeviceDescriptionError naming the key, never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "sim/device_description.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto document =
      nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return 0;
  try {
    (void)nicsim::sim::DeviceDescription::from_json(document);
  } catch (const nicsim::sim::DeviceDescriptionError&) {
  }
  return 0;
}
