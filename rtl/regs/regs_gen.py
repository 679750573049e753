#!/usr/bin/env python3
"""Generates the SV package, the C++ header, the C header and the Markdown table of a register map.

usage: regs_gen.py SOURCE.json OUT_DIR
With NAME the spec's "name", writes OUT_DIR/NAME_regs_pkg.sv (package NAME_regs_pkg),
OUT_DIR/NAME_regs.h (namespace NAME_regs), OUT_DIR/NAME_regs_c.h (macros NAME_*, for C drivers)
and OUT_DIR/NAME_regs.md. A "device" section (sim/DEVICE_CONTRACT.md) is checked against the
registers it names; a spec that does not hold together exits with status 2 and names the bad key.
"""
import json
import pathlib
import re
import sys

GENERATOR = "rtl/regs/regs_gen.py"
REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DESCRIPTOR_KINDS = ("TX", "RX")


class SpecError(Exception):
    """The description is inconsistent; the message names the key and the value."""


def num(value, constants):
    if isinstance(value, int):
        return value
    if value in constants:
        return num(constants[value], constants)
    return int(value, 0)


def bit_range(bits):
    hi, _, lo = bits.partition(":")
    return int(hi), int(lo or hi)


def banner(source):
    # Named relative to the repository so the output does not depend on where it is generated.
    path = pathlib.Path(source).resolve()
    try:
        shown = path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        shown = path.name
    return f"Generated from {shown} by {GENERATOR}. Do not edit."


def load(path):
    spec = json.loads(pathlib.Path(path).read_text())
    if not re.fullmatch(r"[a-z][a-z0-9_]*", spec.get("name", "")):
        raise SpecError(f"name: {spec.get('name')!r} is not a lower-case identifier")
    constants = spec["constants"]
    blocks = []
    for block in spec["blocks"]:
        blocks.append(dict(
            block,
            base=num(block["base"], constants),
            count=num(block.get("count", 1), constants),
            stride=num(block.get("stride", 0), constants),
            array="count" in block,
            registers=[dict(r, offset=num(r["offset"], constants)) for r in block["registers"]],
        ))
    return spec, constants, blocks


def check_overlaps(blocks):
    """Every 32-bit register, of every block instance, at an address no other register has."""
    owner = {}
    for block in blocks:
        for index in range(block["count"]):
            for reg in block["registers"]:
                address = block["base"] + index * block["stride"] + reg["offset"]
                name = f"{block['name']}[{index}].{reg['name']}" if block["array"] else reg["name"]
                if address in owner:
                    raise SpecError(f"blocks: {name} at {address:#x} overlaps {owner[address]}")
                owner[address] = name


def descriptor_flags(spec):
    """Status and command bit constants: every plain number beside the TX and RX layouts."""
    return [(k, v) for k, v in spec["descriptors"].items() if k not in DESCRIPTOR_KINDS]


def descriptor_bytes(spec, kind):
    """Bytes a descriptor layout covers: up to the end of the 64-bit word of its last field."""
    return 8 * (1 + max(f["qword"] for f in spec["descriptors"][kind]))


def ring_entry_shift(constants):
    """log2 of DESC_BYTES, the ring stride; the RTL addresses entry i at base + (i << shift)."""
    size = num(constants["DESC_BYTES"], constants)
    if size <= 0 or size & (size - 1):
        raise SpecError(f"constants.DESC_BYTES: {json.dumps(constants['DESC_BYTES'])} is not a power of two")
    return size.bit_length() - 1


def check_descriptors(spec, constants):
    """Every field lies within its 64-bit word, and every layout within DESC_BYTES."""
    descriptors = spec.get("descriptors", {})
    for kind in DESCRIPTOR_KINDS:
        for i, field in enumerate(descriptors.get(kind, [])):
            hi, lo = bit_range(field["bits"])
            if not 0 <= lo <= hi < 64:
                raise SpecError(f"descriptors.{kind}[{i}].bits: {json.dumps(field['bits'])} is not within a 64-bit word")
        if descriptors.get(kind) and "DESC_BYTES" in constants:
            size = num(constants["DESC_BYTES"], constants)
            if descriptor_bytes(spec, kind) > size:
                raise SpecError(f"descriptors.{kind}: {descriptor_bytes(spec, kind)} bytes exceed DESC_BYTES ({size})")


