#!/usr/bin/env python3
"""Differential check: `hubgate card` against the Hub's reference reading on generated cards.

Generates N cards from a grammar of the YAML that trips parsers (YAML 1.1 booleans, octal-looking
numbers, versions, dates, quoting, anchors and merge keys, flow collections, tags, duplicate keys,
tabs, CRLF, BOMs, fences), reads each with ../shared/hub/reference/hub_parse.js (js-yaml 4) and
with `hubgate card --format json`, and prints every disagreement on the front matter, the
metadata, or the error (as `reason (L:C)`).

Usage: scripts/differential.py [N] [SEED]  (needs node and npm; installs js-yaml into a temp dir)
Exit status 1 when hubgate and the Hub disagree on whether a card is accepted or on its
metadata; cards both refuse with differently worded syntax errors are counted, not failed.
The cards are kept in the printed directory.
"""
import json, os, random, shutil, subprocess, sys, tempfile

N = int(sys.argv[1]) if len(sys.argv) > 1 else 500
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 1
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ref_src = os.path.join(root, "..", "shared", "hub", "reference")
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
ref = os.path.join(work, "ref")
shutil.copytree(ref_src, ref)
subprocess.run(["npm", "install", "--silent"], cwd=ref, check=True, capture_output=True)
cards = os.path.join(work, "cards")
os.makedirs(cards)
names = []
for i in range(N):
    name = f"card-{i:05}.md"
    with open(os.path.join(cards, name), "w", encoding="utf-8", newline="") as f:
        f.write(card())
    names.append(name)
out = subprocess.run(["node", os.path.join(ref, "hub_parse.js"), *[os.path.join(cards, n) for n in names]],
                     capture_output=True, text=True, check=True).stdout
expected = {json.loads(l)["file"]: json.loads(l) for l in out.splitlines()}
subprocess.run(["cargo", "build", "-q", "--release"], cwd=root, check=True)
bin_ = os.path.join(root, "target", "release", "hubgate")
bad = 0
wording = 0
for name in names:
    want = expected[name]
    got = json.loads(subprocess.run([bin_, "card", "--format", "json", os.path.join(cards, name)], capture_output=True, text=True).stdout)
    errors = [e["message"] for e in got["errors"] if e["code"] in ("hub-yaml-invalid", "hub-metadata-invalid")]
    ok = got["front_matter"] == want["fm_found"] and got["metadata"] == want["metadata"]
    if ok and want["error"] and errors and errors != [want["error"]]:
        # Both refuse the card; only the wording or position of the syntax error differs.
        wording += 1
        continue
    ok &= bool(want["error"]) == bool(errors)
    if not ok:
        bad += 1
        if bad <= 20:
            print(f"{name}: js-yaml {json.dumps({k: want[k] for k in ('fm_found', 'metadata', 'error')})}")
            print(f"{' ' * len(name)}  hubgate {json.dumps({'fm_found': got['front_matter'], 'metadata': got['metadata'], 'error': errors})}")
print(f"{N} cards: {bad} disagreements on acceptance or metadata, {wording} refused by both with other error wording (cards in {cards})")
sys.exit(1 if bad else 0)
