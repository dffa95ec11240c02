#!/usr/bin/env python3
"""Mutation differential: `hubgate card` against the Hub's reading on broken variants of real cards.

Takes every card under tests/fixtures/ (the `*.md` files holding a front-matter block, found
recursively) and under ../shared/cards/ when that folder is there, identical files once, and makes seeded mutants of each
front matter: YAML-significant characters inserted or deleted, lines re-indented, joined, split,
duplicated and swapped, tabs, control characters (NUL, DEL, NEL, U+2028...), BOMs at the start
and inside, document markers and directives, CRLF and CR line ends, astral characters (emoji)
before an error point. Each mutant is read by scripts/hub-reference.js (node, js-yaml
4.3.2 installed from npm into a temporary folder) and by `hubgate card --format json`, and
compared (scripts/hubref.py): acceptance, front matter, metadata (JSON values, numbers exactly
and as JavaScript prints them), and the error's message and `(line:col)`.

Usage: scripts/mutants.py [--count N] [--seed S] [--known FILE] [--hubgate PATH] [--examples K] [--jobs J]

Exit status 1 on any disagreement in acceptance or metadata, and on any message or position
difference not listed in the known-differences file (tests/fixtures/mutants/known-differences.txt,
its format at its top); 2 when the run itself fails. The same seed and count give the same
mutants. Failing mutants are kept in a printed folder, with what each side said, to reproduce
with `hubgate card --format json FILE` and `node <folder>/ref/hub_parse.js FILE`. Without
--hubgate, the release build is built (cargo) and used. CI: `scripts/mutants.py --count 2000 --seed 1`.
"""
import argparse
import concurrent.futures
import difflib
import math
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hubref  # noqa: E402

ROOT = hubref.ROOT
KNOWN_DEFAULT = os.path.join(ROOT, "tests", "fixtures", "mutants", "known-differences.txt")
SOURCES = [("tests/fixtures", os.path.join(ROOT, "tests", "fixtures")),
           ("../shared/cards", os.path.normpath(os.path.join(ROOT, "..", "shared", "cards")))]

