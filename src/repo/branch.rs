//! Which branch is a repository's default, for the `HEAD` watch pattern and `hubgate doctor`.
//!
//! `HEAD` alone is not enough: `git init --bare` (with git's built-in default) and gitolite create
//! repositories whose `HEAD` names `refs/heads/master` while clients push `main`, so a `HEAD` that
//! names a branch which does not exist would silently watch nothing. The default branch is:
//!
//! 1. the branch `HEAD` names, if it exists;
//! 2. else the only branch, if there is exactly one;
//! 3. else `refs/heads/main` if it exists, else `refs/heads/master` if it exists;
//! 4. else the first branch the push being recorded creates (in the order of its input);
//! 5. else none.
//!
//! post-receive runs after git updated the refs, so "exists" means after the push (a push that
//! deletes the branch `HEAD` names, where git allows it, is still recorded as the default branch's
//! deletion). When rule 1 does not apply, [`DefaultBranch::note`] says so in one line, so that the
//! pusher can tell the repository's owner to set `HEAD`.

use anyhow::Result;

/// The default branch of a repository and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultBranch {
    /// The branch (a full ref name) taken as the default, if any.
    pub branch: Option<String>,
    /// What `HEAD` names when that is not an existing branch: `Some(name)` for a branch that does
    /// not exist, `Some("")` for a `HEAD` that names no branch (detached); `None` when `HEAD`'s
    /// branch exists (rule 1).
    pub unborn_head: Option<String>,
    /// Whether any branch exists at all (with none, an unborn `HEAD` is a new repository's).
    pub any_branch: bool,
}

/// The main branch name tried first by rule 3.
const MAIN: &str = "refs/heads/main";
/// The one tried after it.
const MASTER: &str = "refs/heads/master";

/// Chooses the default branch from what `HEAD` names (`None`: detached), every existing branch
/// (full ref names) and the branches the push creates, in input order (see the module comment).
pub fn choose(head: Option<&str>, branches: &[String], created: &[String]) -> DefaultBranch {
    let exists = |name: &str| branches.iter().any(|b| b == name);
    if let Some(head) = head.filter(|h| exists(h)) {
        return DefaultBranch {
            branch: Some(head.to_owned()),
            unborn_head: None,
            any_branch: true,
        };
    }
    let branch = if let [only] = branches {
        Some(only.clone())
    } else if exists(MAIN) {
        Some(MAIN.to_owned())
    } else if exists(MASTER) {
        Some(MASTER.to_owned())
    } else {
        created.iter().find(|c| exists(c)).cloned()
    };
    DefaultBranch {
        branch,
        unborn_head: Some(head.unwrap_or_default().to_owned()),
        any_branch: !branches.is_empty(),
    }
}

impl DefaultBranch {
    /// The default branch of the repository `repo`, as it is now; `created` are the branches the
    /// push being recorded creates (empty outside a push). Reads one ref when `HEAD`'s branch
    /// exists, and lists the branch names (without reading their commits) only when it does not.
    pub fn of(refs: &super::refs::Refs, created: &[String]) -> Result<DefaultBranch> {
        let head = match refs.head()? {
            super::refs::Head::Branch(name) => {
                return Ok(DefaultBranch {
                    branch: Some(name),
                    unborn_head: None,
                    any_branch: true,
                });
            }
            super::refs::Head::Unborn(name) => Some(name),
            super::refs::Head::Detached => None,
        };
        Ok(choose(head.as_deref(), &refs.branch_names()?, created))
    }

    /// What is wrong with `HEAD` (it names a branch that does not exist, or none) while branches
    /// exist; `None` when nothing is (a repository without branches has an unborn `HEAD`).
    pub fn head_problem(&self) -> Option<String> {
        let head = self.unborn_head.as_deref().filter(|_| self.any_branch)?;
        Some(if head.is_empty() {
            "HEAD names no branch".to_owned()
        } else {
            format!("HEAD names {head}, which does not exist")
        })
    }

    /// Which branch discussions follow, in words.
    pub fn follows(&self) -> String {
        match &self.branch {
            Some(b) => format!("discussions follow {b}"),
            None => "discussions follow no branch (several exist, none is main or master)".to_owned(),
        }
    }

