//! Front-matter extraction: never panics, and a found block lies inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(fm) = hubgate::card::front_matter::find(&text) {
        assert!(fm.yaml.start <= fm.yaml.end && fm.yaml.end <= fm.body_start && fm.body_start <= text.len());
        assert!(text.is_char_boundary(fm.yaml.start) && text.is_char_boundary(fm.body_start));
    }
});
