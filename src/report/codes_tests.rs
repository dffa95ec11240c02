//! What a pusher sees, one snapshot per diagnostic code (`src/report/snapshots/`).
//!
//! Each case is the smallest input that makes the real rule raise the code (the Hub's checks,
//! the policy rules, overrides, the directory scanner), rendered by [`super::text::render`] as it
//! reaches `remote:` lines. Codes whose input needs a repository (the tree, ref and file scanners
//! and the card's reading in the gate) are built here as the gate builds them. The three codes
//! about the administrator's own files are no findings: their snapshot is the text the loader's
//! error prints. [`input`] matches every code without a wildcard and
//! [`every_code_has_a_snapshot_test`] checks the test list and the snapshot files, so a new
//! code cannot land without its snapshot. Review changes with `cargo insta review`: a snapshot
//! must read well from the `remote:` lines alone.

use std::path::Path;

use crate::card::Card;
use crate::hub::RepoType;
use crate::policy::{Applied, Name, Policy, Subject};
use crate::verdict::{Code, Finding, Severity};

/// The ref every case pushes to.
const REF: &str = "refs/heads/main";

/// A card with `yaml` as its front matter and a short body.
fn card(yaml: &str) -> Card {
    Card::read(format!("---\n{yaml}\n---\n# Model\n\nA model.\n").as_bytes())
}

