//! Hugging Face access tokens, found as the Hub's current detector finds them: TruffleHog's
//! Hugging Face rule, `\b(?:hf_|api_org_)[a-zA-Z0-9]{34}\b` (word boundaries as in Go's RE2:
//! between `[0-9A-Za-z_]` and anything else, or the ends of the text).
//!
//! [`Search`] takes a blob in chunks of any size and finds tokens that straddle chunk borders,
//! so a blob of any size is searched with bounded memory. Text in UTF-16 (either byte order) is
//! searched too, as TruffleHog decodes it before its detectors run.

use memchr::memmem;

/// The characters after the prefix.
const BODY: usize = 34;
/// The prefixes the Hub's detector knows.
const PREFIXES: [&[u8]; 2] = [b"hf_", b"api_org_"];
/// The longest match in UTF-16 plus the character after it: what a chunk border may cut.
const TAIL: usize = 2 * (8 + BODY + 1) + 2;
/// Decided bytes kept before the undecided ones: a UTF-16 character is two bytes, and the
/// character before a match decides its word boundary.
const CONTEXT: usize = 2;

/// How a match's characters sit in the bytes: plain (UTF-8 or ASCII), or UTF-16 little- or
/// big-endian, which TruffleHog decodes before its detectors run (a token in a Windows text file
/// or a .NET resource).
#[derive(Debug, Clone, Copy)]
struct Layout {
    /// Bytes per character.
    stride: usize,
    /// Where the zero byte of a character sits relative to its ASCII byte (UTF-16 only).
    zero: Option<isize>,
    /// From the start of the found pattern to the first character's ASCII byte.
    lead: usize,
}

/// The patterns searched for: each prefix in each layout.
struct Patterns {
    finders: Vec<(memmem::Finder<'static>, Layout, usize)>,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: std::sync::OnceLock<Patterns> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let mut finders = Vec::new();
        for prefix in PREFIXES {
            let plain = Layout {
                stride: 1,
                zero: None,
                lead: 0,
            };
            finders.push((memmem::Finder::new(prefix).into_owned(), plain, prefix.len()));
            let le: Vec<u8> = prefix.iter().flat_map(|&b| [b, 0]).collect();
            let le_layout = Layout {
                stride: 2,
                zero: Some(1),
                lead: 0,
            };
            finders.push((memmem::Finder::new(&le).into_owned(), le_layout, prefix.len()));
            let be: Vec<u8> = prefix.iter().flat_map(|&b| [0, b]).collect();
            let be_layout = Layout {
                stride: 2,
                zero: Some(-1),
                lead: 1,
            };
            finders.push((memmem::Finder::new(&be).into_owned(), be_layout, prefix.len()));
        }
        Patterns { finders }
    })
}

fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A streaming token search over one blob.
#[derive(Debug, Default)]
pub struct Search {
    /// The last bytes of the previous chunks that may still start or end a match, after up to
    /// [`CONTEXT`] decided bytes.
    carry: Vec<u8>,
    /// Positions in `carry` before this one are decided (their matches already reported).
    decided: usize,
    /// Whether bytes of this blob were dropped before `carry[0]`.
    dropped: bool,
    /// The blob offset of `carry[0]`: UTF-16 characters sit at even offsets.
    base: usize,
    found: Vec<String>,
}

impl Search {
    /// A new search.
    pub fn new() -> Search {
        Search::default()
    }

    /// Feeds the next chunk.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.carry.extend_from_slice(chunk);
        let end = self.carry.len().saturating_sub(TAIL);
        self.scan(end);
        // Keep only what later chunks may still need.
        let drop = self.decided.saturating_sub(CONTEXT);
        if drop > 0 {
            self.carry.drain(..drop);
            self.decided -= drop;
            self.dropped = true;
            self.base += drop;
        }
    }

    /// Ends the search of this blob and returns the tokens found, in order; the search is then
    /// ready for the next blob (its buffer is kept: a fresh one per blob costs page faults).
    pub fn finish(&mut self) -> Vec<String> {
        let end = self.carry.len();
        self.scan(end);
        self.carry.clear();
        self.decided = 0;
        self.dropped = false;
        self.base = 0;
        std::mem::take(&mut self.found)
    }

    /// The ASCII character `k` places from the one at `first` (negative: before it), if the bytes
    /// hold one in `layout`; `Some(None)` for a character that is not ASCII text in that layout
    /// (a boundary), `None` when the bytes end (or were dropped) before it.
    fn char_at(&self, first: usize, k: isize, layout: Layout) -> Option<Option<u8>> {
        let buf = &self.carry;
        let at = first as isize + k * layout.stride as isize;
        if at < 0 {
            return if self.dropped { Some(None) } else { None };
        }
        let b = *buf.get(at as usize)?;
        match layout.zero {
            None => Some(Some(b)),
            Some(z) => {
                let zi = at + z;
                if zi < 0 || zi as usize >= buf.len() {
                    return Some(None);
                }
                Some((buf[zi as usize] == 0).then_some(b))
            }
        }
    }

    /// Reports every match that starts in `decided..end`, and marks those positions decided.
    fn scan(&mut self, end: usize) {
        if end <= self.decided {
            return;
        }
        let mut starts: Vec<(usize, Layout, usize)> = Vec::new();
        for (finder, layout, plen) in &patterns().finders {
            for at in finder.find_iter(&self.carry[self.decided..]) {
                let at = self.decided + at;
                if at < end {
                    starts.push((at, *layout, *plen));
                }
            }
        }
        starts.sort_unstable_by_key(|s| s.0);
        let mut next_free = self.decided;
        for (at, layout, plen) in starts {
            if at < next_free {
                continue;
            }
            let first = at + layout.lead;
            let total = (plen + BODY) as isize;
            // A UTF-16 character's two bytes start at an even offset: a little-endian one with its
            // ASCII byte, a big-endian one with its zero byte.
            if layout.stride == 2 && !(self.base + at).is_multiple_of(2) {
                continue;
            }
            // Go's \b: the character before is not a word character (or there is none).
            let before_ok = self
                .char_at(first, -1, layout)
                .is_none_or(|c| c.is_none_or(|c| !word(c)));
            let body_ok = (plen as isize..total).all(|k| {
                self.char_at(first, k, layout)
                    .flatten()
                    .is_some_and(|c| c.is_ascii_alphanumeric())
            });
            let after_ok = self
                .char_at(first, total, layout)
                .is_none_or(|c| c.is_none_or(|c| !word(c)));
            if before_ok && body_ok && after_ok {
                let token: String = (0..total)
                    .filter_map(|k| self.char_at(first, k, layout).flatten())
                    .map(char::from)
                    .collect();
                self.found.push(token);
                next_free = first + (total as usize - 1) * layout.stride + 1;
            }
        }
        self.decided = end.max(next_free.min(self.carry.len()));
    }
}

