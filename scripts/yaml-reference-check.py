#!/usr/bin/env python3
"""Regenerates the answers to tests/fixtures/yaml/cases.json from js-yaml 4.3.2 itself (installed
from npm into DIR, as scripts/mutants.py installs it) into DIR/expected.jsonl, and fails when
they differ from the checked-in tests/fixtures/yaml/expected.jsonl, which `cargo test` reads.
.ci/run then points `agrees_with_js_yaml_on_the_cases_of_a_file` at DIR/expected.jsonl, so the
reader is held to live js-yaml as well as to the checked-in answers.

Usage: scripts/yaml-reference-check.py DIR    (needs node and npm)
"""
import difflib
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hubref  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECKED_IN = os.path.join(ROOT, "tests", "fixtures", "yaml", "expected.jsonl")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    work = os.path.abspath(sys.argv[1])
    script = hubref.setup_reference(work)
    out = os.path.join(work, "expected.jsonl")
    env = {**os.environ, "NODE_PATH": os.path.join(os.path.dirname(script), "node_modules")}
    subprocess.run(["node", os.path.join(ROOT, "scripts", "yaml-reference.js"), out], check=True, env=env)
    with open(out, encoding="utf-8") as f:
        live = f.read().rstrip("\n").split("\n")
    with open(CHECKED_IN, encoding="utf-8") as f:
        kept = f.read().rstrip("\n").split("\n")
    if live != kept:
        diff = difflib.unified_diff(kept, live, "checked in", "js-yaml 4.3.2 now", lineterm="", n=0)
        print("\n".join(list(diff)[:40]), file=sys.stderr)
        sys.exit("tests/fixtures/yaml/expected.jsonl is not what js-yaml 4.3.2 answers: "
                 "regenerate it with scripts/yaml-reference.js")
    print(f"{len(live)} YAML cases: the checked-in answers are js-yaml 4.3.2's; written to {out}")


if __name__ == "__main__":
    main()