/// The policies of one file (`acme.toml`): `tables` under a `[[policy]]` for `acme/*`.
fn policies(tables: &str) -> Vec<Policy> {
    let text = format!("[[policy]]\nname = \"acme\"\nrepos = [\"acme/*\"]\n{tables}");
    let (mut policies, mut problems) = (Vec::new(), Vec::new());
    crate::policy::load::parse(Path::new("acme.toml"), &text, &mut policies, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    policies
}

/// The policies in force for `acme/model` (none given: the embedded Hub baseline).
fn applied(policies: &[Policy], repo_type: Option<RepoType>) -> Applied {
    crate::policy::select(policies, &Name::exact("acme/model"), repo_type).expect("one repo type")
}

/// Evaluates a card (and the card before the push) as the gate does.
fn evaluate(applied: &Applied, card: Option<&Card>, old_card: Option<&Card>) -> Vec<Finding> {
    let old_tags: Option<Vec<String>> = old_card.map(|c| c.tags().into_iter().map(str::to_owned).collect());
    let subject = Subject {
        refname: Some(REF),
        file: "README.md",
        card,
        old_tags: old_tags.as_deref(),
    };
    crate::policy::evaluate(applied, &subject)
}

/// A card under the Hub baseline for a repository of `repo_type`.
fn hub(yaml: &str, repo_type: RepoType) -> Vec<Finding> {
    evaluate(&applied(&[], Some(repo_type)), Some(&card(yaml)), None)
}

/// A card under the policy `tables`.
fn policy(tables: &str, yaml: &str) -> Vec<Finding> {
    evaluate(&applied(&policies(tables), None), Some(&card(yaml)), None)
}

/// A finding of the file scanners, as `scan::finding` makes it for policy `acme`.
fn scanned(code: Code, rule: &'static str, path: &str, message: String) -> Finding {
    let mut f = Finding::new(code, Severity::Error, rule, message);
    f.file = Some(path.into());
    f.refname = Some(REF.into());
    f.policy = Some("acme".into());
    f.raised_by = vec!["acme".into()];
    f
}

/// A finding of the gate's reading of README.md (`hook::gate`), at the baseline's level.
fn reading(code: Code, message: &str) -> Finding {
    let mut f = Finding::new(code, Severity::Error, "card", message);
    f.file = Some("README.md".into());
    f.refname = Some(REF.into());
    f.with_help(code.fix())
}

/// What a case shows: findings for the renderer, or the text of a loader's error.
enum Shown {
    Findings(Vec<Finding>),
    Text(String),
}

/// The input that raises `code`, described for the snapshot's header, and what it gives.
fn input(code: Code) -> (&'static str, Shown) {
    use Code::*;
    use RepoType::{Dataset, Model, Space};
    let found = |describe, findings| (describe, Shown::Findings(findings));
    match code {
        HubMetadataMissing => found(
            "a card without front matter",
            evaluate(&applied(&[], None), Some(&Card::read(b"# Model\n")), None),
        ),
        HubYamlInvalid => found("a duplicated key", hub("license: mit\nlicense: apache-2.0", Model)),
        HubYamlTooComplex => {
            let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
            for i in 1..8 {
                let p = i - 1;
                yaml.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{p}"); 10].join(", ")));
            }
            found("aliases expanding to 10^8 nodes", hub(yaml.trim_end(), Model))
        }
        HubMetadataInvalid => found("a list instead of a mapping", hub("- license\n- mit", Model)),
        HubLicenseInvalid => found("an unknown licence", hub("license: mit-ish", Model)),
        HubTagsInvalid => found("tags as a mapping", hub("tags:\n  a: b", Model)),
        HubDatasetsInvalid => found("a null dataset id", hub("datasets: [squad, null]", Model)),
        HubWidgetInvalid => found("widget as a string", hub("widget: hello", Model)),
        HubModelIndexInvalid => found("model-index as a number", hub("model-index: 3", Model)),
        HubBaseModelInvalid => found("a local path", hub("base_model: ./my model", Model)),
        HubLanguageInvalid => found("a language name", hub("language: English", Model)),
        HubLanguageUnknown => found("a withdrawn code", hub("language: iw", Model)),
        HubDatasetLegacyKey => found("a dataset's plural key", hub("licenses: [mit]", Dataset)),
        HubDatasetTaskInvalid => found("a string", hub("task_categories: text-classification", Dataset)),
        HubSpaceColorInvalid => found("a hex colour", hub("colorFrom: \"#ffffff\"", Space)),
        HubSpaceDescriptionTooLong => found(
            "61 characters",
            hub(&format!("short_description: {}", "x".repeat(61)), Space),
        ),
        HubGatedFieldsInvalid => found("a list", hub("extra_gated_fields: [name]", Model)),
        HubSpaceConfigInvalid => found("a port as text", hub("sdk: gradio\napp_port: eighty", Space)),
        HubDatasetConfigsInvalid => found(
            "a config without config_name",
            hub("configs:\n- data_files: train.csv", Dataset),
        ),
        CardNotAFile => found(
            "README.md committed as a symbolic link",
            vec![reading(code, "README.md is a symbolic link, not a regular file")],
        ),
        CardTooLarge => found(
            "a card of 11 MiB",
            vec![reading(code, "README.md is 11534336 bytes; hubgate reads cards up to 10 MiB")],
        ),
        CardNotUtf8 => found(
            "a Latin-1 byte in the body",
            evaluate(&applied(&[], None), Some(&Card::read(b"---\nlicense: mit\n---\ncaf\xe9\n")), None),
        ),
        LicenseMissing => found(
            "required licence, none declared",
            policy("[policy.license]\nrequired = true\n", "tags: [nlp]"),
        ),
        LicenseNotAllowed => found(
            "allow list without mit",
            policy("[policy.license]\nallow = [\"apache-2.0\"]\n", "license: mit"),
        ),
        LicenseDenied => found("deny list with mit", policy("[policy.license]\ndeny = [\"mit\"]\n", "license: mit")),
        LicenseOtherIncomplete => found("license: other alone", policy("[policy.license]\n", "license: other")),
        GatingRequired => found("gating always required", policy("[policy.gating]\nalways = true\n", "license: mit")),
        GatingForbidden => found("gating never allowed", policy("[policy.gating]\nnever = true\n", "gated: manual")),
        GatingKeyMissing => found(
            "a gated card without its prompt",
            policy("[policy.gating]\nrequired-keys = [\"extra_gated_prompt\"]\n", "gated: manual"),
        ),
        GatingFieldInvalid => found(
            "a field of unknown type",
            policy(
                "[policy.gating]\ncheck-field-types = true\n",
                "extra_gated_prompt: Agree\nextra_gated_fields:\n  Name: textarea",
            ),
        ),
        AudienceTagRequired => found(
            "the tag required, absent",
            policy("[policy.audience]\nrequire-tag = true\n", "tags: [nlp]"),
        ),
        AudienceTagRemoved => {
            let applied = applied(&policies("[policy.audience]\nprotect-removal = true\n"), None);
            let old = card("tags: [not-for-all-audiences]");
            found(
                "the tag removed by the push",
                evaluate(&applied, Some(&card("tags: [nlp]")), Some(&old)),
            )
        }
        CardMissing => found(
            "no README.md in the pushed tree",
            evaluate(&applied(&policies("[policy.card]\nrequired = true\n"), None), None, None),
        ),
        CardSectionMissing => found(
            "a required section absent",
            policy("[policy.card]\nsections = [\"Out-of-Scope Use\"]\n", "license: mit"),
        ),
        FileTooLarge => {
            let mut f = scanned(
                code,
                "large-files",
                "weights.bin",
                "weights.bin is 12 MiB, larger than 10 MiB".into(),
            );
            f.detail = Some("10 MiB".into());
            f.limit = Some(10 * 1024 * 1024);
            found("a 12 MiB file outside LFS", vec![f])
        }
        BinaryFile => found(
            "a 2 MB binary file outside LFS",
            vec![scanned(code, "binary-files", "model.onnx", "model.onnx is a binary file of 2 MB (over 1 MB)".into())],
        ),
        DirectoryTooManyEntries => {
            let applied = applied(&policies("[policy.directory-entries]\nmax-entries = 3\n"), None);
            let walked = crate::scan::Walked {
                crowded: vec![crate::scan::walk::Crowded {
                    path: "data".into(),
                    refname: REF.into(),
                    entries: 4,
                }],
                ..Default::default()
            };
            found("4 entries in data/ with max-entries = 3", crate::scan::dirs::check(&applied, &walked))
        }
        SecretToken => {
            let token = format!("hf_{}", "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3f");
            let masked = crate::scan::mask(&token);
            let mut f = scanned(code, "secrets", "train.py", format!("train.py contains a Hugging Face token ({masked})"));
            f.detail = Some(masked);
            found("a token in train.py", vec![f])
        }
        ScanIncomplete => found(
            "a 300 MiB delta the token search cannot read whole",
            vec![scanned(
                code,
                "secrets",
                "data.tar",
                "data.tar (300 MiB) could not be searched for tokens: it is stored as a delta or outside the push, and larger than the 256 MiB hubgate reads whole".into(),
            )],
        ),
        TreeMalformed => {
            // The tree check itself names the problem; the finding is the gate's.
            let readme = || crate::repo::tree::RawEntry {
                mode: b"100644".to_vec(),
                name: b"README.md".to_vec(),
                id: gix::ObjectId::empty_blob(gix::hash::Kind::Sha1),
            };
            let problems = crate::repo::tree::problems(&[readme(), readme()]);
            let mut f = Finding::new(
                code,
                Severity::Error,
                "tree",
                format!("the root tree (0123456789ab) is malformed: {}", problems.join("; ")),
            );
            f.refname = Some(REF.into());
            found("a tree with README.md twice", vec![f.with_help(code.fix())])
        }
        OverrideReasonEmpty | OverrideNotAllowed | OverrideUsed => {
            let policies = policies(
                "override = [\"alice\"]\n[policy.license]\noverridable = true\nallow = [\"apache-2.0\"]\n",
            );
            let applied = applied(&policies, None);
            let findings = evaluate(&applied, Some(&card("license: mit")), None);
            let (describe, pusher, reason) = match code {
                OverrideReasonEmpty => ("-o hubgate.override=\" \" by alice", "alice", " "),
                OverrideNotAllowed => ("-o hubgate.override=urgent by mallory", "mallory", "urgent"),
                _ => ("-o hubgate.override=\"reviewed by legal\" by alice", "alice", "reviewed by legal"),
            };
            found(
                describe,
                crate::policy::overrides::apply(findings, &applied, Some(pusher), Some(reason)),
            )
        }
        PolicyInvalid | PolicyLicenseGlobUnknown => {
            let text = match code {
                PolicyInvalid => "[[policy]]\nname = \"acme\"\nrepos = [\"acme/*\"]\n[policy.license]\nalow = [\"mit\"]\n",
                _ => "[[policy]]\nname = \"acme\"\nrepos = [\"acme/*\"]\n[policy.license]\nallow = [\"apache2\"]\n",
            };
            let (mut policies, mut problems) = (Vec::new(), Vec::new());
            crate::policy::load::parse(Path::new("acme.toml"), text, &mut policies, &mut problems);
            let shown = crate::policy::load::Error { problems }.to_string();
            let describe = if code == PolicyInvalid { "a misspelt key" } else { "a licence glob matching nothing" };
            (describe, Shown::Text(format!("{shown}\n")))
        }
        ConfigInvalid => {
            let dir = tempfile::tempdir().expect("tempdir");
            let file = dir.path().join("hubgate.toml");
            std::fs::write(&file, "[discussions]\nwatch-refs = [\"refs/[\"]\n").expect("write");
            let e = crate::config::Config::load(Some(&file)).expect_err("refused");
            let shown = format!("{e:#}").replace(&dir.path().display().to_string(), "/etc/hubgate");
            ("a broken watch-refs glob", Shown::Text(format!("{shown}\n")))
        }
        RefReserved => {
            let mut f = Finding::new(
                code,
                Severity::Error,
                "ref",
                "refs/hubgate/discussions is under refs/hubgate/, which only hubgate may write",
            );
            f.refname = Some("refs/hubgate/discussions".into());
            found("a push to refs/hubgate/discussions", vec![f.with_help("push to another ref name")])
        }
        RefReplace => {
            let applied = applied(&policies("[policy.replace-refs]\n"), None);
            let id = |hex: &str| gix::ObjectId::from_hex(hex.as_bytes()).expect("hex");
            let replaced = "9d308493072be43cbc49a0701974c516d377d58c";
            let update = crate::repo::update::Update {
                old: None,
                new: Some(id("ce013625030ba8dba906f756967f9e9ca394464a")),
                refname: format!("refs/replace/{replaced}"),
            };
            found(
                "a replacement for a card's blob, under a policy with [policy.replace-refs]",
                crate::policy::replace::check(&applied, &[update], None),
            )
        }
    }
}

/// The snapshot of `code`: its findings (the code's own, and the override that goes with it)
/// rendered for a single ref, or the loader's text.
fn snapshot(code: Code) {
    let (describe, shown) = input(code);
    let text = match shown {
        Shown::Findings(findings) => {
            assert!(
                findings.iter().any(|f| f.code == code),
                "the input for {} does not raise it: {findings:#?}",
                code.as_str()
            );
            let own: Vec<Finding> = findings
                .into_iter()
                .filter(|f| f.code == code || (code == Code::OverrideUsed && f.overridden.is_some()))
                .collect();
            super::text::render(&own, false)
        }
        Shown::Text(text) => {
            assert!(text.contains(code.as_str()), "{text}");
            text
        }
    };
    insta::with_settings!({ description => describe, omit_expression => true, prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(code.as_str(), text);
    });
}

macro_rules! snapshots {
    ($($test:ident: $code:ident;)*) => {
        $(
            #[test]
            fn $test() {
                snapshot(Code::$code);
            }
        )*
        /// Every code with a snapshot test above.
        const TESTED: &[Code] = &[$(Code::$code),*];
    };
}

snapshots! {
    pusher_sees_hub_metadata_missing: HubMetadataMissing;
    pusher_sees_hub_yaml_invalid: HubYamlInvalid;
    pusher_sees_hub_yaml_too_complex: HubYamlTooComplex;
    pusher_sees_hub_metadata_invalid: HubMetadataInvalid;
    pusher_sees_hub_license_invalid: HubLicenseInvalid;
    pusher_sees_hub_tags_invalid: HubTagsInvalid;
    pusher_sees_hub_datasets_invalid: HubDatasetsInvalid;
    pusher_sees_hub_widget_invalid: HubWidgetInvalid;
    pusher_sees_hub_model_index_invalid: HubModelIndexInvalid;
    pusher_sees_hub_base_model_invalid: HubBaseModelInvalid;
    pusher_sees_hub_language_invalid: HubLanguageInvalid;
    pusher_sees_hub_language_unknown: HubLanguageUnknown;
    pusher_sees_hub_dataset_legacy_key: HubDatasetLegacyKey;
    pusher_sees_hub_dataset_task_invalid: HubDatasetTaskInvalid;
    pusher_sees_hub_space_color_invalid: HubSpaceColorInvalid;
    pusher_sees_hub_space_description_too_long: HubSpaceDescriptionTooLong;
    pusher_sees_hub_gated_fields_invalid: HubGatedFieldsInvalid;
    pusher_sees_hub_space_config_invalid: HubSpaceConfigInvalid;
    pusher_sees_hub_dataset_configs_invalid: HubDatasetConfigsInvalid;
    pusher_sees_card_not_a_file: CardNotAFile;
    pusher_sees_card_too_large: CardTooLarge;
    pusher_sees_card_not_utf8: CardNotUtf8;
    pusher_sees_license_missing: LicenseMissing;
    pusher_sees_license_not_allowed: LicenseNotAllowed;
    pusher_sees_license_denied: LicenseDenied;
    pusher_sees_license_other_incomplete: LicenseOtherIncomplete;
    pusher_sees_gating_required: GatingRequired;
    pusher_sees_gating_forbidden: GatingForbidden;
    pusher_sees_gating_key_missing: GatingKeyMissing;
    pusher_sees_gating_field_invalid: GatingFieldInvalid;
    pusher_sees_audience_tag_required: AudienceTagRequired;
    pusher_sees_audience_tag_removed: AudienceTagRemoved;
    pusher_sees_card_missing: CardMissing;
    pusher_sees_card_section_missing: CardSectionMissing;
    pusher_sees_file_too_large: FileTooLarge;
    pusher_sees_binary_file: BinaryFile;
    pusher_sees_directory_too_many_entries: DirectoryTooManyEntries;
    pusher_sees_secret_hf_token: SecretToken;
    pusher_sees_scan_incomplete: ScanIncomplete;
    pusher_sees_tree_malformed: TreeMalformed;
    pusher_sees_override_reason_empty: OverrideReasonEmpty;
    pusher_sees_override_not_allowed: OverrideNotAllowed;
    pusher_sees_override_used: OverrideUsed;
    admin_sees_policy_invalid: PolicyInvalid;
    admin_sees_policy_license_glob_unknown: PolicyLicenseGlobUnknown;
    admin_sees_config_invalid: ConfigInvalid;
    pusher_sees_ref_reserved: RefReserved;
    pusher_sees_ref_replace: RefReplace;
}

/// A new code needs a line in `snapshots!` (and a case in [`input`], which the compiler asks
/// for), and a reviewed snapshot file; a removed code leaves no snapshot behind.
#[test]
fn every_code_has_a_snapshot_test() {
    let untested: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !TESTED.contains(c))
        .map(|c| c.as_str())
        .collect();
    assert!(untested.is_empty(), "codes without a snapshot test: {untested:?}");
    assert_eq!(TESTED.len(), Code::ALL.len(), "a code is tested twice");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/snapshots");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("src/report/snapshots")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".snap"))
        .collect();
    files.sort();
    let mut want: Vec<String> = Code::ALL.iter().map(|c| format!("{}.snap", c.as_str())).collect();
    want.sort();
    assert_eq!(
        files, want,
        "one reviewed snapshot per code, and none for a code that is gone"
    );
}
