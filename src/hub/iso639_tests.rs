//! The lists agree with `isolang` on every two- and three-letter lowercase code, and this
//! module's data is regenerated from it with `HUBGATE_BLESS=1 cargo test`.

use super::*;

/// Every lowercase code of `width` letters, in order.
fn all(width: usize) -> Vec<String> {
    let mut codes = vec![String::new()];
    for _ in 0..width {
        codes = codes
            .iter()
            .flat_map(|c| (b'a'..=b'z').map(move |l| format!("{c}{}", l as char)))
            .collect();
    }
    codes
}

/// The data part of `iso639.rs` as `isolang` gives it.
fn generated() -> String {
    let one: String = all(2)
        .into_iter()
        .filter(|c| isolang::Language::from_639_1(c).is_some())
        .collect();
    let three: String = all(3)
        .into_iter()
        .filter(|c| isolang::Language::from_639_3(c).is_some())
        .collect();
    let constant = |name: &str, doc: &str, text: &str, width: usize| {
        let per_line = 24 * width;
        let pieces: Vec<String> = text
            .as_bytes()
            .chunks(per_line)
            .map(|chunk| format!("    \"{}\",\n", String::from_utf8_lossy(chunk)))
            .collect();
        format!("\n/// {doc}\nconst {name}: &str = concat!(\n{});\n", pieces.concat())
    };
    constant("ISO_639_1", "ISO 639-1 codes, two letters each, sorted.", &one, 2)
        + &constant("ISO_639_3", "ISO 639-3 codes, three letters each, sorted.", &three, 3)
}

#[test]
#[expect(
    clippy::disallowed_methods,
    reason = "a test's own switch, not the hook's environment"
)]
fn the_lists_are_generated_from_isolang() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/hub/iso639.rs");
    let have = std::fs::read_to_string(path).expect("the source is there");
    let marker = "// Generated from `isolang` by `iso639_tests.rs`; do not edit by hand.\n";
    let head = &have[..have.find(marker).expect("marker") + marker.len()];
    let want = format!("{head}{}", generated());
    if std::env::var_os("HUBGATE_BLESS").is_some() {
        std::fs::write(path, &want).expect("src/ is writable in a checkout");
    }
    assert!(
        have == want,
        "src/hub/iso639.rs is stale: run HUBGATE_BLESS=1 cargo test"
    );
}

#[test]
fn every_two_and_three_letter_code_is_judged_as_isolang_judges_it() {
    let mut known = 0;
    for code in all(2) {
        assert_eq!(
            is_639_1(&code),
            isolang::Language::from_639_1(&code).is_some(),
            "{code}"
        );
        known += usize::from(is_639_1(&code));
    }
    for code in all(3) {
        assert_eq!(
            is_639_3(&code),
            isolang::Language::from_639_3(&code).is_some(),
            "{code}"
        );
        known += usize::from(is_639_3(&code));
    }
    assert!(known > 7_000, "only {known} codes");
    for odd in ["", "e", "EN", "En", "eng ", "engl", "aaaa", "aaab", "\u{e9}n", "a"] {
        assert_eq!(is_639_1(odd), isolang::Language::from_639_1(odd).is_some(), "{odd:?}");
        assert_eq!(is_639_3(odd), isolang::Language::from_639_3(odd).is_some(), "{odd:?}");
    }
}
