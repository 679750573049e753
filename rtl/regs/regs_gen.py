#!/usr/bin/env python3
"""Generates the SV package, the C++ header and the Markdown table from nic_regs.json.

usage: regs_gen.py SOURCE.json OUT_DIR
Writes OUT_DIR/nic_regs_pkg.sv, OUT_DIR/nic_regs.h and OUT_DIR/nic_regs.md.
"""
import json
import pathlib
import sys

BANNER = "Generated from rtl/regs/nic_regs.json by rtl/regs/regs_gen.py. Do not edit."


def num(value, constants):
    if isinstance(value, int):
        return value
    if value in constants:
        return num(constants[value], constants)
    return int(value, 0)


def bit_range(bits):
    hi, _, lo = bits.partition(":")
    return int(hi), int(lo or hi)


def load(path):
    spec = json.loads(pathlib.Path(path).read_text())
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


def gen_sv(spec, constants, blocks):
    out = [f"// {BANNER}", "`default_nettype none", "", "package nic_regs_pkg;"]
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
    out += ["endpackage", "", "`default_nettype wire", ""]
    return "\n".join(out)


def gen_h(spec, constants, blocks):
    out = [f"// {BANNER}", "#pragma once", "", "#include <cstdint>", "", "namespace nic_regs {", ""]
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
    for kind in ("TX", "RX"):
        for field in desc[kind]:
            hi, lo = bit_range(field["bits"])
            out.append(f"inline constexpr unsigned DESC_{kind}_{field['name']}_QWORD = {field['qword']};")
            out.append(f"inline constexpr unsigned DESC_{kind}_{field['name']}_SHIFT = {lo};")
            out.append(f"inline constexpr uint64_t DESC_{kind}_{field['name']}_MASK = 0x{(1 << (hi - lo + 1)) - 1:X}ull;")
    for key in ("STATUS_DD", "STATUS_ERR", "STATUS_EOP"):
        out.append(f"inline constexpr uint8_t DESC_{key} = {desc[key]};")
    out += ["", "}  // namespace nic_regs", ""]
    return "\n".join(out)


def gen_md(spec, constants, blocks):
    out = [f"<!-- {BANNER} -->", f"# {spec['description']}", "",
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
    for kind in ("TX", "RX"):
        for field in spec["descriptors"][kind]:
            out.append(f"| {kind} | {field['qword']} | {field['bits']} | {field['name']} | {field['desc']} |")
    out.append("")
    return "\n".join(out)


def main():
    source, out_dir = sys.argv[1], pathlib.Path(sys.argv[2])
    spec, constants, blocks = load(source)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in (("nic_regs_pkg.sv", gen_sv(spec, constants, blocks)),
                       ("nic_regs.h", gen_h(spec, constants, blocks)),
                       ("nic_regs.md", gen_md(spec, constants, blocks))):
        path = out_dir / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


if __name__ == "__main__":
    main()