def gen_sv(spec, constants, blocks, source):
    out = [f"// {banner(source)}", "`default_nettype none", "", f"package {spec['name']}_regs_pkg;"]
    for name, value in constants.items():
        out.append(f"  localparam int unsigned {name} = 32'h{num(value, constants):X};")
    out.append("")
    for block in blocks:
        if block["array"]:
            out.append(f"  // {block['name']}: {block['count']} x stride 0x{block['stride']:X}: {block.get('desc', '')}")
            out.append(f"  localparam logic [15:0] {block['name']}_BASE = 16'h{block['base']:04X};")
            out.append(f"  localparam logic [15:0] {block['name']}_STRIDE = 16'h{block['stride']:04X};")
        for reg in block["registers"]:
            prefix = "OFF" if block["array"] else "ADDR"
            offset = reg["offset"] if block["array"] else block["base"] + reg["offset"]
            out.append(f"  localparam logic [15:0] {prefix}_{reg['name']} = 16'h{offset:04X};  // {reg['access']}: {reg['desc']}")
            if reg.get("reset", "hw") != "hw":
                out.append(f"  localparam logic [31:0] RST_{reg['name']} = 32'h{num(reg['reset'], constants):08X};")
            for field in reg.get("fields", []):
                hi, lo = bit_range(field["bits"])
                out.append(f"  localparam int unsigned {reg['name']}_{field['name']}_LSB = {lo};")
                out.append(f"  localparam int unsigned {reg['name']}_{field['name']}_WIDTH = {hi - lo + 1};")
        out.append("")
    # Opt-in, so the packages of maps whose RTL predates these constants stay as they are.
    if spec.get("sv_package_descriptors"):
        out.append("  // Descriptors: field positions within their 64-bit word (QWORD), little-endian; BIT counts")
        out.append("  // from the descriptor's first byte (64 * QWORD + LSB)")
        for kind in DESCRIPTOR_KINDS:
            for field in spec["descriptors"][kind]:
                hi, lo = bit_range(field["bits"])
                name = f"DESC_{kind}_{field['name']}"
                out.append(f"  localparam int unsigned {name}_QWORD = {field['qword']};  // {field['desc']}")
                out.append(f"  localparam int unsigned {name}_LSB = {lo};")
                out.append(f"  localparam int unsigned {name}_WIDTH = {hi - lo + 1};")
                out.append(f"  localparam int unsigned {name}_BIT = {64 * field['qword'] + lo};")
            out.append(f"  localparam int unsigned DESC_{kind}_BYTES = {descriptor_bytes(spec, kind)};"
                       f"  // up to the end of its last field's word")
        if "DESC_BYTES" in constants:
            shift = ring_entry_shift(constants)
            out.append(f"  localparam int unsigned DESC_SHIFT = {shift};  // log2(DESC_BYTES): ring index to byte offset")
            out.append("  // Byte address of entry index of the ring at base (aligned down to DESC_BYTES, the stride)")
            out.append("  function automatic logic [63:0] desc_entry_addr(input logic [63:0] base, input logic [63:0] index);")
            out.append("    return ((base >> DESC_SHIFT) << DESC_SHIFT) + (index << DESC_SHIFT);")
            out.append("  endfunction")
        for key, value in descriptor_flags(spec):
            out.append(f"  localparam logic [7:0] DESC_{key} = 8'h{value:02X};")
            if value and value & (value - 1) == 0:
                out.append(f"  localparam int unsigned DESC_{key}_BIT = {value.bit_length() - 1};")
        out.append("")
    out += ["endpackage", "", "`default_nettype wire", ""]
    return "\n".join(out)


