//! Policy loading: never panics; problems carry positions inside the file.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut policies = Vec::new();
    let mut problems = Vec::new();
    hubgate::policy::load::parse(std::path::Path::new("fuzz.toml"), &text, &mut policies, &mut problems);
    for p in &problems {
        if let Some(line) = p.line {
            assert!(line >= 1 && line <= text.lines().count() + 1);
        }
    }
    for p in &policies {
        let _ = p.matches("acme/model");
    }
});
