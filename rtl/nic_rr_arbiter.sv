// nic_rr_arbiter: round-robin choice among requesters; the pointer moves only when a grant is taken.
`default_nettype none

module nic_rr_arbiter #(
    parameter int N = 3  // requesters
) (
    input  wire          clk,
    input  wire          rst,
    input  wire  [N-1:0] req,
    input  wire          take,     // the chosen requester is served this cycle
    output logic [N-1:0] grant,    // one-hot choice, zero when nobody requests
    output logic         any_req
);
  localparam int IW = N > 1 ? $clog2(N) : 1;

  logic [IW-1:0] last_q;  // the requester served last

  assign any_req = |req;

  always_comb begin
    grant = '0;
    // Scan from the requester after the last one served, wrapping around.
    for (int step = N; step >= 1; step--) begin
      for (int i = 0; i < N; i++) begin
        if (i == (int'(last_q) + step) % N && req[i]) begin
          grant = '0;
          grant[i] = 1'b1;
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      last_q <= IW'(N - 1);
    end else if (take && any_req) begin
      for (int i = 0; i < N; i++) if (grant[i]) last_q <= IW'(i);
    end
  end
endmodule

`default_nettype wire