/// The tokens in `bytes`, in order.
pub fn find(bytes: &[u8]) -> Vec<String> {
    let mut s = Search::new();
    s.feed(bytes);
    s.finish()
}

/// `text` with every token in it masked: what hubgate prints never repeats a token whole, even
/// when it sits in a file or ref name, a card value or a message.
pub fn mask_all(text: &str) -> String {
    let mut out = text.to_owned();
    for token in find(text.as_bytes()) {
        out = out.replace(&token, &mask(&token));
    }
    out
}

/// A token with all but its first seven and last two characters hidden.
pub fn mask(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() <= 9 {
        return "hf_***".into();
    }
    let keep = if token.starts_with("api_org_") { 11 } else { 7 };
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - keep - 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detectors_shape_on_word_boundaries() {
        let t = format!("hf_{}", "a".repeat(34));
        assert_eq!(find(format!("HF_TOKEN={t}\n").as_bytes()), std::slice::from_ref(&t));
        assert!(find(format!("x{t}").as_bytes()).is_empty());
        assert!(find(format!("{t}b").as_bytes()).is_empty());
        assert!(find(format!("{t}_").as_bytes()).is_empty());
        assert!(find(format!("hf_{}", "a".repeat(33)).as_bytes()).is_empty());
        assert!(find(b"hf_hub_download(repo_id)").is_empty());
        // Real tokens carry digits; organisation tokens too.
        let digits = "hf_AbCd1234EfGh5678IjKl9012MnOp3456Qr";
        assert_eq!(find(format!("'{digits}'").as_bytes()), [digits]);
        let org = format!("api_org_{}", "Z9".repeat(17));
        assert_eq!(find(format!(" {org} ").as_bytes()), std::slice::from_ref(&org));
        // Inside binary data (a pickled `training_args.bin`).
        let mut pickle = b"\x80\x04\x95\x00hub_token\x94\x8c\x25".to_vec();
        pickle.extend_from_slice(digits.as_bytes());
        pickle.extend_from_slice(b"\x94\x00\xff");
        assert_eq!(find(&pickle), [digits]);
        assert_eq!(mask(&t), format!("hf_aaaa{}aa", "*".repeat(28)));
        assert_eq!(
            mask_all(&format!("refs/heads/{digits} and {digits}.txt")),
            format!("refs/heads/{m} and {m}.txt", m = mask(digits))
        );
    }

    #[test]
    fn utf16_text_in_either_byte_order() {
        let digits = "hf_AbCd1234EfGh5678IjKl9012MnOp3456Qr";
        let le: Vec<u8> = format!("key = {digits}\r\n")
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = format!("key={digits}")
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(find(&le), [digits]);
        assert_eq!(find(&be), [digits]);
        let glued: Vec<u8> = format!("x{digits}").encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(find(&glued).is_empty(), "no word boundary");
        for size in [1, 3, 50, 87, 88, 89] {
            let mut s = Search::new();
            for chunk in le.chunks(size) {
                s.feed(chunk);
            }
            assert_eq!(s.finish(), [digits], "chunks of {size}");
        }
    }

    #[test]
    fn tokens_across_chunk_borders_are_found_once() {
        let digits = "hf_AbCd1234EfGh5678IjKl9012MnOp3456Qr";
        let text = format!("{}={digits};{}-{digits}\n{digits}x", "y".repeat(70), "z".repeat(50));
        for size in [1, 2, 3, 7, 41, 44, 45, 64, 1000] {
            let mut s = Search::new();
            for chunk in text.as_bytes().chunks(size) {
                s.feed(chunk);
            }
            assert_eq!(s.finish(), [digits, digits], "chunks of {size}");
        }
    }
}
