#include "sim/monitors/interrupt_view.h"

#include <algorithm>

#include "nic_regs.h"
#include "sim/interrupt_controller.h"

namespace nicsim::sim {

bool InterruptView::is_message_address(uint64_t address) {
  return address >= InterruptController::kMsiBase &&
         address - InterruptController::kMsiBase < InterruptController::kMsiSize;
}

uint32_t InterruptView::vector_causes(unsigned vector) const {
  if (vector < num_queues_) {
    return (1u << (nic_regs::ICR_RXQ_SHIFT + vector)) | (1u << (nic_regs::ICR_TXQ_SHIFT + vector));
  }
  return nic_regs::ICR_LINK | nic_regs::ICR_RX_DROP | nic_regs::ICR_DMA_ERR;
}

void InterruptView::reset_registers() {
  icr_ = ims_ = 0;
  itr_.fill(0);
  msix_address_.fill(0);
  msix_data_.fill(0);
  msix_mask_.fill(true);
  tx_rings_.fill({});
  rx_rings_.fill({});
}

int InterruptView::write_back_cause(uint64_t address, uint64_t bytes) const {
  const uint64_t end = address + bytes;
  for (unsigned q = 0; q < num_queues_ && q < tx_rings_.size(); ++q) {
    for (bool rx : {false, true}) {
      const Ring& ring = rx ? rx_rings_[q] : tx_rings_[q];
      const uint64_t ring_end = ring.base + uint64_t{ring.size} * nic_regs::kDescBytes;
      if (!ring.size || end <= ring.base || address >= ring_end) continue;
      // A write-back writes a descriptor's second qword (length and status).
      for (uint64_t qword = std::max(address, ring.base) & ~uint64_t{7};
           qword < std::min(end, ring_end); qword += 8) {
        if ((qword - ring.base) % nic_regs::kDescBytes == 8) {
          return static_cast<int>(rx ? nic_regs::ICR_RXQ_SHIFT + q : nic_regs::ICR_TXQ_SHIFT + q);
        }
      }
    }
  }
  return -1;
}

void InterruptView::apply(const RegisterWrite& w) {
  using namespace nic_regs;
  // A write changes only its enabled byte lanes (WSTRB), as in nic_csr: v holds the bits written,
  // merge() the register with those lanes replaced.
  const uint32_t v = w.value & w.mask();
  const uint16_t o = w.offset;
  if (o == CTRL) {
    if (v & CTRL_RESET) reset_registers();
    intx_mode_ = w.merge(intx_mode_ ? CTRL_INTX_MODE : 0) & CTRL_INTX_MODE;
  } else if (o == ICR) {
    icr_ &= ~v;
  } else if (o == ICS) {
    icr_ |= v & ICS_CAUSE;
  } else if (o == IMS) {
    ims_ |= v & IMS_CAUSE;
  } else if (o == IMC) {
    ims_ &= ~v;
  } else if (o >= ITR(0) && o < ITR(kMaxVectors) && (o - ITR(0)) % 4 == 0) {
    uint32_t& itr = itr_[(o - ITR(0)) / 4];
    itr = w.merge(itr) & ITR_INTERVAL;
  } else if (o >= MSIX_ADDR_LO(0) && o < MSIX_ADDR_LO(kMaxVectors)) {
    const unsigned vec = (o - MSIX_ADDR_LO(0)) / 0x10;
    const unsigned field = (o - MSIX_ADDR_LO(0)) % 0x10;
    uint64_t& address = msix_address_[vec];
    const auto lo = static_cast<uint32_t>(address);
    const auto hi = static_cast<uint32_t>(address >> 32);
    if (field == 0) address = (address & ~0xFFFFFFFFull) | w.merge(lo);
    if (field == 4) address = (address & 0xFFFFFFFFull) | uint64_t{w.merge(hi)} << 32;
    if (field == 8) msix_data_[vec] = w.merge(msix_data_[vec]);
    if (field == 0xC)
      msix_mask_[vec] = w.merge(msix_mask_[vec] ? MSIX_VCTRL_MASK : 0) & MSIX_VCTRL_MASK;
  } else if (o >= TX_BASE_LO(0) && o < TX_BASE_LO(8)) {
    const unsigned q = (o - TX_BASE_LO(0)) / 0x40;
    const unsigned field = (o - TX_BASE_LO(0)) % 0x40;
    Ring& tx = tx_rings_[q];
    Ring& rx = rx_rings_[q];
    auto lo = [&w](uint64_t base) {
      return (base & ~0xFFFFFFFFull) | w.merge(static_cast<uint32_t>(base));
    };
    auto hi = [&w](uint64_t base) {
      return (base & 0xFFFFFFFFull) | uint64_t{w.merge(static_cast<uint32_t>(base >> 32))} << 32;
    };
    if (field == 0x00) tx.base = lo(tx.base);
    if (field == 0x04) tx.base = hi(tx.base);
    if (field == 0x08) tx.size = w.merge(tx.size) & 0xFFFF;
    if (field == 0x20) rx.base = lo(rx.base);
    if (field == 0x24) rx.base = hi(rx.base);
    if (field == 0x28) rx.size = w.merge(rx.size) & 0xFFFF;
  }
}

void InterruptView::on_cycle(uint64_t cycle, const DevicePorts& ports) {
  messages_.clear();
  if (ports.rst) {
    reset_registers();
    intx_mode_ = false;
    aw_shown_ = false;
    w_queue_.clear();
    b_queue_.clear();
    writes_tracker_.on_cycle(ports);
    return;
  }
  if (auto write = writes_tracker_.on_cycle(ports)) apply(*write);

  const Axi4Ports& p = ports.dma;
  if (p.awvalid && !aw_shown_) {
    aw_shown_ = true;
    aw_issue_cycle_ = cycle;
  }
  if (p.awvalid && p.awready) {
    aw_shown_ = false;
    const bool message = is_message_address(p.awaddr);
    Write w{aw_issue_cycle_, p.awaddr, message,
            message ? -1
                    : write_back_cause(p.awaddr, (p.awlen + uint64_t{1})
                                                     << std::min<unsigned>(p.awsize, 3))};
    w_queue_.push_back(w);
    b_queue_.push_back(w);
  }
  if (p.wvalid && p.wready && !w_queue_.empty()) {
    const Write& w = w_queue_.front();
    if (w.message) {
      // The reference NIC's 64-bit bus; reading the width from the device is a later step.
      const unsigned lane = (p.wstrb & 0x0F) ? 0 : 4;
      const auto data = p.wdata.lane32(lane / 4);
      const uint64_t address = (w.address & ~uint64_t{7}) + lane;
      int vector = -1;
      for (unsigned v = 0; v < num_vectors(); ++v) {
        if (msix_address_[v] == address && msix_data_[v] == data) {
          vector = static_cast<int>(v);
          break;
        }
      }
      messages_.push_back({w.issue_cycle, address, data, vector});
    }
    if (p.wlast) w_queue_.pop_front();
  }
  if (p.bvalid && p.bready && !b_queue_.empty()) {
    if (b_queue_.front().cause_bit >= 0) icr_ |= 1u << b_queue_.front().cause_bit;
    b_queue_.pop_front();
  }
}

}  // namespace nicsim::sim
