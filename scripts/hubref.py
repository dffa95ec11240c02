"""The pieces the differential scripts share: the Hub's reference reading and `hubgate card`.

The reference is scripts/hub-reference.js (the Hub's front-matter regex with
JavaScript semantics, then js-yaml), run by node with js-yaml 4.3.2 installed from npm into a
temporary folder. `compare` puts one reference record next to one `hubgate card --format json`
output and names every way they differ, most serious first:

  front-matter      one finds a front-matter block, the other does not
  hub-accepts       the Hub accepts, hubgate refuses
  hub-refuses       the Hub refuses, hubgate accepts
  metadata          both accept, and the metadata differ as JSON values (numbers as doubles,
                    compared exactly; key order ignored)
  number-text       same values, but a number is not printed as JavaScript prints it
                    (`0.000001`, not `1e-6`; `100000000000000000000`, not `1e+20`)
  message           both refuse, with another error message (the text before ` (line:col)`)
  position          both refuse with the same message, at another `(line:col)`
  fault             hubgate crashed, timed out or printed no JSON; node printed nothing for it

Standard library only (Python 3.11).
"""
import json
import os
import re
import shutil
import subprocess

JS_YAML = "4.3.2"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE_SRC = os.path.join(ROOT, "scripts")
# The findings that say how the block was read (the rest are the Hub's rules on the values).
READ_CODES = ("hub-yaml-invalid", "hub-yaml-too-complex", "hub-metadata-invalid")
CLASSES = ("front-matter", "hub-accepts", "hub-refuses", "metadata", "number-text", "message", "position", "fault")
CLASS_TITLES = {
    "front-matter": "front matter found by one side only",
    "hub-accepts": "acceptance: the Hub accepts, hubgate refuses",
    "hub-refuses": "acceptance: the Hub refuses, hubgate accepts",
    "metadata": "metadata: other JSON values",
    "number-text": "metadata: numbers not printed as JavaScript prints them",
    "message": "message: both refuse, other words",
    "position": "position: same message, other (line:col)",
    "fault": "fault: hubgate crashed or printed no JSON",
}

# The Hub's front-matter regex (hub_parse.js) in Python: JavaScript's \s, and `$` at the very end.
JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
FRONT_MATTER = re.compile(
    "([" + JS_SPACE + "]*---(?:\r\n|\r|\n))([\\s\\S]*?)((?:\r\n|\r|\n)---[ \t]*(?:\r\n|\n|\\Z))"
)
YAML_PREFIX = "Invalid YAML in README.md: "
POSITION = re.compile(r" \((\d+):(\d+)\)\Z")


# ---------------------------------------------------------------------------------------------
# Running both sides


def setup_reference(work):
    """Copies scripts/hub-reference.js into WORK/ref, installs js-yaml there; returns the script's
    path."""
    ref = os.path.join(work, "ref")
    os.makedirs(ref, exist_ok=True)
    shutil.copy(os.path.join(REFERENCE_SRC, "hub-reference.js"), os.path.join(ref, "hub_parse.js"))
    subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", ref, f"js-yaml@{JS_YAML}"],
        check=True, capture_output=True,
    )
    with open(os.path.join(ref, "node_modules", "js-yaml", "package.json"), encoding="utf-8") as f:
        version = json.load(f)["version"]
    if version != JS_YAML:
        raise RuntimeError(f"npm installed js-yaml {version}, not {JS_YAML}")
    return os.path.join(ref, "hub_parse.js")


def run_reference(script, names, cwd):
    """Reads the cards NAMES (relative to CWD, distinct base names) with hub_parse.js, in one node.

    Returns {base name: record}; the records are parsed with `load_exact` (numbers keep their text).
    A card node prints nothing for (it crashed on it) is missing from the result.
    """
    out = subprocess.run(["node", script, *names], cwd=cwd, capture_output=True, text=True)
    records = {}
    for line in out.stdout.split("\n"):
        if not line:
            continue
        rec = load_exact(line)
        records[rec["file"]] = rec
    if out.returncode != 0 and len(names) > 1:
        # One card broke node: read the rest one by one, so that only that card goes missing.
        for name in names:
            if os.path.basename(name) not in records:
                records.update(run_reference(script, [name], cwd))
    return records


