// What a race report says about code and memory, read from the running executable's own debug
// info (libdw): a return address as a function and source line, and an offset into an allocation
// as a structure field. Reports are rare, so each answer is computed on demand and cached; the
// debug info is opened on the first question, so a run without a race never pays for it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace nicsim::ndis::race {

struct SourceLocation {
  // Qualified, without parameters: "nicsim::miniport::MPSendNetBufferLists", "MPIsr".
  std::string function;
  // As the debug info names it, joined to the compilation directory when relative.
  std::string file;
  int line = 0;
};

class Symbolizer {
 public:
  Symbolizer();
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // pc: a return address into instrumented code (__builtin_return_address(0) in a hook); the
  // call instruction before it is what gets located. Code inlined there is named by its own
  // function, so function and line agree. Unknown parts stay empty / 0.
  SourceLocation locate(uintptr_t pc) noexcept;

  // The member at byte `offset` of the one structure type of exactly `bytes` bytes that the
  // compilation unit of `file` defines, e.g. "MP_ADAPTER.Tx[1].Slot[3].Nb" (the type's own name,
  // without its namespaces). `file` is an allocation's call site (__FILE__): a relative path
  // matches a unit whose path ends with it, an absolute one must be the unit's path. Types inside
  // namespace std and function bodies are not candidates. "" when there is no such type, or
  // several distinct ones, or offset is not inside it.
  std::string field_at(std::string_view file, uint64_t bytes, uint64_t offset) noexcept;

 private:
  struct DebugInfo;  // libdw's handles and the caches; libdw stays out of this header
  DebugInfo* debug_info();

  std::mutex mutex_;  // reports may come from more than one host thread
  bool opened_ = false;
  std::unique_ptr<DebugInfo> debug_info_;
};

}  // namespace nicsim::ndis::race
