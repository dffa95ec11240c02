#!/usr/bin/env bash
# The server build: a release binary with the C library linked in (static-pie on glibc), and the
# binary's path on standard output, so that installing is one line:
#   install -m 755 "$(scripts/build-server.sh)" /usr/local/bin/hubgate
#
# Why: git starts hubgate once per push, and the dynamic loader's work (mapping libc and
# libgcc_s, applying 13,000 relocations) is 0.4-0.6 ms of a one-ref push that takes 3-4 ms
# (BENCHMARKS.md, "Issue 12 item 4, start-up"). A static-pie binary keeps address-space
# randomisation and full RELRO, runs on any Linux of the same architecture whatever its C library
# (Alpine-based Gitea and Forgejo images included), and starts without the loader.
# What it gives up: glibc reads `/etc/nsswitch.conf` for host names (post-receive's forge
# delivery); `files` and `dns` are built in, other modules (mdns, sss, ldap) are loaded from the
# glibc the binary was built with, so on a host that resolves names through such a module build on
# that host or give the forge URL by a name `/etc/hosts` or DNS answers.
#
# The static C library is a property of the target (`-C target-feature=+crt-static`), which cargo
# would also apply to the build scripts and procedural macros it compiles for the host, where it
# cannot work; naming the target explicitly keeps it to the binary. On a host whose C library is
# not glibc (musl links statically by default) this is a plain `cargo build --release`.
# Needs: cargo. Extra arguments go to cargo (e.g. `--locked`). Build output goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
host="$(rustc -vV | sed -n 's/^host: //p')"
target_dir="${CARGO_TARGET_DIR:-target}"
case "$host" in
  *-linux-gnu*)
    cargo build --release --target "$host" \
      --config "target.$host.rustflags = [\"-C\", \"target-feature=+crt-static\"]" "$@" >&2
    bin="$target_dir/$host/release/hubgate"
    ;;
  *)
    cargo build --release "$@" >&2
    bin="$target_dir/release/hubgate"
    ;;
esac
# A binary that still names an interpreter was not linked statically: say so rather than
# install something other than what this script promises.
if command -v readelf >/dev/null && readelf -l "$bin" | grep -q 'Requesting program interpreter'; then
  case "$host" in
    *-linux-gnu*) echo "build-server.sh: $bin is dynamically linked; the static build failed" >&2; exit 1 ;;
  esac
fi
realpath "$bin"
