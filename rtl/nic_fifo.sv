// nic_fifo: synchronous show-ahead FIFO; the head entry is valid whenever not empty.
`default_nettype none

module nic_fifo #(
    parameter int WIDTH = 8,  // bits per entry
    parameter int DEPTH = 16  // entries, a power of two
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              push,
    input  wire  [WIDTH-1:0] push_data,
    input  wire              pop,
    output logic [WIDTH-1:0] head,
    output logic             empty,
    output logic             full
);
  localparam int AW = $clog2(DEPTH);

  logic [WIDTH-1:0] mem_q[DEPTH];
  logic [AW:0] wr_q, rd_q;

  assign head  = mem_q[rd_q[AW-1:0]];
  assign empty = wr_q == rd_q;
  assign full  = wr_q == {~rd_q[AW], rd_q[AW-1:0]};

  always_ff @(posedge clk) begin
    if (rst) begin
      wr_q <= '0;
      rd_q <= '0;
    end else begin
      if (push) begin
        mem_q[wr_q[AW-1:0]] <= push_data;
        wr_q <= wr_q + 1'b1;
      end
      if (pop) rd_q <= rd_q + 1'b1;
    end
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (!rst) begin
      assert (!(push && full && !pop)) else $error("nic_fifo overflow");
      assert (!(pop && empty)) else $error("nic_fifo underflow");
      // User coverage points: each assertion's boundary reached, not only its line.
      fifo_full_reached : cover (full);
      fifo_last_entry_popped : cover (pop && wr_q == rd_q + 1'b1);
    end
  end
`endif
endmodule

`default_nettype wire
