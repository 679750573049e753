#!/usr/bin/env python3
"""Fails unless the C driver uses every entry point <ndis.h> declares.

Scans ndis.h and its sub-headers (include/nicsim/*.h) for
  - function-like macros:  #define Name(
  - functions:             a declaration or static inline definition at file scope, Name(
and checks that the driver source (comments stripped) names each function-like macro, and each
function either by name or through a function-like macro whose body reaches it (the Nicsim*
functions a WDK-named macro forwards to are covered by that macro). Re-run as the header grows:
a name added there and not used by the driver fails this check.

usage: check_c_driver_coverage.py INCLUDE_DIR DRIVER_SOURCE [--list]
"""
import pathlib
import re
import sys

MACRO = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)\((.*)$")
# A file-scope declaration: starts in column 0 with a type (not typedef, not a preprocessor line,
# not a brace), ends its name with "(".
FUNCTION = re.compile(
    r"^(?!typedef\b|#|\}|struct\b|union\b|enum\b)(?:static\s+inline\s+)?"
    r"(?:const\s+)?[A-Za-z_]\w*(?:\s*\*)*\s+\**([A-Za-z_]\w*)\s*\(")
IDENT = re.compile(r"[A-Za-z_]\w*")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def scan(headers):
    macros = {}  # name -> identifiers its body names
    functions = set()
    for header in headers:
        lines = strip_comments(header.read_text()).split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            m = MACRO.match(line)
            if m:
                body = m.group(2)
                while line.rstrip().endswith("\\") and i + 1 < len(lines):
                    i += 1
                    line = lines[i]
                    body += " " + line
                macros.setdefault(m.group(1), set()).update(IDENT.findall(body))
            else:
                f = FUNCTION.match(line)
                # A C library function renamed for the race checker (asm label) is no entry point.
                if f and "__asm__" not in line:
                    functions.add(f.group(1))
            i += 1
    return macros, functions


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    include = pathlib.Path(argv[1])
    source = pathlib.Path(argv[2])
    headers = [include / "ndis.h"] + sorted((include / "nicsim").glob("*.h"))
    macros, functions = scan(headers)
    if len(macros) < 50 or len(functions) < 50:
        print(f"scan found only {len(macros)} macros and {len(functions)} functions: the "
              "patterns no longer match the headers", file=sys.stderr)
        return 2
    if "--list" in argv:
        for name in sorted(macros):
            print("macro", name)
        for name in sorted(functions):
            print("function", name)
        return 0

    used = set(IDENT.findall(strip_comments(source.read_text())))
    # What the driver reaches: the names it writes, and transitively what those macros expand to.
    reached = set(used)
    frontier = [n for n in used if n in macros]
    while frontier:
        for name in macros[frontier.pop()]:
            if name not in reached:
                reached.add(name)
                if name in macros:
                    frontier.append(name)

    missing_macros = sorted(n for n in macros if n not in used)
    missing_functions = sorted(n for n in functions if n not in reached)
    for name in missing_macros:
        print(f"{source.name}: never uses the function-like macro {name}", file=sys.stderr)
    for name in missing_functions:
        print(f"{source.name}: never reaches the function {name}", file=sys.stderr)
    if missing_macros or missing_functions:
        print(f"{len(missing_macros) + len(missing_functions)} of "
              f"{len(macros) + len(functions)} entry points not covered", file=sys.stderr)
        return 1
    print(f"{source.name} covers all {len(macros)} function-like macros and "
          f"{len(functions)} functions of <ndis.h>")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