def gen_h(spec, constants, blocks, source):
    out = [f"// {banner(source)}", "#pragma once", "", "#include <cstdint>", "",
           f"namespace {spec['name']}_regs {{", ""]
    for name, value in constants.items():
        out.append(f"inline constexpr uint32_t k{''.join(p.title() for p in name.split('_'))} = 0x{num(value, constants):X};")
    out.append("")
    for block in blocks:
        for reg in block["registers"]:
            if block["array"]:
                out.append(f"// {reg['desc']}")
                out.append(f"constexpr uint32_t {reg['name']}(unsigned index) {{ return 0x{block['base']:04X} + 0x{block['stride']:X} * index + 0x{reg['offset']:X}; }}")
            else:
                out.append(f"inline constexpr uint32_t {reg['name']} = 0x{block['base'] + reg['offset']:04X};  // {reg['desc']}")
            if reg.get("reset", "hw") != "hw":
                out.append(f"inline constexpr uint32_t {reg['name']}_RESET_VALUE = 0x{num(reg['reset'], constants):X};")
            for field in reg.get("fields", []):
                hi, lo = bit_range(field["bits"])
                mask = ((1 << (hi - lo + 1)) - 1) << lo
                out.append(f"inline constexpr uint32_t {reg['name']}_{field['name']} = 0x{mask:X};  // {field['desc']}")
                out.append(f"inline constexpr unsigned {reg['name']}_{field['name']}_SHIFT = {lo};")
        out.append("")
    desc = spec["descriptors"]
    for kind in DESCRIPTOR_KINDS:
        for field in desc[kind]:
            hi, lo = bit_range(field["bits"])
            out.append(f"inline constexpr unsigned DESC_{kind}_{field['name']}_QWORD = {field['qword']};")
            out.append(f"inline constexpr unsigned DESC_{kind}_{field['name']}_SHIFT = {lo};")
            out.append(f"inline constexpr uint64_t DESC_{kind}_{field['name']}_MASK = 0x{(1 << (hi - lo + 1)) - 1:X}ull;")
    for key, value in descriptor_flags(spec):
        out.append(f"inline constexpr uint8_t DESC_{key} = {value};")
    out += ["", f"}}  // namespace {spec['name']}_regs", ""]
    return "\n".join(out)


def c_comment(text):
    return "/* " + text.replace("*/", "* /") + " */"


def gen_c(spec, constants, blocks, source):
    """Plain C (C11 and C++): macros only, every name prefixed with the upper-case map name."""
    p = spec["name"].upper()
    guard = f"{p}_REGS_C_H_"
    out = [c_comment(banner(source)), f"#ifndef {guard}", f"#define {guard}", "",
           "#include <stdint.h>", "", c_comment("Constants")]
    for name, value in constants.items():
        out.append(f"#define {p}_CONST_{name} UINT32_C(0x{num(value, constants):X})")
    for block in blocks:
        out += ["", c_comment(f"{block['name']}: {block.get('desc', 'registers')}")]
        if block["array"]:
            out.append(f"#define {p}_BLOCK_{block['name']}_COUNT {block['count']}u")
            out.append(f"#define {p}_BLOCK_{block['name']}_STRIDE UINT32_C(0x{block['stride']:X})")
        for reg in block["registers"]:
            if block["array"]:
                out.append(f"#define {p}_REG_{reg['name']}(n) (UINT32_C(0x{block['base']:04X}) + "
                           f"UINT32_C(0x{block['stride']:X}) * (uint32_t)(n) + UINT32_C(0x{reg['offset']:X}))  "
                           + c_comment(f"{reg['access']}: {reg['desc']}"))
            else:
                out.append(f"#define {p}_REG_{reg['name']} UINT32_C(0x{block['base'] + reg['offset']:04X})  "
                           + c_comment(f"{reg['access']}: {reg['desc']}"))
            if reg.get("reset", "hw") != "hw":
                out.append(f"#define {p}_{reg['name']}_RESET_VALUE UINT32_C(0x{num(reg['reset'], constants):X})")
            for field in reg.get("fields", []):
                hi, lo = bit_range(field["bits"])
                mask = ((1 << (hi - lo + 1)) - 1) << lo
                out.append(f"#define {p}_{reg['name']}_{field['name']} UINT32_C(0x{mask:X})  " + c_comment(field["desc"]))
                out.append(f"#define {p}_{reg['name']}_{field['name']}_SHIFT {lo}u")
    out += ["", c_comment("Descriptors: QWORD is the 64-bit word, SHIFT and MASK the bits in it; "
                          "OFFSET and SIZE in bytes where the field is whole bytes")]
    for kind in DESCRIPTOR_KINDS:
        for field in spec["descriptors"][kind]:
            hi, lo = bit_range(field["bits"])
            width = hi - lo + 1
            name = f"{p}_DESC_{kind}_{field['name']}"
            out.append(f"#define {name}_QWORD {field['qword']}u  " + c_comment(field["desc"]))
            out.append(f"#define {name}_SHIFT {lo}u")
            out.append(f"#define {name}_MASK UINT64_C(0x{(1 << width) - 1:X})")
            if lo % 8 == 0 and width % 8 == 0:
                out.append(f"#define {name}_OFFSET {8 * field['qword'] + lo // 8}u")
                out.append(f"#define {name}_SIZE {width // 8}u")
    for key, value in descriptor_flags(spec):
        out.append(f"#define {p}_DESC_{key} 0x{value:02X}u")
    out += ["", f"#endif  {c_comment(guard)}", ""]
    return "\n".join(out)


