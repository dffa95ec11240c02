//! Tree objects read from their raw bytes, with the checks `git fsck` makes on them.
//!
//! A tree is a sequence of `<octal mode> SP <name> NUL <id>` entries. gix decodes such bytes
//! without judging them, but a tree with two `README.md` entries, unsorted entries, a `.git`
//! entry or an odd mode is one git's own fsck refuses: checkouts then deliver something other than
//! what a reader of the first entry saw. The gate reads every new tree through [`parse`] and
//! refuses the push when [`problems`] finds anything (code `tree-malformed`).

use gix::ObjectId;

/// One raw tree entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    /// The mode as written (`100644`, `40000`, ...), before any interpretation.
    pub mode: Vec<u8>,
    /// The entry's name, as bytes.
    pub name: Vec<u8>,
    /// The object it points to.
    pub id: ObjectId,
}

impl RawEntry {
    /// The mode's numeric value (`None` when it is not octal).
    pub fn mode_value(&self) -> Option<u32> {
        if self.mode.is_empty() || self.mode.len() > 7 {
            return None;
        }
        self.mode.iter().try_fold(0u32, |acc, &b| match b {
            b'0'..=b'7' => Some(acc * 8 + u32::from(b - b'0')),
            _ => None,
        })
    }

    /// A sub-tree.
    pub fn is_tree(&self) -> bool {
        self.mode_value() == Some(0o40000)
    }

    /// A regular or executable file.
    pub fn is_file(&self) -> bool {
        matches!(self.mode_value(), Some(0o100644 | 0o100755))
    }

    /// A symbolic link (its blob holds the target).
    pub fn is_link(&self) -> bool {
        self.mode_value() == Some(0o120000)
    }
}

/// The entries of a tree's raw bytes; `None` when the bytes are not a tree at all (truncated,
/// no NUL, short id).
pub fn parse(data: &[u8], hash_len: usize) -> Option<Vec<RawEntry>> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let sp = rest.iter().position(|&b| b == b' ')?;
        let nul = sp + 1 + rest[sp + 1..].iter().position(|&b| b == 0)?;
        let id_end = nul + 1 + hash_len;
        let id = ObjectId::try_from(rest.get(nul + 1..id_end)?).ok()?;
        out.push(RawEntry {
            mode: rest[..sp].to_vec(),
            name: rest[sp + 1..nul].to_vec(),
            id,
        });
        rest = &rest[id_end..];
    }
    Some(out)
}

/// Whether `name` is `.git` as some checkout would see it: any case, the NTFS short name
/// `git~1`, and trailing dots or spaces that Windows drops (git's `is_ntfs_dotgit`,
/// `is_hfs_dotgit` in spirit: the HFS+ ignorable code points are removed before comparing).
pub fn is_dotgit(name: &[u8]) -> bool {
    let text = String::from_utf8_lossy(name);
    // HFS+ ignores these code points when comparing names (git's fsck list).
    let ignorable = |c: char| {
        matches!(
            c,
            '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}'
        )
    };
    let folded: String = text
        .chars()
        .filter(|c| !ignorable(*c))
        .collect::<String>()
        .to_lowercase();
    let trimmed = folded.trim_end_matches(['.', ' ']);
    trimmed == ".git" || trimmed == "git~1"
}

/// The most problems one tree reports.
const MAX_PROBLEMS: usize = 20;

