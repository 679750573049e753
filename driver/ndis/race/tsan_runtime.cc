// The __tsan_* entry points (the ABI of compiler-rt's tsan_interface.h and
// tsan_interface_atomic.h). Atomics must still do what the instrumented code asked for, so each
// performs the operation with the GCC builtin and then tells the detector.
#include "driver/ndis/race/tsan_runtime.h"

#include <cstring>

namespace nicsim::ndis::race {
namespace {
RaceDetector* g_detector = nullptr;
}  // namespace

void set_active_detector(RaceDetector* detector) { g_detector = detector; }
RaceDetector* active_detector() { return g_detector; }

}  // namespace nicsim::ndis::race

using nicsim::ndis::race::g_detector;

#define NICSIM_CALLER_PC reinterpret_cast<uintptr_t>(__builtin_return_address(0))

namespace {

inline void plain(const void* address, size_t bytes, bool write, uintptr_t pc) {
  if (g_detector) g_detector->access(address, bytes, write, false, pc);
}
// A volatile access: marked, as READ_ONCE/WRITE_ONCE are to KCSAN (a relaxed atomic).
inline void marked(const void* address, size_t bytes, bool write, uintptr_t pc) {
  if (!g_detector) return;
  if (write)
    g_detector->atomic_store(address, bytes, 0, pc);
  else
    g_detector->atomic_load(address, bytes, 0, pc);
}
inline void read_modify_write(const volatile void* address, size_t bytes, int order, uintptr_t pc) {
  if (g_detector) g_detector->atomic_rmw(const_cast<const void*>(address), bytes, order, pc);
}

}  // namespace

extern "C" {

void __tsan_init() {}
void __tsan_func_entry(void*) {}
void __tsan_func_exit() {}
void __tsan_ignore_thread_begin() {}
void __tsan_ignore_thread_end() {}

#define NICSIM_TSAN_SIZED(N)                                                                       \
  void __tsan_read##N(void* a) { plain(a, N, false, NICSIM_CALLER_PC); }                           \
  void __tsan_write##N(void* a) { plain(a, N, true, NICSIM_CALLER_PC); }                           \
  void __tsan_unaligned_read##N(const void* a) { plain(a, N, false, NICSIM_CALLER_PC); }           \
  void __tsan_unaligned_write##N(void* a) { plain(a, N, true, NICSIM_CALLER_PC); }                 \
  void __tsan_volatile_read##N(void* a) { marked(a, N, false, NICSIM_CALLER_PC); }                 \
  void __tsan_volatile_write##N(void* a) { marked(a, N, true, NICSIM_CALLER_PC); }                 \
  void __tsan_unaligned_volatile_read##N(const void* a) { marked(a, N, false, NICSIM_CALLER_PC); } \
  void __tsan_unaligned_volatile_write##N(void* a) { marked(a, N, true, NICSIM_CALLER_PC); }       \
  void __tsan_read##N##_pc(void* a, void* pc) {                                                    \
    plain(a, N, false, reinterpret_cast<uintptr_t>(pc));                                           \
  }                                                                                                \
  void __tsan_write##N##_pc(void* a, void* pc) {                                                   \
    plain(a, N, true, reinterpret_cast<uintptr_t>(pc));                                            \
  }

NICSIM_TSAN_SIZED(1)
NICSIM_TSAN_SIZED(2)
NICSIM_TSAN_SIZED(4)
NICSIM_TSAN_SIZED(8)
NICSIM_TSAN_SIZED(16)
#undef NICSIM_TSAN_SIZED

void __tsan_read_range(void* a, unsigned long size) { plain(a, size, false, NICSIM_CALLER_PC); }
void __tsan_write_range(void* a, unsigned long size) { plain(a, size, true, NICSIM_CALLER_PC); }
void __tsan_read_range_pc(void* a, unsigned long size, void* pc) {
  plain(a, size, false, reinterpret_cast<uintptr_t>(pc));
}
void __tsan_write_range_pc(void* a, unsigned long size, void* pc) {
  plain(a, size, true, reinterpret_cast<uintptr_t>(pc));
}
void __tsan_vptr_read(void** vptr) { plain(vptr, sizeof(void*), false, NICSIM_CALLER_PC); }
void __tsan_vptr_update(void** vptr, void*) { plain(vptr, sizeof(void*), true, NICSIM_CALLER_PC); }

