#!/usr/bin/env python3
"""tools/doclinks.py — the documentation holds together (./check docs runs it).

Fails (exit 1, one line per defect) when:
  - README.md is longer than 350 lines (it is a guide; the depth is in docs/);
  - a relative Markdown link in README.md, docs/*.md or bench/RESULTS.md names
    a file that does not exist, or a heading anchor (#...) that the file does
    not have;
  - a repository path written in backquotes (inline or in a fenced block) in
    those files, such as `src/engine.c`, `test/scripts/7[0-4]_*.sh` or
    `docs/ENGINE.md#scheduling-with-pg_cron`, names nothing in the tree;
  - a comment of the code (any other file git tracks) names a Markdown
    document of the tree (under docs/ or bench/) that does not exist.

A backquoted word counts as a repository path when it starts with one of the
tree's top-level folders followed by "/" (src/, sql/, test/, docs/, ...), or is
a top-level file (Makefile, check, ...). Globs match when they match something;
a placeholder in angle brackets (`sql/escalation--<version>.sql`) matches any
name. Left alone: absolute paths (/usr/..., /etc/...), URLs, and generated
files, i.e. paths that .gitignore lists (the built install script, test/out/,
.demo/, bench/out/, the worker binary, ...).

    tools/doclinks.py            check the files above
    tools/doclinks.py FILE...    check these Markdown files instead
"""
import fnmatch
import glob
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README_MAX_LINES = 350

