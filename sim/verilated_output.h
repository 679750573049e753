// What a Verilated model prints ($display, $error, its assertion failures): Verilator's runtime
// prints through the VL_PRINTF macro, which the models nicsim builds define as
// nicsim_verilated_printf (nicsim_capture_verilated_output in cmake/nicsim_cosim.cmake forces this
// header into them). The text is echoed to stdout as before and the last lines are kept, so that
// VerilatedDevice can name the assertion that failed (RTL_ASSERTION). Everything is inline: the
// model's objects and the device binding share one buffer without a library to link.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace nicsim::sim::verilated_output {

struct Capture {
  static constexpr size_t kMaxLines = 16;
  std::vector<std::string> lines;  // the last kMaxLines printed, oldest first
  bool hooked = false;             // some model printed through the hook (it is compiled in)
  bool echo_errors = true;         // false: "%Error" lines become findings, not stdout text
};

inline Capture& capture() {
  static Capture state;
  return state;
}

}  // namespace nicsim::sim::verilated_output

inline int nicsim_verilated_printf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int length = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string text(length > 0 ? static_cast<size_t>(length) : 0, '\0');
  if (length > 0) std::vsnprintf(text.data(), text.size() + 1, format, args);
  va_end(args);
  auto& state = nicsim::sim::verilated_output::capture();
  state.hooked = true;
  if (state.echo_errors || text.find("%Error") == std::string::npos)
    std::fputs(text.c_str(), stdout);
  if (state.lines.size() == state.kMaxLines) state.lines.erase(state.lines.begin());
  state.lines.push_back(std::move(text));
  return length;
}
