// Sources of nic_sim_top, in compile order, relative to rtl/ (after the register package).
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
../sim/trace/nicsim_host_probes.sv
nic_sim_top.sv
