#include "rtl/nic_device.h"

#include "Vnic_sim_top.h"
#include "sim/verilated_device.h"

namespace nicsim::rtl {

extern const char kNicDeviceJson[];  // nic_device_json.cc, generated

std::unique_ptr<sim::Device> make_nic_device(const char* name) {
  return std::make_unique<sim::VerilatedDevice<Vnic_sim_top>>(name);
}

const sim::DeviceDescription& nic_device_description() {
  static const sim::DeviceDescription description =
      sim::DeviceDescription::from_json(nlohmann::json::parse(kNicDeviceJson));
  return description;
}

}  // namespace nicsim::rtl
