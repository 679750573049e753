// The NDIS layer bound to a simulated host: implements every call in ndis.h on a sim::Platform and
// checks it against driver/ndis/RULES.md. One Kernel per process; constructing it installs it
// as the kernel the free NDIS functions use. The testbench side (start/halt an adapter, send,
// return receive buffers, the protocol hook, the device's interrupt probe) lives here; the
// miniport never sees this header.
#pragma once

#include <ndis.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "driver/ndis/call_site.h"
#include "driver/ndis/net_buffer_ledger.h"
#include "sim/cpu.h"
#include "sim/platform.h"
#include "sim/violation.h"

namespace nicsim::ndis {

// The device's interrupt state, read through a probe the testbench registers (no NIC knowledge
// here). asserted: the device drives its interrupt now; pending: a cause is latched; masked: the
// pending cause is masked. The since fields say for how long, without a gap, one interrupt source
// (an MSI-X vector, or the line) has been owed service: a sampled "pending" alone would join
// separate, promptly served causes into one long false INTERRUPT_LOST.
struct DeviceIrqState {
  bool asserted = false;
  bool pending = false;
  bool masked = false;
  std::optional<uint64_t> unmasked_since_ns;  // a source pending and able to interrupt since
  std::optional<uint64_t> masked_since_ns;    // a source pending but masked since
};

struct VerifierConfig {
  bool stop_on_first_error = false;  // warnings never stop
  uint64_t lock_hold_limit_ns = 25'000;
  uint64_t isr_limit_ns = 25'000;
  uint64_t dpc_limit_ns = 100'000;
  uint64_t stall_limit_us = 50;
  uint64_t interrupt_liveness_ns = 200'000;  // INTERRUPT_LOST bound
  ULONG dpc_receive_budget = 64;             // NDIS_RECEIVE_THROTTLE_PARAMETERS::MaxNblsToIndicate
};

struct LockStats {
  unsigned id = 0;
  std::string name;
  uint64_t acquires = 0;
  uint64_t contended = 0;
  uint64_t total_spin_ns = 0;
  uint64_t max_spin_ns = 0;
  uint64_t max_hold_ns = 0;
  uint64_t max_hold_cycles = 0;
  std::string max_hold_where;  // where the longest hold was acquired
};

// The upper layer ("protocol") the testbench installs.
struct ProtocolHooks {
  std::function<void(PNET_BUFFER_LIST nbls, ULONG count, ULONG receive_flags)> receive;
  std::function<void(PNET_BUFFER_LIST nbls, ULONG send_complete_flags)> send_complete;
  std::function<void(const NDIS_STATUS_INDICATION& indication)> status;
  std::function<void(PNDIS_OID_REQUEST request, NDIS_STATUS status)> oid_complete;
};

// Where the adapter is in NDIS's state machine (after initialize it is Paused until restarted).
enum class AdapterState : uint8_t {
  kHalted,
  kInitializing,
  kPaused,
  kRestarting,
  kRunning,
  kPausing,
  kHalting
};

// The adapter's hardware as PnP hands it to initialize (NDIS_MINIPORT_INIT_PARAMETERS::
// AllocatedResources): BAR0 and the interrupt, message-based with one message per entry of
// message_cpus (the CPU it targets), or line-based when message_cpus is empty.
struct AdapterResources {
  uint64_t bar0_address = 0;
  uint32_t bar0_length = 0x2000;
  std::vector<unsigned> message_cpus;
};

enum class SharedAccess : uint8_t { kRead, kWrite, kInterlocked };

enum class CallbackKind : uint8_t { kPassive, kIsr, kDpc, kSync, kSend, kReturn };

class Kernel {
 public:
  explicit Kernel(sim::Platform& platform, VerifierConfig config = {});
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // The installed kernel; throws std::logic_error when there is none.
  static Kernel& current();
  static Kernel* current_or_null();

  sim::Platform& platform() { return platform_; }
  VerifierConfig& config() { return config_; }

