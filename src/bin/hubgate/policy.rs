//! `hubgate policy explain OWNER/NAME`: which policies apply to a repository and why, and the
//! rules in force with their levels: the card rules, the push scanners with their thresholds
//! (for the embedded default too), what post-receive watches, overrides.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use hubgate::policy::{Case, Level, Match, Name, Policy, Rule};

/// Arguments of `policy`.
#[derive(clap::Args)]
pub(super) struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Explains the policies in force for a repository.
    Explain {
        /// The repository's `owner/name` (or deeper: `group/sub/name`), as the hook derives it.
        repo: String,
        /// Compare names ignoring case, as the hook does when Gitea, Forgejo, GitLab or GitHub
        /// Enterprise gives the name (plain paths and gitolite names are compared exactly).
        #[arg(long)]
        ignore_case: bool,
    },
}

fn rule(r: &Rule) -> String {
    format!(
        "{}{}",
        r.level.as_str(),
        if r.overridable { ", overridable" } else { "" }
    )
}

/// A scanner's line: its level, then what it finds (nothing when it is off).
fn scanner(r: &Rule, finds: &str) -> String {
    if r.level == Level::Off {
        rule(r)
    } else {
        format!("{}; {finds}", rule(r))
    }
}

/// A threshold as written in messages, with its exact number of bytes.
fn size(bytes: u64) -> String {
    let shown = hubgate::scan::human(bytes);
    if shown.ends_with("bytes") {
        shown
    } else {
        format!("{shown} ({bytes} bytes)")
    }
}

fn globs(g: &[glob::Pattern]) -> String {
    g.iter().map(glob::Pattern::as_str).collect::<Vec<_>>().join(", ")
}

