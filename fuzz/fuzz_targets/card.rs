//! Card reading (front matter + js-yaml 4 reading) and the Hub's verification for every repo
//! type: never panics; a card whose metadata parsed can be rendered as JSON.
#![no_main]
use hubgate::hub::{RepoType, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The YAML block alone as well as a whole card, so the fuzzer need not find the fences.
    let mut framed = b"---\n".to_vec();
    framed.extend_from_slice(data);
    framed.extend_from_slice(b"\n---\n");
    for bytes in [data, &framed[..]] {
        let card = hubgate::card::Card::read(bytes);
        if let hubgate::card::Metadata::Parsed(Some(node)) = &card.metadata {
            let _ = node.to_json().to_string();
        }
        for t in [RepoType::Model, RepoType::Dataset, RepoType::Space] {
            let _ = verify(&card, t);
        }
    }
});
