//! LFS (and Xet, which writes the same pointers into git) pointer files, recognised as git-lfs
//! recognises them, so that only a real pointer escapes the size and binary checks.
//!
//! git-lfs reads a pointer only from a blob under 1024 bytes, and then only the grammar of its
//! specification (`docs/spec.md` in git-lfs): a `version` line naming the v1 spec (or one of its
//! two historical aliases), then optional `ext-<digit>-<name> sha256:<hex>` lines, then
//! `oid sha256:<64 lower-case hex>` and `size <decimal>`, keys in that order, one per line, each
//! line ending with a line feed. Anything else that merely starts like a pointer is an ordinary
//! file. hubgate accepts no more than that grammar (it does not skip blank lines or take a
//! carriage return, as git-lfs's lenient reader does): a stricter reading exempts fewer files.

/// git-lfs reads pointers from blobs smaller than this.
pub const MAX_POINTER: usize = 1024;

/// The versions git-lfs takes as the v1 pointer format.
const VERSIONS: [&str; 3] = [
    "https://git-lfs.github.com/spec/v1",
    "https://hawser.github.com/spec/v1",
    "http://git-media.io/v/2",
];

fn sha256_hex(value: &str) -> bool {
    value
        .strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// Whether `blob` (the whole blob) is an LFS/Xet pointer.
pub fn is_pointer(blob: &[u8]) -> bool {
    if blob.len() >= MAX_POINTER || !blob.ends_with(b"\n") {
        return false;
    }
    let Ok(text) = std::str::from_utf8(blob) else {
        return false;
    };
    let mut lines = text[..text.len() - 1].split('\n');
    let Some(version) = lines.next().and_then(|l| l.strip_prefix("version ")) else {
        return false;
    };
    if !VERSIONS.contains(&version) {
        return false;
    }
    let mut last_ext: Option<&str> = None;
    let mut oid = false;
    let mut size = false;
    for line in lines {
        let Some((key, value)) = line.split_once(' ') else {
            return false;
        };
        match key {
            "oid" if !oid && !size => {
                if !sha256_hex(value) {
                    return false;
                }
                oid = true;
            }
            "size" if oid && !size => {
                if value.is_empty() || value.len() > 18 || !value.bytes().all(|b| b.is_ascii_digit()) {
                    return false;
                }
                size = true;
            }
            _ if !oid && is_extension(key) => {
                // Extensions come before `oid`, sorted, each with an object id.
                if last_ext.is_some_and(|prev| prev >= key) || !sha256_hex(value) {
                    return false;
                }
                last_ext = Some(key);
            }
            _ => return false,
        }
    }
    oid && size
}

/// `ext-<digit>-<name>` with a word-character name.
fn is_extension(key: &str) -> bool {
    let Some(rest) = key.strip_prefix("ext-") else {
        return false;
    };
    let mut parts = rest.splitn(2, '-');
    let (Some(digit), Some(name)) = (parts.next(), parts.next()) else {
        return false;
    };
    digit.len() == 1
        && digit.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const OID: &str = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";

    fn pointer(extra: &str) -> String {
        format!("version https://git-lfs.github.com/spec/v1\n{extra}oid sha256:{OID}\nsize 12345\n")
    }

    #[test]
    fn real_pointers() {
        assert!(is_pointer(pointer("").as_bytes()));
        assert!(is_pointer(
            format!("version https://git-lfs.github.com/spec/v1\next-0-foo sha256:{OID}\next-1-bar sha256:{OID}\noid sha256:{OID}\nsize 1\n").as_bytes()
        ));
    }

    #[test]
    fn anything_else_that_starts_like_one_is_a_file() {
        let p = pointer("");
        assert!(!is_pointer(p.trim_end().as_bytes()), "no final line feed");
        assert!(!is_pointer(format!("{p}hf_token\n").as_bytes()), "extra line");
        assert!(!is_pointer(p.replace("size 12345", "size -1").as_bytes()));
        assert!(!is_pointer(p.replace("size 12345", "size 12a").as_bytes()));
        assert!(!is_pointer(p.replace(OID, &OID.to_uppercase()).as_bytes()));
        assert!(!is_pointer(p.replace(OID, &OID[..63]).as_bytes()));
        assert!(!is_pointer(p.replace('\n', "\r\n").as_bytes()));
        assert!(!is_pointer(p.replace("spec/v1", "spec/v2").as_bytes()));
        assert!(!is_pointer(
            format!("version https://git-lfs.github.com/spec/v1\nsize 1\noid sha256:{OID}\n").as_bytes()
        ));
        assert!(!is_pointer(format!("{p}\0\0\0").as_bytes()));
        let mut big = p.clone().into_bytes();
        big.extend(std::iter::repeat_n(b'x', 2000));
        assert!(!is_pointer(&big));
        assert!(!is_pointer(pointer("ext-0-foo sha256:zz\n").as_bytes()));
        assert!(!is_pointer(
            pointer(&format!("ext-1-b sha256:{OID}\next-0-a sha256:{OID}\n")).as_bytes()
        ));
        assert!(!is_pointer(pointer("x-note hello\n").as_bytes()));
    }
}