LINK = re.compile(r"(?<!!)\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def anchor_of(heading):
    """The anchor a Markdown renderer (GitHub's) gives a heading: inline markup
    dropped, lower case, punctuation dropped (letters of any script, digits,
    '-' and '_' kept), each space a '-'."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").replace("*", "").strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def anchors(path, cache={}):
    """Every anchor of a Markdown file's headings, duplicates numbered -1, -2."""
    if path not in cache:
        seen, out, fenced = {}, set(), False
        with open(path, encoding="utf-8") as f:
            for line in f:
                if FENCE.match(line):
                    fenced = not fenced
                    continue
                m = None if fenced else HEADING.match(line)
                if m:
                    a = anchor_of(m.group(2))
                    n = seen.get(a, 0)
                    seen[a] = n + 1
                    out.add(a if n == 0 else "%s-%d" % (a, n))
        cache[path] = out
    return cache[path]


def ignored_patterns():
    """The patterns of every .gitignore of the tree, as (folder, pattern): the
    generated files the documents may name."""
    out = []
    for folder, dirs, names in os.walk(TOP):
        dirs[:] = [d for d in dirs if d not in (".git", "node_modules")]
        if ".gitignore" in names:
            rel = os.path.relpath(folder, TOP)
            with open(os.path.join(folder, ".gitignore")) as f:
                out += [("" if rel == "." else rel, l.strip()) for l in f
                        if l.strip() and not l.startswith("#")]
    return out


def is_generated(rel, patterns):
    parts = rel.rstrip("/").split("/")
    for folder, p in patterns:
        base = folder.split("/") if folder else []
        if parts[:len(base)] != base:
            continue
        sub = parts[len(base):]
        anchored = p.startswith("/") or "/" in p.rstrip("/")
        p = p.strip("/")
        if anchored:
            # the path, or a folder above it, matches the anchored pattern
            if any(fnmatch.fnmatch("/".join(sub[:i]), p) for i in range(1, len(sub) + 1)):
                return True
        elif any(fnmatch.fnmatch(part, p) for part in sub):
            return True
    return False


def top_level():
    names = set(os.listdir(TOP)) - {".git"}
    folders = {n for n in names if os.path.isdir(os.path.join(TOP, n))}
    return folders, names - folders


def exists(rel):
    """A repository path, glob or <placeholder> names something in the tree."""
    pattern = re.sub(r"<[^<>/]*>", "*", rel)
    pattern = pattern.rstrip("/") or "."
    full = os.path.join(TOP, pattern)
    if any(c in pattern for c in "*?["):
        return bool(glob.glob(full))
    return os.path.exists(full)


def check_target(doc, where, rel, frag, what, problems, patterns):
    """rel: a path relative to the top ('' for doc itself); frag: an anchor or None."""
    if rel and is_generated(rel, patterns):
        return
    if rel and not exists(rel):
        problems.append("%s: %s names %s, which does not exist" % (where, what, rel))
        return
    if frag:
        target = os.path.join(TOP, rel) if rel else os.path.join(TOP, doc)
        if not target.endswith(".md") or not os.path.isfile(target):
            return
        if frag.lower() not in anchors(target):
            problems.append("%s: %s names #%s, which %s has no heading for"
                            % (where, what, frag, rel or doc))


def check_file(doc, problems, patterns, folders, files):
    path = os.path.join(TOP, doc)
    here = os.path.dirname(doc)
    fenced = False
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for number, line in enumerate(lines, 1):
        where = "%s:%d" % (doc, number)
        if FENCE.match(line):
            fenced = not fenced
            continue
        spans = [line] if fenced else [m.group(2) for m in CODE_SPAN.finditer(line)]
        if not fenced:
            for m in LINK.finditer(CODE_SPAN.sub("", line)):
                target = m.group(1)
                if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("/"):
                    continue
                rel, _, frag = target.partition("#")
                if rel:
                    rel = os.path.normpath(os.path.join(here, rel))
                    if rel.startswith(".."):
                        problems.append("%s: link %s leaves the repository" % (where, target))
                        continue
                check_target(doc, where, rel, frag or None, "link " + target, problems, patterns)
        for span in spans:
            for word in re.split(r"[\s,;()'\"=]+", span):
                word = word.rstrip(".:")
                if word.startswith("./"):
                    word = word[2:]
                head = word.split("/")[0]
                if not ((head in folders and "/" in word) or (head in files and word == head)):
                    continue
                rel, _, frag = word.partition("#")
                check_target(doc, where, rel, frag or None, "`%s`" % word, problems, patterns)


def check_code_references(problems, docs):
    """Other tracked files that name a document of docs/ or bench/ name one
    that exists."""
    import subprocess
    try:
        listed = subprocess.run(["git", "-C", TOP, "ls-files", "-z"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return
    ref = re.compile(r"\b((?:docs|bench)/[A-Za-z0-9_./-]*\.md)\b")
    for rel in listed.decode().split("\0"):
        if not rel or rel in docs or rel.endswith(".md") or not os.path.isfile(os.path.join(TOP, rel)):
            continue
        try:
            with open(os.path.join(TOP, rel), encoding="utf-8") as f:
                lines = f.read().split("\n")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(lines, 1):
            for m in ref.finditer(line):
                if not os.path.isfile(os.path.join(TOP, m.group(1))):
                    problems.append("%s:%d: names %s, which does not exist" % (rel, number, m.group(1)))


def main(argv):
    docs = argv[1:] or (["README.md"] + sorted(os.path.relpath(p, TOP) for p in glob.glob(os.path.join(TOP, "docs", "*.md")))
                        + ["bench/RESULTS.md"])
    problems = []
    if not argv[1:]:
        with open(os.path.join(TOP, "README.md"), encoding="utf-8") as f:
            n = sum(1 for _ in f)
        if n > README_MAX_LINES:
            problems.append("README.md: %d lines, more than %d: move the depth to docs/" % (n, README_MAX_LINES))
    patterns = ignored_patterns()
    folders, files = top_level()
    for doc in docs:
        if not os.path.isfile(os.path.join(TOP, doc)):
            problems.append("%s: no such file" % doc)
            continue
        check_file(doc, problems, patterns, folders, files)
    if not argv[1:]:
        check_code_references(problems, docs)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print("doclinks: %d problem(s) in %d file(s)" % (len(problems), len(docs)), file=sys.stderr)
        return 1
    print("doclinks: %d files, every link and path found" % len(docs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
