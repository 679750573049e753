// Sources of nic_top, in compile order, relative to rtl/. The register package comes first,
// generated into the build tree (regs/nic_regs_pkg.sv) by CMake and by the lint test.
nic_top.sv
