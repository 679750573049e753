/* The generated C header compiles as C11 (gnu11) with every warning an error. */
#include "simple_nic_regs_c.h"

uint32_t simple_nic_regs_c_check(void);

uint32_t simple_nic_regs_c_check(void) {
  return SIMPLE_NIC_REG_TDT + SIMPLE_NIC_ICR_RXT0 + SIMPLE_NIC_DESC_TX_CMD_OFFSET +
         SIMPLE_NIC_DESC_STATUS_DD + (uint32_t)SIMPLE_NIC_DESC_RX_LEN_MASK;
}
