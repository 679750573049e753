#include "testbench/waves/vcd_reader.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace nicsim::testing {
namespace {

uint64_t bits_to_int(const std::string& bits) {
  uint64_t value = 0;
  for (char c : bits) value = (value << 1) | (c == '1' ? 1 : 0);
  return value;
}

}  // namespace

std::vector<std::string> Vcd::find(const std::vector<std::string>& parts) const {
  std::vector<std::string> names;
  for (const auto& [name, id] : id_of) {
    bool all = true;
    for (const auto& part : parts) all = all && name.find(part) != std::string::npos;
    if (all) names.push_back(name);
  }
  return names;
}

const std::vector<VcdChange>& Vcd::history(const std::string& full_name) const {
  static const std::vector<VcdChange> kEmpty;
  const auto id = id_of.find(full_name);
  if (id == id_of.end()) throw std::out_of_range("no signal " + full_name);
  const auto it = changes.find(id->second);
  return it == changes.end() ? kEmpty : it->second;
}

std::optional<uint64_t> Vcd::first_rise(const std::string& full_name, uint64_t from) const {
  for (const auto& change : history(full_name)) {
    if (change.time >= from && bits_to_int(change.value) != 0) return change.time;
  }
  return std::nullopt;
}

uint64_t Vcd::value_at(const std::string& full_name, uint64_t time) const {
  uint64_t value = 0;
  for (const auto& change : history(full_name)) {
    if (change.time > time) break;
    value = bits_to_int(change.value);
  }
  return value;
}

Vcd parse_vcd(const std::string& text) {
  Vcd vcd;
  const size_t end_defs = text.find("$enddefinitions");
  if (end_defs == std::string::npos) throw std::runtime_error("not a VCD: no $enddefinitions");
  vcd.header = text.substr(0, end_defs);

  std::istringstream header(vcd.header);
  std::vector<std::string> scopes;
  std::string word;
  while (header >> word) {
    if (word == "$scope") {
      std::string type, name;
      header >> type >> name;
      scopes.push_back(name);
    } else if (word == "$upscope") {
      if (!scopes.empty()) scopes.pop_back();
    } else if (word == "$var") {
      std::string type, width, id, name, rest;
      header >> type >> width >> id >> name;
      while (header >> rest && rest != "$end") {
        if (rest[0] == '[') name += rest;  // a bit range written apart from the name
      }
      std::string full;
      for (const auto& scope : scopes) full += scope + ".";
      vcd.id_of[full + name] = id;
    } else if (word == "$timescale") {
      std::string part;
      while (header >> part && part != "$end") vcd.timescale += part;
    }
  }

  std::istringstream body(text.substr(end_defs));
  std::string line;
  uint64_t time = 0;
  while (std::getline(body, line)) {
    if (line.empty() || line[0] == '$') continue;
    if (line[0] == '#') {
      time = std::stoull(line.substr(1));
    } else if (line[0] == 'b' || line[0] == 'B') {
      const size_t space = line.find(' ');
      if (space == std::string::npos) continue;
      vcd.changes[line.substr(space + 1)].push_back({time, line.substr(1, space - 1)});
    } else if (line[0] == '0' || line[0] == '1' || line[0] == 'x' || line[0] == 'z') {
      vcd.changes[line.substr(1)].push_back({time, line.substr(0, 1)});
    }
  }
  return vcd;
}

std::string fst_to_vcd_text(const std::string& fst_path) {
  const std::string command = "fst2vcd -f '" + fst_path + "' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot run fst2vcd");
  std::string text;
  std::array<char, 65536> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0)
    text.append(buffer.data(), n);
  if (text.find("$enddefinitions") == std::string::npos) {
    throw std::runtime_error("fst2vcd could not read " + fst_path);
  }
  return text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace nicsim::testing
