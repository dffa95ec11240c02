//! Hook mode: git runs `hubgate pre-receive` and `post-receive` with the push on stdin. Both
//! hooks take the same value, [`Push`], and are library functions: the binary only reads and
//! prints.

mod cards;
pub mod gate;
pub mod post_receive;

use anyhow::Result;

use crate::policy::Policy;
use crate::push::Push;
use crate::verdict::Finding;

/// pre-receive as a library pipeline: the push in, its findings out (overrides applied). `all`
/// are the administrator's policies; those matching the repository apply.
pub fn pre_receive(push: &Push, all: &[Policy]) -> Result<Vec<Finding>> {
    let applied = crate::policy::select(all, &push.repo, None).map_err(anyhow::Error::msg)?;
    tracing::debug!(repo = %push.repo, policies = applied.policies.len(), refs = push.updates.len(), "pre-receive");
    if push.internal && applied.policies.iter().all(|p| p.skip_internal_pushes) {
        tracing::debug!("internal Gitea push; every policy skips those");
        return Ok(Vec::new());
    }
    let repo = crate::repo::Repo::open(&push.git_dir, &push.quarantine)?;
    let findings = gate::check(
        &repo,
        &applied,
        &push.updates,
        gate::Scan::Push,
        push.replace_ref_base.as_deref(),
    )?;
    Ok(crate::policy::overrides::apply(
        findings,
        &applied,
        push.pusher.as_deref(),
        push.override_reason(),
    ))
}
