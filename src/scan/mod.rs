//! The Hub's push scanners (docs/hub-rules.md, push scanners; docs/sources.md#scanner-blocks):
//! files larger than 10 MiB and binary files over about 1 MB that are not LFS/Xet pointers, and
//! Hugging Face access tokens.
//!
//! They look at every blob the push brings ([`walk`]), never at the history. Sizes come from
//! object headers, so an oversized blob is refused without being read. Each matching policy's
//! scanner tables are applied on their own (level, threshold and overridability from the same
//! policy); when several policies find the same thing, the most severe finding is kept and names
//! every policy that raised it at that severity. Tokens are searched in every new blob, text or
//! binary, large or small, pointer or not, streamed with bounded memory ([`tokens`]), and in the
//! messages of new commits.

pub mod dirs;
pub mod pointer;
pub mod tokens;
pub mod walk;

use anyhow::Result;

use crate::policy::{Applied, Level, Policy, Rule};
use crate::repo::Repo;
use crate::repo::objects::Streamed;
use crate::verdict::{Code, Finding, Severity};
pub use tokens::mask;
pub use walk::{NewBlob, Walked};

/// How many leading bytes the binary test looks at.
pub const BINARY_SAMPLE: usize = 8000;

/// The largest blob read whole for the token search when it cannot be streamed (a delta, or an
/// object outside the push's quarantine). git never stores a blob over 512 MiB
/// (`core.bigFileThreshold`) as a delta, and quarantined blobs stored whole are streamed at any
/// size; past this bound the blob is reported (`scan-incomplete`), never skipped.
pub const MAX_WHOLE_READ: u64 = 256 * 1024 * 1024;

/// Whether a blob's first bytes make it binary: the test of huggingface_hub's old `is_binary_file`
/// (docs/sources.md#binary-heuristic), a byte outside
/// `{7,8,9,10,12,13,27} ∪ [0x20, 0xFF] \ {0x7F}`.
pub fn looks_binary(sample: &[u8]) -> bool {
    // In blocks, without a branch per byte, so that the compiler can compare 16 bytes at a time:
    // the sample is most of a card, read for every new file.
    sample
        .chunks(64)
        .any(|block| block.iter().fold(0u8, |bad, &b| bad | u8::from(is_binary_byte(b))) != 0)
}

/// A byte the binary test counts against text: a control character other than BEL, BS, TAB,
/// LF, FF, CR and ESC, or DEL (written with `&` and `|`, no early exit).
fn is_binary_byte(b: u8) -> bool {
    ((b < 0x20) & (b != 7) & (b != 8) & (b != 9) & (b != 10) & (b != 12) & (b != 13) & (b != 27)) | (b == 0x7f)
}

/// Human size: `10 MiB`, `1 MB`, `1234 bytes`.
pub fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1_000_000 && bytes.is_multiple_of(1_000_000) {
        format!("{} MB", bytes / 1_000_000)
    } else if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{bytes} bytes")
    }
}

/// What one blob turned out to be.
struct Facts {
    size: u64,
    pointer: bool,
    binary: bool,
    tokens: Vec<String>,
    /// Set when the token search could not read the blob.
    unread: Option<u64>,
}

impl Facts {
    /// Text that is not a file (a name, a message): only its tokens matter.
    fn tokens_only(tokens: Vec<String>) -> Facts {
        Facts {
            size: 0,
            pointer: false,
            binary: false,
            tokens,
            unread: None,
        }
    }
}

fn on(rule: Rule) -> bool {
    rule.level != Level::Off
}

