//! The Hub's push scanners (HUB-SPEC 1.8-1.10, 8): files larger than 10 MiB and binary files
//! over about 1 MB that are not LFS/Xet pointers, and files holding Hugging Face access tokens.
//!
//! They look at every blob the push brings ([`walk`]), never at the history. Sizes come from
//! object headers, so an oversized blob is refused without being read; the binary test reads a
//! bounded prefix (in the quarantine only that prefix is inflated); only text blobs up to the
//! large-file limit are read whole, one at a time, for the token search.

pub mod walk;

use anyhow::Result;

use crate::policy::{Applied, Level, Policy, Scan};
use crate::repo::Repo;
use crate::verdict::{Code, Finding, Severity};
pub use walk::NewBlob;

/// How many leading bytes the binary test looks at.
pub const BINARY_SAMPLE: usize = 8000;

/// The rules in force: the strictest level and the smallest threshold of the matching policies.
struct Rules<'a> {
    large: Option<(&'a Policy, Scan)>,
    binary: Option<(&'a Policy, Scan)>,
    secrets: Option<(&'a Policy, Level, bool)>,
}

fn strictest(applied: &Applied, pick: impl Fn(&Policy) -> Scan, smallest: bool) -> Option<(&Policy, Scan)> {
    let on = applied.policies.iter().filter(|p| pick(p).rule.level != Level::Off);
    let best = on.clone().max_by_key(|p| pick(p).rule.level)?;
    let mut scan = pick(best);
    if smallest {
        scan.size = on.map(|p| pick(p).size).min().unwrap_or(scan.size);
    }
    Some((best, scan))
}

impl<'a> Rules<'a> {
    fn of(applied: &'a Applied) -> Rules<'a> {
        Rules {
            large: strictest(applied, |p| p.large_files, true),
            binary: strictest(applied, |p| p.binary_files, true),
            secrets: applied
                .policies
                .iter()
                .filter(|p| p.secrets.level != Level::Off)
                .max_by_key(|p| p.secrets.level)
                .map(|p| (p, p.secrets.level, p.secrets.overridable)),
        }
    }
}

/// Whether a blob's leading bytes are an LFS (or Xet, which uses the same format) pointer.
pub fn is_pointer(head: &[u8]) -> bool {
    head.starts_with(b"version https://git-lfs.github.com/spec/")
}

/// The test of huggingface_hub's old `is_binary_file` (HUB-SPEC 1.9) on a leading sample: a
/// byte outside `{7,8,9,10,12,13,27} ∪ [0x20, 0xFF] \\ {0x7F}` makes the file binary.
pub fn looks_binary(sample: &[u8]) -> bool {
    sample
        .iter()
        .any(|&b| !(matches!(b, 7 | 8 | 9 | 10 | 12 | 13 | 27) || (b >= 0x20 && b != 0x7f)))
}

/// Hugging Face access tokens: `hf_` and 34 letters, on word boundaries (the shape TruffleHog's
/// detector and the Hub's refusals use).
pub fn find_tokens(bytes: &[u8]) -> Vec<String> {
    const LEN: usize = 34;
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(pos) = bytes[i..].windows(3).position(|w| w == b"hf_") {
        let start = i + pos;
        let body = start + 3;
        let end = body + LEN;
        let ok = (start == 0 || !word(bytes[start - 1]))
            && end <= bytes.len()
            && bytes[body..end].iter().all(u8::is_ascii_alphabetic)
            && bytes.get(end).is_none_or(|b| !word(*b));
        if ok {
            out.push(String::from_utf8_lossy(&bytes[start..end]).into_owned());
            i = end;
        } else {
            i = start + 3;
        }
    }
    out
}

/// A token with all but its first four and last two characters hidden.
pub fn mask(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() <= 9 {
        return "hf_***".into();
    }
    let head: String = chars[..7].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 9))
}

fn finding(
    code: Code,
    policy: &Policy,
    level: Level,
    overridable: bool,
    blob: &NewBlob,
    message: String,
) -> Option<Finding> {
    let severity = level.apply(Severity::Error)?;
    let mut f = Finding::new(code, severity, "scan", message);
    f.file = Some(blob.path.clone());
    f.refname = Some(blob.refname.clone());
    f.policy = Some(policy.name.clone());
    f.overridable = overridable;
    Some(f)
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

/// Runs the scanners over `blobs`.
pub fn check(repo: &Repo, applied: &Applied, blobs: &[NewBlob]) -> Result<Vec<Finding>> {
    let rules = Rules::of(applied);
    if rules.large.is_none() && rules.binary.is_none() && rules.secrets.is_none() {
        return Ok(Vec::new());
    }
    let read_limit = rules.large.map_or(crate::policy::DEFAULT_MAX_FILE, |(_, s)| s.size);
    let mut out = Vec::new();
    let limit = read_limit.max(crate::policy::DEFAULT_MAX_FILE);
    for blob in blobs {
        // The size and a bounded prefix in one read: the prefix settles pointers and the binary
        // test without reading the whole blob (in the quarantine only the prefix is inflated);
        // an oversized blob is never loaded.
        let (size, head) = repo.blob_head(blob.id, BINARY_SAMPLE, limit)?;
        if let Some((p, scan)) = rules.large
            && size > scan.size
        {
            // Pointers are a few hundred bytes: a blob this large is never one.
            let message = format!("{} is {}, larger than {}", blob.path, human(size), human(scan.size));
            let mut f = finding(
                Code::FileTooLarge,
                p,
                scan.rule.level,
                scan.rule.overridable,
                blob,
                message,
            );
            if let Some(f) = f.as_mut() {
                f.detail = Some(human(scan.size));
            }
            out.extend(f);
            continue;
        }
        let want_binary = rules.binary.is_some_and(|(_, s)| size > s.size);
        if !want_binary && rules.secrets.is_none() {
            continue;
        }
        let Some(head) = head else {
            continue;
        };
        if is_pointer(&head) {
            continue;
        }
        let binary = looks_binary(&head);
        if let Some((p, scan)) = rules.binary
            && want_binary
            && binary
        {
            let message = format!(
                "{} is a binary file of {} (over {})",
                blob.path,
                human(size),
                human(scan.size)
            );
            out.extend(finding(
                Code::BinaryFile,
                p,
                scan.rule.level,
                scan.rule.overridable,
                blob,
                message,
            ));
        }
        // Tokens are searched in text files, as secret scanners do (TruffleHog skips binaries).
        if let Some((p, level, overridable)) = rules.secrets
            && !binary
        {
            let whole = if size as usize <= head.len() {
                Some(head)
            } else {
                repo.small_blob(blob.id, limit)?
            };
            for token in whole.as_deref().map(find_tokens).unwrap_or_default() {
                let message = format!("{} contains a Hugging Face token ({})", blob.path, mask(&token));
                let mut f = finding(Code::SecretToken, p, level, overridable, blob, message);
                if let Some(f) = f.as_mut() {
                    f.detail = Some(mask(&token));
                }
                out.extend(f);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_by_shape_on_word_boundaries() {
        let t = format!("hf_{}", "a".repeat(34));
        assert_eq!(
            find_tokens(format!("HF_TOKEN={t}\n").as_bytes()),
            std::slice::from_ref(&t)
        );
        assert!(find_tokens(format!("x{t}").as_bytes()).is_empty());
        assert!(find_tokens(format!("{t}b").as_bytes()).is_empty());
        assert!(find_tokens(format!("hf_{}", "a".repeat(33)).as_bytes()).is_empty());
        assert!(find_tokens(b"hf_hub_download(repo_id)").is_empty());
        assert_eq!(mask(&t), format!("hf_aaaa{}aa", "*".repeat(28)));
    }

    #[test]
    fn binary_test_and_pointers() {
        assert!(!looks_binary(b"text\twith\r\nlines \x1b[0m and \xc3\xa9"));
        assert!(looks_binary(b"PK\x03\x04\x00"));
        assert!(looks_binary(b"a\x7fb"));
        assert!(is_pointer(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"
        ));
    }

    #[test]
    fn sizes_print_in_the_hubs_units() {
        assert_eq!(human(10 * 1024 * 1024), "10 MiB");
        assert_eq!(human(1_000_000), "1 MB");
        assert_eq!(human(11 * 1024 * 1024 + 1), "11.0 MiB");
    }
}
