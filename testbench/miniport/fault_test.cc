// The fault layer end to end (--fault, sim/faults): the reference driver on the reference NIC
// with each fault injected at the pins, seed 1. Each test states the outcome: what the summary's
// `faults` shows, which rules the fault makes true, and what the scoreboard excuses.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

NicsimRun RunWithFault(std::vector<std::string> args) {
  args.insert(args.end(), {"--seed", "1"});
  return run_nicsim(args);
}

std::set<std::string> Rules(const NicsimRun& run) {
  std::set<std::string> rules;
  for (const auto& v : run.summary["violations"]) rules.insert(v["rule"].get<std::string>());
  return rules;
}

const nlohmann::json& Injected(const NicsimRun& run, const std::string& fault) {
  static const nlohmann::json kNone;
  for (const auto& f : run.summary["faults"]["injected"]) {
    if (f["fault"] == fault) return f;
  }
  return kNone;
}

uint64_t Injections(const NicsimRun& run, const std::string& fault) {
  const auto& f = Injected(run, fault);
  return f.is_object() ? f["injections"].get<uint64_t>() : 0;
}

// The run went to its end: traffic accounted for, halt done, no time limit hit.
void ExpectFinished(const NicsimRun& run) {
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  EXPECT_EQ(run.summary["stop_reason"], "") << run.output;
}

// A clean outcome: every frame received or explained, no rule fired.
void ExpectClean(const NicsimRun& run) {
  ExpectFinished(run);
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_EQ(run.summary["packets"]["lost"], 0);
  EXPECT_EQ(run.summary["packets"]["corrupt"], 0);
}

TEST(Faults, ListFaultsNamesEveryFaultAndExitsZero) {
  const auto run = run_nicsim({"--list-faults"}, false);
  EXPECT_EQ(run.exit_code, 0);
  for (const char* name :
       {"msix-drop", "msix-duplicate", "msix-delay:CYCLES", "writeback-delay:CYCLES",
        "writeback-corrupt-length", "writeback-bad-index", "dma-read-error", "dma-write-error",
        "link-errors:RATE", "link-flap", "intx-stuck", "shared-line-storm",
        "surprise-removal:TIME"}) {
    EXPECT_NE(run.output.find(name), std::string::npos) << name << "\n" << run.output;
  }
}

TEST(Faults, BadNamesAndParametersExitTwoNamingTheValue) {
  for (const auto& [fault, says] : std::vector<std::pair<std::string, std::string>>{
           {"msix-lose", "--fault msix-lose: unknown fault"},
           {"msix-delay:soon", "--fault msix-delay:soon: CYCLES \"soon\""},
           {"msix-delay", "needs a parameter, msix-delay:CYCLES"},
           {"link-errors:150", "--fault link-errors:150: RATE \"150\""},
           {"surprise-removal:5parsecs", "TIME \"5parsecs\""},
           {"msix-drop:2", "msix-drop takes no parameter"}}) {
    const auto run = run_nicsim({"--fault", fault}, false);
    EXPECT_EQ(run.exit_code, 2) << fault;
    EXPECT_NE(run.output.find(says), std::string::npos) << fault << ": " << run.output;
  }
}

TEST(Faults, SameSeedSameFaults) {
  const auto a = RunWithFault({"--fault", "msix-duplicate", "--fault", "link-errors:5"});
  const auto b = RunWithFault({"--fault", "msix-duplicate", "--fault", "link-errors:5"});
  ASSERT_TRUE(a.summary.is_object() && b.summary.is_object());
  EXPECT_EQ(a.summary["faults"], b.summary["faults"]);
  EXPECT_EQ(a.summary["packets"], b.summary["packets"]);
}

TEST(Faults, NoFaultsGiveAnEmptyFaultsKey) {
  const auto run = RunWithFault({"--packets", "40"});
  ExpectClean(run);
  EXPECT_TRUE(run.summary["faults"]["injected"].empty());
  EXPECT_EQ(run.summary["faults"]["device_errors"]["dma"], 0);
}

// A duplicate message finds nothing new to do: the driver's ISR must not claim it twice.
TEST(Faults, MsixDuplicate_DriverStaysClean) {
  const auto run = RunWithFault({"--fault", "msix-duplicate"});
  ExpectClean(run);
  EXPECT_GT(Injections(run, "msix-duplicate"), 0u);
}

TEST(Faults, MsixDelay_DriverStaysClean) {
  const auto run = RunWithFault({"--fault", "msix-delay:500"});
  ExpectClean(run);
  EXPECT_GT(Injections(run, "msix-delay"), 0u);
}