  // --- testbench side ------------------------------------------------------------------------
  // Enables INTERRUPT_LOST, ISR_CLAIMED_NOT_OURS and the device half of ISR_NO_MASK /
  // REGISTER_BEFORE_READY.
  void set_device_irq_probe(std::function<DeviceIrqState()> probe);
  // Register access goes to platform.mmio() unless overridden (host-only tests).
  void set_mmio(sim::MmioPort* mmio) { mmio_override_ = mmio; }
  void set_protocol(ProtocolHooks hooks) { protocol_ = std::move(hooks); }
  void set_resources(AdapterResources resources) { resources_ = std::move(resources); }
  const AdapterResources& resources() const { return resources_; }

  // Runs fn on cpu's passive thread at at_ns as a checked miniport callback.
  void run_passive(unsigned cpu, std::string name, std::function<void()> fn, uint64_t at_ns = 0);
  // Runs fn as a checked miniport callback on the current CPU (LOCK_HELD_AT_RETURN,
  // IRQL_NOT_RESTORED). For fragments that stand in for send/return/OID/timer handlers.
  void run_callback(std::string_view name, const std::function<void()>& fn,
                    CallbackKind kind = CallbackKind::kPassive);

  // Adapter lifecycle over the driver registered with NdisMRegisterMiniportDriver.
  // Initialize, then restart (NDIS leaves an initialized adapter paused until MiniportRestart).
  void initialize_adapter(unsigned cpu = 0, uint64_t at_ns = 0);
  // Pauses a running adapter first, as NDIS does, then halts it.
  void halt_adapter(unsigned cpu = 0, uint64_t at_ns = 0);
  bool adapter_initialized() const;
  NDIS_STATUS initialize_status() const;
  AdapterState adapter_state() const;
  // Lifecycle requests from "NDIS" (lifecycle.cc); each runs on cpu's passive thread at at_ns.
  void pause_adapter(unsigned cpu, uint64_t at_ns = 0);
  void restart_adapter(unsigned cpu, uint64_t at_ns = 0);
  void check_for_hang(unsigned cpu, uint64_t at_ns = 0);  // at DISPATCH_LEVEL; resets on TRUE
  void reset_adapter(unsigned cpu, uint64_t at_ns = 0);
  void shutdown_adapter(unsigned cpu, uint64_t at_ns = 0);
  void unload_driver(unsigned cpu, uint64_t at_ns = 0);
  // The same on the calling CPU thread at PASSIVE_LEVEL (a testbench thread acting as NDIS).
  void run_pause();
  void run_restart();
  void run_check_for_hang();
  void run_reset();
  bool reset_in_progress() const;
  // Call on a CPU thread: MiniportOidRequest / MiniportCancelSend. A pended OID completes
  // through ProtocolHooks::oid_complete.
  NDIS_STATUS oid_request(PNDIS_OID_REQUEST request);
  void cancel_send(PVOID cancel_id);
  // Waits on the calling CPU thread (polling) until the adapter reaches state or time runs out.
  bool wait_for_state(AdapterState state, uint64_t timeout_ns);
  // Call on a CPU thread: MiniportSendNetBufferLists / MiniportReturnNetBufferLists.
  void send_net_buffer_lists(PNET_BUFFER_LIST nbls, ULONG send_flags);
  void return_net_buffer_lists(PNET_BUFFER_LIST nbls, ULONG return_flags);
  // Calls the miniport's Enable/DisableInterrupt handler at DIRQL under the interrupt lock.
  void disable_interrupt(NDIS_HANDLE interrupt, ULONG message_id = 0);
  void enable_interrupt(NDIS_HANDLE interrupt, ULONG message_id = 0);

  // INTERRUPT_LOST check now (a watchdog also runs it while a probe is set).
  void check_interrupt_liveness();

  // --- results ---------------------------------------------------------------------------
  std::vector<LockStats> lock_stats() const;
  nlohmann::json stats_json() const;
  const std::vector<Violation>& violations() const { return platform_.violations().all(); }

