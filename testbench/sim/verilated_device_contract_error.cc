// Compiled by ctest only, and expected to fail: a top that breaks the port contract must stop the
// build with VerilatedDevice's message. CONTRACT_CASE selects the fault.
#include "fake_verilated_top.h"
#include "sim/verilated_device.h"

using nicsim::testing::FakeVerilatedTop;
using nicsim::testing::NotAPort;

#if CONTRACT_CASE == 1
using Top = FakeVerilatedTop<QData, QData, CData, CData, NotAPort>;  // no intx
#else
using Top = FakeVerilatedTop<VlWide<3>, QData, SData, CData>;  // 96-bit DMA data
#endif

void bind() { nicsim::sim::VerilatedDevice<Top> device; }
