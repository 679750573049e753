// Reads a VCD (or an FST through fst2vcd) into signal histories for the wave tests.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nicsim::testing {

struct VcdChange {
  uint64_t time;      // in the file's timescale units
  std::string value;  // bits as written ("1", "0", "b0101" without the b)
};

struct Vcd {
  std::string timescale;                                  // e.g. "1ps"
  std::map<std::string, std::string> id_of;               // full dotted name -> id code
  std::map<std::string, std::vector<VcdChange>> changes;  // id code -> changes in time order
  std::string header;                                     // everything before $enddefinitions

  // Full names containing every part (e.g. {"host", "cpu[1]", "irql"}); sorted.
  std::vector<std::string> find(const std::vector<std::string>& parts) const;
  const std::vector<VcdChange>& history(const std::string& full_name) const;
  // First time the signal becomes nonzero at or after from; nullopt if never.
  std::optional<uint64_t> first_rise(const std::string& full_name, uint64_t from = 0) const;
  // Value of the signal at time (last change at or before it), as an integer (x/z read as 0).
  uint64_t value_at(const std::string& full_name, uint64_t time) const;
};

Vcd parse_vcd(const std::string& text);
// Runs fst2vcd on path; throws std::runtime_error when it fails.
std::string fst_to_vcd_text(const std::string& fst_path);
std::string read_file(const std::string& path);

}  // namespace nicsim::testing
