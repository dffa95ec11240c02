//! The licence identifiers the Hub accepts, pinned to a dated copy of the Hub's list.
//!
//! The list lives in `data/hub-licenses.txt` (copied from hub-docs, with its date:
//! docs/sources.md#licence-list) and is compiled in, so the binary carries exactly one version and
//! an update is one reviewed diff.

/// The list file, comments included.
const LIST: &str = include_str!("../../data/hub-licenses.txt");

/// The identifiers, in the Hub's order (the order its error message lists them in).
pub fn ids() -> impl Iterator<Item = &'static str> {
    LIST.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether `id` is accepted (exact, case-sensitive: `MIT` is refused).
pub fn is_known(id: &str) -> bool {
    ids().any(|known| known == id)
}

/// The Hub's message for a bad `license`: every id in order, then `array`
/// (docs/sources.md#joi-messages).
pub fn message(label: &str) -> String {
    let mut ids: Vec<&str> = ids().collect();
    ids.push("array");
    format!("\"{label}\" must be one of {}", super::joi_list(&ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_list_has_83_ids_in_the_hubs_order() {
        let ids: Vec<&str> = ids().collect();
        assert_eq!(ids.len(), 83);
        assert_eq!(ids[0], "apache-2.0");
        assert_eq!(ids[82], "other");
        assert!(is_known("llama3.1") && !is_known("MIT") && !is_known("gpl-2.0-or-later"));
    }

    #[test]
    fn message_ends_with_array() {
        let m = message("license");
        assert!(m.starts_with("\"license\" must be one of [apache-2.0, mit, openrail, "));
        assert!(m.ends_with(", gemma, unknown, other, array]"));
    }
}
