#!/usr/bin/env python3
"""Benchmark: a push of 1,000 refs, each carrying a different 3.4 KB card, read by
`hubgate pre-receive` against its floor, one `git cat-file --batch` reading the same 1,000 cards.

The pushed objects sit in a quarantine (a directory of their own whose alternate is the
repository's store), as `git receive-pack` runs the hook; the floor reads the cards through the
same environment.

Usage: scripts/bench_cards.py HUBGATE [RUNS]   (scripts/bench.sh runs it with the release build)
Prints a Markdown table: medians over RUNS (default 10), the ratio, and the reader's throughput in
cards per second (1,000 cards over hubgate's median, process start included).
Writes only under a temporary directory.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

BIN = os.path.abspath(sys.argv[1])
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
N = 1000
ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"}

FRONT = """---
license: apache-2.0
language:
- en
- fr
- de
library_name: transformers
pipeline_tag: text-generation
base_model: mistralai/Mistral-7B-v0.1
datasets:
- HuggingFaceH4/ultrachat_200k
- HuggingFaceH4/ultrafeedback_binarized
tags:
- generated_from_trainer
- alignment-handbook
- variant-{i}
widget:
- example_title: Pirate!
  messages:
  - role: system
    content: You are a pirate chatbot who always responds with Arr!
  - role: user
    content: "There's a llama on my lawn, how can I get rid of him?"
model-index:
- name: zephyr-7b-beta-{i}
  results:
  - task:
      type: text-generation
      name: Text Generation
    dataset:
      name: AI2 Reasoning Challenge (25-Shot)
      type: ai2_arc
      config: ARC-Challenge
      split: test
      args:
        num_few_shot: 25
    metrics:
    - type: acc_norm
      value: 62.03
      name: normalized accuracy
    source:
      url: https://huggingface.co/spaces/HuggingFaceH4/open_llm_leaderboard
      name: Open LLM Leaderboard
---
"""
BODY = "# Model card\n\n" + ("This model is a fine-tuned version of the base model on a mix of public datasets. " * 29) + "\n"


def main():
    tmp = tempfile.mkdtemp(prefix="hubgate-bench-cards-")
    repo = os.path.join(tmp, "repo.git")
    incoming = os.path.join(tmp, "incoming.git")
    for d in (repo, incoming):
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", d], check=True, env=ENV)
    base = "---\nlicense: apache-2.0\n---\n# base\n".encode()
    first = f"blob\nmark :1\ndata {len(base)}\n".encode() + base + b"\n"
    first += b"commit refs/heads/main\nmark :1\ncommitter B <b@example.org> 1000000000 +0000\ndata 4\nbase\nM 100644 :1 README.md\n\n"
    subprocess.run(["git", "--git-dir", repo, "fast-import", "--quiet"], input=first, check=True, env=ENV)
    main_id = subprocess.run(["git", "--git-dir", repo, "rev-parse", "main"], capture_output=True, text=True,
                             check=True, env=ENV).stdout.strip()
    # The push's objects, in a quarantine as git receive-pack lays it out: a directory of its own
    # whose alternate is the repository's object store.
    with open(os.path.join(incoming, "objects", "info", "alternates"), "w") as f:
        f.write(os.path.join(repo, "objects") + "\n")
    out = bytearray()
    sizes = []
    for i in range(N):
        card = (FRONT.format(i=i) + BODY).encode()
        sizes.append(len(card))
        out += f"blob\nmark :{i + 2}\ndata {len(card)}\n".encode() + card + b"\n"
        out += (f"commit refs/bench/b{i}\ncommitter B <b@example.org> {1000000001 + i} +0000\ndata 2\nc\n"
                f"from {main_id}\nM 100644 :{i + 2} README.md\n\n").encode()
    subprocess.run(["git", "--git-dir", incoming, "fast-import", "--quiet"], input=bytes(out), check=True, env=ENV)
    # receive-pack's quarantine has no alternates file: git names the repository's objects in
    # GIT_ALTERNATE_OBJECT_DIRECTORIES (below). The file was only there for fast-import.
    os.remove(os.path.join(incoming, "objects", "info", "alternates"))
    refs = subprocess.run(["git", "--git-dir", incoming, "for-each-ref", "--format=%(objectname) %(refname)", "refs/bench/"],
                          capture_output=True, text=True, check=True, env=ENV).stdout.split("\n")
    pairs = [line.split(" ") for line in refs if line]
    zero = "0" * 40
    hook_input = "".join(f"{zero} {oid} refs/heads/b{i}\n" for i, (oid, _) in enumerate(pairs)).encode()
    batch_input = "".join(f"{oid}:README.md\n" for oid, _ in pairs).encode()
    quarantine = os.path.join(incoming, "objects")
    qenv = {**ENV, "GIT_DIR": ".", "GIT_OBJECT_DIRECTORY": quarantine, "GIT_QUARANTINE_PATH": quarantine,
            "GIT_ALTERNATE_OBJECT_DIRECTORIES": os.path.join(repo, "objects")}

    def measure(cmd, stdin, env, runs):
        # One unmeasured run first (page cache), then `runs` measured ones.
        times = []
        for _ in range(runs + 1):
            t = time.perf_counter()
            p = subprocess.run(cmd, input=stdin, cwd=repo, capture_output=True, env=env)
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times[1:]), p

    # Alternating runs, so that both commands see the same state of a noisy machine.
    cat_times, hub_times = [], []
    for _ in range(RUNS):
        t, cp = measure(["git", "cat-file", "--batch"], batch_input, qenv, 1)
        cat_times.append(t)
        t, hp = measure([BIN, "pre-receive"], hook_input, qenv, 1)
        hub_times.append(t)
    cat_ms, hub_ms = statistics.median(cat_times), statistics.median(hub_times)
    if cp.returncode != 0 or cp.stdout.count(b" blob ") != N:
        sys.exit("git cat-file --batch did not read the 1,000 cards")
    if hp.returncode != 0:
        sys.exit(f"hubgate refused the benchmark push: {hp.stdout.decode()[:2000]}")
    print(f"\n1,000 refs pushed at once (objects in a quarantine, as git receive-pack runs the hook), each a "
          f"different card ({statistics.mean(sizes) / 1024:.1f} KiB on average), medians of {RUNS} runs:")
    print("| command | median ms | ratio |")
    print("| --- | --- | --- |")
    print(f"| git cat-file --batch reading the 1,000 cards (floor) | {cat_ms:.1f} | 1.00x |")
    print(f"| hubgate pre-receive (every card read and verified) | {hub_ms:.1f} | {hub_ms / cat_ms:.2f}x |")
    print(f"reader throughput: {N / (hub_ms / 1000):,.0f} cards per second (whole hook, process start included)")
    subprocess.run(["rm", "-rf", tmp], check=False)


if __name__ == "__main__":
    main()
