// The reference NIC as a nicsim device: nic_sim_top (nic_top plus the wave's host probe inputs,
// 8 queues) bound through VerilatedDevice. The one place the platform's model of this design is
// named; everything else reaches it through sim::Device.
#pragma once

#include <memory>

#include "sim/device.h"
#include "sim/device_description.h"

namespace nicsim::rtl {

// name: the model's instance name, the top scope of its wave.
std::unique_ptr<sim::Device> make_nic_device(const char* name = "nic");
// Its device description (rtl/regs/nic_regs.json, resolved by regs_gen.py).
const sim::DeviceDescription& nic_device_description();

}  // namespace nicsim::rtl