def gen_md(spec, constants, blocks, source):
    out = [f"<!-- {banner(source)} -->", f"# {spec['description']}", "",
           "| Offset | Name | Access | Reset | Description |", "|---|---|---|---|---|"]
    for block in blocks:
        for reg in block["registers"]:
            if block["array"]:
                where = f"0x{block['base'] + reg['offset']:04X} + 0x{block['stride']:X}*n (n < {block['count']})"
            else:
                where = f"0x{block['base'] + reg['offset']:04X}"
            reset = reg.get("reset", "hw")
            reset = "hw" if reset == "hw" else f"0x{num(reset, constants):X}"
            fields = "; ".join(f"[{f['bits']}] {f['name']}: {f['desc']}" for f in reg.get("fields", []))
            text = reg["desc"] + (f" ({fields})" if fields else "")
            out.append(f"| {where} | {reg['name']} | {reg['access']} | {reset} | {text} |")
    out += ["", "## Descriptors (16 bytes, little-endian)", "", "| Ring | Qword | Bits | Field | Description |", "|---|---|---|---|---|"]
    for kind in DESCRIPTOR_KINDS:
        for field in spec["descriptors"][kind]:
            out.append(f"| {kind} | {field['qword']} | {field['bits']} | {field['name']} | {field['desc']} |")
    out.append("")
    return "\n".join(out)


# Why the NIC may drop a received frame, each counted in a register the testbench reads after the
# traffic: runt and oversize against the link's frame limits, bad (CRC or tuser error), no_desc
# (no free receive descriptor).
DROP_REASONS = ("runt", "oversize", "bad", "no_desc")


