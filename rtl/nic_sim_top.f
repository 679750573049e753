// Sources of nic_sim_top, in compile order, relative to rtl/ (after the register package).
nic_top.sv
nic_host_probes.sv
nic_sim_top.sv
