//! `language`: ISO 639-1, 639-2 or 639-3 codes, or the Hub's special values (HUB-SPEC 3.1).
//!
//! The Hub tightened this rule in 2026-02 (huggingface_hub#3862: `dna`, `protein` refused) and
//! refuses regional forms such as `en-US` (datasets#5137). ISO 639-1 and 639-3 come from the
//! `isolang` tables; 639-2 adds only its twenty bibliographic codes to those. The Hub's exact
//! wording for this error is not recorded; ours follows Joi's grammar.

/// ISO 639-2/B codes, which differ from the 639-2/T (= 639-3) codes of the same languages.
const ISO_639_2B: &[&str] = &[
    "alb", "arm", "baq", "bur", "chi", "cze", "dut", "fre", "geo", "ger", "gre", "ice", "mac", "mao", "may", "per",
    "rum", "slo", "tib", "wel",
];

/// Values that are not languages but that the Hub documents as allowed.
const SPECIAL: &[&str] = &["multilingual", "code"];

/// Whether a `language` value is accepted.
pub fn is_valid(code: &str) -> bool {
    SPECIAL.contains(&code)
        || ISO_639_2B.contains(&code)
        || (code.len() == 2 && isolang::Language::from_639_1(code).is_some())
        || (code.len() == 3 && isolang::Language::from_639_3(code).is_some())
}

/// The message for an invalid code.
pub fn message(label: &str, value: &str) -> String {
    format!(
        "\"{label}\" with value \"{value}\" is not a valid language code: use ISO 639-1, 639-2 or 639-3 codes, or one of [multilingual, code]"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_codes_and_specials() {
        for ok in ["en", "no", "zh", "fra", "fre", "yue", "multilingual", "code"] {
            assert!(is_valid(ok), "{ok}");
        }
        // Known difference: `dna` is an ISO 639-3 code (Upper Grand Valley Dani), so it passes
        // here, while the Hub refused it in 2026-02 (its list is narrower and not public).
        assert!(is_valid("dna"));
        for bad in ["en-US", "EN", "protein", "english", ""] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
