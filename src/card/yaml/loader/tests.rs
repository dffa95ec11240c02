//! Where js-yaml refuses tabs in indentation, and where it does not.

use super::super::{ErrorKind, read};

fn tab_error(text: &str) -> Option<String> {
    read(text)
        .err()
        .filter(|e| e.kind == ErrorKind::Syntax && e.reason == "tab characters must not be used in indentation")
        .map(|e| e.headline())
}

#[test]
fn tabs_in_indentation_are_refused_where_js_yaml_refuses_them() {
    let refused = "tab characters must not be used in indentation";
    assert_eq!(tab_error("a: 1\n\tb: 2\n"), Some(format!("{refused} (2:1)")));
    assert_eq!(tab_error("a:\n  b: 1\n  \tc: 2\n"), Some(format!("{refused} (3:3)")));
    // Blank and comment lines, flow collections, and a tab after a key's colon are fine.
    assert!(read("a: b\n\t# note\n\t\n").is_ok());
    assert!(read("a: [\n\tb]\n").is_ok());
    assert!(read("a:\tb\n").is_ok());
}

#[test]
fn structural_errors_are_worded_as_js_yaml_words_them() {
    let headline = |t: &str| read(t).err().map(|e| e.headline());
    assert_eq!(
        headline("- a\nb: 1\n").as_deref(),
        Some("end of the stream or a document separator is expected (2:1)")
    );
    assert_eq!(
        headline("\tindented: tab\n").as_deref(),
        Some("end of the stream or a document separator is expected (1:10)")
    );
    assert_eq!(
        headline("a: [1, 2\nb: 3\n").as_deref(),
        Some("missed comma between flow collection entries (2:1)")
    );
}

#[test]
fn columns_count_utf16_code_units_as_javascript_does() {
    // The second emoji ends at code unit 9; with characters it would be column 8.
    let e = read("a: \u{1F600}\u{1F600} b: c\n").err().map(|e| e.headline());
    assert_eq!(e.as_deref(), Some("bad indentation of a mapping entry (1:10)"));
}