  // --- the NDIS calls (ndis.h forwards here) -----------------------------------------------
  void allocate_spin_lock(PNDIS_SPIN_LOCK lock, const char* name, const CallSite& at);
  void free_spin_lock(PNDIS_SPIN_LOCK lock, const CallSite& at);
  void acquire_spin_lock(PNDIS_SPIN_LOCK lock, bool dpr, const CallSite& at);
  void release_spin_lock(PNDIS_SPIN_LOCK lock, bool dpr, const CallSite& at);

  NDIS_STATUS register_interrupt(NDIS_HANDLE adapter, NDIS_HANDLE context,
                                 PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars,
                                 PNDIS_HANDLE handle, const CallSite& at);
  void deregister_interrupt(NDIS_HANDLE handle, const CallSite& at);
  BOOLEAN synchronize(NDIS_HANDLE handle, ULONG message_id, PMINIPORT_SYNCHRONIZE_INTERRUPT fn,
                      PVOID context, const CallSite& at);
  KAFFINITY queue_dpc(NDIS_HANDLE handle, ULONG message_id, KAFFINITY mask, bool this_cpu,
                      PVOID dpc_context, const CallSite& at);

  NDIS_STATUS map_io_space(PVOID* va, NDIS_PHYSICAL_ADDRESS pa, UINT length, const CallSite& at);
  void unmap_io_space(PVOID va);
  ULONG read_register(PULONG reg, const CallSite& at);
  void write_register(PULONG reg, ULONG value, const CallSite& at);
  void declare_mask_register(PULONG reg, const CallSite& at);

  void stall(uint64_t us, const CallSite& at);
  void sleep(uint64_t us, const CallSite& at);
  LONGLONG system_time(const CallSite& at);  // 100 ns units since 1601
  void set_event(PNDIS_EVENT event, bool signaled, const CallSite& at);
  BOOLEAN wait_event(PNDIS_EVENT event, UINT ms, const CallSite& at);

  PVOID allocate_memory(UINT length, const CallSite& at);
  void free_memory(PVOID va, const CallSite& at);
  void allocate_shared_memory(ULONG length, PVOID* va, PNDIS_PHYSICAL_ADDRESS pa,
                              const CallSite& at);
  void free_shared_memory(PVOID va, NDIS_PHYSICAL_ADDRESS pa, const CallSite& at);
  void sync_buffer(PVOID va, ULONG length, bool for_device, const CallSite& at);
  // Checks a CPU access to shared memory (a yield point); returns the host address or 0.
  uint64_t touch_shared(const volatile void* va, ULONG length, bool write, const CallSite& at);

  void indicate_receive(NDIS_HANDLE adapter, PNET_BUFFER_LIST nbls, ULONG count, ULONG flags,
                        const CallSite& at);
  void send_complete(NDIS_HANDLE adapter, PNET_BUFFER_LIST nbls, ULONG flags, const CallSite& at);
  NDIS_STATUS register_driver(NDIS_HANDLE driver_context,
                              PNDIS_MINIPORT_DRIVER_CHARACTERISTICS chars, PNDIS_HANDLE handle,
                              const CallSite& at);
  void deregister_driver();
  NDIS_STATUS set_attributes(NDIS_HANDLE adapter, PNDIS_MINIPORT_ADAPTER_ATTRIBUTES attributes,
                             const CallSite& at);
  void pause_complete(NDIS_HANDLE adapter, const CallSite& at);
  void restart_complete(NDIS_HANDLE adapter, NDIS_STATUS status, const CallSite& at);
  void oid_request_complete(NDIS_HANDLE adapter, PNDIS_OID_REQUEST request, NDIS_STATUS status,
                            const CallSite& at);
  void reset_complete(NDIS_HANDLE adapter, NDIS_STATUS status, BOOLEAN addressing_reset,
                      const CallSite& at);
  void indicate_status(NDIS_HANDLE adapter, PNDIS_STATUS_INDICATION indication, const CallSite& at);