def hubgate_binary(given=None, build=True):
    """The hubgate to test: GIVEN, else the release build (built now, as cargo sees fit)."""
    if given:
        return os.path.abspath(given)
    if build:
        subprocess.run(["cargo", "build", "-q", "--release"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    return os.path.join(os.path.abspath(target), "release", "hubgate")


def hubgate_env():
    """The environment for `hubgate card`: the embedded default policy, no server configuration."""
    env = dict(os.environ)
    env.pop("HUBGATE_POLICIES", None)
    env.pop("HUBGATE_CONFIG", None)
    return env


def run_hubgate(binary, path, env=None, timeout=20):
    """`hubgate card --format json PATH`, parsed with `load_exact`; {"fault": why} when it fails."""
    try:
        p = subprocess.run([binary, "card", "--format", "json", path], capture_output=True, timeout=timeout,
                           env=env if env is not None else hubgate_env())
    except subprocess.TimeoutExpired:
        return {"fault": f"no answer within {timeout} s"}
    if p.returncode not in (0, 1):
        return {"fault": f"exit status {p.returncode}: {p.stderr.decode('utf-8', 'replace').strip()[-500:]}"}
    try:
        return load_exact(p.stdout.decode("utf-8"))
    except ValueError as e:
        return {"fault": f"output is not JSON ({e}): {p.stdout[:300]!r}"}


# ---------------------------------------------------------------------------------------------
# JSON with numbers as printed


class Num:
    """A JSON number: its text as printed, and its value as a double (what JavaScript holds)."""

    __slots__ = ("text", "value")

    def __init__(self, text):
        self.text = text
        self.value = float(text)

    def __repr__(self):
        return self.text


class Obj(dict):
    """A JSON object that remembers keys given twice (JSON.parse keeps the last; hubgate should not print any)."""

    __slots__ = ("dups",)


def _object(pairs):
    o = Obj()
    o.dups = []
    for k, v in pairs:
        if k in o:
            o.dups.append(k)
        o[k] = v
    return o


def load_exact(text):
    """json.loads, keeping each number's text (Num) and each object's duplicate keys (Obj.dups)."""
    return json.loads(text, parse_int=Num, parse_float=Num, object_pairs_hook=_object)


def dump(value, limit=None):
    """Prints a value loaded by `load_exact` back as JSON, numbers as they were printed."""
    if isinstance(value, Num):
        s = value.text
    elif isinstance(value, dict):
        s = "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + dump(v) for k, v in value.items()) + "}"
    elif isinstance(value, list):
        s = "[" + ",".join(dump(v) for v in value) + "]"
    else:
        s = json.dumps(value, ensure_ascii=False)
    if limit and len(s) > limit:
        s = s[: limit - 3] + "..."
    return s


def json_diff(want, got, path="$"):
    """The first place where GOT differs from WANT: (kind, path, want part, got part) or None.

    kind is "value" (other JSON values: numbers compared as doubles, exactly) or "number-text"
    (the values agree, a number's text does not); a value difference anywhere wins.
    """
    text_diff = None
    if isinstance(want, Num) and isinstance(got, Num):
        if want.value != got.value:
            return ("value", path, want, got)
        return None if want.text == got.text else ("number-text", path, want, got)
    if type(want) is not type(got) and not (isinstance(want, dict) and isinstance(got, dict)):
        return ("value", path, want, got)
    if isinstance(want, dict):
        if getattr(got, "dups", None):
            return ("value", f"{path}.{got.dups[0]}", "(once)", "(printed twice)")
        for k in want:
            if k not in got:
                return ("value", f"{path}.{k}", want[k], "(missing)")
        for k in got:
            if k not in want:
                return ("value", f"{path}.{k}", "(missing)", got[k])
        for k in want:
            d = json_diff(want[k], got[k], f"{path}.{k}")
            if d and d[0] == "value":
                return d
            text_diff = text_diff or d
        return text_diff
    if isinstance(want, list):
        if len(want) != len(got):
            return ("value", path, f"{len(want)} items", f"{len(got)} items")
        for i, (w, g) in enumerate(zip(want, got)):
            d = json_diff(w, g, f"{path}[{i}]")
            if d and d[0] == "value":
                return d
            text_diff = text_diff or d
        return text_diff
    return None if want == got else ("value", path, want, got)


# ---------------------------------------------------------------------------------------------
# Comparing


def read_errors(got):
    """hubgate's findings on the reading of the block (syntax, bounds, shape), as message texts."""
    return [e["message"] for e in got.get("errors", []) if e.get("code") in READ_CODES]


def split_error(text):
    """'Invalid YAML in README.md: <reason> (L:C)' -> ('Invalid YAML in README.md: <reason>', 'L:C')."""
    m = POSITION.search(text)
    return (text[: m.start()], f"{m.group(1)}:{m.group(2)}") if m else (text, None)


def compare(want, got):
    """Compares a reference record with hubgate's output: a list of (class, detail, key), worst first.

    The list is empty when they agree. key is (reference message, hubgate message), each without
    `Invalid YAML in README.md: `, for the classes message and position (what a known difference
    names), else None. Message and position
    are compared only when both refuse; metadata only when both accept (hub_parse.js prints no
    value for what it refuses), except that hubgate must print no metadata for a block that does
    not parse.
    """
    if want is None:
        return [("fault", "node printed nothing for this card", None)]
    if "fault" in got:
        return [("fault", got["fault"], None)]
    errors = read_errors(got)
    if want["fm_found"] != got.get("front_matter"):
        return [("front-matter", f"reference fm_found={want['fm_found']}, hubgate front_matter={got.get('front_matter')}", None)]
    if want["ok"] and errors:
        return [("hub-accepts", f"hubgate {'; '.join(errors)!r}", None)]
    if not want["ok"] and not errors:
        return [("hub-refuses", f"reference {want['error']!r}", None)]
    if want["ok"]:
        d = json_diff(want["metadata"], got.get("metadata"))
        if d is None:
            return []
        kind, path, w, g = d
        cls = "metadata" if kind == "value" else "number-text"
        return [(cls, f"{path}: reference {dump(w, 200)}, hubgate {dump(g, 200)}", None)]
    out = []
    if want["shape"] == "yaml-error" and got.get("metadata") is not None:
        out.append(("metadata", f"$: reference null (no parse), hubgate {dump(got['metadata'], 200)}", None))
    want_msg, want_pos = split_error(want["error"])
    got_msg, got_pos = split_error(errors[0]) if len(errors) == 1 else ("; ".join(errors), None)
    key = (want_msg.removeprefix(YAML_PREFIX), got_msg.removeprefix(YAML_PREFIX))
    if want_msg != got_msg:
        out.append(("message", f"reference {want['error']!r}, hubgate {'; '.join(errors)!r}", key))
    elif want_pos != got_pos:
        out.append(("position", f"reference {want['error']!r}, hubgate ({got_pos})", key))
    return out


def refusal_agreement(want, got):
    """For a card both refuse: (same message, same position); None when not both refuse."""
    if want is None or "fault" in got or want["ok"]:
        return None
    errors = read_errors(got)
    if not errors or want["fm_found"] != got.get("front_matter"):
        return None
    want_msg, want_pos = split_error(want["error"])
    got_msg, got_pos = split_error(errors[0]) if len(errors) == 1 else ("; ".join(errors), None)
    return (want_msg == got_msg, want_pos == got_pos)
