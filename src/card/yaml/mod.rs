//! Reading the YAML block of a card as the Hub does: js-yaml 4, bounded against hostile input.
//!
//! Reading happens in two passes over serde-saphyr's parser. The first is serde-saphyr's own
//! budget check ([`serde_saphyr::budget::check_yaml_budget`]): it streams the events without
//! building anything and stops at the first limit crossed (depth, events, nodes, aliases,
//! anchors, scalar bytes), so an alias bomb or a 100,000-deep nesting costs a bounded scan. The
//! second pass (`compose`) builds the tree with js-yaml's semantics.

mod compose;
mod error;
mod resolve;
mod tabs;
mod tags;
mod value;

pub use error::{Error, ErrorKind, snippet};
pub use value::{Entry, Node, Pos, Value};

use serde_saphyr::budget::{Budget, EnforcingPolicy, check_yaml_budget};

/// The limits a card's YAML block must stay within. Real cards use a small fraction of each:
/// the largest card among the fixtures (a dataset card with `dataset_info`) has depth 6 and a few
/// thousand events.
fn budget() -> Budget {
    let mut b = Budget::default();
    b.max_depth = 64;
    b.max_events = 500_000;
    b.max_nodes = 250_000;
    b.max_aliases = 10_000;
    b.max_anchors = 10_000;
    b.max_total_scalar_bytes = 8 * 1024 * 1024;
    b.max_documents = 2;
    b
}

/// Reads a YAML block the way the Hub's parser does. `Ok(None)` is an empty document.
pub fn read(text: &str) -> Result<Option<Node>, Error> {
    let mut owned: Option<String> = None;
    // Each round may blank the leading tabs of one line the parser refused but js-yaml accepts
    // (inside flow collections and quoted scalars); the budget is checked again on the result.
    for _ in 0..64 {
        let current = owned.as_deref().unwrap_or(text);
        let (result, retry) = match check_yaml_budget(current, budget(), EnforcingPolicy::AllContent) {
            Ok(report) => {
                if let Some(breach) = report.breached {
                    return Err(Error::new(
                        ErrorKind::Budget,
                        format!("the metadata is too large or too deeply nested to check ({breach:?})"),
                        None,
                    ));
                }
                compose::compose_once(current)
            }
            // A syntax error: js-yaml may meet another error first (a duplicate key, a tab), so
            // the composer runs up to the same point; the scan stayed within budget until there.
            Err(e) => {
                let (result, retry) = compose::compose_once(current);
                (
                    Err(result.err().unwrap_or_else(|| Error::from_scan(&e, current))),
                    retry,
                )
            }
        };
        match retry {
            Some(line) => owned = Some(untab_line(current, line)),
            None => return result,
        }
    }
    Err(Error::new(
        ErrorKind::Budget,
        "the metadata has too many tab-indented lines to check",
        None,
    ))
}

/// `text` with the leading tabs of 1-based `line` replaced by spaces (same columns).
fn untab_line(text: &str, line: usize) -> String {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line {
                let lead = l.len() - l.trim_start_matches([' ', '\t']).len();
                format!("{}{}", l[..lead].replace('\t', " "), &l[lead..])
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Normalises numbers to f64 so that `1000` (JavaScript) and `1000.0` compare equal.
    fn norm(v: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value as J;
        match v {
            J::Number(n) => serde_json::Number::from_f64(n.as_f64().unwrap_or(f64::NAN)).map_or(J::Null, J::Number),
            J::Array(a) => J::Array(a.iter().map(norm).collect()),
            J::Object(o) => J::Object(o.iter().map(|(k, v)| (k.clone(), norm(v))).collect()),
            other => other.clone(),
        }
    }

    /// Rare syntax errors where the parser's wording (and here the position) differs from
    /// js-yaml's; both refuse the card. Each entry pins our text.
    const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
        // js-yaml: "end of the stream or a document separator is expected (2:1)".
        (
            "- a\nb: 1\n",
            "while parsing a block collection, did not find expected '-' indicator (2:1)",
        ),
        // js-yaml: "end of the stream or a document separator is expected (1:10)".
        (
            "\tindented: tab\n",
            "tab characters must not be used in indentation (1:1)",
        ),
        // js-yaml: "missed comma between flow collection entries (2:1)".
        ("a: [1, 2\nb: 3\n", "illegal placement of ':' indicator (2:2)"),
    ];

    /// Every case of `tests/fixtures/yaml/cases.json` reads as js-yaml 4.3.2 read it
    /// (`scripts/yaml-reference.js` recorded the reference in `expected.jsonl`).
    #[test]
    fn agrees_with_js_yaml_on_the_reference_cases() {
        let expected = include_str!("../../../tests/fixtures/yaml/expected.jsonl");
        let mut failures = Vec::new();
        for line in expected.lines() {
            let case: serde_json::Value = serde_json::from_str(line).expect("fixture is JSON");
            let input = case["input"].as_str().expect("input");
            let got = read(input);
            if let Some((_, ours)) = KNOWN_DIFFERENCES.iter().find(|(i, _)| *i == input) {
                let headline = got.as_ref().err().map(Error::headline);
                assert_eq!(
                    headline.as_deref(),
                    Some(*ours),
                    "known difference changed for {input:?}"
                );
                continue;
            }
            let ok = match (&got, case.get("error")) {
                (Err(e), Some(want)) => e.headline() == want.as_str().unwrap_or_default(),
                (Ok(doc), None) => {
                    let got = doc.as_ref().map_or(serde_json::Value::Null, Node::to_json);
                    norm(&got) == norm(&case["ok"])
                }
                _ => false,
            };
            if !ok {
                let shown = match &got {
                    Ok(doc) => doc.as_ref().map_or("undefined".into(), |d| d.to_json().to_string()),
                    Err(e) => format!("error: {}", e.headline()),
                };
                failures.push(format!("input {input:?}\n  js-yaml: {case}\n  hubgate: {shown}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} disagreements:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