    /// The line for the pusher when `HEAD` does not name an existing branch while branches exist:
    /// which branch discussions follow instead, so that the owner learns to fix `HEAD`.
    pub fn note(&self) -> Option<String> {
        let problem = self.head_problem()?;
        let follows = self.follows();
        Some(match &self.branch {
            Some(_) => format!("hubgate: {problem}; {follows}"),
            None => format!(
                "hubgate: {problem}; {follows}: the repository's owner sets HEAD with \
                 `git symbolic-ref HEAD refs/heads/<branch>`"
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|b| format!("refs/heads/{b}")).collect()
    }

    fn chosen(head: Option<&str>, branches: &[&str], created: &[&str]) -> Option<String> {
        let head = head.map(|h| format!("refs/heads/{h}"));
        choose(head.as_deref(), &names(branches), &names(created)).branch
    }

    #[test]
    fn each_rule_in_order() {
        let b = |s: &str| Some(format!("refs/heads/{s}"));
        // 1. HEAD's branch, when it exists, whatever else exists.
        assert_eq!(chosen(Some("dev"), &["main", "dev"], &["main"]), b("dev"));
        // 2. The only branch.
        assert_eq!(chosen(Some("master"), &["trunk"], &[]), b("trunk"));
        assert_eq!(chosen(None, &["trunk"], &[]), b("trunk"));
        // 3. main, then master.
        assert_eq!(chosen(Some("gone"), &["dev", "master", "main"], &["dev"]), b("main"));
        assert_eq!(chosen(Some("gone"), &["dev", "master"], &["dev"]), b("master"));
        // 4. The first branch the push creates, in input order (and still there).
        assert_eq!(chosen(Some("master"), &["a", "b", "c"], &["c", "b"]), b("c"));
        assert_eq!(chosen(Some("master"), &["a", "b"], &["gone", "b"]), b("b"));
        // 5. None.
        assert_eq!(chosen(Some("master"), &["a", "b"], &[]), None);
        assert_eq!(chosen(Some("master"), &[], &[]), None);
    }

    #[test]
    fn the_note_says_what_head_names_and_what_is_followed() {
        let heads = |h: &str| Some(format!("refs/heads/{h}"));
        let d = choose(heads("master").as_deref(), &names(&["main"]), &names(&["main"]));
        assert_eq!(
            d.note().as_deref(),
            Some("hubgate: HEAD names refs/heads/master, which does not exist; discussions follow refs/heads/main")
        );
        let d = choose(None, &names(&["a", "b"]), &[]);
        let note = d.note().unwrap_or_default();
        assert!(
            note.starts_with("hubgate: HEAD names no branch; discussions follow no branch"),
            "{note}"
        );
        // Nothing to say when HEAD's branch exists, nor in a repository without branches.
        assert_eq!(choose(heads("main").as_deref(), &names(&["main"]), &[]).note(), None);
        assert_eq!(choose(heads("master").as_deref(), &[], &[]).note(), None);
    }

    #[test]
    fn read_from_a_real_repository() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path();
        let git = |args: &[&str]| crate::repo::test_git::git(dir, args);
        git(&["init", "-q", "--bare", "-b", "master"]);
        let open = || crate::repo::Repo::open(dir, &Default::default()).expect("open");
        let d = open().default_branch(&[]).expect("read");
        assert_eq!((d.branch, d.any_branch), (None, false));
        let tree = git(&["mktree"]);
        let commit = git(&["commit-tree", &tree, "-m", "x"]);
        git(&["update-ref", "refs/heads/main", &commit]);
        let d = open().default_branch(&[]).expect("read");
        assert_eq!(d.branch.as_deref(), Some("refs/heads/main"));
        assert_eq!(d.unborn_head.as_deref(), Some("refs/heads/master"));
        git(&["symbolic-ref", "HEAD", "refs/heads/main"]);
        let d = open().default_branch(&[]).expect("read");
        assert_eq!((d.branch.as_deref(), d.unborn_head), (Some("refs/heads/main"), None));
    }
}
