#!/usr/bin/env bash
# Load test (issue 6): 50 concurrent pushes to one repository and 200 to 200 repositories, over
# `git daemon` on 127.0.0.1 with both hooks installed by `hubgate install`. Every push must be
# answered correctly (good cards accepted, bad ones refused) and every accepted update must have
# exactly one discussion entry. Prints throughput and the slowest push. Bounded: 250 pushes, then
# the daemon is stopped. Usage: scripts/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
BIN="$PWD/target/release/hubgate"
TMP="$(mktemp -d)"
# The daemon runs in its own process group (setsid): `git daemon` starts `git-daemon`, which
# forks per connection, and the whole group is stopped on exit.
trap 'kill -KILL -- "-${DAEMON:-0}" 2>/dev/null || true; rm -rf "$TMP"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=load GIT_AUTHOR_EMAIL=load@example.org GIT_COMMITTER_NAME=load GIT_COMMITTER_EMAIL=load@example.org
ROOT="$TMP/srv"
mkdir -p "$ROOT/acme"
printf '[discussions]\nwatch-refs = ["refs/heads/*"]\n' > "$TMP/hubgate.toml"
git init -q --bare "$ROOT/acme/shared.git"
for i in $(seq 0 199); do git init -q --bare "$ROOT/acme/r$i.git"; done
"$BIN" --config "$TMP/hubgate.toml" install "$ROOT" > /dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
setsid git daemon --reuseaddr --export-all --enable=receive-pack --listen=127.0.0.1 --port="$PORT" \
  --base-path="$ROOT" --max-connections=64 "$ROOT" > "$TMP/daemon.log" 2>&1 &
DAEMON=$!
for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
python3 - "$TMP" "$PORT" "$BIN" <<'PY'
import concurrent.futures, json, os, subprocess, sys, time
tmp, port, bin_ = sys.argv[1], sys.argv[2], sys.argv[3]
def prepare(name, bad):
    work = os.path.join(tmp, "work", name)
    subprocess.run(["git", "init", "-q", "-b", name.replace("/", "-"), work], check=True)
    lic = "MIT" if bad else "apache-2.0"
    open(os.path.join(work, "README.md"), "w").write(f"---\nlicense: {lic}\ntags: [{name.replace('/', '-')}]\n---\n")
    subprocess.run(["git", "-C", work, "add", "."], check=True)
    subprocess.run(["git", "-C", work, "commit", "-qm", name], check=True)
    return work
def push(work, url, ref):
    t = time.perf_counter()
    p = subprocess.run(["git", "-C", work, "push", url, f"HEAD:{ref}"], capture_output=True, text=True)
    return time.perf_counter() - t, p.returncode == 0, p.stderr
jobs = []
for i in range(50):  # one repository, 50 branches; every 10th card is bad
    jobs.append((prepare(f"s{i}", i % 10 == 9), f"git://127.0.0.1:{port}/acme/shared.git", f"refs/heads/b{i}", i % 10 != 9, "shared"))
for i in range(200):  # 200 repositories
    jobs.append((prepare(f"r{i}", i % 10 == 9), f"git://127.0.0.1:{port}/acme/r{i}.git", "refs/heads/main", i % 10 != 9, f"r{i}"))
results = {}
for label, chunk in [("50 pushes to one repository", jobs[:50]), ("200 pushes to 200 repositories", jobs[50:])]:
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as ex:
        res = list(ex.map(lambda j: push(j[0], j[1], j[2]), chunk))
    wall = time.perf_counter() - t0
    wrong = [(j[2], r[2][-300:]) for j, r in zip(chunk, res) if r[1] != j[3]]
    slow = max(r[0] for r in res)
    print(f"{label}: {len(chunk)} pushes in {wall:.2f} s ({len(chunk) / wall:.1f} pushes/s), slowest {slow * 1000:.0f} ms, wrong answers {len(wrong)}")
    for w in wrong[:5]:
        print("  wrong:", w)
    results[label] = (wall, slow, len(wrong))
def entries(repo):
    p = subprocess.run([bin_, "discussions", "--repo", os.path.join(tmp, "srv", "acme", repo + ".git"), "--format", "json", "list"], capture_output=True, text=True, check=True)
    return json.loads(p.stdout)["discussions"]
shared = entries("shared")
nums = [e["num"] for e in shared]
accepted_shared = sum(1 for j in jobs[:50] if j[3])
ok = nums == list(range(1, accepted_shared + 1)) and len({e["ref"] for e in shared}) == accepted_shared
per_repo = [len(entries(f"r{i}")) for i in range(200)]
ok &= all(n == (1 if i % 10 != 9 else 0) for i, n in enumerate(per_repo))
print(f"discussion entries: shared repository {len(shared)} (expected {accepted_shared}, numbers 1..{accepted_shared}: {nums == list(range(1, accepted_shared + 1))}); "
      f"200 repositories: {sum(per_repo)} (expected {sum(1 for i in range(200) if i % 10 != 9)})")
fsck = subprocess.run(["git", "--git-dir", os.path.join(tmp, "srv", "acme", "shared.git"), "fsck", "--strict"], capture_output=True)
print(f"git fsck --strict on the shared repository: {'clean' if fsck.returncode == 0 else 'FAILED'}")
sys.exit(0 if ok and fsck.returncode == 0 and all(r[2] == 0 for r in results.values()) else 1)
PY
