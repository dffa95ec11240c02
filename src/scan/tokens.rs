//! Hugging Face access tokens, found as the Hub's current detector finds them: TruffleHog's
//! Hugging Face rule, `\b(?:hf_|api_org_)[a-zA-Z0-9]{34}\b` (word boundaries as in Go's RE2:
//! between `[0-9A-Za-z_]` and anything else, or the ends of the text).
//!
//! [`Search`] takes a blob in chunks of any size and finds tokens that straddle chunk borders,
//! so a blob of any size is searched with bounded memory.

use memchr::memmem;

/// The characters after the prefix.
const BODY: usize = 34;
/// The prefixes the Hub's detector knows.
const PREFIXES: [&[u8]; 2] = [b"hf_", b"api_org_"];
/// The longest match plus the byte after it: what a chunk border may cut.
const TAIL: usize = 8 + BODY + 1;

/// The prefixes' searchers, built once.
fn finders() -> &'static [memmem::Finder<'static>; 2] {
    static FINDERS: std::sync::OnceLock<[memmem::Finder<'static>; 2]> = std::sync::OnceLock::new();
    FINDERS.get_or_init(|| PREFIXES.map(memmem::Finder::new))
}

fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A streaming token search over one blob.
#[derive(Debug, Default)]
pub struct Search {
    /// The last bytes of the previous chunks that may still start or end a match.
    carry: Vec<u8>,
    /// Positions in `carry` before this one are decided (their matches already reported).
    decided: usize,
    /// Whether `carry` starts right after a byte (so its first byte is not the blob's first).
    before: Option<u8>,
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
        if self.decided > 0 {
            self.before = Some(self.carry[self.decided - 1]);
            self.carry.drain(..self.decided);
            self.decided = 0;
        }
    }

    /// Ends the search of this blob and returns the tokens found, in order; the search is then
    /// ready for the next blob (its buffer is kept: a fresh one per blob costs page faults).
    pub fn finish(&mut self) -> Vec<String> {
        let end = self.carry.len();
        self.scan(end);
        self.carry.clear();
        self.decided = 0;
        self.before = None;
        std::mem::take(&mut self.found)
    }

    /// Reports every match that starts in `decided..end`, and marks those positions decided.
    fn scan(&mut self, end: usize) {
        if end <= self.decided {
            return;
        }
        let buf = &self.carry;
        let mut starts: Vec<(usize, usize)> = Vec::new();
        for finder in finders() {
            let plen = finder.needle().len();
            for at in finder.find_iter(&buf[self.decided..]) {
                let at = self.decided + at;
                if at < end {
                    starts.push((at, plen));
                }
            }
        }
        starts.sort_unstable();
        let mut next_free = self.decided;
        for (at, plen) in starts {
            if at < next_free {
                continue;
            }
            let prev = if at == 0 { self.before } else { Some(buf[at - 1]) };
            let body = at + plen;
            let stop = body + BODY;
            let ok = prev.is_none_or(|b| !word(b))
                && stop <= buf.len()
                && buf[body..stop].iter().all(u8::is_ascii_alphanumeric)
                && buf.get(stop).is_none_or(|b| !word(*b));
            if ok {
                self.found.push(String::from_utf8_lossy(&buf[at..stop]).into_owned());
                next_free = stop;
            }
        }
        self.decided = end.max(next_free.min(buf.len()));
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
