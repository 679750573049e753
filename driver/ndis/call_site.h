// Where a driver called the NDIS layer: the file, line and function the <ndis.h> macros pass
// (__FILE__, __LINE__, __func__), so C and C++ drivers get the same report. Kernel-internal calls
// take theirs from std::source_location.
#pragma once

#include <source_location>

namespace nicsim::ndis {

class CallSite {
 public:
  constexpr CallSite(const char* file, unsigned line, const char* function)
      : file_(file ? file : "?"), line_(line), function_(function ? function : "?") {}
  static constexpr CallSite current(std::source_location at = std::source_location::current()) {
    return {at.file_name(), at.line(), at.function_name()};
  }
  constexpr const char* file_name() const { return file_; }
  constexpr unsigned line() const { return line_; }
  constexpr const char* function_name() const { return function_; }

 private:
  const char* file_;
  unsigned line_;
  const char* function_;
};

}  // namespace nicsim::ndis
