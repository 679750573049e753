// The race checker over instrumented driver code (race_driver.c): DATA_RACE, and
// ISR_SHARED_UNSYNCHRONIZED and CPU_TOUCHES_DEVICE_BUFFER on plain memory. The test bodies are
// not instrumented; every access the checker sees is race_driver.c's, run from the DPCs, ISRs and
// passive threads the bench schedules.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "testbench/ndis/ndis_test_util.h"
#include "testbench/ndis/race_driver.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;
using testing::Fragment;
using testing::kMaskRegister;
using testing::Synchronize;

#define SKIP_WITHOUT_INSTRUMENTATION()                             \
  if (!NICSIM_RACE_INSTRUMENTED)                                   \
  GTEST_SKIP() << "driver code is not instrumented in this build " \
                  "(NICSIM_RACE_INSTRUMENTATION off)"

// A KDPC that runs a closure: the DPC hand-offs of the tests.
struct DpcJob {
  KDPC dpc{};
  std::function<void()> fn;
};
VOID RunDpcJob(PKDPC, PVOID context, PVOID, PVOID) { static_cast<DpcJob*>(context)->fn(); }
// Call on a CPU thread: queues job on cpu.
void queue_on(DpcJob& job, CCHAR cpu) {
  KeInitializeDpc(&job.dpc, RunDpcJob, &job);
  KeSetTargetProcessorDpc(&job.dpc, cpu);
  KeInsertQueueDpc(&job.dpc, nullptr, nullptr);
}

// The state, allocated on CPU 0's passive thread, and two DPCs queued after it, on CPUs 0 and 1:
// two contexts that only the code they run can order.
struct TwoDpcs {
  RACE_STATE* state = nullptr;
  DpcJob cpu0, cpu1;
  void start(Bench& b, std::function<void(RACE_STATE*)> init = {}) {
    b.kernel.run_passive(0, "init", [this, init] {
      state = RaceAllocateState();
      if (init) init(state);
      queue_on(cpu0, 0);
      queue_on(cpu1, 1);
    });
  }
};

uint64_t checked(Bench& b) { return b.kernel.race_checker()->stats().accesses_checked; }

size_t count(Bench& b, const std::string& rule) { return b.platform.violations().count(rule); }

// Two DPCs of two CPUs update one field with no lock: both accesses are named.
TEST(RaceRules, DATA_RACE_TriggersOnTwoDpcsWithoutLock) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  TwoDpcs dpcs;
  dpcs.cpu0.fn = dpcs.cpu1.fn = [&] { RaceIncrementCounter(dpcs.state); };
  dpcs.start(b);
  b.run();
  RACE_STATE* s = dpcs.state;
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Counter, 2);
  const auto& v = EXPECT_VIOLATION(b, "DATA_RACE");
  EXPECT_EQ(v.severity, Severity::kError);
  EXPECT_EQ(v.context, "dpc");
  EXPECT_EQ(v.object, "_RACE_STATE.Counter");
  EXPECT_NE(v.where.find("race_driver.c:"), std::string::npos) << v.where;
  EXPECT_NE(v.where.find("RaceIncrementCounter"), std::string::npos) << v.where;
  for (const char* part : {"CPU 0 dpc at IRQL 2", "CPU 1 dpc at IRQL 2", "holding no lock",
                           "NdisAllocateMemoryWithTagPriority at ", "race_driver.c:"})
    EXPECT_NE(v.message.find(part), std::string::npos) << part << " in " << v.message;
  EXPECT_EQ(count(b, "DATA_RACE"), 1u) << "once per pair of source locations";
}

TEST(RaceRules, DATA_RACE_SilentHandOffThroughSpinLock) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  TwoDpcs dpcs;
  dpcs.cpu0.fn = dpcs.cpu1.fn = [&] { RaceIncrementCounterLocked(dpcs.state); };
  dpcs.start(b);
  b.run();
  RACE_STATE* s = dpcs.state;
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Counter, 2);  // positive control: both DPCs ran the update
  EXPECT_GE(checked(b), 4u);
}

// The send path (CPU 0) queues the completion DPC (CPU 1), then moves the tail under SendLock;
// the completion moves it with advance. Runs the bench.
void run_send_and_completion(Bench& b, RACE_STATE*& s, DpcJob& completion,
                             VOID (*advance)(RACE_STATE*)) {
  completion.fn = [&s, advance] { advance(s); };
  b.kernel.run_passive(0, "send", [&] {
    s = RaceAllocateState();
    queue_on(completion, 1);
    RaceAdvanceTailLocked(s);
  });
  b.run();
}

