// nicsim_host_probes: named copies of the host's state so the FST shows cpu[i].irql beside the RTL.
// Driven by sim/trace/host_probe_driver.h through a model's host_* inputs: the reference top
// instantiates it, and nicsim_add_cosim verilates it beside a user's top as a second top level,
// so every device's wave has the host rows.
`default_nettype none

module nicsim_host_probes #(
    parameter int MAX_CPUS  = 64,  // CPUs the host may report
    parameter int MAX_LOCKS = 16   // spin locks the host may report
) (
    input wire [MAX_CPUS*8-1:0] host_cpu_irql,  // per CPU: IRQL
    input wire [MAX_CPUS*3-1:0] host_cpu_context,  // per CPU: 0 idle 1 passive 2 dpc 3 isr 4 sync
    input wire [MAX_CPUS*8-1:0] host_cpu_lock_held,  // per CPU: innermost lock held, id+1
    input wire [MAX_CPUS*8-1:0] host_cpu_lock_spin,  // per CPU: lock spun on, id+1
    input wire [MAX_CPUS*8-1:0] host_cpu_dpc_depth,  // per CPU: DPC queue depth
    input wire [MAX_LOCKS*8-1:0] host_lock_owner,  // per lock: owner cpu+1 (0 free)
    input wire host_violation  // pulses at each violation
);
  // Probes only feed the wave. Not public: the tracer then dumps them as slices of the inputs,
  // where public wires were recomputed on every eval even with waves off.
  /* verilator lint_off UNUSEDSIGNAL */  // read by the tracer only
  for (genvar i = 0; i < MAX_CPUS; i++) begin : cpu
    wire [7:0] irql = host_cpu_irql[i*8+:8];
    wire [2:0] \context = host_cpu_context[i*3+:3];
    wire [7:0] lock_held = host_cpu_lock_held[i*8+:8];
    wire [7:0] lock_spin = host_cpu_lock_spin[i*8+:8];
    wire [7:0] dpc_depth = host_cpu_dpc_depth[i*8+:8];
  end
  for (genvar j = 0; j < MAX_LOCKS; j++) begin : lock
    wire [7:0] owner = host_lock_owner[j*8+:8];
  end
  wire violation = host_violation;
  /* verilator lint_on UNUSEDSIGNAL */
endmodule

`default_nettype wire
