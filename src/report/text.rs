//! The pusher's view: findings rendered as the text of `remote:` lines (and of `check` and
//! `lint` in a terminal). The only place findings become text.
//!
//! Hub findings print in the Hub's own framing, byte for byte where it is on record
//! (docs/sources.md#rejection-block); scanner findings in the Hub's push blocks
//! (docs/sources.md#scanner-blocks); policy findings follow in hubgate's block, which names the
//! ref, the policy and the rule, shows the card line with its number, and says how to fix it.
//! Plain text, no colour: git prefixes every line with `remote: `. Tokens are masked in the
//! whole text, last, so no piece of it can show one.

use crate::hub::DOCS_URL;
use crate::verdict::{Code, Finding, Severity, Verdict};

const RULE: &str = "-------------------------------------------------------------------------";

/// Renders findings as text, grouped by ref and file in first-seen order. `several` says the
/// run covered more than one ref or file: each Hub block is then preceded by a line naming them,
/// since the Hub's own block names neither (for a single ref it stays byte for byte the Hub's).
pub fn render(findings: &[Finding], several: bool) -> String {
    crate::scan::tokens::mask_all(&unmasked(findings, several))
}

/// One line per finding, `error[code] (line 3): message`: what `hubgate card` prints under the
/// metadata, for an author reading one card rather than a pusher reading a push.
pub fn card_lines(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let at = f.line.map(|l| format!(" (line {l})")).unwrap_or_default();
        out.push_str(&format!(
            "{}[{}]{at}: {}\n",
            severity(f.severity),
            f.code.as_str(),
            f.message
        ));
    }
    out
}

/// A severity as the text names it.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn unmasked(findings: &[Finding], several: bool) -> String {
    let is_scan = |f: &&Finding| {
        matches!(
            f.code,
            Code::FileTooLarge | Code::BinaryFile | Code::DirectoryTooManyEntries | Code::SecretToken
        )
    };
    let scans: Vec<&Finding> = findings.iter().filter(is_scan).collect();
    let mut out = String::new();
    for code in [
        Code::FileTooLarge,
        Code::BinaryFile,
        Code::DirectoryTooManyEntries,
        Code::SecretToken,
    ] {
        // Refusals and warnings in separate blocks: policies may set different levels and
        // thresholds, and each block's head states one.
        for severity in [Severity::Error, Severity::Warning] {
            let of_code: Vec<&Finding> = scans
                .iter()
                .copied()
                .filter(|f| f.code == code && f.severity == severity)
                .collect();
            if !of_code.is_empty() {
                scan_block(&mut out, code, &of_code);
            }
        }
    }
    let rest: Vec<Finding> = findings.iter().filter(|f| !is_scan(f)).cloned().collect();
    out.push_str(&grouped(&rest, several));
    if !findings.is_empty() {
        out.push_str(&summary(findings));
    }
    out
}

/// The Hub's block for one scanner (docs/sources.md#scanner-blocks): what was found, what to use
/// instead, and `Offending files:` with `  - <path> (ref: <refname>)` (for directories, `Offending
/// reference:` and `Offending directories:`, see [`directories`]). At `warn` the first line says
/// the push was accepted.
fn scan_block(out: &mut String, code: Code, found: &[&Finding]) {
    let rejected = found.iter().any(|f| f.severity == Severity::Error);
    if code == Code::DirectoryTooManyEntries {
        directories(out, rejected, found);
        named_policies(out, found);
        return;
    }
    let head = match code {
        Code::FileTooLarge => {
            // Several policies may set different limits: name the smallest in the block.
            let limit = found
                .iter()
                .filter_map(|f| f.limit)
                .min()
                .map_or_else(|| "10 MiB".into(), crate::scan::human);
            let lead = if rejected { "Your push was rejected because it contains" } else { "Your push was accepted, but it contains" };
            format!(
                "{lead} files larger than {limit}.\nPlease use https://git-lfs.github.com/ to store large files.\n\
                 See also: https://hf.co/docs/hub/repositories-getting-started#terminal\n"
            )
        }
        Code::BinaryFile => {
            let lead = if rejected { "Your push was rejected because it contains" } else { "Your push was accepted, but it contains" };
            format!(
                "{lead} binary files.\nPlease use https://huggingface.co/docs/hub/xet to store binary files.\n\
                 See also: https://huggingface.co/docs/hub/xet/using-xet-storage#git\n"
            )
        }
        _ => "It appears that one or more of your files contain valid Hugging Face secrets, such as tokens or API keys.\n\
              It is important to keep your secrets private and not expose them in code that is publicly accessible.\n\
              Read more: https://huggingface.co/docs/hub/spaces-overview#managing-secrets\n"
            .to_owned(),
    };
    out.push_str(RULE);
    out.push('\n');
    out.push_str(&head);
    out.push_str("\nOffending files:\n");
    for f in found {
        let path = f.file.as_deref().unwrap_or("?");
        let r = f.refname.as_deref().unwrap_or("?");
        match (code, &f.detail) {
            (Code::SecretToken, Some(token)) => out.push_str(&format!("  - {path} (ref: {r}, token: '{token}')\n")),
            _ => out.push_str(&format!("  - {path} (ref: {r})\n")),
        }
    }
    out.push_str(RULE);
    out.push('\n');
    named_policies(out, found);
}