// The send path moves the tail under SendLock, the completion DPC without it.
TEST(RaceRules, DATA_RACE_TriggersOnRingIndexOneSideUnlocked) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  RACE_STATE* s = nullptr;
  DpcJob completion;
  run_send_and_completion(b, s, completion, RaceAdvanceTail);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Ring.Tail, 2u);
  const auto& v = EXPECT_VIOLATION(b, "DATA_RACE");
  EXPECT_EQ(v.object, "_RACE_STATE.Ring.Tail");
  EXPECT_NE(v.message.find("SendLock"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("holding no lock"), std::string::npos) << v.message;
}

TEST(RaceRules, DATA_RACE_SilentRingIndexBothUnderSendLock) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  RACE_STATE* s = nullptr;
  DpcJob completion;
  run_send_and_completion(b, s, completion, RaceAdvanceTailLocked);
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Ring.Tail, 2u);
  EXPECT_GE(checked(b), 4u);
}

// A DPC on CPU 0 publishes 42 in Data; a passive thread on CPU 1 polls the flag and reads Data.
// Returns the state after the run, for what the reader saw.
RACE_STATE* run_publication(Bench& b, void (*publish)(RACE_STATE*, ULONG),
                            BOOLEAN (*consume)(RACE_STATE*)) {
  static NDIS_EVENT ready;
  static DpcJob writer;
  RACE_STATE* s = nullptr;
  writer.fn = [&s, publish] { publish(s, 42); };
  b.kernel.run_passive(0, "init", [&] {
    NdisInitializeEvent(&ready);
    s = RaceAllocateState();
    NdisSetEvent(&ready);
    queue_on(writer, 0);
  });
  b.kernel.run_passive(
      1, "reader",
      [&s, consume] {
        NdisWaitEvent(&ready, 0);
        for (int i = 0; i < 100 && !consume(s); ++i) NdisMSleep(10);
      },
      1'000);
  b.run();
  return s;
}

TEST(RaceRules, DATA_RACE_SilentPublishedThroughInterlocked) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  RACE_STATE* s = run_publication(b, RacePublishInterlocked, RaceConsumeInterlocked);
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Seen, 42u);  // the reader saw the publication
}

TEST(RaceRules, DATA_RACE_SilentPublishedThroughKeMemoryBarrier) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  RACE_STATE* s = run_publication(b, RacePublishWithBarrier, RaceConsumeWithBarrier);
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Seen, 42u);
}

// The same publication with a volatile flag and no barrier: the flag is a marked access, the
// data is not ordered by it.
TEST(RaceRules, DATA_RACE_TriggersOnPublicationWithoutBarrier) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  RACE_STATE* s = run_publication(b, RacePublishWithoutBarrier, RaceConsumeWithoutBarrier);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Seen, 42u);
  const auto& v = EXPECT_VIOLATION(b, "DATA_RACE");
  EXPECT_EQ(v.object, "_RACE_STATE.Data");
}

TEST(RaceRules, DATA_RACE_SilentHandOffThroughDpcQueue) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  RACE_STATE* s = nullptr;
  DpcJob consumer;
  consumer.fn = [&] {
    RaceReadData(s);
    RaceWriteData(s, 8);
  };
  b.kernel.run_passive(0, "producer", [&] {
    s = RaceAllocateState();
    RaceWriteData(s, 7);
    queue_on(consumer, 1);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Seen, 7u);
  EXPECT_EQ(s->Data, 8u);
}

TEST(RaceRules, DATA_RACE_SilentOnReadRead) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  ULONG seen[2] = {0, 0};
  TwoDpcs dpcs;
  dpcs.cpu0.fn = [&] { seen[0] = RacePeekData(dpcs.state); };
  dpcs.cpu1.fn = [&] { seen[1] = RacePeekData(dpcs.state); };
  dpcs.start(b, [](RACE_STATE* state) { RaceWriteData(state, 5); });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(seen[0], 5u);
  EXPECT_EQ(seen[1], 5u);
}

