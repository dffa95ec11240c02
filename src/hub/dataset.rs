//! Dataset cards: the legacy plural keys, task lists and `configs`
//! (docs/sources.md#dataset-card-fields, docs/hub-rules.md).

use super::{Report, fields};
use crate::card::{Node, Value};
use crate::verdict::Code;

/// Checks the dataset-only keys.
pub(super) fn check(r: &mut Report<'_>, root: &Node) {
    for key in ["licenses", "languages"] {
        if let Some(entry) = root.entry(key) {
            r.error(
                Code::HubDatasetLegacyKey,
                Some(&entry.value),
                format!("\"{key}\" is not allowed"),
            );
        }
    }
    for key in ["task_categories", "task_ids"] {
        if let Some(n) = root.get(key) {
            fields::string_array(r, Code::HubDatasetTaskInvalid, key, n);
        }
    }
    if let Some(configs) = root.get("configs") {
        check_configs(r, configs);
    }
}

/// `configs: [{config_name*, data_files?, data_dir?, default?}]`; documented, not known to be
/// enforced by the Hub, so warnings.
fn check_configs(r: &mut Report<'_>, configs: &Node) {
    const CODE: Code = Code::HubDatasetConfigsInvalid;
    let Some(list) = configs.as_seq() else {
        r.warn(CODE, Some(configs), "\"configs\" must be an array".into());
        return;
    };
    for (i, config) in list.iter().enumerate() {
        let label = format!("configs[{i}]");
        if !matches!(config.value, Value::Map(_)) {
            r.warn(CODE, Some(config), format!("\"{label}\" must be of type object"));
            continue;
        }
        match config.get("config_name") {
            None => r.warn(CODE, Some(config), format!("\"{label}.config_name\" is required")),
            Some(n) if n.as_str().is_none() => {
                r.warn(CODE, Some(n), format!("\"{label}.config_name\" must be a string"));
            }
            Some(_) => {}
        }
        if let Some(n) = config.get("data_dir")
            && n.as_str().is_none()
        {
            r.warn(CODE, Some(n), format!("\"{label}.data_dir\" must be a string"));
        }
        if let Some(n) = config.get("default")
            && !matches!(n.value, Value::Bool(_))
        {
            r.warn(CODE, Some(n), format!("\"{label}.default\" must be a boolean"));
        }
        if let Some(files) = config.get("data_files") {
            data_files(r, &format!("{label}.data_files"), files);
        }
    }
}

/// `data_files`: a path, a list of paths, or a list of `{split, path}` (path: string or list).
fn data_files(r: &mut Report<'_>, label: &str, n: &Node) {
    const CODE: Code = Code::HubDatasetConfigsInvalid;
    match &n.value {
        Value::String(_) => {}
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let l = format!("{label}[{i}]");
                match &item.value {
                    Value::String(_) => {}
                    Value::Map(_) => {
                        if item.get("split").and_then(Node::as_str).is_none() {
                            r.warn(CODE, Some(item), format!("\"{l}.split\" must be a string"));
                        }
                        match item.get("path").map(|p| &p.value) {
                            Some(Value::String(_)) => {}
                            Some(Value::Seq(paths)) if paths.iter().all(|p| p.as_str().is_some()) => {}
                            _ => r.warn(
                                CODE,
                                Some(item),
                                format!("\"{l}.path\" must be a string or an array of strings"),
                            ),
                        }
                    }
                    _ => r.warn(CODE, Some(item), format!("\"{l}\" must be a string or an object")),
                }
            }
        }
        _ => r.warn(CODE, Some(n), format!("\"{label}\" must be one of [string, array]")),
    }
}
