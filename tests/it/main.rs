//! Integration tests: one binary (ripgrep's layout), each module a concern.
#![allow(
    clippy::disallowed_methods,
    reason = "the tests read their own switches (HUBGATE_REQUIRE_*, PATH), not the hook's environment"
)]

// The harness: sandboxes with real bare repositories and the hook installed.
mod util;

// The hook input is read whole; past its bound the push is refused, never cut.
mod hook_input;
// Pushes through the hook: create, update, delete, several refs, quarantine, CRLF and BOM cards.
mod push;
// Where pre-receive finds a push's objects: quarantine, environment alternates, no $TMPDIR.
mod quarantine;
// Where the history a repository already has begins: ref tips, confirmed old values.
mod history;
// Replacement refs never stand in for judged objects, and a policy refuses them;
// reftable and SHA-256 refused by name.
mod formats;
// Each policy rule at each level, through real pushes.
mod rules;
// Policy files: broken ones refuse pushes (fail closed); shipped examples load.
mod policy_files;
// `hubgate card` agrees with the Hub's reading on the real cards in tests/fixtures/cards.
mod cards;
// The dry runs and the demo: check, lint, card.
mod commands;
// post-receive: discussion entries in the repository and on a Gitea-compatible double.
mod discussions;
// Issue 11: discussions follow the branch people push when HEAD names one that does not exist.
mod default_branch;
// The discussion store: one commit per push, sharded trees, old stores migrated, lock waits.
mod store;
// hubgate install / doctor / policy explain on plain, Gitea-shaped and GitLab-shaped servers,
// over file:// and git daemon; overrides.
mod install;
// install turns on receive.fsckObjects (plain git) and doctor reports it everywhere.
mod install_fsck;
// Repository names: the installed root, forge names ignoring case, gitolite's GL_REPO.
mod install_names;
// Issue 10: the wrapper over an existing hook checks every step; both hooks see the same input.
mod install_wrapper;
// Issue 11: repositories Gitea creates after the install are gated, through a git template.
mod gitea_new_repos;
// The push scanners: large files, binary files, tokens, over the pushed objects only.
mod scan;
// Faults: corrupt outbox, missing policies, unwritable store, hooks killed halfway.
mod faults;
// Inputs kept from fuzzing (and hand-made edge cases) never panic.
mod fuzz_regressions;
// The claims of SECURITY.md.
mod security;
// Hostile and broken pushes: never a panic, never a wrongly accepted push.
mod hostile;
// The Gitea/Forgejo REST double (no real server can run here).
mod gitea_double;
// Issue 11: delivery pages through labels and issues, label names percent-encoded.
mod gitea_paging;
// Issue 9: the ways around the gate, each tried with real git.
mod bypass;
// Real servers on 127.0.0.1: smart HTTP (nginx + fcgiwrap + git http-backend).
mod servers;
// What the real-server tests share (programs, ports, a user of their own).
mod server_kit;
// Issue 10: hostile card text (key names too) is inert on remote: lines, in titles and bodies;
// pushers never see server paths.
mod inert;
// post-receive's write-ahead journal: kill -9, full disk, kept pushes replayed with their own pusher.
mod journal;
// Administrators run hubgate as root: repositories stay their owner's.
mod root;

/// gitolite3 over a real sshd, installed with `install --gitolite` as root.
mod gitolite;

// Plain git over ssh with a git user and forced commands naming the pusher.
mod plain_ssh;

// Repositories created after the install are gated (GitLab, plain git, Gitea).
mod new_repos;
// Issue 11: doctor, as root, checks what the repository's owner can use.
mod root_doctor;
// core.sharedRepository: what hubgate writes stays usable by the repository's group.
mod shared;
