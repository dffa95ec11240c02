#!/bin/sh
# Time of `hubgate install` (and `--uninstall`) on N fresh bare repositories (issue 13 item 5):
# the cost is spawning processes per repository, so this compares builds on the same machine.
# Usage: scripts/bench_install.sh BINARY [N=100] [RUNS=5]; prints one line per run, in ms.
set -eu
bin=$1; n=${2:-100}; runs=${3:-5}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
i=0
while [ "$i" -lt "$n" ]; do
    git init -q --bare "$work/srv/acme/model-$i.git"; i=$((i + 1))
done
ms() { date +%s%N | cut -c1-13; }
r=0
while [ "$r" -lt "$runs" ]; do
    t0=$(ms); "$bin" install --bin "$bin" "$work/srv" >/dev/null
    t1=$(ms); "$bin" install --uninstall --bin "$bin" "$work/srv" >/dev/null
    t2=$(ms)
    echo "install $((t1 - t0)) ms, uninstall $((t2 - t1)) ms"
    r=$((r + 1))
done
