// Sources of nic_top, in compile order, relative to rtl/. The register package comes first,
// generated into the build tree (regs/nic_regs_pkg.sv) by CMake and by the lint test.
nic_fifo.sv
nic_rr_arbiter.sv
nic_csr.sv
nic_dma.sv
nic_irq.sv
nic_tx_engine.sv
nic_tx_stream.sv
nic_rx_ingress.sv
nic_rx_engine.sv
nic_top.sv
