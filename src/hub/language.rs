//! `language`: what the Hub refuses, in its words, and what it is only not known to accept
//! (docs/hub-rules.md, "language").
//!
//! The Hub's refusals seen so far are all of one kind: a value that is not two or three lower-case
//! letters and not a special value (`java`, `dutch`, `Chinese`, `en-US`, `zh-HK`, `csb_Latn`,
//! `noinfo`, `protein`). Its messages are Joi's `string.lowercase` and a custom sentence, both
//! copied from the Hub's own "YAML Metadata Error" banners. Its page banners also show that it
//! does not refuse ISO 639-5 family codes (`zlw`, `fiu` on `Helsinki-NLP/opus-mt-zlw-fiu`), so its
//! list is not huggingface.js's 639-1 + 639-3 table. Which two- and three-letter values it does
//! refuse, if any, is not public: such a value outside the ISO tables hubgate carries (639-1,
//! 639-2/B, 639-3 from `isolang`'s lists (`iso639`), 639-5 below) is a warning, never a refusal.

use super::Report;
use crate::card::Node;
use crate::verdict::Code;

/// ISO 639-2/B codes, which differ from the 639-2/T (= 639-3) codes of the same languages.
const ISO_639_2B: &[&str] = &[
    "alb", "arm", "baq", "bur", "chi", "cze", "dut", "fre", "geo", "ger", "gre", "ice", "mac", "mao", "may", "per",
    "rum", "slo", "tib", "wel",
];

/// ISO 639-5 language families and groups (the Library of Congress list, 115 codes); they include
/// the collective codes of ISO 639-2 (`gem`, `roa`, `inc`) that OPUS-MT models use.
const ISO_639_5: &[&str] = &[
    "aav", "afa", "alg", "alv", "apa", "aqa", "aql", "art", "ath", "auf", "aus", "awd", "azc", "bad", "bai", "bat",
    "ber", "bih", "bnt", "btk", "cai", "cau", "cba", "ccn", "ccs", "cdc", "cdd", "cel", "cmc", "cpe", "cpf", "cpp",
    "crp", "csu", "cus", "day", "dmn", "dra", "egx", "esx", "euq", "fiu", "fox", "gem", "gme", "gmq", "gmw", "grk",
    "hmx", "hok", "hyx", "iir", "ijo", "inc", "ine", "ira", "iro", "itc", "jpx", "kar", "kdo", "khi", "kro", "map",
    "mkh", "mno", "mun", "myn", "nah", "nai", "ngf", "nic", "nub", "omq", "omv", "oto", "paa", "phi", "plf", "poz",
    "pqe", "pqw", "pra", "qwe", "roa", "sai", "sal", "sdv", "sem", "sgn", "sio", "sit", "sla", "smi", "son", "sqj",
    "ssa", "syd", "tai", "tbq", "trk", "tup", "tut", "tuw", "urj", "wak", "wen", "xgn", "xnd", "ypk", "zhx", "zle",
    "zls", "zlw", "znd",
];

/// ISO 639-1 codes withdrawn in 1989 that real cards still carry, with their replacements.
const DEPRECATED_639_1: &[(&str, &str)] = &[("in", "id"), ("iw", "he"), ("ji", "yi"), ("jw", "jv"), ("mo", "ro")];

/// Values that are not languages but that the Hub documents as allowed.
const SPECIAL: &[&str] = &["multilingual", "code"];

/// How the Hub treats one `language` value, as far as the evidence goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judgement {
    /// An ISO 639 code or a special value: accepted.
    Known,
    /// Two or three lower-case letters, but in none of the ISO tables hubgate carries: not
    /// known to be refused, so a warning.
    Unknown,
    /// Refused by the Hub: upper-case letters (`lowercase`), and/or not two or three letters
    /// nor a special value (`form`).
    Refused {
        /// Joi's `string.lowercase` fails.
        lowercase: bool,
        /// The Hub's "is not valid" sentence applies.
        form: bool,
    },
}

/// Judges one `language` value.
pub fn judge(code: &str) -> Judgement {
    let lowercase = code.to_lowercase() != code;
    let letters = (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase());
    let form = !(letters || SPECIAL.contains(&code));
    if lowercase || form {
        return Judgement::Refused { lowercase, form };
    }
    let known = SPECIAL.contains(&code)
        || ISO_639_2B.contains(&code)
        || ISO_639_5.contains(&code)
        || super::iso639::is_639_1(code)
        || super::iso639::is_639_3(code);
    if known { Judgement::Known } else { Judgement::Unknown }
}

/// Reports what the Hub says of `value` (the item at `label`, `node`).
pub(super) fn check(r: &mut Report<'_>, label: &str, node: &Node, value: &str) {
    match judge(value) {
        Judgement::Known => {}
        Judgement::Refused { lowercase, form } => {
            if lowercase {
                r.error(Code::HubLanguageInvalid, Some(node), lowercase_message(label));
            }
            if form {
                r.error(Code::HubLanguageInvalid, Some(node), message(label, value));
            }
        }
        Judgement::Unknown => r.warn(Code::HubLanguageUnknown, Some(node), unknown_message(label, value)),
    }
}

/// The Hub's message for a value with upper-case letters (Joi's `string.lowercase`).
pub fn lowercase_message(label: &str) -> String {
    format!("\"{label}\" must only contain lowercase characters")
}

/// The Hub's message for a value that is not a code, word for word from its banners.
pub fn message(label: &str, value: &str) -> String {
    format!(
        "\"{label}\" with value \"{value}\" is not valid. It must be an ISO 639-1, 639-2 or 639-3 code (two/three letters), or a special value like \"code\", \"multilingual\". If you want to use BCP-47 identifiers, you can specify them in language_bcp47."
    )
}

/// hubgate's warning for a two- or three-letter value outside the ISO tables.
pub fn unknown_message(label: &str, value: &str) -> String {
    let hint = match DEPRECATED_639_1.iter().find(|(old, _)| *old == value) {
        Some((_, new)) => format!(" (\"{value}\" is a withdrawn ISO 639-1 code: the current one is \"{new}\")"),
        None => String::new(),
    };
    format!(
        "\"{label}\" with value \"{value}\" is not an ISO 639-1, 639-2, 639-3 or 639-5 code{hint}; the Hub is not known to refuse it, but its language filters will not list it"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_codes_families_and_specials_are_known() {
        for ok in [
            "en",
            "no",
            "zh",
            "fra",
            "fre",
            "yue",
            "multilingual",
            "code",
            "gem",
            "roa",
            "inc",
            "zle",
            "zlw",
            "fiu",
        ] {
            assert_eq!(judge(ok), Judgement::Known, "{ok}");
        }
    }

    #[test]
    fn other_two_and_three_letter_values_are_only_unknown() {
        // Withdrawn codes and codes outside every table: the Hub is not known to refuse them.
        for unknown in ["iw", "jw", "xx", "qqq"] {
            assert_eq!(judge(unknown), Judgement::Unknown, "{unknown}");
        }
        assert!(unknown_message("language[0]", "iw").contains("the current one is \"he\""));
    }

    #[test]
    fn the_hubs_refusals() {
        let refused = |lowercase, form| Judgement::Refused { lowercase, form };
        assert_eq!(judge("en-US"), refused(true, true));
        assert_eq!(judge("English"), refused(true, true));
        assert_eq!(judge("EN"), refused(true, true));
        assert_eq!(judge("csb_Latn"), refused(true, true));
        for bad in ["noinfo", "protein", "dutch", "zh-hk", "", "e"] {
            assert_eq!(judge(bad), refused(false, true), "{bad}");
        }
    }
}