// A lost message leaves the device's cause pending with no ISR: INTERRUPT_LOST is true. The
// queue stalls until NDIS's hang check (the testbench runs it after a quiet stretch), where the
// reference driver raises every idle cause again (ICS): the DPC drains the ring and no frame is
// lost.
TEST(Faults, MsixDrop_HangCheckRecoversEveryFrame) {
  const auto run = RunWithFault({"--fault", "msix-drop"});
  ExpectFinished(run);
  EXPECT_GT(Injections(run, "msix-drop"), 0u);
  EXPECT_EQ(Rules(run), std::set<std::string>{"INTERRUPT_LOST"}) << run.violations_text();
  EXPECT_EQ(run.summary["packets"]["lost"], 0);
  EXPECT_GT(run.summary["lifecycle"]["hang_checks"].get<uint64_t>(), 0u);
}

// An error response still carries memory's data (reads) or lands (writes): the NIC raises
// ICR.DMA_ERR and counts each one in STAT_DMA_ERR (the summary's faults.device_errors.dma, read
// before each reset clears it). The driver counts it and resets the adapter (NdisMResetMiniport):
// the sends the reset aborts or refuses are expected, the receives it loses excused.
TEST(Faults, DmaReadError_NicCountsEveryErrorAndDriverStaysClean) {
  const auto run = RunWithFault({"--fault", "dma-read-error"});
  ExpectClean(run);
  const uint64_t injected = Injections(run, "dma-read-error");
  EXPECT_GT(injected, 0u);
  // Counted per beat: a burst answered with an error has at least one.
  EXPECT_GE(run.summary["faults"]["device_errors"]["dma"].get<uint64_t>(), injected);
  EXPECT_GT(run.summary["packets"]["tx"]["failed_expected"].get<uint64_t>(), 0u);  // it reset
}

TEST(Faults, DmaWriteError_NicCountsEveryErrorAndDriverStaysClean) {
  const auto run = RunWithFault({"--fault", "dma-write-error"});
  ExpectClean(run);
  const uint64_t injected = Injections(run, "dma-write-error");
  EXPECT_GT(injected, 0u);
  EXPECT_EQ(run.summary["faults"]["device_errors"]["dma"].get<uint64_t>(), injected);
}

// Damaged frames are the NIC's to drop (tuser: bad; truncated under 60 bytes: runt): its drop
// counters account for exactly the frames the fault damaged.
TEST(Faults, LinkErrors_NicDropsExactlyTheDamagedFrames) {
  const auto run = RunWithFault({"--fault", "link-errors:5"});
  ExpectClean(run);
  const auto& dropped = run.summary["packets"]["dropped"];
  const uint64_t damaged = Injected(run, "link-errors")["rx_frames_lost"].get<uint64_t>();
  EXPECT_GT(damaged, 0u);
  EXPECT_EQ(dropped.value("bad", 0) + dropped.value("runt", 0), damaged);
}

// The port contract has no link-status pin: a flap only loses the frames on the wire, which the
// scoreboard excuses as dropped["link-flap"].
TEST(Faults, LinkFlap_FramesOnTheWireAreExcused) {
  const auto run = RunWithFault({"--fault", "link-flap"});
  ExpectClean(run);
  const auto& flap = Injected(run, "link-flap");
  const uint64_t lost =
      flap["rx_frames_lost"].get<uint64_t>() + flap["tx_frames_lost"].get<uint64_t>();
  EXPECT_GT(lost, 0u);
  EXPECT_EQ(run.summary["packets"]["dropped"]["link-flap"], lost);
}

// The line stays high with nothing pending in the NIC: the ISR must return FALSE every time
// (ISR_CLAIMED_NOT_OURS stays silent) and the traffic goes on once the line is released.
TEST(Faults, IntxStuck_DriverDeclinesAndStaysClean) {
  const auto run = RunWithFault({"--scenario", "intx-shared", "--fault", "intx-stuck"});
  ExpectClean(run);
  EXPECT_EQ(Injections(run, "intx-stuck"), 1u);
}

TEST(Faults, SharedLineStorm_DriverDeclinesAndStaysClean) {
  const auto run = RunWithFault({"--scenario", "intx-shared", "--fault", "shared-line-storm"});
  ExpectClean(run);
  EXPECT_EQ(Injections(run, "shared-line-storm"), 1u);
}

