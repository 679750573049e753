// The shadow keeps up to four accesses per 8-byte word (as ThreadSanitizer does), each with its
// context, clock, byte mask and PC. A new access is checked against every cell it overlaps, then
// takes the place of one that it makes redundant.
#include "driver/ndis/race/race_detector.h"

#include <algorithm>

namespace nicsim::ndis::race {
namespace {

constexpr uint8_t kValid = 1;
constexpr uint8_t kWrite = 2;
constexpr uint8_t kAtomic = 4;
constexpr uint8_t kUnsynchronized = 8;
constexpr size_t kCellsPerWord = 4;
constexpr size_t kWordsPerPage = 512;  // 4 KiB of memory

bool is_acquire(int order) { return order == 1 || order == 2 || order == 4 || order == 5; }
bool is_release(int order) { return order == 3 || order == 4 || order == 5; }

}  // namespace

struct RaceDetector::Cell {
  uint32_t epoch;
  int32_t pc_delta;  // from pc_base_: driver code sits in one executable
  uint16_t slot;
  uint16_t lockset;
  uint8_t mask;  // the bytes of the word touched
  uint8_t flags;
  uint8_t irql;
  uint8_t size;
};

struct RaceDetector::Word {
  std::array<Cell, kCellsPerWord> cells{};
};

struct RaceDetector::Region {
  uintptr_t begin;
  uintptr_t end;
  RegionInfo info;
  std::vector<std::unique_ptr<std::array<Word, kWordsPerPage>>> pages;  // allocated when touched
};

RaceDetector::RaceDetector(unsigned cpus, ContextSource context, FindingSink sink)
    : slots_(cpus * kKindsPerCpu),
      context_source_(std::move(context)),
      sink_(std::move(sink)),
      contexts_(slots_) {
  for (unsigned s = 0; s < slots_; ++s) {
    contexts_[s].clock = VectorClock(slots_);
    contexts_[s].clock.tick(s);  // epoch 0 is "never": a fresh cell is never ordered by it
    contexts_[s].acquire_pending = VectorClock(slots_);
  }
}

RaceDetector::~RaceDetector() = default;

void RaceDetector::add_region(const void* base, size_t bytes, RegionInfo info) {
  if (!base || bytes == 0) return;
  const auto begin = reinterpret_cast<uintptr_t>(base);
  const uintptr_t end = begin + bytes;
  // Forget what the new region overlaps: that memory was freed behind the detector's back.
  auto it = regions_.lower_bound(begin);
  if (it != regions_.begin() && std::prev(it)->second->end > begin) --it;
  while (it != regions_.end() && it->first < end) it = regions_.erase(it);
  forget(begin, end);
  auto region = std::make_unique<Region>();
  region->begin = begin;
  region->end = end;
  region->info = std::move(info);
  region->pages.resize(((end + 7) / 8 - begin / 8 + kWordsPerPage - 1) / kWordsPerPage);
  regions_[begin] = std::move(region);
  last_region_ = nullptr;
}

void RaceDetector::remove_region(const void* base) {
  auto it = regions_.find(reinterpret_cast<uintptr_t>(base));
  if (it == regions_.end()) return;
  forget(it->second->begin, it->second->end);
  regions_.erase(it);
  last_region_ = nullptr;
}

// Freed memory takes its locks, events and NBLs with it: without this a long run keeps one clock
// per NBL it ever saw, and a new object at a reused address inherits an old one's history.
void RaceDetector::forget(uintptr_t begin, uintptr_t end) {
  syncs_.erase(syncs_.lower_bound(begin), syncs_.lower_bound(end));
  atomic_syncs_.erase(atomic_syncs_.lower_bound(begin), atomic_syncs_.lower_bound(end));
}

RaceDetector::Region* RaceDetector::find_region(uintptr_t address) {
  if (last_region_ && address >= last_region_->begin && address < last_region_->end)
    return last_region_;
  auto it = regions_.upper_bound(address);
  if (it == regions_.begin()) return nullptr;
  --it;
  if (address >= it->second->end) return nullptr;
  last_region_ = it->second.get();
  return last_region_;
}

RaceDetector::Word& RaceDetector::word_of(Region& region, uintptr_t word_address) {
  const size_t index = word_address / 8 - region.begin / 8;
  auto& page = region.pages[index / kWordsPerPage];
  if (!page) page = std::make_unique<std::array<Word, kWordsPerPage>>();
  return (*page)[index % kWordsPerPage];
}

void RaceDetector::access(const void* address, size_t bytes, bool write, bool atomic,
                          uintptr_t pc) {
  ++accesses_;
  if (bytes == 0) return;
  const auto begin = reinterpret_cast<uintptr_t>(address);
  Region* region = find_region(begin);
  if (!region) return;
  ContextNow now;
  if (!context_source_(now)) return;
  ++checked_;
  if (pc_base_ == 0) pc_base_ = pc;
  const uintptr_t end = std::min(begin + bytes, region->end);
  if (region->info.host_address && shared_hook_)
    shared_hook_(region->info.host_address + (begin - region->begin), end - begin, write, pc);
  for (uintptr_t word = begin & ~uintptr_t{7}; word < end; word += 8) {
    const uintptr_t first = std::max(word, begin);
    const uintptr_t last = std::min(word + 8, end);  // exclusive
    const auto mask = static_cast<uint8_t>(((1u << (last - first)) - 1) << (first - word));
    check_word(*region, word, mask, write, atomic, now, pc);
  }
}

void RaceDetector::check_word(Region& region, uintptr_t word_address, uint8_t mask, bool write,
                              bool atomic, const ContextNow& now, uintptr_t pc) {
  Word& word = word_of(region, word_address);
  const Context& context = context_of(now);
  const bool dirql = now.irql >= kFirstDeviceIrql;
  for (const Cell& cell : word.cells) {
    if (!(cell.flags & kValid) || !(cell.mask & mask) || cell.slot == now.slot) continue;
    const bool cell_write = cell.flags & kWrite;
    if (!write && !cell_write) continue;             // read-read
    if (atomic && (cell.flags & kAtomic)) continue;  // both atomic
    const bool cell_dirql = cell.irql >= kFirstDeviceIrql;
    FindingKind kind;
    if ((dirql && (cell.flags & kUnsynchronized)) || (cell_dirql && now.unsynchronized))
      kind = FindingKind::kIsrUnsynchronized;
    else if (cell.epoch > context.clock[cell.slot])
      kind = FindingKind::kDataRace;
    else
      continue;  // ordered
    const uintptr_t previous_pc = pc_base_ + static_cast<intptr_t>(cell.pc_delta);
    const uint64_t key = (static_cast<uint64_t>(kind) << 62) ^
                         (std::min(pc, previous_pc) * 0x9E3779B97F4A7C15ull) ^
                         (std::max(pc, previous_pc) + 0x7F4A7C15ull);
    if (!reported_.insert(key).second) continue;
    const uint8_t both = cell.mask & mask;
    Finding finding{kind,
                    word_address + static_cast<uintptr_t>(__builtin_ctz(both)),
                    reinterpret_cast<const void*>(region.begin),
                    region.end - region.begin,
                    &region.info,
                    {now.slot, now.irql, write, atomic, now.lockset, pc,
                     static_cast<uint8_t>(__builtin_popcount(mask))},
                    {cell.slot, cell.irql, cell_write, static_cast<bool>(cell.flags & kAtomic),
                     cell.lockset, previous_pc, cell.size}};
    sink_(finding);
  }

  // Record the access where it makes another cell redundant, else in a free or ordered one.
  const uint8_t flags =
      static_cast<uint8_t>(kValid | (write ? kWrite : 0) | (atomic ? kAtomic : 0) |
                           (now.unsynchronized ? kUnsynchronized : 0));
  const int64_t delta = static_cast<int64_t>(pc) - static_cast<int64_t>(pc_base_);
  const Cell fresh{context.clock[now.slot],
                   delta == static_cast<int32_t>(delta) ? static_cast<int32_t>(delta) : 0,
                   now.slot,
                   now.lockset,
                   mask,
                   flags,
                   now.irql,
                   static_cast<uint8_t>(__builtin_popcount(mask))};
  Cell* target = nullptr;
  for (Cell& cell : word.cells) {
    if (!(cell.flags & kValid)) continue;
    const bool same_kind = (cell.flags & ~kWrite) == (flags & ~kWrite) && cell.irql == now.irql;
    if (cell.slot == now.slot && same_kind && (cell.mask & ~mask) == 0 &&
        (write || !(cell.flags & kWrite))) {
      target = &cell;
      break;
    }
  }
  if (!target)
    for (Cell& cell : word.cells)
      if (!(cell.flags & kValid)) {
        target = &cell;
        break;
      }
  if (!target && write)
    for (Cell& cell : word.cells)
      if (cell.epoch <= context.clock[cell.slot] && !(cell.flags & kUnsynchronized) &&
          cell.irql < kFirstDeviceIrql) {
        target = &cell;
        break;
      }
  if (!target) target = &word.cells[(fresh.epoch + now.slot) % kCellsPerWord];
  *target = fresh;
}

void RaceDetector::atomic_access(const void* address, size_t bytes, bool write, int order,
                                 uintptr_t pc) {
  access(address, bytes, write, true, pc);
  ContextNow now;
  if (!context_source_(now)) return;
  Context& context = context_of(now);
  const auto key = reinterpret_cast<uintptr_t>(address);
  if (!write) {
    auto it = atomic_syncs_.find(key);
    if (it == atomic_syncs_.end()) return;
    if (is_acquire(order))
      context.clock.join(it->second);
    else
      context.acquire_pending.join(it->second);
    return;
  }
  auto [it, fresh] = atomic_syncs_.try_emplace(key, VectorClock(slots_));
  (void)fresh;
  if (is_release(order)) {
    it->second.join(context.clock);
    context.clock.tick(now.slot);
  } else if (!context.release_fence.empty()) {
    it->second.join(context.release_fence);
  }
}

void RaceDetector::atomic_load(const void* address, size_t bytes, int order, uintptr_t pc) {
  atomic_access(address, bytes, false, order, pc);
}

void RaceDetector::atomic_store(const void* address, size_t bytes, int order, uintptr_t pc) {
  atomic_access(address, bytes, true, order, pc);
}

void RaceDetector::atomic_rmw(const void* address, size_t bytes, int order, uintptr_t pc) {
  // The read half acquires before the write half releases: one operation, one shadow write.
  ContextNow now;
  if (context_source_(now) && is_acquire(order)) {
    auto it = atomic_syncs_.find(reinterpret_cast<uintptr_t>(address));
    if (it != atomic_syncs_.end()) context_of(now).clock.join(it->second);
  }
  atomic_access(address, bytes, true, order, pc);
}

void RaceDetector::fence(int order) {
  ContextNow now;
  if (!context_source_(now)) return;
  Context& context = context_of(now);
  if (is_acquire(order)) context.clock.join(context.acquire_pending);
  if (is_release(order)) {
    context.release_fence = context.clock;
    context.clock.tick(now.slot);
  }
}

void RaceDetector::acquire(const void* sync) {
  ContextNow now;
  if (!context_source_(now)) return;
  auto it = syncs_.find(reinterpret_cast<uintptr_t>(sync));
  if (it != syncs_.end()) context_of(now).clock.join(it->second);
}

void RaceDetector::release(const void* sync) {
  ContextNow now;
  if (!context_source_(now)) return;
  Context& context = context_of(now);
  auto [it, fresh] = syncs_.try_emplace(reinterpret_cast<uintptr_t>(sync), VectorClock(slots_));
  (void)fresh;
  it->second.join(context.clock);
  context.clock.tick(now.slot);
}

}  // namespace nicsim::ndis::race
