//! The stable code of every finding hubgate can report, with its meaning and its fix.
//!
//! Codes are part of the contract (CONTRACT.md, JSON output): renaming one is a breaking change.
//! `docs/diagnostics.md` is checked against this table by a test, so the two cannot drift.

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $meaning:literal, $fix:literal; )*) => {
        /// A finding's stable kebab-case identifier.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The kebab-case name printed in messages and JSON.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// What the finding means, in one sentence.
            pub fn meaning(self) -> &'static str {
                match self { $(Code::$variant => $meaning,)* }
            }

            /// How a pusher fixes it, in one sentence.
            pub fn fix(self) -> &'static str {
                match self { $(Code::$variant => $fix,)* }
            }
        }
    };
}

codes! {
    /// No front matter: the Hub's warning.
    HubMetadataMissing = "hub-metadata-missing",
        "README.md has no YAML front matter block (or it is empty or never closed); the Hub accepts the push with a warning.",
        "Start README.md with a line `---`, the YAML metadata, and a closing line `---`.";
    /// js-yaml could not read the block.
    HubYamlInvalid = "hub-yaml-invalid",
        "The front matter is not valid YAML as the Hub reads it (js-yaml 4, YAML 1.2): a syntax error, a duplicated key, an unknown tag such as !!python/tuple, or tabs in indentation.",
        "Fix the YAML at the line and column given; quote values, remove the duplicate key or the Python tag.";
    /// Bounded reading refused the block.
    HubYamlTooComplex = "hub-yaml-too-complex",
        "The front matter is too large (more than 250,000 nodes) or expands too much through aliases (past 1,000,000 nodes, 20 Mi characters or 200 levels) to be checked safely. Nesting past 100 levels is refused as the Hub refuses it (hub-yaml-invalid: nesting exceeded maxDepth (100)).",
        "Simplify the metadata: remove alias chains, deep nesting or very large generated blocks.";
    /// The block is not a mapping.
    HubMetadataInvalid = "hub-metadata-invalid",
        "The front matter parsed, but is empty, a scalar or a list instead of a mapping of keys to values.",
        "Write the metadata as `key: value` lines between the two `---` fences.";
    /// `license` is not one of the Hub's identifiers.
    HubLicenseInvalid = "hub-license-invalid",
        "`license` is not one of the licence identifiers the Hub accepts (case-sensitive, lower case), as a string or a list.",
        "Use an identifier from https://huggingface.co/docs/hub/repositories-licenses, or `other` with `license_name` and `license_link`.";
    /// `tags` is not a list of strings.
    HubTagsInvalid = "hub-tags-invalid",
        "`tags` must be a list of strings.",
        "Write `tags:` followed by `- tag` lines, each a string.";
    /// `datasets` is not a string or list of strings.
    HubDatasetsInvalid = "hub-datasets-invalid",
        "`datasets` must be a dataset id or a list of dataset ids (strings).",
        "Write dataset ids as strings, e.g. `datasets: [squad]`; remove empty (`null`) items.";
    /// `widget` is not a list.
    HubWidgetInvalid = "hub-widget-invalid",
        "`widget` must be a list of examples.",
        "Write `widget:` followed by `- text: ...` items.";
    /// `model-index` does not have the documented structure.
    HubModelIndexInvalid = "hub-model-index-invalid",
        "`model-index` does not follow the documented structure: a list of objects whose names, task, dataset and metric types are strings (refused by the Hub); a key the documentation calls required but that is missing is a warning, since the Hub is not seen to refuse that.",
        "Follow the model-index layout of https://huggingface.co/docs/hub/model-cards#evaluation-results.";
    /// `base_model` is empty or not a model id.
    HubBaseModelInvalid = "hub-base-model-invalid",
        "`base_model` must be a non-empty Hub model id (or a list of them), not a name with spaces or a local path.",
        "Use the id of the model on the Hub, e.g. `base_model: mistralai/Mistral-7B-v0.1`.";
    /// `language` is not an ISO 639 code.
    HubLanguageInvalid = "hub-language-invalid",
        "`language` must be a string or a list of strings, each in lower case and either two or three letters (an ISO 639 code) or a special value (`multilingual`, `code`); the Hub refuses names (`English`), regional tags (`en-US`) and other words (`noinfo`).",
        "Use codes such as `en`, `fr`, `zho`, and put regional BCP-47 tags (`en-US`) under `language_bcp47`; quote `no` (Norwegian) if a tool rewrote it as `false`.";
    /// A `language` value has the form of a code but is in no ISO table.
    HubLanguageUnknown = "hub-language-unknown",
        "A `language` value is two or three lower-case letters but not an ISO 639-1, 639-2, 639-3 or 639-5 code hubgate knows (for instance a withdrawn code such as `iw`); the Hub is not known to refuse it, so the push is accepted with this warning.",
        "Use the current ISO code (`he` for `iw`, `jv` for `jw`) so that the Hub's language filters list the repository.";
    /// A dataset card uses `licenses` or `languages`.
    HubDatasetLegacyKey = "hub-dataset-legacy-key",
        "Dataset cards may not use the legacy plural keys `licenses` and `languages`.",
        "Rename them to `license` and `language`.";
    /// `task_categories` / `task_ids` are not lists.
    HubDatasetTaskInvalid = "hub-dataset-task-invalid",
        "`task_categories` and `task_ids` must be lists of strings.",
        "Write them as lists, e.g. `task_categories: [text-classification]`.";
    /// A Space colour is not one of the eight names.
    HubSpaceColorInvalid = "hub-space-color-invalid",
        "`colorFrom` and `colorTo` must be one of red, yellow, green, blue, indigo, purple, pink, gray.",
        "Pick one of the eight colour names; hex colours are refused.";
    /// A Space description is too long.
    HubSpaceDescriptionTooLong = "hub-space-description-too-long",
        "`short_description` may be at most 60 characters long.",
        "Shorten `short_description` to 60 characters or fewer.";
    /// `extra_gated_fields` is not a mapping.
    HubGatedFieldsInvalid = "hub-gated-fields-invalid",
        "`extra_gated_fields` must be a mapping of form field labels to field types; the Hub refuses any other value, whether or not a policy asks for gating.",
        "Write `extra_gated_fields:` followed by `Label: text` lines (types: text, checkbox, date_picker, country, select with options), or remove the key.";
    /// A Space configuration key has the wrong type or value.
    HubSpaceConfigInvalid = "hub-space-config-invalid",
        "A Space configuration key (documented in the Hub's Space configuration reference: sdk, python_version, app_port, ...) has a type or value the Hub's documentation does not allow; the Space may fail to start.",
        "Check the key against https://huggingface.co/docs/hub/spaces-config-reference; quote versions such as `python_version: \"3.10\"`.";
    /// A dataset `configs` entry is malformed.
    HubDatasetConfigsInvalid = "hub-dataset-configs-invalid",
        "A dataset's `configs` list does not follow the documented layout (each entry needs `config_name`; `data_files` is a path, a list of paths or a list of split/path pairs).",
        "Follow https://huggingface.co/docs/hub/datasets-manual-configuration.";
    /// README.md is a symlink, directory or submodule.
    CardNotAFile = "card-not-a-file",
        "README.md is a symbolic link, a directory or a submodule; a card must be a regular file.",
        "Commit README.md as a regular file.";
    /// README.md is too large to read.
    CardTooLarge = "card-too-large",
        "README.md is larger than hubgate reads (10 MiB, the Hub's limit for files outside LFS).",
        "Shorten the card; keep large content in other files.";
    /// README.md is not UTF-8.
    CardNotUtf8 = "card-not-utf8",
        "README.md is not valid UTF-8; it was read with invalid bytes replaced, as the Hub reads it.",
        "Save README.md as UTF-8.";
    /// Policy: no licence declared.
    LicenseMissing = "license-missing",
        "The policy requires a licence and the card declares none.",
        "Add `license: <id>` to the front matter.";
    /// Policy: licence not on the allow list.
    LicenseNotAllowed = "license-not-allowed",
        "The card's licence is not on the policy's allow list.",
        "Use one of the allowed licences, or ask an administrator to allow this one.";
    /// Policy: licence on the deny list.
    LicenseDenied = "license-denied",
        "The card's licence matches the policy's deny list.",
        "Use another licence, or ask an administrator.";
    /// Policy: `license: other` without its details.
    LicenseOtherIncomplete = "license-other-incomplete",
        "The card declares `license: other` without the keys the policy requires with it (by default `license_name` and `license_link`).",
        "Add `license_name: <id>` and `license_link: LICENSE` (or a URL).";
    /// Policy: gating required but not declared.
    GatingRequired = "gating-required",
        "The policy requires this card to be gated (always, for its tags, or for its licence) and it declares no gating.",
        "Add `extra_gated_prompt:` (and `extra_gated_fields:` as needed), or `gated: manual`.";
    /// Policy: gating forbidden but declared.
    GatingForbidden = "gating-forbidden",
        "The policy forbids gating for this repository and the card declares it.",
        "Remove `gated` and the `extra_gated_*` keys, or set `gated: false`.";
    /// Policy: a gated card lacks a required key.
    GatingKeyMissing = "gating-key-missing",
        "The card is gated but lacks a key the policy requires of gated cards.",
        "Add the key named in the message, e.g. `extra_gated_prompt: ...`.";
    /// Policy: an `extra_gated_fields` entry has an unknown type.
    GatingFieldInvalid = "gating-field-invalid",
        "An `extra_gated_fields` entry does not use one of the Hub's field types (text, checkbox, date_picker, country, ip_location, or select with options).",
        "Use a Hub field type; a select needs `options:` as a list of strings or label/value pairs.";
    /// Policy: the audience tag is required.
    AudienceTagRequired = "audience-tag-required",
        "The policy requires the `not-for-all-audiences` tag (or a configured synonym) on this repository's card.",
        "Add `- not-for-all-audiences` under `tags:`.";
    /// Policy: the audience tag was removed.
    AudienceTagRemoved = "audience-tag-removed",
        "The push removes the `not-for-all-audiences` tag (or a synonym) that the card carried before.",
        "Keep the tag, or ask a moderator to review the removal.";
    /// Policy: no card.
    CardMissing = "card-missing",
        "The policy requires a README.md with front matter and the pushed tree has none.",
        "Add a README.md that starts with a YAML front matter block.";
    /// Policy: a required section is missing.
    CardSectionMissing = "card-section-missing",
        "The card's body lacks a heading that the policy requires. Only headings a reader sees count: one inside an HTML comment, an HTML block or a code block does not.",
        "Add the heading named in the message (any level, e.g. `## Out-of-Scope Use`) with its text.";
    /// A pushed file is larger than the limit.
    FileTooLarge = "file-too-large",
        "The push brings a file larger than the limit (default 10 MiB, the Hub's) that is not stored with LFS or Xet; the Hub refuses such pushes.",
        "Track the file with git-lfs or git-xet (`git lfs track <pattern>`), rewrite the commits that added it, and push again.";
    /// A pushed file is binary and over the threshold.
    BinaryFile = "binary-file",
        "The push brings a binary file over the threshold (default 1 MB, the Hub's) that is not stored with LFS or Xet. Binary means: a byte outside tab, line feed, form feed, carriage return, bell, backspace, escape and printable characters among its first 8000 bytes.",
        "Track the file with git-xet or git-lfs, rewrite the commits that added it, and push again.";
    /// A pushed directory holds too many entries.
    DirectoryTooManyEntries = "directory-too-many-entries",
        "The push brings a directory (a tree) with more entries, files and subdirectories together, than the limit (default 10,000, the Hub's: it refuses such pushes with \"too many files per directory\").",
        "Spread the files over subdirectories (for instance `000/` to `999/`), rewrite the commits that added them, and push again.";
    /// A pushed file holds an access token.
    SecretToken = "secret-hf-token",
        "A pushed file, a symbolic link's target or a new commit's message contains text shaped like a Hugging Face access token (`hf_` or `api_org_` followed by 34 letters and digits, on word boundaries: TruffleHog's Hugging Face rule, which the Hub uses), in text or binary files alike.",
        "Revoke the token at https://huggingface.co/settings/tokens, remove it from every commit of the push, and use a secret instead.";
    /// A pushed file could not be read whole by a scanner within hubgate's bounds.
    ScanIncomplete = "scan-incomplete",
        "A pushed file could not be searched (for tokens, or for the binary test) within hubgate's bounds: it is stored as a delta or outside the push's own objects, and larger than 256 MiB. It is refused rather than let through unread.",
        "Store the file with git-lfs or git-xet; an administrator can lower the rule's level if such files are expected.";
    /// A pushed tree breaks git's own fsck rules.
    TreeMalformed = "tree-malformed",
        "The push brings a tree that git's fsck refuses: two entries with the same name (a checkout would deliver a different README.md than the one checked), unsorted entries, a `.git` entry, an empty, `.` or `..` name, or a mode git does not allow. No policy can lower this.",
        "Recreate the commits with a normal git client (`git fsck` on your clone names the tree), then push again.";
    /// An override was asked for with an empty reason.
    OverrideReasonEmpty = "override-reason-empty",
        "The push asks for an override (`-o hubgate.override=`) without a reason, or with only spaces; an override is recorded with its reason, so it needs one.",
        "Say why: `git push -o hubgate.override=\"reviewed by legal\"`.";
    /// An override was asked for by a pusher the policy does not name.
    OverrideNotAllowed = "override-not-allowed",
        "The push asks for an override (`-o hubgate.override=...`) but the pusher is not in the `override` list of a policy that applies.",
        "Ask one of the people the message names to push, or fix what the policy refuses.";
    /// An override was used.
    OverrideUsed = "override-used",
        "A pusher named in the policy's `override` list pushed past one or more overridable findings, giving a reason; the findings are reported as warnings and the discussion entry records the reason.",
        "Nothing to fix; moderators review the discussion entry.";
    /// A policy file the administrator keeps does not load.
    PolicyInvalid = "policy-invalid",
        "A policy file cannot be read or is not valid: a TOML syntax error, a key that does not belong to its table, a value of the wrong type, an invalid glob, a policy without `name` or `repos`, a name used twice. Every push is refused until it is fixed (fail closed), and `hubgate doctor` fails.",
        "An administrator fixes the file at the place given (all problems of a file are listed at once).";
    /// A licence glob in a policy matches no licence id the Hub knows.
    PolicyLicenseGlobUnknown = "policy-license-glob-unknown",
        "A glob in `allow`, `deny` or `when-license` matches none of the Hub's licence ids (a typo such as `apache2`), so it never takes effect. A warning: the policies load.",
        "Correct the glob to a Hub licence id (`hubgate policy explain` and docs/hub-rules.md list them).";
    /// The server configuration file does not load.
    ConfigInvalid = "config-invalid",
        "The server configuration file (`--config`, `HUBGATE_CONFIG`) cannot be read or is not valid: a TOML syntax error, an unknown key, a value of the wrong type, a value out of range (`timeout-ms`, the forge `url`, `label-color`), an invalid `watch-refs` glob; every problem of the file is listed at once.",
        "An administrator fixes the file at the place given; `hubgate doctor` checks it.";
    /// Pushers may not write hubgate's own refs.
    RefReserved = "ref-reserved",
        "The push updates a ref under `refs/hubgate/`, which only hubgate itself may write.",
        "Do not push to refs/hubgate/*.";
    /// A pushed replacement ref would make git on the server show another object.
    RefReplace = "ref-replace",
        "The push creates or moves a replacement ref (`refs/replace/<id>`). git on the server then reads another object wherever `<id>` is asked for (web views, `git log`, archives, scripts), while clones get the stored one and hubgate judges the stored one: a card could look harmless on the server and be something else in every clone. Deleting a replacement is not refused.",
        "Push the history you mean instead of a replacement (`git replace --convert-graft-file` and `git filter-repo` rewrite it for good); an administrator can allow replacements with `[policy.replace-refs] level = \"off\"`.";
}