  // Pools, NET_BUFFER_LISTs, NET_BUFFERs and MDLs (net_buffers.cc).
  NDIS_HANDLE allocate_nbl_pool(PNET_BUFFER_LIST_POOL_PARAMETERS parameters, const CallSite& at);
  void free_nbl_pool(NDIS_HANDLE pool, const CallSite& at);
  PNET_BUFFER_LIST allocate_nbl(NDIS_HANDLE pool, USHORT context_size, USHORT backfill,
                                bool with_nb, PMDL mdl_chain, ULONG data_offset, SIZE_T data_length,
                                const CallSite& at);
  void free_nbl(PNET_BUFFER_LIST nbl, const CallSite& at);
  NDIS_HANDLE allocate_nb_pool(PNET_BUFFER_POOL_PARAMETERS parameters, const CallSite& at);
  void free_nb_pool(NDIS_HANDLE pool, const CallSite& at);
  PNET_BUFFER allocate_nb(NDIS_HANDLE pool, PMDL mdl_chain, ULONG data_offset, SIZE_T data_length,
                          const CallSite& at);
  void free_nb(PNET_BUFFER nb, const CallSite& at);
  PMDL allocate_mdl(PVOID va, UINT length, const CallSite& at);
  void free_mdl(PMDL mdl, const CallSite& at);
  void adjust_mdl_length(PMDL mdl, UINT length, const CallSite& at);
  PVOID get_data_buffer(PNET_BUFFER nb, ULONG bytes, PVOID storage, UINT align_multiple,
                        UINT align_offset, const CallSite& at);

  // Scatter-gather DMA (sg_dma.cc).
  NDIS_STATUS register_sg_dma(PNDIS_SG_DMA_DESCRIPTION description, PNDIS_HANDLE handle,
                              const CallSite& at);
  void deregister_sg_dma(NDIS_HANDLE handle, const CallSite& at);
  NDIS_STATUS allocate_sg_list(NDIS_HANDLE handle, PNET_BUFFER nb, PVOID context, PVOID buffer,
                               ULONG buffer_size, const CallSite& at);
  void free_sg_list(NDIS_HANDLE handle, PSCATTER_GATHER_LIST list, PNET_BUFFER nb,
                    const CallSite& at);

  void shared_access(const void* object, const char* name, SharedAccess access, bool initialized,
                     const CallSite& at);
  void shared_destroyed(const void* object);

  // --- synchronization, timers, work items (public) ------------------------------------------
  // Ke IRQL and spin locks, RW locks, timer objects, KDPCs, work items (driver/ndis/sync.h),
  // made on first use.
  class SyncServices& sync();
  // --- end synchronization, timers, work items (public) --------------------------------------

  // --- register widths, ports, keywords (public) ---------------------------------------------
  // Testbench side: the registry keywords NdisReadConfiguration answers (the run's --config
  // file), name and value as written; looked up ignoring case, a later duplicate wins.
  void set_keywords(std::vector<std::pair<std::string, std::string>> keywords);
  // Register (port == false) or I/O port access of bytes (1, 2, 4) through BAR0 (io.cc).
  ULONG read_io(const volatile void* address, unsigned bytes, bool port, const CallSite& at);
  void write_io(const volatile void* address, unsigned bytes, ULONG value, bool port,
                const CallSite& at);
  NDIS_STATUS register_io_port_range(PVOID* port_offset, UINT initial_port, UINT count,
                                     const CallSite& at);
  void deregister_io_port_range(UINT initial_port, UINT count, PVOID port_offset,
                                const CallSite& at);
  // Configuration (config.cc).
  NDIS_STATUS open_configuration(PNDIS_CONFIGURATION_OBJECT object, PNDIS_HANDLE handle,
                                 const CallSite& at);
  void close_configuration(NDIS_HANDLE handle, const CallSite& at);
  NDIS_STATUS read_configuration(PNDIS_CONFIGURATION_PARAMETER* value, NDIS_HANDLE handle,
                                 PNDIS_STRING keyword, NDIS_PARAMETER_TYPE type,
                                 const CallSite& at);
  NDIS_STATUS write_configuration(NDIS_HANDLE handle, const CallSite& at);
  // --- end register widths, ports, keywords (public) -----------------------------------------

