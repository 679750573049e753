// Sources of simple_nic, in compile order, relative to this folder. The register package comes
// first, generated from ../simple_nic.json (simple_nic_regs_pkg.sv) into the build tree.
simple_nic_csr.sv
simple_nic_dma.sv
simple_nic_irq.sv
simple_nic_tx.sv
simple_nic_rx_fifo.sv
simple_nic_rx.sv
simple_nic.sv