// The ISR (CPU 0) masks, ORs into Cause and queues its DPC on CPU 1, which runs f.dpc.
void run_isr_and_dpc(Bench& b, RACE_STATE*& s, Fragment& f) {
  f.isr = [&s, &f](PBOOLEAN, PULONG targets) {
    NdisWriteRegisterUlong(f.reg(kMaskRegister), 1);
    RaceWriteCause(s, 1);
    *targets = 1u << 1;
    return TRUE;
  };
  b.describe(f, {0});
  b.kernel.run_passive(0, "init", [&] {
    s = RaceAllocateState();
    b.connect(f);
  });
  b.fire(f, 0, 5'000);
  b.run();
}

// The ISR writes Cause and queues its DPC on CPU 1, which reads Cause outside synchronize: the
// DPC queue orders them, but the next ISR would not be (a lockset rule, as for NicsimIsrShared).
TEST(RaceRules, ISR_SHARED_UNSYNCHRONIZED_TriggersOnPlainMemory) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  RACE_STATE* s = nullptr;
  Fragment f;
  f.dpc = [&](ULONG, PVOID) { RaceReadCause(s); };
  run_isr_and_dpc(b, s, f);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Seen, 1u);
  const auto& v = EXPECT_VIOLATION(b, "ISR_SHARED_UNSYNCHRONIZED");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.context, "dpc");
  EXPECT_EQ(v.object, "_RACE_STATE.Cause");
  EXPECT_NE(v.message.find("CPU 0 isr"), std::string::npos) << v.message;
  EXPECT_EQ(count(b, "DATA_RACE"), 0u);
}

TEST(RaceRules, ISR_SHARED_UNSYNCHRONIZED_SilentOnPlainMemoryUnderSynchronize) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  RACE_STATE* s = nullptr;
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    Synchronize(f.interrupt, 0, [&] {
      RaceReadCause(s);
      return TRUE;
    });
  };
  run_isr_and_dpc(b, s, f);
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Seen, 1u);
}

TEST(RaceRules, CPU_TOUCHES_DEVICE_BUFFER_TriggersOnPlainPointer) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  ULONG seen = 1;
  b.kernel.run_passive(0, "rx", [&] {
    PVOID va = nullptr;
    NDIS_PHYSICAL_ADDRESS pa{};
    NdisMAllocateSharedMemory(&b, 64, FALSE, &va, &pa);
    ASSERT_NE(va, nullptr);
    NicsimSyncBufferForDevice(va, 64);
    seen = RaceReadBuffer(static_cast<const ULONG*>(va));
  });
  b.run();
  EXPECT_EQ(seen, 0u);
  const auto& v = EXPECT_VIOLATION(b, "CPU_TOUCHES_DEVICE_BUFFER");
  EXPECT_NE(v.where.find("RaceReadBuffer"), std::string::npos) << v.where;
  EXPECT_NE(v.message.find("plain pointer"), std::string::npos) << v.message;
}

TEST(RaceRules, CPU_TOUCHES_DEVICE_BUFFER_SilentOnPlainPointerAfterTakeBack) {
  SKIP_WITHOUT_INSTRUMENTATION();
  Bench b;
  ULONG seen = 1;
  b.kernel.run_passive(0, "rx", [&] {
    PVOID va = nullptr;
    NDIS_PHYSICAL_ADDRESS pa{};
    NdisMAllocateSharedMemory(&b, 64, FALSE, &va, &pa);
    ASSERT_NE(va, nullptr);
    NicsimSyncBufferForDevice(va, 64);
    NicsimSyncBufferForCpu(va, 64);
    seen = RaceReadBuffer(static_cast<const ULONG*>(va));
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(seen, 0u);
  EXPECT_GE(checked(b), 1u);  // the read was checked
}

TEST(RaceCheck, SuppressionsFileSilencesAMatchingRace) {
  SKIP_WITHOUT_INSTRUMENTATION();
  const auto path = std::filesystem::temp_directory_path() /
                    ("nicsim_race_supp_" + std::to_string(::getpid()) + ".txt");
  std::ofstream(path) << "# known, tracked elsewhere\nrace:RaceIncrementCounter\n";
  VerifierConfig config;
  config.race_suppressions = path.string();
  Bench b(2, config);
  TwoDpcs dpcs;
  dpcs.cpu0.fn = dpcs.cpu1.fn = [&] { RaceIncrementCounter(dpcs.state); };
  dpcs.start(b);
  b.run();
  std::filesystem::remove(path);
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_GE(b.kernel.race_checker()->stats().suppressed, 1u);
}

TEST(RaceCheck, UnreadableSuppressionsFileIsNamed) {
  VerifierConfig config;
  config.race_suppressions = "/nonexistent/nicsim.supp";
  try {
    Bench b(2, config);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/nicsim.supp"), std::string::npos)
        << e.what();
  }
}

TEST(RaceCheck, OffChecksNothing) {
  VerifierConfig config;
  config.race_check = false;
  Bench b(2, config);
  TwoDpcs dpcs;
  dpcs.cpu0.fn = dpcs.cpu1.fn = [&] { RaceIncrementCounter(dpcs.state); };
  dpcs.start(b);
  b.run();
  RACE_STATE* s = dpcs.state;
  EXPECT_EQ(b.kernel.race_checker(), nullptr);
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Counter, 2);
}

}  // namespace
}  // namespace nicsim::ndis
