#include "driver/ndis/race/symbolizer.h"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <unordered_map>
#include <vector>

namespace nicsim::ndis::race {
namespace {

// Its address finds the module this library is linked into: the executable whose driver code
// the race detector watches, and whose types field_at describes.
const char kThisExecutable = 0;

struct FreeWithFree {
  void operator()(void* memory) const { std::free(memory); }
};
// dwarf_getscopes* return a malloc'd array.
using Scopes = std::unique_ptr<Dwarf_Die[], FreeWithFree>;

bool is_aggregate(int tag) {
  return tag == DW_TAG_structure_type || tag == DW_TAG_class_type || tag == DW_TAG_union_type;
}

bool follow(Dwarf_Die* die, unsigned attribute, Dwarf_Die* target) {
  Dwarf_Attribute attr;
  return dwarf_attr(die, attribute, &attr) && dwarf_formref_die(&attr, target);
}

std::string name_of(Dwarf_Die* die) {
  const char* name = dwarf_diename(die);
  return name ? name : "";
}

std::string scope_name(Dwarf_Die* scope) {
  const char* name = dwarf_diename(scope);
  return name ? name : "(anonymous namespace)";
}

// --- functions ---

// The DIE that names a function: an inlined or out-of-line instance points to its abstract
// instance, a member function's definition to its declaration inside the class.
Dwarf_Die declaration_of(Dwarf_Die function) {
  for (int hop = 0; hop < 8; ++hop) {
    Dwarf_Die target;
    if (!follow(&function, DW_AT_abstract_origin, &target) &&
        !follow(&function, DW_AT_specification, &target)) {
      break;
    }
    function = target;
  }
  return function;
}

// "ns::Class::method", from the namespaces and classes around the declaration: unlike a
// demangled linkage name it has no parameters and no template function's return type. "" inside
// an unnamed class (a lambda): only the linkage name tells those apart.
std::string qualified_name(Dwarf_Die* declaration) {
  const char* name = dwarf_diename(declaration);
  if (!name) return "";
  Dwarf_Die* raw = nullptr;
  const int count = dwarf_getscopes_die(declaration, &raw);
  const Scopes scopes(raw);
  std::string qualified;
  for (int i = count - 1; i >= 1; --i) {  // [count - 1] is the unit, [0] the declaration
    const int tag = dwarf_tag(&scopes[i]);
    if (tag == DW_TAG_namespace) {
      qualified += scope_name(&scopes[i]) + "::";
    } else if (is_aggregate(tag)) {
      const char* scope = dwarf_diename(&scopes[i]);
      if (!scope) return "";
      qualified += std::string(scope) + "::";
    }
  }
  return qualified + name;
}

// "ns::f(int) const" -> "ns::f": the name before the last balanced parenthesis group.
std::string without_parameters(std::string name) {
  const size_t close = name.rfind(')');
  if (close == std::string::npos) return name;
  int depth = 0;
  for (size_t i = close + 1; i-- > 0;) {
    if (name[i] == ')') ++depth;
    if (name[i] == '(' && --depth == 0) return name.substr(0, i);
  }
  return name;
}

std::string demangled(const char* linkage_name) {
  int status = 0;
  const std::unique_ptr<char, FreeWithFree> name(
      abi::__cxa_demangle(linkage_name, nullptr, nullptr, &status));
  return status == 0 ? without_parameters(name.get()) : linkage_name;  // C names stay as they are
}

// Code without debug info: the ELF symbol.
std::string symbol_name(Dwfl_Module* module, Dwarf_Addr address) {
  GElf_Off offset = 0;
  GElf_Sym symbol;
  const char* name =
      dwfl_module_addrinfo(module, address, &offset, &symbol, nullptr, nullptr, nullptr);
  if (!name) return "";
  const int type = GELF_ST_TYPE(symbol.st_info);
  if (type != STT_FUNC && type != STT_GNU_IFUNC) return "";  // data is no function
  if (symbol.st_size != 0 && offset >= symbol.st_size) return "";
  return demangled(name);
}

std::string function_name(Dwfl_Module* module, Dwarf_Addr address) {
  Dwarf_Addr bias = 0;
  if (Dwarf_Die* unit = dwfl_module_addrdie(module, address, &bias)) {
    Dwarf_Die* raw = nullptr;
    const int count = dwarf_getscopes(unit, address - bias, &raw);
    const Scopes scopes(raw);
    for (int i = 0; i < count; ++i) {  // innermost first: code inlined at pc is named by its own
      const int tag = dwarf_tag(&scopes[i]);
      if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine) continue;
      Dwarf_Die declaration = declaration_of(scopes[i]);
      std::string name = qualified_name(&declaration);
      if (!name.empty()) return name;
      Dwarf_Attribute attr;
      const char* linkage_name =
          dwarf_formstring(dwarf_attr_integrate(&scopes[i], DW_AT_linkage_name, &attr));
      if (linkage_name) return demangled(linkage_name);
      break;
    }
  }
  return symbol_name(module, address);
}

// A relative name in the debug info is relative to where the compiler ran (ccache's base_dir
// makes every name relative): joined to it, a report names the file wherever it was run from.
std::string absolute_source_path(const char* file, const char* compile_directory) {
  std::filesystem::path path(file);
  if (path.is_relative() && compile_directory) path = compile_directory / path;
  return path.lexically_normal().string();
}

// --- compilation units and their types ---

struct CompileUnit {
  std::filesystem::path path;  // absolute when the unit says where it was compiled
  Dwarf_Die die;
};

std::vector<CompileUnit> compile_units(Dwarf* dwarf) {
  std::vector<CompileUnit> units;
  Dwarf_CU* unit = nullptr;
  Dwarf_CU* next = nullptr;
  Dwarf_Half version = 0;
  uint8_t unit_type = 0;
  Dwarf_Die die;
  for (; dwarf_get_units(dwarf, unit, &next, &version, &unit_type, &die, nullptr) == 0;
       unit = next) {
    if (unit_type != DW_UT_compile) continue;
    const char* name = dwarf_diename(&die);
    if (!name) continue;
    Dwarf_Attribute attr;
    const char* directory = dwarf_formstring(dwarf_attr(&die, DW_AT_comp_dir, &attr));
    units.push_back({absolute_source_path(name, directory), die});
  }
  return units;
}

// An allocation's __FILE__ names its unit relative to whichever directory the compiler ran in
// (leading ".." steps say nothing about where), or absolutely.
bool names_unit(const std::filesystem::path& unit, std::string_view file) {
  const std::filesystem::path query = std::filesystem::path(file).lexically_normal();
  if (query.is_absolute()) return query == unit;
  std::vector<std::filesystem::path> wanted;
  for (const std::filesystem::path& part : query) {
    if (wanted.empty() && (part == ".." || part == ".")) continue;
    wanted.push_back(part);
  }
  const std::vector<std::filesystem::path> parts(unit.begin(), unit.end());
  if (wanted.empty() || wanted.size() > parts.size()) return false;
  return std::equal(wanted.rbegin(), wanted.rend(), parts.rbegin());
}

struct NamedType {
  std::string qualified_name;  // tells apart types of one name in different scopes
  std::string name;            // what a report shows, as the driver writes it
  Dwarf_Die die;
};
using TypesBySize = std::unordered_map<uint64_t, std::vector<NamedType>>;

void add_type(TypesBySize& types, Dwarf_Die* type, const std::string& scope,
              const std::string& name) {
  Dwarf_Word bytes = 0;
  if (dwarf_aggregate_size(type, &bytes) != 0 || bytes == 0) return;
  std::vector<NamedType>& same_size = types[bytes];
  const std::string qualified_name = scope + name;
  const bool known = std::any_of(same_size.begin(), same_size.end(), [&](const NamedType& other) {
    return other.qualified_name == qualified_name;
  });
  if (!known) same_size.push_back({qualified_name, name, *type});
}

// The structure types a unit defines, nested ones included, by size. Function bodies are not
// searched: their types are lambdas and local helpers, not what a driver allocates.
void collect_types(Dwarf_Die* parent, const std::string& scope, TypesBySize& types) {
  Dwarf_Die child;
  if (dwarf_child(parent, &child) != 0) return;
  do {
    const int tag = dwarf_tag(&child);
    if (tag == DW_TAG_namespace) {
      const std::string name = scope_name(&child);
      // Most of a C++ unit is the standard library, whose types no driver allocates as such.
      if (name == "std" || name.starts_with("__")) continue;
      collect_types(&child, scope + name + "::", types);
    } else if (is_aggregate(tag) && !dwarf_hasattr(&child, DW_AT_declaration)) {
      const char* name = dwarf_diename(&child);
      if (!name) continue;  // named by a typedef, if at all
      add_type(types, &child, scope, name);
      collect_types(&child, scope + name + "::", types);
    } else if (tag == DW_TAG_typedef) {
      // C's `typedef struct { ... } ADAPTER;`: the typedef is the structure's only name.
      Dwarf_Die target;
      if (follow(&child, DW_AT_type, &target) && is_aggregate(dwarf_tag(&target)) &&
          !dwarf_diename(&target)) {
        add_type(types, &target, scope, name_of(&child));
      }
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

// --- field paths ---

struct Member {
  std::string name;  // empty for an anonymous struct or union and for a base class
  Dwarf_Die type;
  uint64_t start = 0;
};

// Where a member lies in its aggregate, in bytes; nullopt for a virtual base.
std::optional<std::pair<uint64_t, uint64_t>> member_extent(Dwarf_Die* member, Dwarf_Die* type) {
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  if (dwarf_formudata(dwarf_attr(member, DW_AT_data_bit_offset, &attr), &value) == 0) {
    Dwarf_Word bits = 0;  // a bit-field: the bytes its bits touch
    if (dwarf_formudata(dwarf_attr(member, DW_AT_bit_size, &attr), &bits) != 0) return {};
    return std::pair{value / 8, (value + bits + 7) / 8 - value / 8};
  }
  Dwarf_Word size = 0;
  if (dwarf_aggregate_size(type, &size) != 0) return {};
  if (!dwarf_attr(member, DW_AT_data_member_location, &attr)) return std::pair{0, size};  // union
  if (dwarf_formudata(&attr, &value) == 0) return std::pair{value, size};
  // Before DWARF 3 a member's place was an expression: DW_OP_plus_uconst N.
  Dwarf_Op* ops = nullptr;
  size_t count = 0;
  if (dwarf_getlocation(&attr, &ops, &count) == 0 && count == 1 &&
      ops[0].atom == DW_OP_plus_uconst) {
    return std::pair{ops[0].number, size};
  }
  return {};
}

// The first member covering offset (the first alternative in a union); nullopt in padding.
std::optional<Member> member_at(Dwarf_Die* aggregate, uint64_t offset) {
  Dwarf_Die child;
  if (dwarf_child(aggregate, &child) != 0) return {};
  do {
    const int tag = dwarf_tag(&child);
    if (tag != DW_TAG_member && tag != DW_TAG_inheritance) continue;
    if (dwarf_hasattr(&child, DW_AT_declaration)) continue;  // a static member (DWARF 4)
    Member member;
    if (!follow(&child, DW_AT_type, &member.type)) continue;
    const auto extent = member_extent(&child, &member.type);
    if (!extent || offset < extent->first || offset - extent->first >= extent->second) continue;
    if (tag == DW_TAG_member) member.name = name_of(&child);
    member.start = extent->first;
    return member;
  } while (dwarf_siblingof(&child, &child) == 0);
  return {};
}

Dwarf_Word subrange_count(Dwarf_Die* subrange) {
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  if (dwarf_formudata(dwarf_attr(subrange, DW_AT_count, &attr), &value) == 0) return value;
  if (dwarf_formudata(dwarf_attr(subrange, DW_AT_upper_bound, &attr), &value) == 0) {
    return value + 1;  // C and C++ arrays start at 0
  }
  return 0;  // a flexible array member
}

// Appends an index per dimension ("[1][2]") and moves *array and offset into the element.
bool enter_element(Dwarf_Die* array, std::string& path, uint64_t& offset) {
  Dwarf_Die element;
  Dwarf_Word element_bytes = 0;
  if (!follow(array, DW_AT_type, &element) || dwarf_aggregate_size(&element, &element_bytes) != 0 ||
      element_bytes == 0) {
    return false;
  }
  std::vector<Dwarf_Word> counts;  // outermost dimension first
  Dwarf_Die child;
  if (dwarf_child(array, &child) == 0) {
    do {
      if (dwarf_tag(&child) == DW_TAG_subrange_type) counts.push_back(subrange_count(&child));
    } while (dwarf_siblingof(&child, &child) == 0);
  }
  if (counts.empty()) counts.push_back(0);
  // A dimension's stride is the element size times the counts of the dimensions inside it; the
  // outermost count (unknown for a flexible array) is never needed.
  std::vector<uint64_t> strides(counts.size());
  uint64_t stride = element_bytes;
  for (size_t i = counts.size(); i-- > 0;) {
    if (stride == 0) return false;
    strides[i] = stride;
    stride *= counts[i];
  }
  for (const uint64_t dimension_stride : strides) {
    path += "[" + std::to_string(offset / dimension_stride) + "]";
    offset %= dimension_stride;
  }
  *array = element;
  return true;
}

// Descends from `type` to the innermost named member covering offset.
std::string field_path(Dwarf_Die type, std::string path, uint64_t offset) {
  for (int depth = 0; depth < 64; ++depth) {  // bounds a cycle in broken debug info
    if (dwarf_peel_type(&type, &type) != 0) break;
    const int tag = dwarf_tag(&type);
    if (is_aggregate(tag)) {
      std::optional<Member> member = member_at(&type, offset);
      if (!member) break;
      if (!member->name.empty()) path += "." + member->name;
      type = member->type;
      offset -= member->start;
    } else if (tag != DW_TAG_array_type || !enter_element(&type, path, offset)) {
      break;
    }
  }
  return path;
}

// Separate debug info is looked for only for this executable, where the driver code is: for a
// shared library the standard search may ask a debuginfod server, over the network.
int find_executable_debuginfo(Dwfl_Module* module, void** userdata, const char* name,
                              Dwarf_Addr base, const char* file, const char* debuglink,
                              GElf_Word debuglink_crc, char** debuginfo_file) {
  Dwarf_Addr start = 0;
  Dwarf_Addr end = 0;
  dwfl_module_info(module, nullptr, &start, &end, nullptr, nullptr, nullptr, nullptr);
  const auto self = reinterpret_cast<Dwarf_Addr>(&kThisExecutable);
  if (self < start || self >= end) return -1;
  return dwfl_standard_find_debuginfo(module, userdata, name, base, file, debuglink, debuglink_crc,
                                      debuginfo_file);
}

}  // namespace

// --- the libdw session ---

struct Symbolizer::DebugInfo {
  explicit DebugInfo(Dwfl* session) : dwfl(session) {}
  ~DebugInfo() { dwfl_end(dwfl); }
  DebugInfo(const DebugInfo&) = delete;
  DebugInfo& operator=(const DebugInfo&) = delete;

  static std::unique_ptr<DebugInfo> open();
  SourceLocation locate(uintptr_t pc);
  std::vector<NamedType> types_of_size(std::string_view file, uint64_t bytes);

  Dwfl* dwfl;
  std::unordered_map<uintptr_t, SourceLocation> locations;
  bool units_read = false;
  std::vector<CompileUnit> units;                    // of this executable
  std::unordered_map<Dwarf_Off, TypesBySize> types;  // per unit, by the unit DIE's offset
};

std::unique_ptr<Symbolizer::DebugInfo> Symbolizer::DebugInfo::open() {
  static char* no_debuginfo_path = nullptr;  // the default search path
  static const Dwfl_Callbacks callbacks = {
      .find_elf = dwfl_linux_proc_find_elf,
      .find_debuginfo = find_executable_debuginfo,
      .section_address = nullptr,
      .debuginfo_path = &no_debuginfo_path,
  };
  Dwfl* dwfl = dwfl_begin(&callbacks);
  if (!dwfl) return nullptr;
  auto info = std::make_unique<DebugInfo>(dwfl);
  // Reports the mapped files only; each one's debug info is read when an address needs it.
  if (dwfl_linux_proc_report(dwfl, getpid()) != 0) return nullptr;
  if (dwfl_report_end(dwfl, nullptr, nullptr) != 0) return nullptr;
  return info;
}

SourceLocation Symbolizer::DebugInfo::locate(uintptr_t pc) {
  SourceLocation location;
  if (pc == 0) return location;
  const Dwarf_Addr address = pc - 1;  // inside the call instruction, not after it
  Dwfl_Module* module = dwfl_addrmodule(dwfl, address);
  if (!module) return location;
  if (Dwfl_Line* line = dwfl_module_getsrc(module, address)) {
    int number = 0;
    if (const char* file = dwfl_lineinfo(line, nullptr, &number, nullptr, nullptr, nullptr)) {
      location.file = absolute_source_path(file, dwfl_line_comp_dir(line));
      location.line = number;
    }
  }
  location.function = function_name(module, address);
  return location;
}

std::vector<NamedType> Symbolizer::DebugInfo::types_of_size(std::string_view file, uint64_t bytes) {
  if (!units_read) {
    units_read = true;
    Dwfl_Module* module = dwfl_addrmodule(dwfl, reinterpret_cast<uintptr_t>(&kThisExecutable));
    Dwarf_Addr bias = 0;
    if (Dwarf* dwarf = module ? dwfl_module_getdwarf(module, &bias) : nullptr) {
      units = compile_units(dwarf);
    }
  }
  std::vector<NamedType> found;
  for (CompileUnit& unit : units) {
    if (!names_unit(unit.path, file)) continue;
    const auto [cached, first_time] = types.try_emplace(dwarf_dieoffset(&unit.die));
    if (first_time) collect_types(&unit.die, "", cached->second);
    const auto same_size = cached->second.find(bytes);
    if (same_size == cached->second.end()) continue;
    // A header's type appears in every unit that includes it: one type, however many units.
    for (const NamedType& type : same_size->second) {
      const bool known = std::any_of(found.begin(), found.end(), [&](const NamedType& other) {
        return other.qualified_name == type.qualified_name;
      });
      if (!known) found.push_back(type);
    }
  }
  return found;
}

// --- Symbolizer ---

Symbolizer::Symbolizer() = default;
Symbolizer::~Symbolizer() = default;

Symbolizer::DebugInfo* Symbolizer::debug_info() {
  if (!opened_) {
    opened_ = true;
    debug_info_ = DebugInfo::open();
  }
  return debug_info_.get();
}

SourceLocation Symbolizer::locate(uintptr_t pc) noexcept {
  const std::lock_guard lock(mutex_);
  DebugInfo* info = debug_info();
  if (!info) return {};
  const auto [cached, first_time] = info->locations.try_emplace(pc);
  if (first_time) cached->second = info->locate(pc);
  return cached->second;
}

std::string Symbolizer::field_at(std::string_view file, uint64_t bytes, uint64_t offset) noexcept {
  const std::lock_guard lock(mutex_);
  DebugInfo* info = debug_info();
  if (!info || offset >= bytes) return "";
  const std::vector<NamedType> candidates = info->types_of_size(file, bytes);
  if (candidates.size() != 1) return "";
  return field_path(candidates.front().die, candidates.front().name, offset);
}

}  // namespace nicsim::ndis::race
