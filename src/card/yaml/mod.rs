//! Reading the YAML block of a card as the Hub does: js-yaml 4.3.2, bounded against hostile input.
//!
//! The reader is a port of js-yaml's own loader (`loader`) and of the types of its default
//! schema (`types`), working on JavaScript's values (`js`) and turned into the tree the rest of
//! hubgate reads (`tree`). It accepts what js-yaml accepts, reads the same values, and
//! refuses the rest with js-yaml's message at js-yaml's position. Cards in the plain shape most
//! cards have are read by a direct reader (`fast`) that answers exactly as the port answers or
//! leaves the card to it.
//!
//! Bounds: js-yaml's own (nesting past 100 levels, more than 10,000 merged keys) are refused in
//! js-yaml's words; on top of them, a document of more than 250,000 nodes, keys adding up to
//! more than 32 Mi code units, or a tree that expands through aliases past 1,000,000 nodes,
//! 20 Mi code units or 200 levels is refused as too complex ([`ErrorKind::Budget`]). The
//! loader is linear in its input and the hooks never read a card over 10 MiB, so time is bounded by
//! the size bound; these bound memory. (The former reader ran
//! serde-saphyr's budget pass first; that pass refused nesting past 64 levels, which js-yaml
//! reads, and is gone.)

mod error;
mod fast;
mod js;
mod json;
mod loader;
mod tree;
mod types;
mod value;

pub use error::{Error, ErrorKind};
pub use json::to_json_text;
pub use value::{Entry, JsString, Node, Pos, Value};

/// Reads a YAML block the way the Hub's parser does. `Ok(None)` is an empty stream (js-yaml's
/// `undefined`).
pub fn read(text: &str) -> Result<Option<Node>, Error> {
    match fast::read(text) {
        Some(node) => Ok(Some(node)),
        None => port(text),
    }
}

/// The port of js-yaml's loader alone: every card the direct reader (`fast`) leaves, and what
/// its tests compare it with.
fn port(text: &str) -> Result<Option<Node>, Error> {
    let fail = |f: loader::Fail| match f.mark {
        Some(m) => Error::at_mark(f.kind, f.reason, m.line, m.column, f.snippet),
        None => Error::new(f.kind, f.reason, None),
    };
    loader::load(text, |document| match document {
        None => Ok(None),
        Some((value, pos)) => tree::build(value, pos).map(Some),
    })
    .map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What hubgate reads, in the reference file's terms.
    fn outcome(input: &str) -> (Option<String>, Option<String>) {
        match read(input) {
            Ok(None) => (None, None),
            Ok(Some(node)) => (Some(to_json_text(&node)), None),
            Err(e) => (None, Some(e.headline())),
        }
    }

    /// Compares with js-yaml's answers in a file of the `expected.jsonl` format named by
    /// `HUBGATE_YAML_REFERENCE` (for larger generated sets; `scripts/yaml-reference.js` makes them
    /// from any `cases.json`-shaped file).
    #[test]
    #[ignore = "on demand: a generated reference file named by HUBGATE_YAML_REFERENCE (scripts/yaml-reference.js makes one); the checked-in cases run in agrees_with_js_yaml_on_the_reference_cases"]
    #[expect(
        clippy::disallowed_methods,
        reason = "a test's own switch, not the hook's environment"
    )]
    fn agrees_with_js_yaml_on_the_cases_of_a_file() {
        let path = std::env::var("HUBGATE_YAML_REFERENCE").expect("HUBGATE_YAML_REFERENCE");
        let expected = std::fs::read_to_string(path).expect("readable");
        let failures = compare(&expected);
        assert!(
            failures.is_empty(),
            "{} disagree:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    fn compare(expected: &str) -> Vec<String> {
        let mut failures = Vec::new();
        for line in expected.lines() {
            let case: serde_json::Value = serde_json::from_str(line).expect("fixture is JSON");
            let input = case["input"].as_str().expect("input");
            let want = (
                case.get("json").and_then(|j| j.as_str()).map(str::to_owned),
                case.get("error").and_then(|e| e.as_str()).map(str::to_owned),
            );
            let got = outcome(input);
            if got != want {
                failures.push(format!("input {input:?}\n  js-yaml: {want:?}\n  hubgate: {got:?}"));
            }
            if let Some(snippet) = case.get("snippet").and_then(|s| s.as_str()) {
                let ours = read(input).err().and_then(|e| e.snippet().map(str::to_owned));
                if ours.as_deref() != Some(&*format!("{snippet}\n")) {
                    failures.push(format!(
                        "snippet of {input:?}\n  js-yaml: {snippet:?}\n  hubgate: {ours:?}"
                    ));
                }
            }
        }
        failures
    }

    /// Every case of `tests/fixtures/yaml/cases.json` reads exactly as js-yaml 4.3.2 read it
    /// (`scripts/yaml-reference.js` recorded the reference in `expected.jsonl`): the same
    /// acceptance, the same JSON text of the value, the same message at the same position.
    #[test]
    fn agrees_with_js_yaml_on_the_reference_cases() {
        let expected = include_str!("../../../tests/fixtures/yaml/expected.jsonl");
        let count = expected.lines().count();
        let failures = compare(expected);
        // Every case of the input file has its answer: a case deleted from either file, or
        // one added without regenerating the answers, fails here.
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../../tests/fixtures/yaml/cases.json")).expect("cases.json");
        assert_eq!(
            count,
            cases.len(),
            "expected.jsonl answers {count} of {} cases",
            cases.len()
        );
        for (line, case) in expected.lines().zip(&cases) {
            let answer: serde_json::Value = serde_json::from_str(line).expect("a line of expected.jsonl");
            assert_eq!(
                answer.get("input"),
                Some(case),
                "expected.jsonl is not in the order of cases.json"
            );
        }
        assert!(count >= 454, "only {count} cases");
        assert!(
            failures.is_empty(),
            "{} of {count} disagree:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