 private:
  struct LockState;
  struct Interrupt;
  struct Adapter;
  struct HeldLock {
    LockState* lock;
    bool dpr;
  };
  struct Scope {
    std::string name;
    CallbackKind kind;
    Interrupt* interrupt;
    size_t held_at_entry;
    sim::Irql irql_at_entry;
    uint64_t start_ns;
    unsigned mask_writes = 0;
    bool device_asserted = false;  // ISR: the probe showed the device asserting after a read
  };
  struct CpuState {
    std::vector<HeldLock> held;
    struct Spin {
      LockState* lock;
      unsigned depth;  // the spinning frame; a frame preempting it is not waiting
      std::string where;
    };
    std::vector<Spin> spins;
    std::vector<Scope> scopes;
  };
  struct SharedState;

  // Reporting.
  void report(std::string_view rule, std::string object, const CallSite& at, std::string message);
  void report_stamped(Violation violation);
  static Severity severity_of(std::string_view rule);

  // A yield point at the start of an NDIS call; false when the run has stopped.
  bool enter_call(const CallSite& at, sim::Cost cost = sim::Cost::kNdisCall);
  bool on_cpu() const { return platform_.on_cpu(); }
  sim::Cpu& cpu() { return platform_.current_cpu(); }
  CpuState& cpu_state() { return cpus_[platform_.current_cpu().index()]; }
  Scope* innermost_scope(CallbackKind kind);
  bool holds_ndis_lock();
  std::string held_lock_names();
  bool check_not_dirql(std::string_view api, const CallSite& at);

  void push_scope(std::string name, CallbackKind kind, Interrupt* interrupt);
  void pop_scope(const CallSite& at);

  // Locks.
  LockState* find_lock(PNDIS_SPIN_LOCK lock, std::string_view api, const CallSite& at);
  LockState& new_lock(std::string name, bool interrupt_lock);
  bool take(LockState& lock, bool dpr, const CallSite& at);
  void give(LockState& lock, const CallSite& at);
  void add_order_edge(LockState& from, LockState& to, const CallSite& at);
  bool order_path(unsigned from, unsigned to, std::vector<unsigned>& path,
                  std::set<unsigned>& seen) const;
  std::string describe_holder(const LockState& lock) const;
  void deadlock(std::string message, const std::string& object, const CallSite& at);
  void notify_lock(unsigned cpu, sim::LockEvent event, const LockState& lock);
  void set_irql(sim::Irql irql);

  // Interrupts.
  Interrupt* find_interrupt(NDIS_HANDLE handle);
  LockState& interrupt_lock(Interrupt& interrupt, ULONG message_id);
  bool dispatch_isr(Interrupt& interrupt, ULONG message_id, unsigned cpu);
  void run_dpc(Interrupt& interrupt, ULONG message_id, unsigned cpu);
  bool queue_one_dpc(Interrupt& interrupt, ULONG message_id, unsigned cpu, PVOID context);
  void run_at_dirql(Interrupt& interrupt, ULONG message_id, std::string routine, CallbackKind kind,
                    const std::function<void()>& fn);
  bool any_interrupt_registered() const;
  bool interrupt_serviced_now() const;  // an ISR or DPC of a registered interrupt runs or is queued
  void start_watchdog();
  Adapter* find_adapter(NDIS_HANDLE handle);
  PNDIS_RESOURCE_LIST build_resource_list(Adapter& adapter) const;

  sim::Platform& platform_;
  VerifierConfig config_;
  std::vector<CpuState> cpus_;
  std::vector<std::unique_ptr<LockState>> locks_;
  std::unordered_map<const void*, LockState*> lock_by_address_;
  std::map<unsigned, std::map<unsigned, std::string>> order_edges_;  // from -> to -> where
  std::set<std::pair<unsigned, unsigned>> reported_cycles_;
  std::vector<std::unique_ptr<Interrupt>> interrupts_;
  std::unique_ptr<Adapter> adapter_;
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS driver_{};
  NDIS_HANDLE driver_context_ = nullptr;
  bool driver_registered_ = false;
  ProtocolHooks protocol_;
  AdapterResources resources_;
  std::function<DeviceIrqState()> probe_;
  bool watchdog_started_ = false;
  uint64_t last_serviced_ns_ = 0;  // an ISR or DPC of a registered interrupt last ran
  bool irq_lost_reported_ = false;
  sim::MmioPort* mmio_override_ = nullptr;
  struct Mapping {
    std::unique_ptr<uint8_t[]> window;
    UINT length;
    uint64_t bar;
  };
  std::vector<Mapping> mappings_;
  std::set<uint32_t> mask_offsets_;
  std::unordered_map<const void*, std::unique_ptr<SharedState>> shared_;