/// Reads what the rules in force need to know about `blob`.
fn facts(repo: &Repo, blob: &NewBlob, secrets: bool, search: &mut tokens::Search) -> Result<Facts> {
    let mut head = Vec::new();
    let mut tokens = Vec::new();
    let mut unread = None;
    // A card is read whole anyway for its metadata, and the token search reads every byte:
    // read it once, through the object cache. Without the search, the prefix below is enough.
    let card = if secrets && blob.path == crate::repo::CARD_FILE {
        repo.blob(blob.id)?.into_bytes()
    } else {
        None
    };
    let size = if let Some(bytes) = card {
        head.extend_from_slice(&bytes[..bytes.len().min(BINARY_SAMPLE)]);
        search.feed(&bytes);
        tokens = search.finish();
        bytes.len() as u64
    } else if secrets {
        let (streamed, size) = repo.stream_blob(blob.id, MAX_WHOLE_READ, &mut |chunk| {
            if head.len() < BINARY_SAMPLE {
                let take = (BINARY_SAMPLE - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            search.feed(chunk);
        })?;
        match streamed {
            Streamed::Whole => tokens = search.finish(),
            Streamed::TooLarge(n) => {
                // Nothing was read (the search is reset for the next blob); without a head the
                // binary test cannot run either, and `unread` reports both.
                search.finish();
                unread = Some(n);
            }
        }
        size
    } else {
        let (size, prefix) = repo.blob_head(blob.id, BINARY_SAMPLE, MAX_WHOLE_READ)?;
        match prefix {
            Some(h) => head = h,
            None => unread = Some(size),
        }
        size
    };
    let pointer = size < pointer::MAX_POINTER as u64 && head.len() as u64 == size && pointer::is_pointer(&head);
    Ok(Facts {
        size,
        pointer,
        binary: looks_binary(&head),
        tokens,
        unread,
    })
}

/// A finding of `policy`'s `rule` about a file of the push.
fn finding(
    code: Code,
    policy: &Policy,
    rule_name: &'static str,
    rule: Rule,
    blob: &NewBlob,
    message: String,
) -> Option<Finding> {
    let severity = rule.level.apply(Severity::Error)?;
    let mut f = Finding::new(code, severity, rule_name, message);
    f.file = Some(blob.path.clone());
    f.refname = Some(blob.refname.clone());
    f.policy = Some(policy.name.clone());
    f.raised_by = vec![policy.name.clone()];
    f.overridable = rule.overridable;
    Some(f)
}

/// The findings of every policy about one blob.
fn judge(policies: &[Policy], blob: &NewBlob, facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in policies {
        let large = on(p.large_files.rule) && !facts.pointer && facts.size > p.large_files.size;
        if large {
            let limit = p.large_files.size;
            let message = format!("{} is {}, larger than {}", blob.path, human(facts.size), human(limit));
            out.extend(
                finding(Code::FileTooLarge, p, "large-files", p.large_files.rule, blob, message).map(|mut f| {
                    f.detail = Some(human(limit));
                    f.limit = Some(limit);
                    f
                }),
            );
        }
        if on(p.binary_files.rule) && !large && !facts.pointer && facts.binary && facts.size > p.binary_files.size {
            let message = format!(
                "{} is a binary file of {} (over {})",
                blob.path,
                human(facts.size),
                human(p.binary_files.size)
            );
            out.extend(finding(
                Code::BinaryFile,
                p,
                "binary-files",
                p.binary_files.rule,
                blob,
                message,
            ));
        }
        if let Some(size) = facts.unread
            && !on(p.secrets)
            && on(p.binary_files.rule)
            && size > p.binary_files.size
        {
            let message = format!(
                "{} ({}) could not be read for the binary test: it is stored as a delta or outside the push, and larger than the {} hubgate reads whole",
                blob.path,
                human(size),
                human(MAX_WHOLE_READ)
            );
            out.extend(finding(
                Code::ScanIncomplete,
                p,
                "binary-files",
                p.binary_files.rule,
                blob,
                message,
            ));
        }
        if !on(p.secrets) {
            continue;
        }
        for token in &facts.tokens {
            let message = format!("{} contains a Hugging Face token ({})", blob.path, mask(token));
            out.extend(
                finding(Code::SecretToken, p, "secrets", p.secrets, blob, message).map(|mut f| {
                    f.detail = Some(mask(token));
                    f
                }),
            );
        }
        if let Some(size) = facts.unread {
            let message = format!(
                "{} ({}) could not be searched for tokens: it is stored as a delta or outside the push, and larger than the {} hubgate reads whole",
                blob.path,
                human(size),
                human(MAX_WHOLE_READ)
            );
            out.extend(finding(Code::ScanIncomplete, p, "secrets", p.secrets, blob, message));
        }
    }
    crate::verdict::merge(out)
}

/// Runs the scanners over what the push brings.
pub fn check(repo: &Repo, applied: &Applied, walked: &Walked) -> Result<Vec<Finding>> {
    let policies = &applied.policies;
    let any = |pick: fn(&Policy) -> Rule| policies.iter().any(|p| on(pick(p)));
    let secrets = any(|p| p.secrets);
    if !secrets && !any(|p| p.large_files.rule) && !any(|p| p.binary_files.rule) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut search = tokens::Search::new();
    for blob in &walked.blobs {
        let facts = facts(repo, blob, secrets, &mut search)?;
        out.extend(judge(policies, blob, &facts));
    }
    if secrets {
        for (path, refname, found) in &walked.named {
            let blob = NewBlob {
                path: path.clone(),
                id: gix::ObjectId::null(repo.hash_kind()),
                refname: refname.clone(),
            };
            out.extend(judge(policies, &blob, &Facts::tokens_only(found.clone())));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_test() {
        assert!(!looks_binary(b"text\twith\r\nlines \x1b[0m and \xc3\xa9"));
        assert!(looks_binary(b"PK\x03\x04\x00"));
        assert!(looks_binary(b"a\x7fb"));
    }

    #[test]
    fn every_byte_at_every_place_of_a_block_is_judged_as_the_rule_says() {
        let text = |b: u8| matches!(b, 7 | 8 | 9 | 10 | 12 | 13 | 27) || (b >= 0x20 && b != 0x7f);
        for b in 0..=255u8 {
            assert_eq!(looks_binary(&[b]), !text(b), "byte {b:#x}");
            // Before, inside and after a 64-byte block border of text.
            for at in [0, 63, 64, 65, 199] {
                let mut sample = vec![b'a'; 200];
                sample[at] = b;
                assert_eq!(looks_binary(&sample), !text(b), "byte {b:#x} at {at}");
            }
        }
        assert!(!looks_binary(b""));
    }

    #[test]
    fn sizes_print_in_the_hubs_units() {
        assert_eq!(human(10 * 1024 * 1024), "10 MiB");
        assert_eq!(human(1_000_000), "1 MB");
        assert_eq!(human(11 * 1024 * 1024 + 1), "11.0 MiB");
    }
}