// A write-back in another slot is the device breaking the ring protocol: the ring monitor's
// DEVICE_READS_STALE_DESCRIPTOR / DEVICE_WRITES_CPU_BUFFER are true (the device wrote a slot it
// did not hold, so the monitor's view of who holds which slot is off from then on). The driver
// checks every receive write-back against its buffer (the NIC's steering hash of the frame) and
// every ring's order, and resets the adapter when a write-back is out of place: no corrupt frame
// goes up, the sends the reset aborts are expected. A misplaced transmit write-back lands in the
// LEN word of a descriptor the device has not read yet, so the device may send a frame cut to
// another frame's length: PACKET_CORRUPT on the link is then the fault's doing.
TEST(Faults, WritebackBadIndex_DriverNeverPassesUpAMisplacedWriteback) {
  const auto run = RunWithFault({"--fault", "writeback-bad-index"});
  ExpectFinished(run);
  EXPECT_GT(Injections(run, "writeback-bad-index"), 0u);
  EXPECT_EQ(run.summary["packets"]["rx"]["corrupt"], 0);
  EXPECT_EQ(run.summary["packets"]["lost"], 0);
  EXPECT_GT(run.summary["packets"]["dropped"]["reset"].get<uint64_t>(), 0u);  // the driver reset
  for (const auto& rule : Rules(run)) {
    EXPECT_TRUE(rule == "DEVICE_READS_STALE_DESCRIPTOR" || rule == "DEVICE_WRITES_CPU_BUFFER" ||
                rule == "DMA_OUTSIDE_GRANT" || rule == "PACKET_CORRUPT")
        << rule << "\n"
        << run.violations_text();
  }
}

// A receive write-back that reports more bytes than its buffer holds: the driver checks every
// length (14 bytes up to the buffer), counts a bad one and posts the buffer again, so the frame
// is lost and never passed up. The scoreboard excuses exactly the frames the fault cost: with
// nothing lost, the frames missing are the injections, one each.
TEST(Faults, WritebackCorruptLength_DriverDropsEveryBadLengthAndStaysClean) {
  const auto run = RunWithFault({"--fault", "writeback-corrupt-length"});
  ExpectClean(run);
  const auto& corrupt = Injected(run, "writeback-corrupt-length");
  const uint64_t injected = Injections(run, "writeback-corrupt-length");
  EXPECT_GT(injected, 0u);
  EXPECT_EQ(corrupt["rx_frames_lost"], injected);
  EXPECT_EQ(run.summary["packets"]["dropped"]["writeback-corrupt-length"], injected);
}

// After the removal every register reads all-ones and the device does nothing: the frames it
// had are excused (dropped["surprise-removal"]), failed sends are expected, and halt ends it.
TEST(Faults, SurpriseRemoval_FramesAreExcusedAndHaltEndsTheRun) {
  const auto run = RunWithFault({"--fault", "surprise-removal:300us"});
  ExpectFinished(run);
  EXPECT_EQ(Injections(run, "surprise-removal"), 1u);
  EXPECT_EQ(run.summary["packets"]["lost"], 0);
  EXPECT_GT(run.summary["packets"]["dropped"]["surprise-removal"].get<uint64_t>(), 0u);
}

// Removed while the driver initializes (it takes about 260 us): no frame ever moves, every one
// is the removal's, and NDIS's removal (PnP notification, pause, halt) ends the run cleanly.
TEST(Faults, SurpriseRemovalDuringInitialize_RunEndsCleanly) {
  const auto run = RunWithFault({"--fault", "surprise-removal:100us"});
  ExpectClean(run);
  EXPECT_EQ(Injections(run, "surprise-removal"), 1u);
  EXPECT_EQ(run.summary["packets"]["lost"], 0);
  EXPECT_GT(run.summary["packets"]["dropped"]["surprise-removal"].get<uint64_t>(), 0u);
}

// On a shared line the ISR reads ICR as all-ones after the removal: no cause of its own, so it
// claims nothing (no ISR_CLAIMED_NOT_OURS); the sends it had fail, as a removal explains.
TEST(Faults, SurpriseRemovalOnASharedLine_IsrDeclinesAllOnes) {
  const auto run = RunWithFault({"--scenario", "intx-shared", "--fault", "surprise-removal:300us"});
  ExpectClean(run);
  EXPECT_EQ(run.summary["packets"]["lost"], 0);
  EXPECT_GT(run.summary["packets"]["tx"]["failed_expected"].get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace nicsim::testing
