//! The direct reader answers as the port answers, or not at all.
//!
//! Inputs: the YAML block of every fixture card, every YAML case of the reference fixtures, and
//! seeded variants of the cards (lines deleted, duplicated, swapped, joined, re-indented; YAML's
//! significant characters inserted and deleted), the same kinds of change the mutation
//! differential of CI makes. Wherever the direct reader answers, the port must give the same
//! tree, positions included.

use super::super::{Node, port};
use super::read;

/// The YAML blocks of the fixture cards.
fn cards() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cards");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("fixture cards")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    names
        .iter()
        .filter_map(|p| {
            let text = String::from_utf8_lossy(&std::fs::read(p).expect("card")).into_owned();
            crate::card::front_matter::find(&text).map(|fm| text[fm.yaml].to_owned())
        })
        .collect()
}

/// A small deterministic generator (xorshift), so that a failure repeats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One seeded change of `text`.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let i = rng.below(lines.len());
    let j = rng.below(lines.len());
    const SIGNIFICANT: [&str; 22] = [
        ":", ": ", " #", "#", "-", "- ", " ", "  ", "\"", "'", "[", "]", "{", "}", ",", "&a", "*a", "!", "|", ">", "?",
        "~",
    ];
    match rng.below(9) {
        0 => {
            lines.remove(i);
        }
        1 => {
            let line = lines[i].clone();
            lines.insert(j, line);
        }
        2 => lines.swap(i, j),
        3 => lines[i].insert_str(0, ["  ", " ", "    "][rng.below(3)]),
        4 => {
            let n = lines[i].len() - lines[i].trim_start().len();
            let cut = n.min(1 + rng.below(2));
            lines[i].drain(..cut);
        }
        5 if i + 1 < lines.len() => {
            let next = lines.remove(i + 1);
            lines[i].push_str(&next);
        }
        6 => {
            let line = &mut lines[i];
            let at = char_boundary(line, rng.below(line.len() + 1));
            line.insert_str(at, SIGNIFICANT[rng.below(SIGNIFICANT.len())]);
        }
        7 => {
            let line = &mut lines[i];
            if !line.is_empty() {
                let at = char_boundary(line, rng.below(line.len()));
                let end = char_boundary(line, at + 1 + rng.below(3)).max(at);
                line.drain(at..end);
            }
        }
        _ => {
            let line = &mut lines[i];
            if let Some(space) = line.get(1..).and_then(|l| l.find(' ')) {
                let at = space + 1;
                let (head, tail) = line.split_at(at);
                let indent = " ".repeat(rng.below(5));
                *line = format!("{head}\n{indent}{}", tail.trim_start());
            }
        }
    }
    lines.join("\n")
}

fn char_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Checks `text`; says whether the direct reader answered.
fn agrees(text: &str) -> bool {
    let Some(node) = read(text) else { return false };
    let ported: Option<Node> =
        port(text).unwrap_or_else(|e| panic!("port refused what the direct reader read: {e:?}\n{text}"));
    assert_eq!(
        ported.as_ref(),
        Some(&node),
        "the direct reader and the port differ on\n{text}"
    );
    true
}

#[test]
fn answers_as_the_port_on_every_fixture_card_and_yaml_case() {
    let cards = cards();
    assert!(cards.len() >= 30, "only {} fixture cards", cards.len());
    let answered = cards.iter().filter(|c| agrees(c)).count();
    // Most real cards are in the plain shape: the direct reader must take them.
    assert!(
        answered * 2 >= cards.len(),
        "only {answered} of {} cards read directly",
        cards.len()
    );
    let cases: Vec<String> =
        serde_json::from_str(include_str!("../../../tests/fixtures/yaml/cases.json")).expect("cases are JSON");
    for case in &cases {
        agrees(case);
    }
}

/// Seeded variants of every fixture card; `rounds` changes are stacked on each variant.
fn variants(count: usize, seed: u64) -> (usize, usize) {
    let cards = cards();
    let mut rng = Rng(seed);
    let mut answered = 0;
    for n in 0..count {
        let mut text = cards[n % cards.len()].clone();
        for _ in 0..1 + rng.below(3) {
            text = mutate(&text, &mut rng);
        }
        answered += usize::from(agrees(&text));
    }
    (answered, count)
}

#[test]
fn answers_as_the_port_on_seeded_variants_of_the_cards() {
    let (answered, count) = variants(6_000, 0x9e37_79b9_7f4a_7c15);
    // The variants that stay in the plain shape are the ones that test the direct reader (about
    // one in five: most changes make YAML the direct reader leaves, or js-yaml refuses).
    assert!(
        answered * 10 >= count,
        "only {answered} of {count} variants read directly"
    );
}

/// 200,000 variants with another seed: 20 s in a debug build here, run by every `cargo test`
/// (it was on demand) so that CI compares the direct reader with the port on a set this large.
#[test]
fn answers_as_the_port_on_many_seeded_variants() {
    let (answered, count) = variants(200_000, 0x2545_f491_4f6c_dd1d);
    assert!(
        answered * 10 >= count,
        "only {answered} of {count} variants read directly"
    );
}

#[test]
fn leaves_what_is_outside_the_plain_shape_to_the_port() {
    for text in [
        "a: 1\na: 2\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: |\n  x\n",
        "a: \"x\\ny\"\n",
        "a: x\n  y\n",
        "a:\tb\n",
        "a: 1\r\nb: 2\r\n",
        "- a\n- b\n",
        "1: a\n",
        "true: a\n",
        "a: [b, [c]]\n",
        "a: {b: 1}\n",
        "'a': 1\n",
        "a: b: c\n",
        "---\na: 1\n",
        "\u{feff}a: 1\n",
        "a:\n    b: 1\n  c: 2\n",
        "a: 1\n  # deeper comment\n",
        "a: [b, c,]\n",
    ] {
        assert_eq!(read(text), None, "{text:?}");
    }
}

#[test]
fn leaves_a_document_past_its_node_bound_to_the_port_which_refuses_it_as_too_complex() {
    // 50,000 entries of a list, 7 nodes each: the port refuses past 250,000 nodes; the direct
    // reader must not accept what the port refuses (it did, found by attacking it).
    let big: String = (0..50_000)
        .map(|i| format!("  - a{i}: [x, y, z]\n    b: q\n"))
        .collect();
    let text = format!("m:\n{big}");
    assert_eq!(read(&text), None);
    assert_eq!(port(&text).err().map(|e| e.kind), Some(super::super::ErrorKind::Budget));
    // A block past 1 MiB goes to the port whatever its shape (a 30 MiB value would pass the
    // port's 20 Mi-character bound on strings otherwise).
    assert_eq!(read(&format!("a: {}\n", "y".repeat(1024 * 1024))), None);
    // Within the bounds, both answer alike.
    let small: String = (0..1_000).map(|i| format!("  - a{i}: [x, y, z]\n    b: q\n")).collect();
    assert!(agrees(&format!("m:\n{small}")));
}

#[test]
fn reads_the_plain_shape_with_the_ports_positions() {
    let text = "# c\n\nlicense: mit\ntags:\n- a\n-   b # note\nm:\n  k: \"v\"\n  l: []\nseq:\n  - q: 1\n    r: 'x y'\nempty:\nlast: [en, 1.5]\n";
    assert!(agrees(text));
    let node = read(text).expect("plain");
    assert_eq!(node.pos.line, 3);
    let tags = node.get("tags").and_then(Node::as_seq).expect("tags");
    assert_eq!((tags[1].pos.line, tags[1].pos.col), (6, 5));
}