class DeviceChecker:
    """Checks the device section's roles against the map (sim/DEVICE_CONTRACT.md)."""

    def __init__(self, spec, constants, blocks):
        self.constants = constants
        self.blocks = {b["name"]: b for b in blocks}
        self.registers = {r["name"]: r for b in blocks for r in b["registers"]}
        self.descriptors = [k for k in DESCRIPTOR_KINDS if k in spec.get("descriptors", {})]
        self.spec_descriptors = spec.get("descriptors", {})

    @staticmethod
    def fail(key, value, why):
        raise SpecError(f"{key}: {json.dumps(value)} {why}")

    def keys(self, key, node, required, optional=()):
        if not isinstance(node, dict):
            self.fail(key, node, "is not an object")
        for name in required:
            if name not in node:
                self.fail(key, sorted(node), f"lacks the required key \"{name}\"")
        for name in node:
            if name not in required and name not in optional:
                self.fail(f"{key}.{name}", node[name], "is not a key of this role")

    def number(self, key, value):
        try:
            return num(value, self.constants)
        except (TypeError, ValueError):
            self.fail(key, value, "is neither a number nor a constant")

    def register(self, key, name, block=None):
        if block is not None:
            names = [r["name"] for r in self.blocks[block]["registers"]]
            if name not in names:
                self.fail(key, name, f"is not a register of block {block} (it has {', '.join(names)})")
        elif name not in self.registers:
            self.fail(key, name, "is not a register")
        return self.registers[name]

    def field(self, key, node):
        self.keys(key, node, ("register", "field"))
        reg = self.register(f"{key}.register", node["register"])
        return self.field_of(f"{key}.field", reg, node["field"])

    def field_of(self, key, reg, name):
        for field in reg.get("fields", []):
            if field["name"] == name:
                return field
        names = ", ".join(f["name"] for f in reg.get("fields", [])) or "none"
        self.fail(key, name, f"is not a field of {reg['name']} (its fields: {names})")

    def cause_bit(self, key, cause_reg, name):
        # A field by name, or NAME<i> for bit i of a multi-bit field.
        if any(f["name"] == name for f in cause_reg.get("fields", [])):
            return
        match = re.fullmatch(r"(.*?)(\d+)", name)
        if match:
            for field in cause_reg.get("fields", []):
                hi, lo = bit_range(field["bits"])
                if field["name"] == match.group(1) and hi > lo:
                    if int(match.group(2)) > hi - lo:
                        self.fail(key, name, f"is past the {hi - lo + 1} bits of {cause_reg['name']}.{field['name']}")
                    return
        self.field_of(key, cause_reg, name)

    def block(self, key, name, array=None):
        if name not in self.blocks:
            self.fail(key, name, f"is not a block (blocks: {', '.join(self.blocks)})")
        if array and not self.blocks[name]["array"]:
            self.fail(key, name, "is not an array block (it needs count and stride)")
        return self.blocks[name]

    def check(self, device):
        self.keys("device", device, ("id", "interrupts"), ("soft_reset", "link", "drops", "send_errors", "errors"))
        self.check_id(device["id"])
        if "soft_reset" in device:
            self.field("device.soft_reset", device["soft_reset"])
        self.check_interrupts(device["interrupts"])
        if "link" in device:
            self.check_link(device["link"])
        if "drops" in device:
            self.check_drops(device["drops"])
        if "send_errors" in device:
            self.check_send_errors(device["send_errors"], "device.send_errors")
        if "errors" in device:
            self.check_send_errors(device["errors"], "device.errors")

    def check_link(self, node):
        self.keys("device.link", node, ("min_frame", "max_frame"))
        low = self.number("device.link.min_frame", node["min_frame"])
        high = self.number("device.link.max_frame", node["max_frame"])
        if not 0 < low <= high:
            self.fail("device.link", node, "wants 0 < min_frame <= max_frame")

    def check_drops(self, node):
        self.keys("device.drops", node, (), DROP_REASONS)
        for reason, name in node.items():
            self.register(f"device.drops.{reason}", name)

    def check_send_errors(self, node, key):
        if not isinstance(node, dict) or not node:
            self.fail(key, node, "is not a non-empty object of reason: register")
        for reason, name in node.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", reason):
                self.fail(f"{key}.{reason}", name, "is keyed by a reason that is not a lower-case identifier")
            self.register(f"{key}.{reason}", name)

    def check_id(self, node):
        self.keys("device.id", node, ("register", "mask", "value"))
        reg = self.register("device.id.register", node["register"])
        mask = self.number("device.id.mask", node["mask"])
        value = self.number("device.id.value", node["value"])
        if value & ~mask:
            self.fail("device.id.value", node["value"], f"has bits outside the mask {node['mask']}")
        if reg.get("reset", "hw") != "hw" and num(reg["reset"], self.constants) & mask != value:
            self.fail("device.id.value", node["value"], f"differs from {reg['name']}'s reset value under the mask")

    def check_interrupts(self, node):
        key = "device.interrupts"
        self.keys(key, node, ("cause", "mask_set", "mask_clear", "messages", "vectors", "ring_causes"),
                  ("cause_set", "line_mode", "pba", "throttle"))
        cause = self.register(f"{key}.cause", node["cause"])
        for role in ("cause_set", "mask_set", "mask_clear", "pba"):
            if role in node:
                self.register(f"{key}.{role}", node[role])
        for role in ("line_mode", "throttle"):
            if role in node:
                self.field(f"{key}.{role}", node[role])
        count = self.check_messages(f"{key}.messages", node["messages"])
        vectors = node["vectors"]
        if not isinstance(vectors, list) or not vectors:
            self.fail(f"{key}.vectors", vectors, "is not a non-empty list")
        if len(vectors) > count:
            self.fail(f"{key}.vectors", len(vectors), f"vectors are more than the {count} messages")
        for i, vector in enumerate(vectors):
            self.keys(f"{key}.vectors[{i}]", vector, ("causes",))
            for name in vector["causes"]:
                self.cause_bit(f"{key}.vectors[{i}].causes", cause, name)
        for i, ring in enumerate(node["ring_causes"]):
            rkey = f"{key}.ring_causes[{i}]"
            self.keys(rkey, ring, ("cause", "block", "base_lo", "base_hi", "size", "descriptor"),
                      ("size_unit", "tail", "head", "buffer", "written_length"))
            self.field_of(f"{rkey}.cause", cause, ring["cause"])
            self.block(f"{rkey}.block", ring["block"])
            for role in ("base_lo", "base_hi", "size", "tail", "head"):
                if role in ring:
                    self.register(f"{rkey}.{role}", ring[role], ring["block"])
            if ring["descriptor"] not in self.descriptors:
                self.fail(f"{rkey}.descriptor", ring["descriptor"], f"is not one of the descriptors {self.descriptors}")
            if ring.get("size_unit", "entries") not in ("entries", "bytes"):
                self.fail(f"{rkey}.size_unit", ring["size_unit"], "is neither \"entries\" nor \"bytes\"")
            if "buffer" in ring:
                self.check_buffer(f"{rkey}.buffer", ring["buffer"], ring["descriptor"])
            if "written_length" in ring:
                self.check_written_length(f"{rkey}.written_length", ring)

    def descriptor_field(self, key, kind, name):
        fields = self.spec_descriptors.get(kind, [])
        for field in fields:
            if field["name"] == name:
                return field
        self.fail(key, name, f"is not a field of descriptor {kind} (its fields: {', '.join(f['name'] for f in fields)})")

    def check_buffer(self, key, node, kind):
        """The buffer a descriptor hands over: its address field and its size (bytes or a field)."""
        self.keys(key, node, ("address", "size"))
        self.descriptor_field(f"{key}.address", kind, node["address"])
        size = node["size"]
        if isinstance(size, str) and any(f["name"] == size for f in self.spec_descriptors.get(kind, [])):
            return
        if isinstance(size, str) and size not in self.constants and not re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)", size):
            self.fail(f"{key}.size", size, f"is neither a number, a constant nor a field of descriptor {kind}")
        if self.number(f"{key}.size", size) <= 0:
            self.fail(f"{key}.size", size, "is not a positive number of bytes")

    def check_written_length(self, key, ring):
        """The field a write-back reports the bytes stored in the buffer with: only a ring that
        hands the device a buffer has one."""
        name = ring["written_length"]
        if "buffer" not in ring:
            self.fail(key, name, "needs the ring's buffer (the length is of what the device stored there)")
        self.descriptor_field(key, ring["descriptor"], name)

    def check_messages(self, key, node):
        """Returns how many vectors the messages can signal."""
        kind = node.get("kind") if isinstance(node, dict) else None
        if kind == "msix":
            self.keys(key, node, ("kind", "table", "count", "address_lo", "address_hi", "data", "control",
                                  "masked_bit"))
            table = self.block(f"{key}.table", node["table"], array=True)
            count = self.number(f"{key}.count", node["count"])
            if count > table["count"]:
                self.fail(f"{key}.count", node["count"], f"is more than the {table['count']} entries of {table['name']}")
            for role in ("address_lo", "address_hi", "data", "control"):
                self.register(f"{key}.{role}", node[role], table["name"])
            if not isinstance(node["masked_bit"], int) or not 0 <= node["masked_bit"] < 32:
                self.fail(f"{key}.masked_bit", node["masked_bit"], "is not a bit number 0..31")
            return count
        if kind == "msi":
            self.keys(key, node, ("kind", "address_lo", "address_hi", "data"), ("enable",))
            for role in ("address_lo", "address_hi", "data"):
                self.register(f"{key}.{role}", node[role])
            if "enable" in node:
                self.field(f"{key}.enable", node["enable"])
            return 1
        self.fail(f"{key}.kind", kind, "is neither \"msix\" nor \"msi\"")