SIGNIFICANT = [":", "-", "?", "[", "]", "{", "}", ",", "#", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`", " ", "\n"]
COMBOS = [": ", "- ", "? ", " #", "# ", "&a ", "*a", "!", "!!str ", "!!binary ", "!x ", "|", "|-", ">-", "|2", "[", "{",
          "[]", "{}", ", ", ": :", "<<: ", "''", '""', "\\", "\"\\", "0x", "1e3", "---", "..."]
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f",
            "\u2028", "\u2029", "\ufffe", "\uffff", "\u00a0", "\ufffd"]
ASTRAL = ["\U0001F917", "\U0001F600", "\U0001D518", "\U00010348", "\U0001F1FA\U0001F1F8"]
BREAKS = SIGNIFICANT[:-2] + ["\t", "\x00", "\x7f", '"', "'", ": ", "- ", "#"]
MARKERS = ["---", "...", "--- x", "... # end", "---\t", "--- |", "--- # c", "...", "----", "-- -"]
DIRECTIVES = ["%YAML 1.2", "%YAML 1.1", "%YAML 2.0", "%TAG !e! tag:example.com,2000:", "%FOO bar", "%YAML 1.2 # c"]
EOL = re.compile("(\r\n|\r|\n)")
# A block the Hub's regex just misses (`----`, `--- `, `---\r\r\n` openers, `---text` closers): mutated too.
NEAR_FRONT_MATTER = re.compile("([" + hubref.JS_SPACE + "]*---[^\r\n]*(?:\r\n|\r|\n))([\\s\\S]*?)(?:\r\n|\r|\n)---")


# ---------------------------------------------------------------------------------------------
# Cards


def fail(message):
    print(f"mutants.py: {message}", file=sys.stderr)
    sys.exit(2)


class Card:
    def __init__(self, name, text, m):
        self.name = name
        self.text = text
        self.prefix = text[: m.start(2)]
        self.fm = m.group(2)
        self.suffix = text[m.end(2):]


def find_cards():
    """Every `*.md` card with a front-matter block (or one the Hub's regex just misses), sorted,
    identical contents once (the first path wins)."""
    cards, seen = [], set()
    for label, base in SOURCES:
        if not os.path.isdir(base):
            if label == "tests/fixtures":
                fail(f"{base} is missing (the cards to mutate)")
            # ../shared is beside the project on its developers' machines, not in every clone;
            # tests/fixtures holds copies of its cards.
            print(f"mutants.py: {label} is not here; mutating the cards under tests/fixtures only")
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for fn in sorted(filenames):
                if not fn.lower().endswith(".md"):
                    continue
                path = os.path.join(dirpath, fn)
                with open(path, "rb") as f:
                    data = f.read()
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    continue
                m = hubref.FRONT_MATTER.match(text) or NEAR_FRONT_MATTER.match(text)
                if not m or data in seen:
                    continue
                seen.add(data)
                cards.append(Card(f"{label}/{os.path.relpath(path, base)}", text, m))
    return cards


# ---------------------------------------------------------------------------------------------
# Mutations. Each takes (rng, mutant) and returns a description; positions are line:col in the
# front matter as it was before that step (1-based, like the error messages, but columns count
# code points where js-yaml counts UTF-16 units: an emoji is 1 here, 2 there).


class Mutant:
    def __init__(self, card):
        self.card = card
        self.prefix, self.fm, self.suffix = card.prefix, card.fm, card.suffix
        self.steps = []

    def text(self):
        return self.prefix + self.fm + self.suffix

    def lines(self):
        """The front matter as [content, line end] pairs (the last line end may be '')."""
        parts = EOL.split(self.fm)
        return [[parts[i], parts[i + 1] if i + 1 < len(parts) else ""] for i in range(0, len(parts), 2)]

    def set_lines(self, lines):
        self.fm = "".join(c + e for c, e in lines)

    def where(self, offset):
        before = self.fm[:offset]
        line = len(EOL.findall(before)) + 1
        start = max(before.rfind("\n"), before.rfind("\r")) + 1
        return f"{line}:{offset - start + 1}"

    def eol(self):
        m = EOL.search(self.fm) or EOL.search(self.prefix)
        return m.group(1) if m else "\n"


def show(s):
    """A text with its invisible characters spelled out (\\t, \\x00, \\ufeff...)."""
    out = []
    for c in s:
        if c == " " or (c.isprintable() and c not in "\u00a0"):
            out.append(c)
        elif c in "\t\r\n":
            out.append({"\t": "\\t", "\r": "\\r", "\n": "\\n"}[c])
        elif ord(c) < 0x100:
            out.append(f"\\x{ord(c):02x}")
        elif ord(c) < 0x10000:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    return "".join(out)


def offset_choice(rng, mt):
    """An offset in the front matter: uniformly, or at a place YAML cares about."""
    fm = mt.fm
    if not fm:
        return 0
    if rng.random() < 0.5:
        return rng.randint(0, len(fm))
    spots = []
    for m in re.finditer(r"(?m)^([ \t]*)(- )?", fm):
        spots += [m.start(), m.end(1), m.end()]
    spots += [m.end() for m in re.finditer(r": ?", fm)]
    spots += [m.start() for m in EOL.finditer(fm)]
    return rng.choice(spots) if spots else rng.randint(0, len(fm))


def insert_at(mt, offset, s):
    mt.fm = mt.fm[:offset] + s + mt.fm[offset:]


def m_insert(rng, mt):
    s = rng.choice(COMBOS) if rng.random() < 0.2 else rng.choice(SIGNIFICANT)
    at = offset_choice(rng, mt)
    where = mt.where(at)
    insert_at(mt, at, s)
    return f"insert '{show(s)}' at {where}"


def m_delete(rng, mt):
    spots = [i for i, c in enumerate(mt.fm) if c in SIGNIFICANT or c == "\r"]
    if not spots:
        return m_insert(rng, mt)
    at = rng.choice(spots)
    if mt.fm[at] == "\r" and mt.fm[at + 1: at + 2] == "\n":
        n = 2
    elif mt.fm[at] == "\n" and at > 0 and mt.fm[at - 1] == "\r":
        at, n = at - 1, 2
    else:
        n = 1
    if n == 1 and rng.random() < 0.2:  # sometimes the whole run ("  ", "---", "::")
        while at + n < len(mt.fm) and mt.fm[at + n] == mt.fm[at]:
            n += 1
    gone, where = mt.fm[at: at + n], mt.where(at)
    mt.fm = mt.fm[:at] + mt.fm[at + n:]
    return f"delete '{show(gone)}' at {where}"


def m_replace(rng, mt):
    spots = [i for i, c in enumerate(mt.fm) if c in SIGNIFICANT and c not in "\n"]
    if not spots:
        return m_insert(rng, mt)
    at = rng.choice(spots)
    new = rng.choice([c for c in SIGNIFICANT if c != mt.fm[at]])
    old, where = mt.fm[at], mt.where(at)
    mt.fm = mt.fm[:at] + new + mt.fm[at + 1:]
    return f"replace '{show(old)}' by '{show(new)}' at {where}"


def pick_line(rng, lines, nonblank=True):
    idx = [i for i, (c, _) in enumerate(lines) if c.strip() or not nonblank]
    return rng.choice(idx) if idx else None


def m_reindent(rng, mt):
    lines = mt.lines()
    i = pick_line(rng, lines)
    if i is None:
        return m_insert(rng, mt)
    c = lines[i][0]
    n = len(c) - len(c.lstrip(" "))
    choices = sorted({x for x in (n + 1, n - 1, n + 2, n - 2, 0, n * 2, n + 4, n + 3) if x >= 0 and x != n})
    k = rng.choice(choices)
    lines[i][0] = " " * k + c[n:]
    mt.set_lines(lines)
    return f"re-indent line {i + 1} from {n} to {k} spaces"


def m_join(rng, mt):
    lines = mt.lines()
    if len(lines) < 2:
        return m_insert(rng, mt)
    i = rng.randrange(len(lines) - 1)
    if rng.random() < 0.5:
        lines[i] = [lines[i][0] + lines[i + 1][0], lines[i + 1][1]]
        how = "as they are"
    else:
        lines[i] = [lines[i][0].rstrip(" ") + " " + lines[i + 1][0].lstrip(" "), lines[i + 1][1]]
        how = "with one space"
    del lines[i + 1]
    mt.set_lines(lines)
    return f"join lines {i + 1} and {i + 2} {how}"


def m_split(rng, mt):
    lines = mt.lines()
    i = pick_line(rng, lines)
    if i is None or len(lines[i][0]) < 2:
        return m_insert(rng, mt)
    c = lines[i][0]
    n = len(c) - len(c.lstrip(" "))
    spots = [m.end() for m in re.finditer(r": |, | |\[|\{", c) if n < m.end() < len(c)]
    at = rng.choice(spots) if spots and rng.random() < 0.6 else rng.randint(n + 1, len(c) - 1) if len(c) - 1 > n else len(c) - 1
    indent = rng.choice([0, n, n + 2, n + 1, max(n - 2, 0)])
    lines[i:i + 1] = [[c[:at], mt.eol()], [" " * indent + c[at:].lstrip(" "), lines[i][1]]]
    mt.set_lines(lines)
    return f"split line {i + 1} at column {at + 1}, the rest indented {indent}"


def m_duplicate(rng, mt):
    lines = mt.lines()
    i = pick_line(rng, lines)
    if i is None:
        return m_insert(rng, mt)
    k = 1 if rng.random() < 0.75 else rng.randint(2, 4)
    block = [list(x) for x in lines[i:i + k]]
    block[-1][1] = block[-1][1] or mt.eol()
    lines[i:i] = block
    mt.set_lines(lines)
    span = f"s {i + 1}-{i + len(block)}" if len(block) > 1 else f" {i + 1}"
    return f"duplicate line{span}"


def m_swap(rng, mt):
    lines = mt.lines()
    if len(lines) < 2:
        return m_insert(rng, mt)
    i = rng.randrange(len(lines) - 1)
    j = i + 1 if rng.random() < 0.7 else rng.randrange(len(lines))
    if i == j:
        j = i + 1
    lines[i][0], lines[j][0] = lines[j][0], lines[i][0]
    mt.set_lines(lines)
    return f"swap lines {i + 1} and {j + 1}"


def m_tab(rng, mt):
    lines = mt.lines()
    i = pick_line(rng, lines)
    if i is None:
        insert_at(mt, 0, "\t")
        return "insert '\\t' at 1:1"
    c = lines[i][0]
    n = len(c) - len(c.lstrip(" "))
    how = rng.choice(["indent", "prepend", "after-colon", "end", "anywhere"])
    if how == "indent" and n:
        c = "\t" + c[1:] if rng.random() < 0.5 else "\t" * max(1, n // 2) + c[n:]
        what = "tab for the indentation"
    elif how == "after-colon" and ": " in c:
        k = c.index(": ")
        c = c[:k + 1] + "\t" + c[k + 2:]
        what = "tab for the space after ':'"
    elif how == "end":
        c += "\t"
        what = "tab at the end"
    elif how == "anywhere" and c:
        k = rng.randint(0, len(c))
        c = c[:k] + "\t" + c[k:]
        what = f"tab at column {k + 1}"
    else:
        c = "\t" + c
        what = "tab before the line"
    lines[i][0] = c
    mt.set_lines(lines)
    return f"{what}, line {i + 1}"


def m_control(rng, mt):
    s = rng.choice(CONTROLS)
    at = offset_choice(rng, mt)
    where = mt.where(at)
    insert_at(mt, at, s)
    return f"insert control '{show(s)}' at {where}"


def m_bom(rng, mt):
    how = rng.choice(["file", "file", "front-matter", "line", "anywhere", "closer"])
    if how == "file":
        mt.prefix = "\ufeff" + mt.prefix
        return "BOM at the start of the file"
    if how == "front-matter":
        insert_at(mt, 0, "\ufeff")
        return "BOM at 1:1"
    if how == "closer":
        own_line = rng.random() < 0.5
        mt.fm += (mt.eol() if own_line else "") + "\ufeff"
        return f"BOM before the closing ---{' on its own line' if own_line else ''}"
    at = offset_choice(rng, mt) if how == "anywhere" else rng.choice([0] + [m.end() for m in EOL.finditer(mt.fm)])
    where = mt.where(at)
    insert_at(mt, at, "\ufeff")
    return f"BOM at {where}"


def m_marker(rng, mt):
    lines = mt.lines()
    s = rng.choice(DIRECTIVES if rng.random() < 0.25 else MARKERS)
    eol = mt.eol()
    if s.startswith("%"):
        add = [[s, eol]] + ([["---", eol]] if rng.random() < 0.6 else [])
        i = 0 if rng.random() < 0.7 else rng.randrange(len(lines) + 1)
    else:
        add = [[s, eol]]
        i = rng.randrange(len(lines) + 1)
    if i == len(lines) and lines and not lines[-1][1]:
        lines[-1][1] = eol
        add[-1][1] = ""
    lines[i:i] = add
    mt.set_lines(lines)
    return f"insert line '{show(s)}'{' and ---' if len(add) > 1 else ''} before line {i + 1}"


def m_line_ends(rng, mt):
    how = rng.choice(["crlf", "cr", "one", "one", "one"])
    if how in ("crlf", "cr"):
        new = "\r\n" if how == "crlf" else "\r"
        mt.prefix, mt.fm, mt.suffix = (EOL.sub(new, x) for x in (mt.prefix, mt.fm, mt.suffix))
        return f"all line ends '{show(new)}'"
    ends = list(EOL.finditer(mt.fm))
    if not ends:
        return m_insert(rng, mt)
    m = rng.choice(ends)
    new = rng.choice([e for e in ["\r\n", "\r", "\n", "\r\r\n", "\n\r", "\r\r"] if e != m.group(1)])
    where = mt.where(m.start())
    mt.fm = mt.fm[: m.start()] + new + mt.fm[m.end():]
    return f"line end '{show(m.group(1))}' at {where} made '{show(new)}'"


def m_astral(rng, mt):
    lines = mt.lines()
    i = pick_line(rng, lines)
    if i is None:
        return m_insert(rng, mt)
    c = lines[i][0]
    e = rng.choice(ASTRAL)
    n = len(c) - len(c.lstrip(" "))
    at = rng.randint(n, len(c))
    brk = rng.choice(BREAKS)
    after = rng.randint(at, len(c))
    c = c[:at] + e + c[at:after] + brk + c[after:]
    lines[i][0] = c
    mt.set_lines(lines)
    return f"astral '{show(e)}' at {i + 1}:{at + 1}, then '{show(brk)}' at {i + 1}:{after + len(e) + 1}"


def number_literal(rng):
    """A number as a card might spell it, weighted to where printing it is hard: doubles exactly
    halfway between two shortest spellings (JavaScript prints the even one), any double, large
    integers, exponents and the spellings YAML 1.2 reads as numbers."""
    r = rng.random()
    if r < 0.3:  # a tie: exact in binary, two shortest decimal spellings equally near
        return repr(float(rng.getrandbits(rng.randint(40, 52))) + rng.choice([0.25, 0.75, 0.125, 0.375, 0.625, 0.875, 0.3125]))
    if r < 0.55:
        x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        return repr(x) if math.isfinite(x) else ".inf"
    if r < 0.7:
        return str(rng.randrange(10 ** rng.randint(15, 25)))
    if r < 0.85:
        return f"{rng.randint(1, 9)}.{rng.randrange(10 ** 6)}e{rng.randint(-330, 310)}"
    return rng.choice(["-0", "+12", "0o17", "0x1F", "-.5", "1_000", ".NaN", "-.inf", "1e", "01", "0.1e+1"])


def js_number(x):
    """`String(x)` in JavaScript: Python's shortest digits (the same digits, the even one on a
    tie) laid out as ECMAScript's Number.prototype.toString lays them out."""
    if x != x:
        return "NaN"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + js_number(-x)
    if math.isinf(x):
        return "Infinity"
    mant, _, exp = repr(x).partition("e")
    whole, _, frac = mant.partition(".")
    every = whole + frac
    significant = every.lstrip("0")
    digits = significant.rstrip("0")
    point = len(whole) - (len(every) - len(significant)) + (int(exp) if exp else 0)
    k = len(digits)
    if k <= point <= 21:
        return digits + "0" * (point - k)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    e = point - 1
    return digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def m_number(rng, mt):
    """A value, or a key, becomes a number; a key sometimes beside the quoted spelling JavaScript
    prints for it (the key js-yaml makes of it), so that the two are one key to the Hub."""
    lines = mt.lines()
    i = pick_line(rng, lines)
    if i is None:
        return m_insert(rng, mt)
    c = lines[i][0]
    n = number_literal(rng)
    m = re.match(r"^(\s*(?:- )?)([^:#]*?)(:(?: |$))(.*)$", c)
    if m and rng.random() < 0.4:
        lines[i][0] = f"{m.group(1)}{n}{m.group(3)}{m.group(4)}"
        if rng.random() < 0.5:
            try:
                shown = js_number(float(n.replace("_", "x")))
            except ValueError:
                shown = n
            # A sibling key: under a list item's `- `, the same column without the dash.
            partner = [f'{" " * len(m.group(1))}"{shown}": x', lines[i][1] or mt.eol()]
            if not lines[i][1]:
                lines[i][1], partner[1] = mt.eol(), ""
            lines.insert(i + 1, partner)
        mt.set_lines(lines)
        return f"key '{show(n)}' at line {i + 1}"
    if m:
        colon = m.group(3) if m.group(3).endswith(" ") else ": "
        lines[i][0] = f"{m.group(1)}{m.group(2)}{colon}{n}"
    else:
        lines[i][0] = c + " " + n
    mt.set_lines(lines)
    return f"number '{show(n)}' at line {i + 1}"


def m_root_scalar(rng, mt):
    """The whole front matter one scalar: JavaScript objects (a timestamp, `!!binary`) pass the
    Hub's object check, other scalars do not."""
    mt.fm = rng.choice(["2024-01-01", "2024-01-01T10:00:00Z", "!!timestamp 2001-12-14 21:59:43.10 -5",
                        "!!binary aGk=", "&a 2024-01-01", "12", "true", "~", "text", '"2024-01-01"', "[]", "{}"])
    return f"front matter replaced by '{show(mt.fm)}'"


MUTATIONS = [  # (weight, function)
    (6, m_insert), (4, m_delete), (2, m_replace), (3, m_reindent), (2, m_join), (2, m_split),
    (2, m_duplicate), (2, m_swap), (2, m_tab), (2, m_control), (2, m_bom), (2, m_marker),
    (2, m_line_ends), (2, m_astral), (2, m_number), (1, m_root_scalar),
]


def make_mutant(rng, card):
    mt = Mutant(card)
    k = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
    fns = [f for _, f in MUTATIONS]
    weights = [w for w, _ in MUTATIONS]
    for _ in range(k):
        mt.steps.append(rng.choices(fns, weights=weights)[0](rng, mt))
    return mt


# ---------------------------------------------------------------------------------------------
# Known differences


class Known:
    """tests/fixtures/mutants/known-differences.txt: `message|position: REF => HUBGATE  # reason`."""

    LINE = re.compile(r"^(message|position):\s*(.*?)\s+=>\s+(.*)\s+#\s+(\S.*)$")  # the last " # " starts the reason

    def __init__(self, path):
        self.entries = []
        if not path or not os.path.exists(path):
            if path and path != KNOWN_DEFAULT:
                fail(f"{path}: no such file")
            return
        with open(path, encoding="utf-8") as f:
            for n, raw in enumerate(f, 1):
                line = raw.rstrip("\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                m = self.LINE.match(line)
                if not m:
                    fail(f"{path}:{n}: not `message|position: REF => HUBGATE  # reason`")
                kind, ref, hg, _ = m.groups()
                self.entries.append([kind, self._pattern(ref.strip()), self._pattern(hg.strip()), f"{path}:{n}", 0])

    @staticmethod
    def _pattern(s):
        return re.compile("\\A" + ".*".join(re.escape(p) for p in s.split("*")) + "\\Z", re.S)

    def match(self, cls, key):
        """The entry that tolerates this difference (a message entry also covers the position)."""
        ref, hg = (show(k) for k in key)
        for e in self.entries:
            if (e[0] == cls or (e[0] == "message" and cls == "position")) and e[1].match(ref) and e[2].match(hg):
                e[4] += 1
                return e
        return None


# ---------------------------------------------------------------------------------------------
# Display


def split_lines(text):
    """Lines with their line ends (\r\n, \r or \n only, as YAML and the Hub's regex see them)."""
    parts = EOL.split(text) + [""]
    return [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)]


def mutant_diff(mt, limit=8):
    """The lines a mutant changed, numbered as the front matter's lines (as in error messages);
    the opening fence line and what follows the block are shown when they changed."""
    out = []
    if mt.prefix != mt.card.prefix:
        out += [f"    -opener| {show(mt.card.prefix)}", f"    +opener| {show(mt.prefix)}"]
    a, b = split_lines(mt.card.fm), split_lines(mt.fm)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out += [f"    -{i + 1:>5} | {show(a[i])}" for i in range(i1, i2)]
            out += [f"    +{j + 1:>5} | {show(b[j])}" for j in range(j1, j2)]
    if mt.suffix != mt.card.suffix:
        closer = lambda t: "".join(split_lines(t)[:2])  # noqa: E731 (the line end before ---, and ---)
        out += [f"    -closer| {show(closer(mt.card.suffix))}", f"    +closer| {show(closer(mt.suffix))}"]
    if len(out) > limit:
        out = out[:limit] + [f"    ... {len(out) - limit} more changed lines"]
    return out


def kind(fail, want, got):
    """What groups alike disagreements: the two messages, or the refusing side's message."""
    cls, detail, key = fail
    if key:
        return f"{key[0]} => {key[1]}"
    if cls == "hub-accepts":
        return "hubgate: " + hubref.split_error(hubref.read_errors(got)[0])[0].removeprefix(hubref.YAML_PREFIX)
    if cls == "hub-refuses":
        return "reference: " + hubref.split_error(want["error"])[0].removeprefix(hubref.YAML_PREFIX)
    if cls in ("metadata", "number-text") and want is not None and not want["ok"]:
        return f"reference refuses ({hubref.split_error(want['error'])[0].removeprefix(hubref.YAML_PREFIX)}), hubgate reads a value"
    if cls in ("metadata", "number-text"):
        return "at " + re.sub(r"\[\d+\]", "[]", detail.split(": reference", 1)[0])
    return cls


def side_ref(want):
    if want is None:
        return "(nothing)"
    if not want["fm_found"]:
        return "no front matter (accepted)"
    if want["ok"]:
        return "accepted, metadata " + show(hubref.dump(want["metadata"], 160))
    return "refused: " + show(want["error"])


def side_hubgate(got):
    if "fault" in got:
        return "FAULT " + got["fault"]
    if not got.get("front_matter"):
        return "no front matter" + (" (accepted)" if not hubref.read_errors(got) else "")
    errors = hubref.read_errors(got)
    if errors:
        return "refused: " + show("; ".join(errors))
    return "accepted, metadata " + show(hubref.dump(got.get("metadata"), 160))


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=2000, help="mutants to make (default 2000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--known", default=KNOWN_DEFAULT, help="known-differences file")
    ap.add_argument("--hubgate", help="the hubgate binary (default: cargo build --release, then its binary)")
    ap.add_argument("--examples", type=int, default=3, help="kinds shown by an example, per class (default 3)")
    ap.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2), help="hubgate processes at a time")
    args = ap.parse_args()

    started = time.monotonic()
    known = Known(args.known)
    cards = find_cards()
    if not cards:
        fail("no cards found")
    binary = hubref.hubgate_binary(args.hubgate)
    if not os.access(binary, os.X_OK):
        fail(f"{binary} is not an executable")

    work = tempfile.mkdtemp(prefix="hubgate-mutants-")
    try:
        script = hubref.setup_reference(work)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
        shutil.rmtree(work)
        fail(f"cannot install js-yaml {hubref.JS_YAML} from npm: {e}")
    mdir = os.path.join(work, "all")
    os.makedirs(mdir)
    rng = random.Random(args.seed)
    mutants, names = [], []
    for i in range(args.count):
        card = cards[rng.randrange(len(cards))]
        mt = make_mutant(rng, card)
        name = f"{i:05}.md"
        with open(os.path.join(mdir, name), "wb") as f:
            f.write(mt.text().encode("utf-8"))
        mutants.append(mt)
        names.append(name)

    env = hubref.hubgate_env()
    results = [None] * len(names)
    refs = {}
    with concurrent.futures.ThreadPoolExecutor(1) as nodes, concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        ref_jobs = [nodes.submit(hubref.run_reference, script, names[k:k + 1000], mdir) for k in range(0, len(names), 1000)]
        hub_jobs = {pool.submit(hubref.run_hubgate, binary, os.path.join(mdir, n), env): i for i, n in enumerate(names)}
        for fut in concurrent.futures.as_completed(hub_jobs):
            results[hub_jobs[fut]] = fut.result()
        for fut in ref_jobs:
            refs.update(fut.result())

    by_class = {c: [] for c in hubref.CLASSES}
    tolerated = {c: 0 for c in hubref.CLASSES}
    both_refuse = same_msg = same_pos = 0
    agreed = 0
    failing = []
    for i, name in enumerate(names):
        want, got = refs.get(name), results[i]
        agreement = hubref.refusal_agreement(want, got)
        if agreement:
            both_refuse += 1
            same_msg += agreement[0]
            same_pos += agreement[1]
        diffs = hubref.compare(want, got)
        if not diffs:
            agreed += 1
        fails = []
        for cls, detail, key in diffs:
            if key and known.match(cls, key):
                tolerated[cls] += 1
                continue
            fails.append((cls, detail, key))
        if fails:
            by_class[fails[0][0]].append((i, fails))
            failing.append((i, fails))

    n = len(names)
    pct = lambda a, b: f"{100 * a / b:.1f} %" if b else "-"  # noqa: E731
    print(f"mutants.py: seed {args.seed}, {n} mutants of {len(cards)} cards "
          f"(tests/fixtures and ../shared/cards); js-yaml {hubref.JS_YAML}; {binary}")
    print(f"agreed: {agreed} of {n} ({pct(agreed, n)})")
    print(f"refused by both: {both_refuse}; same message {same_msg} ({pct(same_msg, both_refuse)}), "
          f"same position {same_pos} ({pct(same_pos, both_refuse)})")
    print("disagreements by class (a mutant counts once, in its first class):")
    for cls in hubref.CLASSES:
        extra = f"  (+{tolerated[cls]} known)" if tolerated[cls] else ""
        print(f"  {len(by_class[cls]):>6}  {hubref.CLASS_TITLES[cls]}{extra}")

    kept = None
    if failing:
        kept = os.path.join(work, "failing")
        for i, fails in failing:
            mt = mutants[i]
            stem = f"{i:05}-{os.path.splitext(os.path.basename(mt.card.name))[0]}"
            d = os.path.join(kept, fails[0][0])
            os.makedirs(d, exist_ok=True)
            shutil.copy(os.path.join(mdir, names[i]), os.path.join(d, stem + ".md"))
            with open(os.path.join(d, stem + ".txt"), "w", encoding="utf-8") as f:
                f.write(f"card: {mt.card.name}\nmutations: {'; '.join(mt.steps)}\n")
                f.write("changed lines (numbered as in the front matter):\n" + "\n".join(mutant_diff(mt, 40)) + "\n")
                for cls, detail, key in fails:
                    f.write(f"{cls}: {detail}\n")
                    if key:
                        f.write(f"  known-differences entry: {cls}: {show(key[0])} => {show(key[1])}  # <reason>\n")
                f.write(f"reference: {hubref.dump(refs.get(names[i]))}\n")
                f.write(f"hubgate:   {hubref.dump(results[i])}\n")
        fails_of = dict(failing)
        for cls in hubref.CLASSES:
            if not by_class[cls]:
                continue
            kinds = {}
            for i, fails in by_class[cls]:
                kinds.setdefault(kind(fails[0], refs.get(names[i]), results[i]), []).append(i)
            ranked = sorted(kinds.items(), key=lambda kv: (-len(kv[1]), kv[1][0]))
            print(f"\n== {hubref.CLASS_TITLES[cls]}: {len(by_class[cls])} mutants, {len(kinds)} kinds")
            for k, ids in ranked[:10]:
                print(f"  {len(ids):>6}  {show(k)}")
            if len(ranked) > 10:
                print(f"  {sum(len(ids) for _, ids in ranked[10:]):>6}  ({len(ranked) - 10} other kinds)")
            for k, ids in ranked[: args.examples]:
                i = ids[0]
                mt = mutants[i]
                print(f"  {names[i]}  {mt.card.name}: {'; '.join(mt.steps)}")
                print("\n".join(mutant_diff(mt)))
                print(f"    reference: {side_ref(refs.get(names[i]))}")
                print(f"    hubgate:   {side_hubgate(results[i])}")
                if cls in ("metadata", "number-text"):
                    print(f"    first difference: {show(fails_of[i][0][1])}")
        print(f"\n{len(failing)} failing mutants kept in {kept}/<class>/ (each with a .txt of what both said);")
        print(f"reproduce: {binary} card --format json FILE; node {script} FILE")
    for e in known.entries:
        if not e[4]:
            print(f"note: known difference {e[3]} not seen with this seed and count")
    shutil.rmtree(mdir)
    if not failing:
        shutil.rmtree(work)
    print(f"{n} mutants in {time.monotonic() - started:.1f} s: "
          + (f"FAIL, {len(failing)} disagreements" if failing else "no disagreement"))
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
