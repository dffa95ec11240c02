//! The text renderer: ordering, grouping by ref and file, framing, masking, counts.

use super::*;

/// A token-shaped string (`hf_` and 34 letters and digits), built here so that no scanner meets
/// one in the source.
fn token() -> String {
    format!("hf_{}", "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3f")
}

fn hub(code: Code, severity: Severity, message: &str, refname: Option<&str>) -> Finding {
    let mut f = Finding::new(code, severity, "hub", message);
    f.file = Some("README.md".into());
    f.refname = refname.map(str::to_owned);
    f
}

fn own(code: Code, severity: Severity, refname: &str) -> Finding {
    let mut f = Finding::new(code, severity, "license", "license \"gpl-3.0\" is not allowed");
    f.file = Some("README.md".into());
    f.refname = Some(refname.into());
    f.policy = Some("acme".into());
    f
}

fn scan(code: Code, severity: Severity, path: &str, limit: Option<u64>) -> Finding {
    let mut f = Finding::new(code, severity, "large-files", format!("{path} is large"));
    f.file = Some(path.into());
    f.refname = Some("refs/heads/main".into());
    f.limit = limit;
    f
}

#[test]
fn no_findings_render_as_nothing_not_even_a_summary() {
    assert_eq!(render(&[], false), "");
    assert_eq!(render(&[], true), "");
    assert_eq!(card_lines(&[]), "");
}

#[test]
fn a_single_ref_hub_block_has_no_header_line_and_ends_with_the_summary() {
    let out = render(
        &[hub(
            Code::HubLicenseInvalid,
            Severity::Error,
            "\"license\" must be one of [...]",
            Some("refs/heads/main"),
        )],
        false,
    );
    assert!(
        out.starts_with("Sorry, your push was rejected during YAML metadata verification:\n"),
        "{out}"
    );
    assert!(out.contains("- Error: \"license\" must be one of [...]\n"), "{out}");
    assert!(
        out.contains(&format!("Please find the documentation at:\n{DOCS_URL}\n")),
        "{out}"
    );
    assert!(out.ends_with("hubgate: 1 error, 0 warnings; push rejected\n"), "{out}");
}

#[test]
fn hub_warnings_alone_say_the_push_was_accepted() {
    let out = render(
        &[hub(
            Code::HubMetadataMissing,
            Severity::Warning,
            "empty or missing yaml metadata in repo card",
            None,
        )],
        false,
    );
    assert!(
        out.starts_with(&format!(
            "{RULE}\nYour push was accepted, but with warnings:\n- Warning: "
        )),
        "{out}"
    );
    assert!(!out.contains("rejected"), "{out}");
    assert!(out.ends_with("hubgate: 0 errors, 1 warning; push accepted\n"), "{out}");
}

#[test]
fn hub_errors_print_before_hub_warnings_whatever_their_order() {
    let out = render(
        &[
            hub(Code::HubLanguageUnknown, Severity::Warning, "warned", None),
            hub(Code::HubTagsInvalid, Severity::Error, "refused", None),
        ],
        false,
    );
    let error = out.find("- Error: refused").expect("error line");
    let warning = out.find("- Warning: warned").expect("warning line");
    assert!(error < warning, "{out}");
}

#[test]
fn findings_are_grouped_by_ref_in_first_seen_order_with_a_header_per_hub_block() {
    let findings = [
        hub(Code::HubTagsInvalid, Severity::Error, "tags on b", Some("refs/heads/b")),
        hub(Code::HubTagsInvalid, Severity::Error, "tags on a", Some("refs/heads/a")),
        hub(
            Code::HubWidgetInvalid,
            Severity::Error,
            "widget on b",
            Some("refs/heads/b"),
        ),
    ];
    let out = render(&findings, false);
    let b = out.find("hubgate: refs/heads/b: README.md\n").expect("header of b");
    let a = out.find("hubgate: refs/heads/a: README.md\n").expect("header of a");
    assert!(b < a, "first seen first: {out}");
    let widget = out.find("widget on b").expect("widget");
    assert!(widget < a, "b's findings stay together in b's block: {out}");
    assert_eq!(out.matches("Sorry, your push was rejected").count(), 2, "{out}");
}

#[test]
fn several_names_the_ref_even_when_only_one_has_findings() {
    let out = render(
        &[hub(Code::HubTagsInvalid, Severity::Error, "x", Some("refs/heads/a"))],
        true,
    );
    assert!(out.starts_with("hubgate: refs/heads/a: README.md\nSorry,"), "{out}");
}