  // Net buffers: a freed object handed to a call (NBL_USED_AFTER_FREE); false when it was.
  bool check_not_freed(const void* object, std::string_view api, const CallSite& at);
  void free_pool(NDIS_HANDLE pool, NetObjectKind kind, const CallSite& at);
  // Filters a completed/indicated/returned chain down to the NBLs in state `from`, moving them to
  // `to`; reports rule (with what) for the others. Returns the new head.
  PNET_BUFFER_LIST take_chain(PNET_BUFFER_LIST nbls, NetObjectState from, NetObjectState to,
                              std::string_view rule, std::string_view api, const CallSite& at);
  void check_sg_freed(PNET_BUFFER_LIST nbl, const CallSite& at);
  // Lifecycle (lifecycle.cc).
  void finish_pause(const CallSite& at);
  // A handler that completed its operation (completion) and also returned a status.
  void report_completed_and_returned(const char* handler, const char* completion);
  void finish_halt();
  size_t outstanding_sends() const;
  struct SgDma;
  NetBufferLedger ledger_;
  unsigned sends_in_call_ = 0;  // MiniportSendNetBufferLists calls that have not returned
  NDIS_HANDLE mdl_pool_ = nullptr;
  std::unique_ptr<SgDma> sg_dma_;

  // --- synchronization, timers, work items (private) -----------------------------------------
  friend class KeSync;
  friend class RwLocks;
  friend class TimerObjects;
  friend class DpcObjects;
  friend class IoWorkItems;
  // The names a spin-lock family's calls go by in reports (NDIS_SPIN_LOCK, KSPIN_LOCK).
  struct SpinApi {
    const char* allocate;
    const char* free;
    const char* acquire;
    const char* release;
    const char* acquire_dpr;
    const char* release_dpr;
  };
  static const SpinApi kNdisSpinApi;
  LockState* find_spin_lock(const void* address, std::string_view api, const SpinApi& names,
                            const CallSite& at);
  // The checks and the raise of an acquire; the IRQL before, or nothing when not taken.
  std::optional<sim::Irql> acquire_spin(LockState& lock, bool dpr, const SpinApi& names,
                                        const CallSite& at);
  // The checks and the bookkeeping of a release; true when the caller should restore the IRQL.
  bool release_spin(LockState& lock, bool dpr, const SpinApi& names, const CallSite& at);
  // Walks the wait-for chain from this CPU spinning on lock; true (DEADLOCK reported) on a cycle.
  bool wait_cycle(const LockState& lock, const CallSite& at);
  std::shared_ptr<SyncServices> sync_;
  // --- end synchronization, timers, work items (private) -------------------------------------

  // --- register widths, ports, keywords (private) --------------------------------------------
  // Decodes a register or port address to its BAR0 offset; false when nothing maps it.
  bool decode_io(const volatile void* address, unsigned bytes, bool port, uint32_t& offset) const;
  // A CONFIG_IRQL violation for api below or above PASSIVE_LEVEL.
  void check_config_irql(std::string_view api, const CallSite& at);
  struct PortRange {
    std::unique_ptr<uint8_t[]> window;  // never dereferenced: ports inside decode to offsets
    UINT initial_port;
    UINT count;
  };
  std::vector<PortRange> port_ranges_;
  class Configuration;
  std::shared_ptr<Configuration> configuration_;  // shared_ptr: ~Kernel needs no complete type
  Configuration& configuration();
  // --- end register widths, ports, keywords (private) ----------------------------------------
};

}  // namespace nicsim::ndis