class DeviceResolver:
    """The device section with every role resolved to BAR0 offsets and bit masks: what the platform
    and the monitors read (sim/device_description.h), so no C++ resolves register names again."""

    def __init__(self, spec, constants, blocks):
        self.spec = spec
        self.constants = constants
        self.blocks = {b["name"]: b for b in blocks}
        self.where = {r["name"]: (b, r) for b in blocks for r in b["registers"]}

    def offset(self, name, index=0):
        block, reg = self.where[name]
        return block["base"] + block["stride"] * index + reg["offset"]

    def offsets(self, name):
        block, _ = self.where[name]
        return [self.offset(name, i) for i in range(block["count"])]

    def field(self, node):
        _, reg = self.where[node["register"]]
        field = next(f for f in reg["fields"] if f["name"] == node["field"])
        hi, lo = bit_range(field["bits"])
        return {"offset": self.offset(node["register"]), "mask": ((1 << (hi - lo + 1)) - 1) << lo}

    def cause_mask(self, cause_reg, name, index=None):
        """A field's mask, bit i of a multi-bit field for NAME<i>, or bit index of a ring's field."""
        fields = {f["name"]: bit_range(f["bits"]) for f in cause_reg.get("fields", [])}
        if name in fields:
            hi, lo = fields[name]
            if index is not None and hi > lo:
                return 1 << (lo + index)
            return ((1 << (hi - lo + 1)) - 1) << lo
        match = re.fullmatch(r"(.*?)(\d+)", name)
        return 1 << (fields[match.group(1)][1] + int(match.group(2)))

    def descriptor_bytes(self, kind):
        return descriptor_bytes(self.spec, kind)

    def resolve(self):
        device = self.spec["device"]
        node = device["interrupts"]
        _, cause_reg = self.where[node["cause"]]
        interrupts = {role: self.offset(node[role])
                      for role in ("cause", "cause_set", "mask_set", "mask_clear", "pba") if role in node}
        if "line_mode" in node:
            interrupts["line_mode"] = self.field(node["line_mode"])
        interrupts["messages"] = self.messages(node["messages"])
        if "throttle" in node:
            mask = self.field(node["throttle"])["mask"]
            interrupts["throttle"] = [{"offset": o, "mask": mask} for o in self.offsets(node["throttle"]["register"])]
        interrupts["vectors"] = [sum(self.cause_mask(cause_reg, c) for c in v["causes"]) for v in node["vectors"]]
        rings = []
        for ring in node["ring_causes"]:
            block = self.blocks[ring["block"]]
            for i in range(block["count"]):
                resolved = {"cause_mask": self.cause_mask(cause_reg, ring["cause"], i),
                            "base_lo": self.offset(ring["base_lo"], i), "base_hi": self.offset(ring["base_hi"], i),
                            "size": self.offset(ring["size"], i), "size_unit": ring.get("size_unit", "entries"),
                            "descriptor_bytes": self.descriptor_bytes(ring["descriptor"]),
                            "name": ring["descriptor"] + (str(i) if block["array"] else "")}
                for role in ("tail", "head"):
                    if role in ring:
                        resolved[role] = self.offset(ring[role], i)
                if "buffer" in ring:
                    resolved["buffer"] = self.buffer(ring["buffer"], ring["descriptor"])
                if "written_length" in ring:
                    resolved["written_length"] = self.descriptor_field(ring["descriptor"], ring["written_length"])
                rings.append(resolved)
        interrupts["rings"] = rings
        ident = device["id"]
        resolved = {"name": self.spec["name"], "bar0_bytes": self.bar0_bytes(),
                    "id": {"offset": self.offset(ident["register"]), "mask": num(ident["mask"], self.constants),
                           "value": num(ident["value"], self.constants)},
                    "interrupts": interrupts}
        if "soft_reset" in device:
            resolved["soft_reset"] = self.field(device["soft_reset"])
        if "link" in device:
            resolved["link"] = {k: num(v, self.constants) for k, v in device["link"].items()}
        if "drops" in device:
            resolved["drops"] = {reason: self.offset(name) for reason, name in device["drops"].items()}
        if "send_errors" in device:
            resolved["send_errors"] = {reason: self.offset(name) for reason, name in device["send_errors"].items()}
        if "errors" in device:
            resolved["errors"] = {reason: self.offset(name) for reason, name in device["errors"].items()}
        return resolved

    def descriptor_field(self, kind, name):
        """A descriptor field as the 64-bit word holding it and its bits there."""
        field = next(f for f in self.spec["descriptors"][kind] if f["name"] == name)
        hi, lo = bit_range(field["bits"])
        return {"qword": field["qword"], "shift": lo, "width": hi - lo + 1}

    def buffer(self, node, kind):
        size = node["size"]
        out = {"address": self.descriptor_field(kind, node["address"])}
        if isinstance(size, str) and any(f["name"] == size for f in self.spec["descriptors"][kind]):
            out["bytes_field"] = self.descriptor_field(kind, size)
        else:
            out["bytes"] = num(size, self.constants)
        return out

    def bar0_bytes(self):
        """The BAR0 size PnP assigns: the smallest power of two, at least 4 KiB, holding every register."""
        end = max(b["base"] + b["stride"] * (b["count"] - 1) + r["offset"] + 4
                  for b in self.blocks.values() for r in b["registers"])
        size = 4096
        while size < end:
            size *= 2
        return size

    def messages(self, node):
        if node["kind"] == "msi":
            out = {"kind": "msi", "entries": [{r: self.offset(node[r]) for r in ("address_lo", "address_hi", "data")}]}
            if "enable" in node:
                out["enable"] = self.field(node["enable"])
            return out
        count = num(node["count"], self.constants)
        entries = [dict({r: self.offset(node[r], i) for r in ("address_lo", "address_hi", "data", "control")},
                        masked_mask=1 << node["masked_bit"]) for i in range(count)]
        return {"kind": "msix", "entries": entries}


def gen_device_json(spec, constants, blocks, source):
    resolved = dict(DeviceResolver(spec, constants, blocks).resolve(), generated_from=banner(source))
    return json.dumps(resolved, indent=1, sort_keys=True) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, out_dir = sys.argv[1], pathlib.Path(sys.argv[2])
    try:
        spec, constants, blocks = load(source)
        check_descriptors(spec, constants)
        check_overlaps(blocks)
        if spec.get("sv_package_descriptors") and "DESC_BYTES" in constants:
            ring_entry_shift(constants)
        if "device" in spec:
            DeviceChecker(spec, constants, blocks).check(spec["device"])
    except SpecError as error:
        print(f"regs_gen.py: {source}: {error}", file=sys.stderr)
        sys.exit(2)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = spec["name"]
    outputs = [(f"{name}_regs_pkg.sv", gen_sv), (f"{name}_regs.h", gen_h), (f"{name}_regs_c.h", gen_c),
               (f"{name}_regs.md", gen_md)]
    if "device" in spec:
        outputs.append((f"{name}_device.json", gen_device_json))
    for file_name, generate in outputs:
        path = out_dir / file_name
        text = generate(spec, constants, blocks, source)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


if __name__ == "__main__":
    main()