/// The Hub's refusal of directories with too many entries (huggingface/datasets#7956, through the
/// commit API, whose client joins the lines): the limit, then per ref `Offending reference:` and
/// `Offending directories:` with one directory a line, written from the root with a trailing
/// slash. The line breaks and the blank line follow the Hub's other push blocks.
fn directories(out: &mut String, rejected: bool, found: &[&Finding]) {
    let limit = found
        .iter()
        .filter_map(|f| f.limit)
        .min()
        .unwrap_or(crate::policy::DEFAULT_MAX_ENTRIES);
    let lead = if rejected {
        "Your push was rejected because it contains"
    } else {
        "Your push was accepted, but it contains"
    };
    out.push_str(&format!(
        "{RULE}\n{lead} too many files per directory.\nEach directory in your git repo can only contain up to {limit} files.\n\n"
    ));
    let mut refs: Vec<&str> = Vec::new();
    for f in found {
        let r = f.refname.as_deref().unwrap_or("?");
        if !refs.contains(&r) {
            refs.push(r);
        }
    }
    for r in refs {
        out.push_str(&format!("Offending reference: {r}\nOffending directories:\n"));
        for f in found.iter().filter(|f| f.refname.as_deref().unwrap_or("?") == r) {
            out.push_str(f.file.as_deref().unwrap_or("?"));
            out.push('\n');
        }
    }
    out.push_str(RULE);
    out.push('\n');
}

/// Which administrator policy raised a scanner block (the embedded default stays silent: the
/// block is then the Hub's own, byte for byte).
fn named_policies(out: &mut String, found: &[&Finding]) {
    let mut named: Vec<String> = Vec::new();
    for f in found {
        for p in f.raised_by.iter().filter(|p| *p != "hub-baseline") {
            let line = format!("hubgate: policy \"{p}\" (rule: {})", f.rule);
            if !named.contains(&line) {
                named.push(line);
            }
        }
    }
    for line in named {
        out.push_str(&line);
        out.push('\n');
    }
}

/// Card and policy findings, grouped by ref and file.
fn grouped(findings: &[Finding], several: bool) -> String {
    let key = |f: &Finding| (f.refname.clone(), f.file.clone());
    let mut groups: Vec<(Option<String>, Option<String>)> = Vec::new();
    for f in findings {
        if !groups.contains(&key(f)) {
            groups.push(key(f));
        }
    }
    let many = several || groups.len() > 1;
    let mut out = String::new();
    for group in &groups {
        let of_group: Vec<&Finding> = findings.iter().filter(|f| key(f) == *group).collect();
        let hub: Vec<&Finding> = of_group.iter().copied().filter(|f| f.is_hub()).collect();
        let own: Vec<&Finding> = of_group.iter().copied().filter(|f| !f.is_hub()).collect();
        if !hub.is_empty() {
            // The Hub's block names neither ref nor file; with several, say which one follows.
            if many {
                let names: Vec<&str> = [&group.0, &group.1].into_iter().flatten().map(String::as_str).collect();
                out.push_str(&format!("hubgate: {}\n", names.join(": ")));
            }
            hub_block(&mut out, &hub);
        }
        if !own.is_empty() {
            own_block(&mut out, &own);
        }
    }
    out
}

/// The Hub's block: rejection or warnings, `- Error:` / `- Warning:` lines, the footer.
fn hub_block(out: &mut String, hub: &[&Finding]) {
    let errors: Vec<&&Finding> = hub.iter().filter(|f| f.severity == Severity::Error).collect();
    let warnings: Vec<&&Finding> = hub.iter().filter(|f| f.severity == Severity::Warning).collect();
    if !errors.is_empty() {
        out.push_str("Sorry, your push was rejected during YAML metadata verification:\n");
    } else {
        out.push_str(RULE);
        out.push_str("\nYour push was accepted, but with warnings:\n");
    }
    for (label, list) in [("Error", &errors), ("Warning", &warnings)] {
        for f in list.iter() {
            out.push_str(&format!("- {label}: {}\n", f.message));
            if let Some(detail) = &f.detail {
                out.push('\n');
                out.push_str(detail);
            }
            if let Some(help) = &f.help {
                out.push_str(&format!("help: {help}\n"));
            }
        }
    }
    out.push_str(&format!(
        "{RULE}\n{RULE}\nPlease find the documentation at:\n{DOCS_URL}\n\n{RULE}\n"
    ));
}

/// hubgate's block: one entry per finding, with its location, the card line and the fix.
fn own_block(out: &mut String, own: &[&Finding]) {
    out.push_str(RULE);
    out.push('\n');
    for f in own {
        out.push_str(&format!(
            "{}[{}]: {}\n",
            severity(f.severity),
            f.code.as_str(),
            f.message
        ));
        let mut at = Vec::new();
        if let Some(r) = &f.refname {
            at.push(r.clone());
        }
        if let Some(file) = &f.file {
            at.push(match f.line {
                Some(l) => format!("{file}:{l}"),
                None => file.clone(),
            });
        }
        if !at.is_empty() {
            out.push_str(&format!("  --> {}\n", at.join(" ")));
        }
        if let (Some(line), Some(text)) = (f.line, &f.excerpt) {
            let n = line.to_string();
            out.push_str(&format!(
                "{} |\n{n} | {}\n{} |\n",
                " ".repeat(n.len()),
                text,
                " ".repeat(n.len())
            ));
        }
        if let Some(policy) = &f.policy {
            out.push_str(&format!("  = policy: {policy} (rule: {})\n", f.rule));
        }
        out.push_str(&format!("  = help: {}\n", f.help.as_deref().unwrap_or(f.code.fix())));
    }
    out.push_str(RULE);
    out.push('\n');
}

/// The closing line: counts and verdict.
fn summary(findings: &[Finding]) -> String {
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    let verdict = match Verdict::of(findings) {
        Verdict::Accept => "push accepted",
        Verdict::Reject => "push rejected",
    };
    format!(
        "hubgate: {}, {}; {verdict}\n",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
