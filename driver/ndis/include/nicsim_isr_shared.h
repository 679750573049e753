// Nicsim, C++ only: state the ISR (or Enable/DisableInterrupt) shares with other code, checked on
// every access. Declare it NicsimIsrShared<T>: each access is a yield point attributed to the
// current CPU, IRQL, context and held locks, and checked (ISR_SHARED_UNSYNCHRONIZED).
// NicsimIsrSharedInterlocked<T> declares a word handed off lock-free with interlocked operations
// (legal between ISR and DPC). Included by <ndis.h> in C++.
#pragma once

#include <source_location>
#include <type_traits>

extern "C" {
// Reports the access to the NDIS layer (a yield point first, then the checks). Access: 0 read,
// 1 write, 2 interlocked.
void NicsimOnIsrSharedAccess(const void* Object, const char* Name, int Access, BOOLEAN Initialized,
                             NICSIM_CALL_SITE_PARAMS);
// Forgets the object's access history (it is being destroyed).
void NicsimOnIsrSharedDestroyed(const void* Object);
}

namespace nicsim_isr_shared_detail {
enum Access : int { kRead = 0, kWrite = 1, kInterlocked = 2 };
inline void Report(const void* object, const char* name, Access access, bool initialized,
                   const std::source_location& where) {
  NicsimOnIsrSharedAccess(object, name, access, initialized ? TRUE : FALSE, where.file_name(),
                          static_cast<int>(where.line()), where.function_name());
}
}  // namespace nicsim_isr_shared_detail

template <typename T>
class NicsimIsrShared {
  static_assert(std::is_trivially_copyable_v<T>, "ISR-shared state must be a plain value");
  using Where = std::source_location;

 public:
  explicit NicsimIsrShared(const char* name = "IsrShared") : name_(name) {}
  NicsimIsrShared(const char* name, T initial) : name_(name), value_(initial), initialized_(true) {}
  ~NicsimIsrShared() { NicsimOnIsrSharedDestroyed(this); }
  NicsimIsrShared(const NicsimIsrShared&) = delete;
  NicsimIsrShared& operator=(const NicsimIsrShared&) = delete;

  T Read(Where where = Where::current()) const {
    Access(nicsim_isr_shared_detail::kRead, where);
    return value_;
  }
  void Write(T value, Where where = Where::current()) {
    Access(nicsim_isr_shared_detail::kWrite, where);
    value_ = value;
    initialized_ = true;
  }
  // Not atomic: a read and a write, each a yield point, so an ISR can land between them.
  T Or(T bits, Where where = Where::current()) {
    T old = Read(where);
    Write(static_cast<T>(old | bits), where);
    return old;
  }
  T Exchange(T value, Where where = Where::current()) {
    T old = Read(where);
    Write(value, where);
    return old;
  }
  const char* name() const { return name_; }

 private:
  void Access(nicsim_isr_shared_detail::Access access, const Where& where) const {
    nicsim_isr_shared_detail::Report(this, name_, access, initialized_, where);
  }
  const char* name_;
  T value_{};
  bool initialized_ = false;
};

template <typename T>
class NicsimIsrSharedInterlocked {
  static_assert(std::is_integral_v<T>, "interlocked state must be an integer word");
  using Where = std::source_location;

 public:
  explicit NicsimIsrSharedInterlocked(const char* name = "IsrSharedInterlocked", T initial = T{})
      : name_(name), value_(initial) {}
  ~NicsimIsrSharedInterlocked() { NicsimOnIsrSharedDestroyed(this); }
  NicsimIsrSharedInterlocked(const NicsimIsrSharedInterlocked&) = delete;
  NicsimIsrSharedInterlocked& operator=(const NicsimIsrSharedInterlocked&) = delete;

  T Read(Where where = Where::current()) const {
    Access(where);
    return value_;
  }
  void Write(T value, Where where = Where::current()) {
    Access(where);
    value_ = value;
  }
  // Atomic read-modify-write (InterlockedOr / InterlockedAnd / InterlockedExchange).
  T Or(T bits, Where where = Where::current()) {
    Access(where);
    T old = value_;
    value_ = static_cast<T>(old | bits);
    return old;
  }
  T And(T bits, Where where = Where::current()) {
    Access(where);
    T old = value_;
    value_ = static_cast<T>(old & bits);
    return old;
  }
  T Exchange(T value, Where where = Where::current()) {
    Access(where);
    T old = value_;
    value_ = value;
    return old;
  }
  const char* name() const { return name_; }

 private:
  void Access(const Where& where) const {
    nicsim_isr_shared_detail::Report(this, name_, nicsim_isr_shared_detail::kInterlocked, true,
                                     where);
  }
  const char* name_;
  T value_;
};