#[test]
fn policy_findings_show_place_excerpt_policy_and_fallback_help() {
    let mut f = own(Code::LicenseNotAllowed, Severity::Error, "refs/heads/main");
    f.line = Some(12);
    f.excerpt = Some("license: gpl-3.0".into());
    let out = render(&[f], false);
    let want = format!(
        "{RULE}\nerror[license-not-allowed]: license \"gpl-3.0\" is not allowed\n  --> refs/heads/main README.md:12\n   |\n12 | license: gpl-3.0\n   |\n  = policy: acme (rule: license)\n  = help: {}\n{RULE}\n",
        Code::LicenseNotAllowed.fix()
    );
    assert!(out.starts_with(&want), "{out}");
}

#[test]
fn a_finding_with_its_own_help_does_not_print_the_generic_fix() {
    let f = own(Code::LicenseMissing, Severity::Warning, "refs/heads/main").with_help("add `license: mit`");
    let out = render(&[f], false);
    assert!(out.contains("  = help: add `license: mit`\n"), "{out}");
    assert!(!out.contains(Code::LicenseMissing.fix()), "{out}");
    assert!(out.contains("warning[license-missing]"), "{out}");
}

#[test]
fn tokens_are_masked_everywhere_in_the_text() {
    let token = token();
    let mut f = own(Code::LicenseNotAllowed, Severity::Error, &format!("refs/heads/{token}"));
    f.message = format!("license {token} is not allowed");
    f.excerpt = Some(format!("license: {token}"));
    f.line = Some(2);
    let mut s = scan(Code::SecretToken, Severity::Error, &format!("keys/{token}.txt"), None);
    s.detail = Some(crate::scan::tokens::mask(&token));
    let out = render(&[f, s], false);
    assert!(!out.contains(&token), "{out}");
    assert!(out.contains(&crate::scan::tokens::mask(&token)), "{out}");
}

#[test]
fn scanner_blocks_come_first_refusals_before_warnings_and_name_the_smallest_limit() {
    let findings = [
        own(Code::LicenseMissing, Severity::Error, "refs/heads/main"),
        scan(
            Code::FileTooLarge,
            Severity::Warning,
            "warned.bin",
            Some(20 * 1024 * 1024),
        ),
        scan(Code::FileTooLarge, Severity::Error, "big.bin", Some(20 * 1024 * 1024)),
        scan(Code::FileTooLarge, Severity::Error, "bigger.bin", Some(5 * 1024 * 1024)),
    ];
    let out = render(&findings, false);
    let rejected = out
        .find("Your push was rejected because it contains files larger than 5 MiB.")
        .expect("refusal");
    let accepted = out
        .find("Your push was accepted, but it contains files larger than 20 MiB.")
        .expect("warning");
    let policy = out.find("error[license-missing]").expect("policy block");
    assert!(rejected < accepted && accepted < policy, "{out}");
    assert!(
        out.contains("  - big.bin (ref: refs/heads/main)\n  - bigger.bin (ref: refs/heads/main)\n"),
        "{out}"
    );
    assert!(out.ends_with("hubgate: 3 errors, 1 warning; push rejected\n"), "{out}");
}

#[test]
fn scanner_blocks_name_administrator_policies_once_and_never_the_baseline() {
    let mut a = scan(Code::BinaryFile, Severity::Error, "a.bin", None);
    a.raised_by = vec!["hub-baseline".into(), "acme".into()];
    let mut b = scan(Code::BinaryFile, Severity::Error, "b.bin", None);
    b.raised_by = vec!["acme".into()];
    let out = render(&[a, b], false);
    assert_eq!(
        out.matches("hubgate: policy \"acme\" (rule: large-files)\n").count(),
        1,
        "{out}"
    );
    assert!(!out.contains("hub-baseline"), "{out}");
}

#[test]
fn crowded_directories_are_listed_under_their_ref() {
    let mut a = scan(Code::DirectoryTooManyEntries, Severity::Error, "/data/", Some(3));
    a.refname = Some("refs/heads/a".into());
    let mut b = scan(Code::DirectoryTooManyEntries, Severity::Error, "/", Some(3));
    b.refname = Some("refs/heads/b".into());
    let mut c = scan(Code::DirectoryTooManyEntries, Severity::Error, "/img/", Some(3));
    c.refname = Some("refs/heads/a".into());
    let out = render(&[a, b, c], false);
    assert!(
        out.contains("Offending reference: refs/heads/a\nOffending directories:\n/data/\n/img/\nOffending reference: refs/heads/b\nOffending directories:\n/\n"),
        "{out}"
    );
    assert!(out.contains("can only contain up to 3 files."), "{out}");
}

#[test]
fn card_lines_give_severity_code_line_and_message() {
    let mut f = hub(Code::HubYamlInvalid, Severity::Error, "Invalid YAML", None);
    f.line = Some(3);
    let w = hub(Code::HubMetadataMissing, Severity::Warning, "empty", None);
    assert_eq!(
        card_lines(&[f, w]),
        "error[hub-yaml-invalid] (line 3): Invalid YAML\nwarning[hub-metadata-missing]: empty\n"
    );
}
