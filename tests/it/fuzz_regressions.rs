//! Every input kept under tests/fixtures/fuzz/<target>/ (fuzzer finds and hand-made edge cases)
//! goes through the same code as its fuzz target and must not panic.

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no inputs for {target}");
    out
}

#[test]
fn front_matter_inputs() {
    for (name, data) in inputs("front_matter") {
        let text = String::from_utf8_lossy(&data);
        if let Some(fm) = hubgate::card::front_matter::find(&text) {
            assert!(fm.yaml.end <= fm.body_start && fm.body_start <= text.len(), "{name}");
        }
    }
}

#[test]
fn card_inputs() {
    for (_, data) in inputs("card") {
        let card = hubgate::card::Card::read(&data);
        for t in [
            hubgate::hub::RepoType::Model,
            hubgate::hub::RepoType::Dataset,
            hubgate::hub::RepoType::Space,
        ] {
            let _ = hubgate::hub::verify(&card, t);
        }
    }
}

#[test]
fn policy_inputs() {
    for (name, data) in inputs("policy") {
        let (mut policies, mut problems) = (Vec::new(), Vec::new());
        hubgate::policy::load::parse(
            Path::new(&name),
            &String::from_utf8_lossy(&data),
            &mut policies,
            &mut problems,
        );
        assert!(!problems.is_empty(), "{name} is broken on purpose and must be reported");
    }
}

#[test]
fn hook_input_inputs() {
    for (name, data) in inputs("hook_input") {
        if let Ok(updates) = hubgate::push::input::parse(&data) {
            assert!(updates.iter().all(|u| u.old.is_some() || u.new.is_some()), "{name}");
        }
    }
}