/// What governs a code: the policy table whose `level` (and `overridable`) apply to it, or
/// nothing (a code no policy can lower).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Governed {
    /// `[policy.<table>]`: its `level` lowers or silences the code, `overridable` lets the
    /// policy's `override` pushers past it.
    Table(&'static str),
    /// The table of the scanner that met the file (`[policy.secrets]` or `[policy.binary-files]`).
    Scanner,
    /// No policy lowers it; `why` says what it is about.
    Fixed(&'static str),
}

impl Code {
    /// The policy table that governs this code (see [`Governed`]).
    pub fn governed(self) -> Governed {
        use Code::*;
        match self {
            HubMetadataMissing
            | HubYamlInvalid
            | HubYamlTooComplex
            | HubMetadataInvalid
            | HubLicenseInvalid
            | HubTagsInvalid
            | HubDatasetsInvalid
            | HubWidgetInvalid
            | HubModelIndexInvalid
            | HubBaseModelInvalid
            | HubLanguageInvalid
            | HubLanguageUnknown
            | HubDatasetLegacyKey
            | HubDatasetTaskInvalid
            | HubSpaceColorInvalid
            | HubSpaceDescriptionTooLong
            | HubGatedFieldsInvalid
            | HubSpaceConfigInvalid
            | HubDatasetConfigsInvalid
            | CardNotAFile
            | CardTooLarge
            | CardNotUtf8 => Governed::Table("hub"),
            LicenseMissing | LicenseNotAllowed | LicenseDenied | LicenseOtherIncomplete => Governed::Table("license"),
            GatingRequired | GatingForbidden | GatingKeyMissing | GatingFieldInvalid => Governed::Table("gating"),
            AudienceTagRequired | AudienceTagRemoved => Governed::Table("audience"),
            CardMissing | CardSectionMissing => Governed::Table("card"),
            FileTooLarge => Governed::Table("large-files"),
            BinaryFile => Governed::Table("binary-files"),
            DirectoryTooManyEntries => Governed::Table("directory-entries"),
            SecretToken => Governed::Table("secrets"),
            ScanIncomplete => Governed::Scanner,
            TreeMalformed => Governed::Fixed("git's own rules for trees"),
            OverrideReasonEmpty | OverrideNotAllowed | OverrideUsed => {
                Governed::Fixed("the override itself, which the policy's `override` list governs")
            }
            RefReserved => Governed::Fixed("hubgate's own refs"),
            RefReplace => Governed::Table("replace-refs"),
            PolicyInvalid | PolicyLicenseGlobUnknown | ConfigInvalid => {
                Governed::Fixed("the administrator's own files, which must load")
            }
        }
    }
}

/// The diagnostics reference, one heading per code, as kept in `docs/diagnostics.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Diagnostics\n\nEvery finding hubgate reports carries one of these stable codes (in the `remote:` \
         lines as `error[code]` or `warning[code]`, and in JSON as `code`). Codes starting with \
         `hub-` are the Hub's own metadata checks and print in the Hub's framing; the others come \
         from the administrator's policy. This file is generated from `src/verdict/code.rs`; what a \
         pusher sees for each code is kept, reviewed, in `src/report/snapshots/<code>.snap`.\n",
    );
    for code in Code::ALL {
        let governed = match code.governed() {
            Governed::Table(t) => format!(
                "`[policy.{t}]`. `level = \"warn\"` reports it without refusing the push, `level = \"off\"` \
                 silences it, `overridable = true` lets the policy's `override` pushers past it \
                 (`git push -o hubgate.override=\"why\"`)."
            ),
            Governed::Scanner => "the table of the scanner that met the file (`[policy.secrets]` or \
                                  `[policy.binary-files]`): its `level` and `overridable`."
                .to_owned(),
            Governed::Fixed(what) => format!("nothing: no policy lowers or silences it ({what})."),
        };
        out.push_str(&format!(
            "\n## `{}`\n\n{}\n\n**Fix:** {}\n\n**Governed by:** {governed}\n",
            code.as_str(),
            code.meaning(),
            code.fix()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()),
                "{name} is not kebab-case"
            );
            assert!(!code.meaning().is_empty() && !code.fix().is_empty());
        }
    }

    /// `docs/diagnostics.md` is generated from this table; `HUBGATE_BLESS=1 cargo test` rewrites
    /// it after a change, and this test fails until the file is in step.
    #[test]
    #[expect(
        clippy::disallowed_methods,
        reason = "a test's own switch, not the hook's environment"
    )]
    fn docs_diagnostics_is_generated_from_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md");
        let want = markdown();
        if std::env::var_os("HUBGATE_BLESS").is_some() {
            std::fs::write(path, &want).expect("docs/ is writable in a checkout");
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/diagnostics.md is stale: run HUBGATE_BLESS=1 cargo test"
        );
    }
}
