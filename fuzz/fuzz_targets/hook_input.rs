//! The hooks' stdin parser: never panics; every accepted line is a full ref with an id.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(updates) = hubgate::hook::input::parse(data) {
        for u in updates {
            assert!(u.refname.starts_with("refs/"));
            assert!(u.old.is_some() || u.new.is_some());
        }
    }
});
