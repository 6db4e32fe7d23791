#!/usr/bin/env python3
"""tools/readme.py — README.md is assembled from docs/readme/*.md, in file-name
order, with a table of contents of their level-2 headings put after the first
part (the head: what it is, the two commands, installing).

    tools/readme.py            write README.md
    tools/readme.py --check    exit 1, and say where, if README.md is not what
                               the parts assemble to (./check runs this)
"""
import difflib
import pathlib
import re
import sys

TOP = pathlib.Path(__file__).resolve().parent.parent
PARTS = TOP / "docs" / "readme"
FURTHER = ("- Further: [architecture and internal contracts](docs/ARCHITECTURE.md) · "
           "[scaling out and high availability](docs/SCALING.md)")


def anchor(heading):
    """The link target a Markdown renderer gives a heading: lower case, marks of
    punctuation dropped (letters of any script, digits, '-' and '_' kept),
    spaces made '-'."""
    text = heading.strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def assemble():
    parts = sorted(PARTS.glob("*.md"))
    if not parts:
        sys.exit("tools/readme.py: no parts in %s" % PARTS)
    head, rest = parts[0].read_text(), [p.read_text() for p in parts[1:]]
    headings = [m.group(1) for text in rest for m in re.finditer(r"^## (.+)$", text, re.M)]
    toc = ["## Contents", ""]
    toc += ["- [%s](#%s)" % (h, anchor(h)) for h in headings]
    toc += [FURTHER, ""]
    return head + "\n" + "\n".join(toc) + "\n" + "\n".join(rest)


def main():
    text = assemble()
    readme = TOP / "README.md"
    if sys.argv[1:] == ["--check"]:
        current = readme.read_text() if readme.exists() else ""
        if current == text:
            return 0
        diff = difflib.unified_diff(current.splitlines(), text.splitlines(), "README.md",
                                    "assembled from docs/readme", lineterm="", n=1)
        print("\n".join(list(diff)[:40]))
        print("README.md is not assembled from docs/readme/*.md: run tools/readme.py", file=sys.stderr)
        return 1
    if sys.argv[1:]:
        sys.exit(__doc__)
    readme.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