pub(super) fn run(args: Args, policies: Option<&Path>) -> Result<ExitCode> {
    let Action::Explain { repo, ignore_case } = args.action;
    let repo = if ignore_case {
        Name::forge(repo)
    } else {
        Name::exact(repo)
    };
    let all = super::load_policies(policies)?;
    let mut out = std::io::stdout().lock();
    if let Some(p) = policies
        && let Ok(loaded) = hubgate::policy::load::load_all(p)
    {
        for w in loaded.warnings {
            writeln!(out, "{w}")?;
        }
    }
    writeln!(out, "repository {repo}")?;
    writeln!(
        out,
        "names compared {} (`*` in a pattern also crosses `/`: acme/* covers acme/team/model)",
        match repo.case {
            Case::Sensitive => "exactly, as for plain paths and gitolite (--ignore-case for forge names)",
            Case::Insensitive => "ignoring case, as Gitea, Forgejo, GitLab and GitHub Enterprise do",
        }
    )?;
    match policies {
        None => writeln!(out, "no policies configured: the embedded default applies")?,
        Some(p) => writeln!(out, "policies from {} ({} defined)", p.display(), all.len())?,
    }
    for p in &all {
        let why = match p.match_repo(&repo) {
            Match::Excluded(x) => format!("excluded by \"{}\"", x.as_str()),
            Match::Applies(m) => format!("applies: \"{}\" matches", m.as_str()),
            Match::None => format!("does not apply: none of [{}] matches", globs(&p.repos)),
        };
        writeln!(out, "  {} ({}): {why}", p.name, p.file.display())?;
    }
    let applied = hubgate::policy::select(&all, &repo, None).map_err(anyhow::Error::msg)?;
    if applied.policies.len() == 1 && applied.policies[0].name == "hub-baseline" {
        writeln!(
            out,
            "  no policy matches: the embedded default \"hub-baseline\" applies"
        )?;
    }
    writeln!(out, "repository type: {}", applied.repo_type.as_str())?;
    writeln!(
        out,
        "rules in force (every policy applies; the strictest hub level wins):"
    )?;
    let hub = applied
        .policies
        .iter()
        .max_by_key(|p| p.hub.level)
        .map_or(Level::Deny, |p| p.hub.level);
    writeln!(out, "  hub (the Hub's own verification): {}", hub.as_str())?;
    for p in &applied.policies {
        explain(&mut out, p)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(out: &mut dyn Write, p: &Policy) -> Result<()> {
    let name = &p.name;
    if let Some(l) = &p.license {
        let mut parts = vec![rule(&l.rule)];
        if l.required {
            parts.push("required".into());
        }
        if !l.allow.is_empty() {
            parts.push(format!("allow {}", globs(&l.allow)));
        }
        if !l.deny.is_empty() {
            parts.push(format!("deny {}", globs(&l.deny)));
        }
        parts.push(format!("`other` needs {}", l.other_requires.join(", ")));
        writeln!(out, "  license [{name}]: {}", parts.join("; "))?;
    }
    if let Some(g) = &p.gating {
        let mut parts = vec![rule(&g.rule)];
        if g.always {
            parts.push("always required".into());
        }
        if g.never {
            parts.push("forbidden".into());
        }
        if !g.when_tags.is_empty() {
            parts.push(format!("required with tags {}", g.when_tags.join(", ")));
        }
        if !g.when_license.is_empty() {
            parts.push(format!("required for licences {}", globs(&g.when_license)));
        }
        if !g.required_keys.is_empty() {
            parts.push(format!("gated cards need {}", g.required_keys.join(", ")));
        }
        if g.check_field_types {
            parts.push("field types checked".into());
        }
        writeln!(out, "  gating [{name}]: {}", parts.join("; "))?;
    }
    if let Some(a) = &p.audience {
        let mut parts = vec![rule(&a.rule)];
        if a.require_tag {
            parts.push("tag required".into());
        }
        if a.protect_removal {
            parts.push("removal refused".into());
        }
        if !a.synonyms.is_empty() {
            parts.push(format!("synonyms {}", a.synonyms.join(", ")));
        }
        writeln!(out, "  audience [{name}]: {}", parts.join("; "))?;
    }
    if let Some(c) = &p.card {
        let mut parts = vec![rule(&c.rule)];
        if c.required {
            parts.push("card required".into());
        }
        if !c.sections.is_empty() {
            parts.push(format!("sections {}", c.sections.join(", ")));
        }
        writeln!(out, "  card [{name}]: {}", parts.join("; "))?;
    }
    if !p.watch_keys.is_empty() {
        writeln!(
            out,
            "  discussions [{name}]: changes of {} are recorded too",
            p.watch_keys.join(", ")
        )?;
    }
    // The push scanners apply to every repository, embedded default included: each policy's
    // tables on their own, with their level and threshold.
    let (large, binary) = (&p.large_files, &p.binary_files);
    writeln!(
        out,
        "  large-files [{name}]: {}",
        scanner(
            &large.rule,
            &format!("files over {} not stored as LFS/Xet pointers", size(large.size))
        )
    )?;
    writeln!(
        out,
        "  binary-files [{name}]: {}",
        scanner(
            &binary.rule,
            &format!("binary files over {} not stored as LFS/Xet pointers", size(binary.size))
        )
    )?;
    writeln!(
        out,
        "  secrets [{name}]: {}",
        scanner(
            &p.secrets,
            "Hugging Face access tokens in new files, link targets and messages"
        )
    )?;
    writeln!(
        out,
        "  directory-entries [{name}]: {}",
        scanner(
            &p.directory_entries.rule,
            &format!("directories of more than {} entries", p.directory_entries.max)
        )
    )?;
    writeln!(
        out,
        "  replace-refs [{name}]: {}",
        scanner(&p.replace_refs, "pushes creating or moving refs/replace/*")
    )?;
    if !p.override_by.is_empty() {
        writeln!(
            out,
            "  overrides [{name}]: {} may override its overridable rules",
            p.override_by.join(", ")
        )?;
    }
    if p.skip_internal_pushes {
        writeln!(out, "  internal pushes [{name}]: Gitea's own pushes are not checked")?;
    }
    Ok(())
}
