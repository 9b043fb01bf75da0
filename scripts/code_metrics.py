#!/usr/bin/env python3
"""Shape of the code, as issue #20 measured it: the longest functions, the
largest enum and struct, `Callback<Action>` props, and src/'s top-level
entries. Usage: scripts/code_metrics.py [SRC_DIR]  (default: src).

Brace matching on the text, after dropping comments and string literals:
good enough for rustfmt'd code, which is what it is run on."""
import os
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "src"
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith(".rs"))


def code_of(text):
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'r#"(?:.|\n)*?"#', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    text = re.sub(r"'(?:\\.|[^'\\])'", "' '", text)
    return text


def block_end(lines, start):
    """Index of the line that closes the first `{` at or after `start`."""
    depth, opened = 0, False
    for i in range(start, len(lines)):
        for ch in lines[i]:
            if ch == "{":
                depth, opened = depth + 1, True
            elif ch == "}":
                depth -= 1
                if opened and depth == 0:
                    return i
        if not opened and lines[i].rstrip().endswith(";"):
            return None  # a declaration without a body
    return None


fns, enums, structs = [], [], []
for path in files:
    lines = code_of(open(path, encoding="utf8").read()).split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+|async\s+|unsafe\s+)*fn\s+(\w+)", line)
        if m:
            end = block_end(lines, i)
            if end is not None:
                fns.append((end - i + 1, f"{path}:{i + 1} {m.group(1)}"))
        m = re.match(r"\s*(?:pub(?:\([^)]*\))?\s+)?(enum|struct)\s+(\w+)", line)
        if m and "{" in "".join(lines[i : i + 3]) and not line.rstrip().endswith(";"):
            end = block_end(lines, i)
            if end is None:
                continue
            body = "\n".join(lines[i + 1 : end])
            # Top-level items of the body: commas at depth 0.
            depth, items, cur = 0, 0, ""
            for ch in body:
                if ch in "({[<":
                    depth += 1
                elif ch in ")}]>":
                    depth -= 1
                elif ch == "," and depth == 0:
                    items += 1 if cur.strip() else 0
                    cur = ""
                    continue
                cur += ch
            items += 1 if cur.strip() else 0
            (enums if m.group(1) == "enum" else structs).append((items, f"{path}:{i + 1} {m.group(2)}"))

fns.sort(reverse=True)
print("10 longest functions (lines):")
for n, where in fns[:10]:
    print(f"  {n:4d}  {where}")
print("largest enum:   %d variants  %s" % max(enums))
print("largest struct: %d fields    %s" % max(structs))
uses = sum(open(p, encoding="utf8").read().count("Callback<Action>") for p in files)
print(f"Callback<Action> uses: {uses}")
top = sorted(os.listdir(src))
print(f"top-level entries of {src}/: {len(top)}  ({' '.join(top)})")
