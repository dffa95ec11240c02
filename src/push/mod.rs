//! The push: one value built once, from git's environment and the hook's stdin, that both hooks
//! take. post-receive writes it ahead of any other work (the journal), so a push kept for later
//! is recorded with its own pusher, options and time, never the next pusher's.

pub mod input;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::env::Env;
use crate::repo::Quarantine;
use crate::repo::name::{Case, Name};
use crate::repo::update::Update;

/// Everything hubgate knows about one push.
#[derive(Debug, Clone)]
pub struct Push {
    /// This push's own identity (`<unix seconds>-<pid>-<nanos>`): discussion entries are keyed
    /// on it, so replaying a kept push records nothing twice, while a later push of the same
    /// update (a revert re-applied) is recorded again.
    pub id: String,
    /// The repository's name, as policies match it.
    pub repo: Name,
    /// The repository (`GIT_DIR`).
    pub git_dir: PathBuf,
    /// The ref updates, in git's order.
    pub updates: Vec<Update>,
    /// Who pushed, when the server says.
    pub pusher: Option<String>,
    /// The push options (`git push -o`).
    pub push_options: Vec<String>,
    /// The forge's `owner` and `name`, when a forge runs the hook.
    pub forge_repo: Option<(String, String)>,
    /// A push the forge made itself (Gitea's merges and web edits).
    pub internal: bool,
    /// The push's objects while pre-receive runs.
    pub quarantine: Quarantine,
    /// `GIT_REPLACE_REF_BASE`, when the server sets it (see [`crate::policy::replace`]).
    pub replace_ref_base: Option<String>,
    /// When the hook received it (unix seconds).
    pub time: i64,
}

impl Push {
    /// Builds the push from the environment and the parsed hook input.
    pub fn new(env: &Env, updates: Vec<Update>) -> Push {
        let git_dir = env.git_dir.clone().unwrap_or_else(|| PathBuf::from("."));
        let time = crate::time::now();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Push {
            id: format!("{time}-{}-{nanos:09}", std::process::id()),
            repo: env.repo_name(&git_dir),
            git_dir,
            updates,
            pusher: env.pusher.clone(),
            push_options: env.push_options.clone(),
            forge_repo: env.forge_repo.clone(),
            internal: env.internal_push,
            quarantine: env.quarantine.clone(),
            replace_ref_base: env.replace_ref_base.clone(),
            time,
        }
    }

    /// The reason given with `git push -o hubgate.override=<reason>`, if any.
    pub fn override_reason(&self) -> Option<&str> {
        self.push_options
            .iter()
            .rev()
            .find_map(|o| o.strip_prefix("hubgate.override="))
            .map(str::trim)
    }

    /// The forge's owner and name: its variables, else the repository name split at the last `/`.
    pub fn forge_owner_name(&self) -> (String, String) {
        match &self.forge_repo {
            Some((o, n)) => (o.clone(), n.clone()),
            None => match self.repo.text.rsplit_once('/') {
                Some((o, n)) => (o.to_owned(), n.to_owned()),
                None => (String::new(), self.repo.text.clone()),
            },
        }
    }

    /// The form kept on disk by post-receive's journal.
    pub fn to_record(&self) -> Record {
        Record {
            version: 1,
            id: self.id.clone(),
            repo: self.repo.text.clone(),
            repo_ignores_case: self.repo.case == Case::Insensitive,
            updates: self
                .updates
                .iter()
                .map(|u| {
                    let hex = |id: Option<gix::ObjectId>| id.map(|i| i.to_string());
                    [hex(u.old), hex(u.new), Some(u.refname.clone())]
                })
                .collect(),
            pusher: self.pusher.clone(),
            push_options: self.push_options.clone(),
            forge_repo: self.forge_repo.clone(),
            internal: self.internal,
            time: self.time,
        }
    }

    /// A push read back from the journal, for `git_dir`.
    pub fn from_record(record: Record, git_dir: PathBuf) -> Result<Push, String> {
        if record.version != 1 {
            return Err(format!("unknown journal version {}", record.version));
        }
        let mut updates = Vec::new();
        for (i, [old, new, refname]) in record.updates.into_iter().enumerate() {
            let id = |hex: Option<String>| -> Result<Option<gix::ObjectId>, String> {
                hex.map(|h| gix::ObjectId::from_hex(h.as_bytes()).map_err(|e| format!("update {}: {e}", i + 1)))
                    .transpose()
            };
            let refname = refname.ok_or_else(|| format!("update {} has no ref name", i + 1))?;
            updates.push(Update {
                old: id(old)?,
                new: id(new)?,
                refname,
            });
        }
        let repo = if record.repo_ignores_case {
            Name::forge(record.repo)
        } else {
            Name::exact(record.repo)
        };
        Ok(Push {
            id: record.id,
            repo,
            git_dir,
            updates,
            pusher: record.pusher,
            push_options: record.push_options,
            forge_repo: record.forge_repo,
            internal: record.internal,
            quarantine: Quarantine::default(),
            replace_ref_base: None,
            time: record.time,
        })
    }
}

/// A push as post-receive's journal keeps it (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Format version (1).
    pub version: u32,
    /// [`Push::id`].
    pub id: String,
    /// The repository's name.
    pub repo: String,
    /// Whether the name is compared ignoring case (a forge's name).
    pub repo_ignores_case: bool,
    /// `[old, new, ref]`, ids in hex, `null` for none.
    pub updates: Vec<[Option<String>; 3]>,
    /// [`Push::pusher`].
    pub pusher: Option<String>,
    /// [`Push::push_options`].
    pub push_options: Vec<String>,
    /// [`Push::forge_repo`].
    pub forge_repo: Option<(String, String)>,
    /// [`Push::internal`].
    pub internal: bool,
    /// [`Push::time`].
    pub time: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_push_survives_the_journal() {
        let updates = crate::push::input::parse(
            b"0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 refs/heads/main\n\
              2222222222222222222222222222222222222222 0000000000000000000000000000000000000000 refs/pr/1\n",
        )
        .expect("valid");
        let env = Env {
            pusher: Some("alice".into()),
            push_options: vec!["hubgate.override=reviewed".into()],
            forge_repo: Some(("acme".into(), "Model".into())),
            ..Env::default()
        };
        let push = Push::new(&env, updates.clone());
        let text = serde_json::to_string(&push.to_record()).expect("json");
        let back = Push::from_record(serde_json::from_str(&text).expect("json"), PathBuf::from(".")).expect("valid");
        assert_eq!(back.updates, updates);
        assert_eq!(back.id, push.id);
        assert_eq!(back.pusher.as_deref(), Some("alice"));
        assert_eq!(back.override_reason(), Some("reviewed"));
        assert_eq!(back.repo.case, Case::Insensitive);
        assert_eq!(back.time, push.time);
    }
}
