//! `model-index`: the evaluation-results structure of model cards
//! (docs/sources.md#model-card-fields).
//!
//! `[{name, results: [{task: {type*, name}, dataset: {type*, name*, config, split, revision,
//! args}, metrics: [{type*, value*, name, config, args, verifyToken}], source: {name, url*}}]}]`,
//! `*` = required. Types are checked where the spec gives them, as errors: the Hub refuses e.g. a
//! numeric `dataset.config` (`"model-index[0].results[0].dataset.config" must be a string`).
//! Missing required keys are warnings: no refusal for one has been seen, and huggingface.js types
//! `dataset` as optional ("This will switch to required at some point").

use super::Report;
use crate::card::{Node, Value};
use crate::verdict::Code;

const CODE: Code = Code::HubModelIndexInvalid;

/// Checks `model-index` when present.
pub(super) fn check(r: &mut Report<'_>, root: &Node) {
    let Some(mi) = root.get("model-index") else {
        return;
    };
    let Some(models) = array(r, "model-index", mi) else {
        return;
    };
    for (i, model) in models.iter().enumerate() {
        let label = format!("model-index[{i}]");
        if !object(r, &label, model) {
            continue;
        }
        strings(r, &label, model, &[], &["name"]);
        let Some(results) = model.get("results") else {
            continue;
        };
        let Some(results) = array(r, &format!("{label}.results"), results) else {
            continue;
        };
        for (j, result) in results.iter().enumerate() {
            let label = format!("{label}.results[{j}]");
            if !object(r, &label, result) {
                continue;
            }
            if let Some(task) = result.get("task") {
                let l = format!("{label}.task");
                if object(r, &l, task) {
                    strings(r, &l, task, &["type"], &["name"]);
                }
            }
            if let Some(dataset) = result.get("dataset") {
                let l = format!("{label}.dataset");
                if object(r, &l, dataset) {
                    strings(r, &l, dataset, &["type", "name"], &["config", "split", "revision"]);
                }
            }
            if let Some(source) = result.get("source") {
                let l = format!("{label}.source");
                if object(r, &l, source) {
                    strings(r, &l, source, &["url"], &["name"]);
                }
            }
            if let Some(metrics) = result.get("metrics")
                && let Some(metrics) = array(r, &format!("{label}.metrics"), metrics)
            {
                for (k, metric) in metrics.iter().enumerate() {
                    let l = format!("{label}.metrics[{k}]");
                    if object(r, &l, metric) {
                        strings(r, &l, metric, &["type"], &["name", "config", "verifyToken"]);
                        if metric.get("value").is_none() {
                            r.warn(CODE, Some(metric), format!("\"{l}.value\" is required"));
                        }
                    }
                }
            }
        }
    }
}

fn array<'n>(r: &mut Report<'_>, label: &str, n: &'n Node) -> Option<&'n [Node]> {
    let items = n.as_seq();
    if items.is_none() {
        r.error(CODE, Some(n), format!("\"{label}\" must be an array"));
    }
    items
}

fn object(r: &mut Report<'_>, label: &str, n: &Node) -> bool {
    let ok = matches!(n.value, Value::Map(_));
    if !ok {
        r.error(CODE, Some(n), format!("\"{label}\" must be of type object"));
    }
    ok
}

/// Required and optional string keys of an object. A missing required key is a warning: the
/// documentation calls it required, but no refusal for one has been seen (docs/hub-rules.md).
fn strings(r: &mut Report<'_>, label: &str, n: &Node, required: &[&str], optional: &[&str]) {
    for key in required {
        if n.get(key).is_none() {
            r.warn(CODE, Some(n), format!("\"{label}.{key}\" is required"));
        }
    }
    for key in required.iter().chain(optional) {
        if let Some(v) = n.get(key)
            && v.as_str().is_none()
        {
            r.error(CODE, Some(v), format!("\"{label}.{key}\" must be a string"));
        }
    }
}
