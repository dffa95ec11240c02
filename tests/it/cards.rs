//! The real cards of tests/fixtures/cards read as the Hub reads them.

use crate::util::hubgate;

/// Every real card read by `hubgate card` agrees with the Hub's reference reading
/// (`expected_hub.jsonl`, produced by the Hub's reference reading: docs/reference-reading.md).
#[test]
fn hubgate_card_agrees_with_the_reference_on_every_fixture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cards");
    let expected = std::fs::read_to_string(dir.join("expected_hub.jsonl")).expect("fixture");
    let mut checked = 0;
    for line in expected.lines() {
        let want: serde_json::Value = serde_json::from_str(line).expect("json");
        let file = want["file"].as_str().expect("file");
        let o = hubgate(&dir, &["card", "--format", "json", file]);
        let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(got["front_matter"], want["fm_found"], "{file}: front matter");
        assert_eq!(got["metadata"], want["metadata"], "{file}: metadata");
        let parse_errors: Vec<&str> = got["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter(|e| matches!(e["code"].as_str(), Some("hub-yaml-invalid" | "hub-metadata-invalid")))
            .filter_map(|e| e["message"].as_str())
            .collect();
        match want["error"].as_str() {
            Some(msg) => assert_eq!(parse_errors, [msg], "{file}"),
            None => assert!(parse_errors.is_empty(), "{file}: {parse_errors:?}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 35);
}
