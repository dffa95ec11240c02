#!/usr/bin/env python3
"""Differential check: `hubgate card` against the Hub's reference reading on generated cards.

Generates N cards from a grammar of the YAML that trips parsers (YAML 1.1 booleans, octal-looking
numbers, versions, dates, quoting, anchors and merge keys, flow collections, tags, duplicate keys,
tabs, CRLF, BOMs, fences), reads each with scripts/hub-reference.js (js-yaml 4.3.2) and
with `hubgate card --format json`, and prints every disagreement on the front matter, the
metadata, or the error (as `reason (L:C)`).

Usage: scripts/differential.py [N] [SEED]  (needs node and npm; installs js-yaml into a temp dir)
Exit status 1 when hubgate and the Hub disagree on whether a card is accepted, on its metadata
(numbers printed as JavaScript prints them), or on the message or position of a refusal. The
comparison is scripts/hubref.py's, shared with scripts/mutants.py.
The cards are kept in the printed directory.
"""
import os, random, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hubref  # noqa: E402 (scripts/hubref.py: the reference, hubgate, the comparison)

N = int(sys.argv[1]) if len(sys.argv) > 1 else 500
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 1
rng = random.Random(SEED)

SCALARS = ["yes", "no", "on", "off", "true", "False", "~", "null", "0777", "0o17", "0x1F", "1_000", "3.10",
           "1.10.0", "2023-01-15", "2001-12-14 21:59:43.10 -5", "1e3", ".inf", "-.5", ".NaN", "+12", "0",
           "'quoted: yes'", '"dq \\u00e9"', "mit", "apache-2.0", "MIT", "a b c", "[a, b]", "{x: 1}", "[]",
           "|\n  block\n  text", ">\n  folded\n  text", "!!str 12", "!!int '7'", "!!python/tuple [1]", "*anc",
           "&anc value", "hf_x", "'it''s'", '"tab\\there"', "@bad", "`bad", "12345678901234567890", "-0"]
KEYS = ["license", "tags", "language", "datasets", "base_model", "widget", "model-index", "colorFrom",
        "short_description", "extra_gated_prompt", "1", "true", "null", "<<", "k", "a b", "'quoted key'"]

def value(depth=0):
    r = rng.random()
    if depth < 3 and r < 0.15:
        return "\n" + "".join(f"{'  ' * (depth + 1)}- {value(depth + 1).strip()}\n" for _ in range(rng.randint(0, 3))).rstrip("\n")
    if depth < 3 and r < 0.25:
        return "\n" + "".join(f"{'  ' * (depth + 1)}{rng.choice(KEYS)}: {value(depth + 1).strip()}\n" for _ in range(rng.randint(1, 3))).rstrip("\n")
    return rng.choice(SCALARS)

def card():
    lines = [f"{rng.choice(KEYS)}: {value()}" for _ in range(rng.randint(0, 6))]
    if rng.random() < 0.1:
        lines.insert(rng.randint(0, len(lines)), "\tindented: tab")
    if rng.random() < 0.2:
        lines.insert(0, "anchor: &anc {x: 1}")
    yaml = "\n".join(lines)
    nl = rng.choice(["\n", "\n", "\n", "\r\n", "\r"])
    body = yaml.replace("\n", nl)
    lead = rng.choice(["", "", "", "\ufeff", "\n\n", "  ", "# Title\n"])
    close = rng.choice(["---", "---", "--- ", "---\t", "...", "----"])
    tail = rng.choice([nl + "# Model" + nl, nl, "", "oops"])
    return f"{lead}---{nl}{body}{nl}{close}{tail}"

work = tempfile.mkdtemp(prefix="hubgate-diff-")
script = hubref.setup_reference(work)
cards = os.path.join(work, "cards")
os.makedirs(cards)
names = []
for i in range(N):
    name = f"card-{i:05}.md"
    with open(os.path.join(cards, name), "w", encoding="utf-8", newline="") as f:
        f.write(card())
    names.append(name)
expected = hubref.run_reference(script, names, cards)
bin_ = hubref.hubgate_binary()
env = hubref.hubgate_env()
bad = 0
for name in names:
    want = expected.get(name)
    got = hubref.run_hubgate(bin_, os.path.join(cards, name), env)
    diffs = hubref.compare(want, got)
    if diffs:
        bad += 1
        if bad <= 20:
            print(f"{name}: {'; '.join(f'{cls}: {detail}' for cls, detail, _ in diffs)}")
print(f"{N} cards: {bad} disagreements on acceptance, metadata, message or position (cards in {cards})")
sys.exit(1 if bad else 0)