// Clang emits these for memory intrinsics; <ndis.h> routes GCC's memcpy/memset/memmove here.
void* __tsan_memcpy(void* to, const void* from, unsigned long size) {
  const uintptr_t pc = NICSIM_CALLER_PC;
  plain(from, size, false, pc);
  plain(to, size, true, pc);
  return std::memcpy(to, from, size);
}
void* __tsan_memmove(void* to, const void* from, unsigned long size) {
  const uintptr_t pc = NICSIM_CALLER_PC;
  plain(from, size, false, pc);
  plain(to, size, true, pc);
  return std::memmove(to, from, size);
}
void* __tsan_memset(void* to, int value, unsigned long size) {
  plain(to, size, true, NICSIM_CALLER_PC);
  return std::memset(to, value, size);
}

void __tsan_atomic_thread_fence(int order) {
  if (g_detector) g_detector->fence(order);
}
void __tsan_atomic_signal_fence(int) {}

// Memory orders arrive as compiler-rt's morder (0 relaxed .. 5 seq_cst), the same numbering as
// GCC's __ATOMIC_* constants, so they pass straight to the builtins.
#define NICSIM_TSAN_FETCH(N, T, OP)                             \
  T __tsan_atomic##N##_fetch_##OP(volatile T* a, T v, int mo) { \
    read_modify_write(a, sizeof(T), mo, NICSIM_CALLER_PC);      \
    return __atomic_fetch_##OP(a, v, __ATOMIC_SEQ_CST);         \
  }
#define NICSIM_TSAN_ATOMIC(N, T)                                                                  \
  T __tsan_atomic##N##_load(const volatile T* a, int mo) {                                        \
    const T v = __atomic_load_n(a, __ATOMIC_SEQ_CST);                                             \
    if (g_detector)                                                                               \
      g_detector->atomic_load(const_cast<const T*>(a), sizeof(T), mo, NICSIM_CALLER_PC);          \
    return v;                                                                                     \
  }                                                                                               \
  void __tsan_atomic##N##_store(volatile T* a, T v, int mo) {                                     \
    if (g_detector) g_detector->atomic_store(const_cast<T*>(a), sizeof(T), mo, NICSIM_CALLER_PC); \
    __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                                                     \
  }                                                                                               \
  T __tsan_atomic##N##_exchange(volatile T* a, T v, int mo) {                                     \
    read_modify_write(a, sizeof(T), mo, NICSIM_CALLER_PC);                                        \
    return __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST);                                           \
  }                                                                                               \
  NICSIM_TSAN_FETCH(N, T, add)                                                                    \
  NICSIM_TSAN_FETCH(N, T, sub)                                                                    \
  NICSIM_TSAN_FETCH(N, T, and)                                                                    \
  NICSIM_TSAN_FETCH(N, T, or)                                                                     \
  NICSIM_TSAN_FETCH(N, T, xor)                                                                    \
  NICSIM_TSAN_FETCH(N, T, nand)                                                                   \
  int __tsan_atomic##N##_compare_exchange_strong(volatile T* a, T* c, T v, int mo, int) {         \
    read_modify_write(a, sizeof(T), mo, NICSIM_CALLER_PC);                                        \
    return __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);       \
  }                                                                                               \
  int __tsan_atomic##N##_compare_exchange_weak(volatile T* a, T* c, T v, int mo, int) {           \
    read_modify_write(a, sizeof(T), mo, NICSIM_CALLER_PC);                                        \
    return __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);       \
  }                                                                                               \
  T __tsan_atomic##N##_compare_exchange_val(volatile T* a, T c, T v, int mo, int) {               \
    read_modify_write(a, sizeof(T), mo, NICSIM_CALLER_PC);                                        \
    __atomic_compare_exchange_n(a, &c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);             \
    return c;                                                                                     \
  }

NICSIM_TSAN_ATOMIC(8, unsigned char)
NICSIM_TSAN_ATOMIC(16, unsigned short)
NICSIM_TSAN_ATOMIC(32, unsigned int)
NICSIM_TSAN_ATOMIC(64, unsigned long long)
#undef NICSIM_TSAN_ATOMIC
#undef NICSIM_TSAN_FETCH

}  // extern "C"
