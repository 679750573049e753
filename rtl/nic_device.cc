#include "rtl/nic_device.h"

#include "Vnic_sim_top.h"
#include "sim/verilated_device.h"

namespace nicsim::rtl {

std::unique_ptr<sim::Device> make_nic_device(const char* name) {
  return std::make_unique<sim::VerilatedDevice<Vnic_sim_top>>(name);
}

}  // namespace nicsim::rtl
