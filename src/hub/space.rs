//! Space cards: the validated colours and description, and the documented configuration keys
//! (docs/sources.md#space-configuration). Colours and the length of `short_description` are seen
//! enforced (errors); the other keys are documented only, so they are warnings that say what the
//! Space will do wrong (docs/hub-rules.md).

use super::{Report, fields, joi_list, js_length};
use crate::card::{Node, Value};
use crate::verdict::Code;

const COLORS: &[&str] = &["red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"];
const SDKS: &[&str] = &["gradio", "docker", "static", "streamlit"];
const HEADERS: &[&str] = &["mini", "default"];
const STORAGE: &[&str] = &["small", "medium", "large"];
/// `hf_oauth_scopes`: `openid` and `profile` (always granted, harmless to list) and the 16
/// optional scopes of hub-docs `spaces-oauth.md` as of 2026-08-20 (hub-docs#2712 added
/// `read-memberships`, #2686 the endpoint scopes, #2371 the collection scopes, #2014
/// `contribute-repos`, `jobs`, `webhooks`).
const OAUTH_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "read-billing",
    "read-memberships",
    "read-repos",
    "gated-repos",
    "contribute-repos",
    "write-repos",
    "manage-repos",
    "read-collections",
    "write-collections",
    "inference-api",
    "read-endpoints",
    "write-endpoints",
    "jobs",
    "webhooks",
    "write-discussions",
];
/// `suggested_hardware`: huggingface_hub's `SpaceHardware`, which mirrors the Hub's own list of
/// flavors (`_space_api.py`, synced with the Hub in huggingface_hub#3965), in its order. hub-docs'
/// `spaces-config-reference.md` lists a subset (no `zero-a10g`).
const HARDWARE: &[&str] = &[
    "cpu-basic",
    "cpu-upgrade",
    "cpu-performance",
    "cpu-xl",
    "sprx8",
    "zero-a10g",
    "t4-small",
    "t4-medium",
    "l4x1",
    "l4x4",
    "l40sx1",
    "l40sx4",
    "l40sx8",
    "a10g-small",
    "a10g-large",
    "a10g-largex2",
    "a10g-largex4",
    "a100-large",
    "a100x4",
    "a100x8",
    "h200",
    "h200x2",
    "h200x4",
    "h200x8",
    "inf2x6",
];

/// Checks the Space-only keys.
pub(super) fn check(r: &mut Report<'_>, root: &Node) {
    for key in ["colorFrom", "colorTo"] {
        if let Some(n) = root.get(key)
            && !n.as_str().is_some_and(|s| COLORS.contains(&s))
        {
            r.error(
                Code::HubSpaceColorInvalid,
                Some(n),
                format!("\"{key}\" must be one of {}", joi_list(COLORS)),
            );
        }
    }
    if let Some(n) = root.get("short_description") {
        match n.as_str() {
            Some(s) if js_length(s) > 60 => r.error(
                Code::HubSpaceDescriptionTooLong,
                Some(n),
                "\"short_description\" length must be less than or equal to 60 characters long".into(),
            ),
            Some(_) => {}
            // Only the length is seen refused; a non-string is a configuration warning.
            None => r.warn(
                Code::HubSpaceConfigInvalid,
                Some(n),
                "\"short_description\" must be a string".into(),
            ),
        }
    }
    config(r, root);
}

fn config(r: &mut Report<'_>, root: &Node) {
    const CODE: Code = Code::HubSpaceConfigInvalid;
    for key in [
        "title",
        "emoji",
        "sdk_version",
        "python_version",
        "app_file",
        "app_build_command",
        "thumbnail",
        "startup_duration_timeout",
    ] {
        if let Some(n) = root.get(key)
            && n.as_str().is_none()
        {
            let hint = if matches!(n.value, Value::Number(_)) {
                " (quote it: a bare 3.10 reads as the number 3.1)"
            } else {
                ""
            };
            r.warn(CODE, Some(n), format!("\"{key}\" must be a string{hint}"));
        }
    }
    for (key, allowed) in [
        ("sdk", SDKS),
        ("header", HEADERS),
        ("suggested_storage", STORAGE),
        ("suggested_hardware", HARDWARE),
    ] {
        if let Some(n) = root.get(key)
            && !n.as_str().is_some_and(|s| allowed.contains(&s))
        {
            r.warn(CODE, Some(n), format!("\"{key}\" must be one of {}", joi_list(allowed)));
        }
    }
    for key in ["fullWidth", "pinned", "hf_oauth", "disable_embedding"] {
        if let Some(n) = root.get(key)
            && !matches!(n.value, Value::Bool(_))
        {
            r.warn(CODE, Some(n), format!("\"{key}\" must be a boolean"));
        }
    }
    if let Some(n) = root.get("app_port")
        && !matches!(n.value, Value::Number(p) if p.fract() == 0.0 && (1.0..=65535.0).contains(&p))
    {
        r.warn(CODE, Some(n), "\"app_port\" must be a port number".into());
    }
    if let Some(n) = root.get("hf_oauth_expiration_minutes")
        && !matches!(n.value, Value::Number(m) if m.fract() == 0.0 && (1.0..=43200.0).contains(&m))
    {
        r.warn(
            CODE,
            Some(n),
            "\"hf_oauth_expiration_minutes\" must be less than or equal to 43200".into(),
        );
    }
    if let Some(n) = root.get("base_path")
        && !n.as_str().is_some_and(|s| s.starts_with('/'))
    {
        r.warn(CODE, Some(n), "\"base_path\" must be a string starting with /".into());
    }
    for key in ["models", "datasets", "tags", "preload_from_hub"] {
        if key != "datasets"
            && key != "tags"
            && let Some(n) = root.get(key)
        {
            fields::string_array(r, CODE, key, n);
        }
    }
    if let Some(n) = root.get("hf_oauth_scopes") {
        match n.as_seq() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    if !item.as_str().is_some_and(|s| OAUTH_SCOPES.contains(&s)) {
                        r.warn(
                            CODE,
                            Some(item),
                            format!("\"hf_oauth_scopes[{i}]\" must be one of {}", joi_list(OAUTH_SCOPES)),
                        );
                    }
                }
            }
            None => r.warn(CODE, Some(n), "\"hf_oauth_scopes\" must be an array".into()),
        }
    }
}