/// What git's fsck would say about a tree, in plain words; empty when it is well formed.
pub fn problems(entries: &[RawEntry]) -> Vec<String> {
    let mut out = Vec::new();
    for e in entries {
        let name = String::from_utf8_lossy(&e.name);
        if e.name.is_empty() {
            out.push("an entry has an empty name".to_owned());
        } else if e.name == b"." || e.name == b".." {
            out.push(format!("an entry is named \"{name}\""));
        } else if e.name.contains(&b'/') {
            out.push(format!("the entry \"{}\" contains a slash", name.escape_default()));
        } else if is_dotgit(&e.name) {
            out.push(format!(
                "the entry \"{}\" is a `.git` folder, which checkouts refuse",
                name.escape_default()
            ));
        }
        if e.mode.first() == Some(&b'0') {
            out.push(format!(
                "the entry \"{}\" has a zero-padded mode {}",
                name.escape_default(),
                String::from_utf8_lossy(&e.mode)
            ));
        } else if !matches!(
            e.mode_value(),
            Some(0o100644 | 0o100755 | 0o120000 | 0o40000 | 0o160000)
        ) {
            out.push(format!(
                "the entry \"{}\" has the mode {}, which git does not allow",
                name.escape_default(),
                String::from_utf8_lossy(&e.mode)
            ));
        }
        if e.id.is_null() {
            out.push(format!("the entry \"{}\" points at the null id", name.escape_default()));
        }
    }
    // git sorts entries by name, a tree's name compared as if followed by `/`: the first pair out
    // of order is enough to say so.
    let key = |e: &RawEntry| {
        let mut k = e.name.clone();
        if e.is_tree() {
            k.push(b'/');
        }
        k
    };
    if let Some(pair) = entries
        .windows(2)
        .find(|w| w[0].name != w[1].name && key(&w[0]) > key(&w[1]))
    {
        out.push(format!(
            "the entries are not sorted (\"{}\" before \"{}\")",
            String::from_utf8_lossy(&pair[0].name).escape_default(),
            String::from_utf8_lossy(&pair[1].name).escape_default()
        ));
    }
    // Two entries with the same name, whatever their kinds and wherever they stand (a file `x`
    // and a folder `x` need not be neighbours): one pass, each name reported once.
    let mut seen = std::collections::HashSet::new();
    let mut twice = std::collections::BTreeSet::new();
    for e in entries {
        if !seen.insert(e.name.as_slice()) {
            twice.insert(e.name.as_slice());
        }
    }
    out.extend(twice.into_iter().map(|n| {
        format!(
            "the name \"{}\" appears twice",
            String::from_utf8_lossy(n).escape_default()
        )
    }));
    // A hostile tree can hold millions of bad entries: the pusher reads the first ones.
    if out.len() > MAX_PROBLEMS {
        let more = out.len() - MAX_PROBLEMS;
        out.truncate(MAX_PROBLEMS);
        out.push(format!("and {more} more"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(mode: &str, name: &str) -> RawEntry {
        RawEntry {
            mode: mode.as_bytes().to_vec(),
            name: name.as_bytes().to_vec(),
            id: ObjectId::from_hex(b"1111111111111111111111111111111111111111").expect("hex"),
        }
    }

    #[test]
    fn raw_entries_round_trip() {
        let id = [0x11u8; 20];
        let mut raw = b"100644 README.md\0".to_vec();
        raw.extend_from_slice(&id);
        raw.extend_from_slice(b"40000 src\0");
        raw.extend_from_slice(&id);
        let e = parse(&raw, 20).expect("a tree");
        assert_eq!(e.len(), 2);
        assert!(e[0].is_file() && e[1].is_tree());
        assert!(parse(b"100644 x", 20).is_none());
        assert!(parse(&raw[..raw.len() - 1], 20).is_none());
    }

    #[test]
    fn fsck_rules() {
        let good = [
            entry("100644", "README.md"),
            entry("40000", "a"),
            entry("100644", "a.txt"),
        ];
        // `a/` sorts after `a.txt`: this order is wrong.
        assert!(!problems(&good).is_empty());
        let good = [
            entry("100644", "README.md"),
            entry("100644", "a.txt"),
            entry("40000", "a"),
        ];
        assert!(problems(&good).is_empty(), "{:?}", problems(&good));
        let dup = [entry("100644", "README.md"), entry("100644", "README.md")];
        assert!(problems(&dup)[0].contains("appears twice"));
        let file_and_dir = [entry("100644", "x"), entry("100644", "x.txt"), entry("40000", "x")];
        assert!(problems(&file_and_dir).iter().any(|p| p.contains("appears twice")));
        assert!(problems(&[entry("40000", ".GIT")])[0].contains(".git"));
        assert!(problems(&[entry("40000", "git~1")])[0].contains(".git"));
        assert!(problems(&[entry("40000", ".git. ")])[0].contains(".git"));
        assert!(problems(&[entry("40000", ".g\u{200c}it")])[0].contains(".git"));
        assert!(problems(&[entry("100664", "x")])[0].contains("mode"));
        assert!(problems(&[entry("0100644", "x")])[0].contains("zero-padded"));
        assert!(problems(&[entry("100644", "..")])[0].contains("\"..\""));
        assert!(problems(&[entry("100644", "")])[0].contains("empty"));
    }

    #[test]
    fn a_hostile_tree_costs_linear_time_and_a_bounded_message() {
        // Alternating names: no equal neighbours, every name twice.
        let many: Vec<RawEntry> = (0..200_000)
            .map(|i| entry("100644", if i % 2 == 0 { "a" } else { "b" }))
            .collect();
        let p = problems(&many);
        assert!(p.iter().any(|m| m.contains("\"a\" appears twice")));
        let bad: Vec<RawEntry> = (0..1000).map(|i| entry("100664", &format!("f{i:04}"))).collect();
        let p = problems(&bad);
        assert_eq!(p.len(), MAX_PROBLEMS + 1);
        assert_eq!(p.last().map(String::as_str), Some("and 980 more"));
    }
}
