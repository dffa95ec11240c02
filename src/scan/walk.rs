//! Which blobs a push brings, found at a cost proportional to the push, not to the history.
//!
//! In pre-receive the push's objects sit in the quarantine (GIT-FORGE.md 1.3): a commit, tree or
//! blob there is new, one outside existed before. The walk starts at each updated ref's new tip,
//! follows parents only while they are new, and descends only into new trees: an old tree holds
//! only old blobs. Every new blob is reported with its path and the first ref that brought it,
//! including files added and deleted again within the push (the Hub finds those too, HUB-SPEC
//! 1.8). Without a quarantine (`check`, or git older than 2.11) the commits of a range are
//! compared with their parents instead.

use std::collections::HashSet;

use anyhow::Result;
use gix::ObjectId;

use crate::hook::input::Update;
use crate::repo::Repo;

/// A blob the push brings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBlob {
    /// Path in the commit's tree.
    pub path: String,
    /// The blob.
    pub id: ObjectId,
    /// The ref it came with.
    pub refname: String,
}

/// The new blobs of a push, from the quarantine.
pub fn pushed(repo: &Repo, updates: &[Update]) -> Result<Vec<NewBlob>> {
    let mut seen_commits = HashSet::new();
    let mut seen_blobs = HashSet::new();
    let mut seen_trees = HashSet::new();
    let mut out = Vec::new();
    for u in updates {
        let Some(tip) = u.new else { continue };
        let mut stack = match repo.commit(tip) {
            Ok(Some(c)) if repo.is_pushed(&c) => vec![c],
            _ => continue,
        };
        while let Some(commit) = stack.pop() {
            if !seen_commits.insert(commit) {
                continue;
            }
            let (tree, parents) = repo.commit_parts(commit)?;
            stack.extend(parents.into_iter().filter(|p| repo.is_pushed(p)));
            let mut trees = vec![(tree, String::new())];
            while let Some((tree, prefix)) = trees.pop() {
                if !repo.is_pushed(&tree) || !seen_trees.insert(tree) {
                    continue;
                }
                for e in repo.tree_entries(tree)? {
                    let path = if prefix.is_empty() {
                        e.name.clone()
                    } else {
                        format!("{prefix}/{}", e.name)
                    };
                    if e.is_tree {
                        trees.push((e.id, path));
                    } else if e.is_blob && repo.is_pushed(&e.id) && seen_blobs.insert(e.id) {
                        out.push(NewBlob {
                            path,
                            id: e.id,
                            refname: u.refname.clone(),
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The blobs the commits of `old..new` add or change, compared with their parents.
pub fn range(repo: &Repo, old: Option<ObjectId>, new: ObjectId, refname: &str) -> Result<Vec<NewBlob>> {
    let hidden: Vec<ObjectId> = old.into_iter().collect();
    range_hiding(repo, &hidden, new, refname)
}

/// The blobs the commits reachable from `new` but not from `hidden` add or change.
pub fn range_hiding(repo: &Repo, hidden: &[ObjectId], new: ObjectId, refname: &str) -> Result<Vec<NewBlob>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for commit in repo.commits_between(new, hidden)? {
        let (tree, parents) = repo.commit_parts(commit)?;
        let bases: Vec<Option<ObjectId>> = if parents.is_empty() {
            vec![None]
        } else {
            parents
                .iter()
                .map(|p| repo.commit_parts(*p).map(|(t, _)| Some(t)))
                .collect::<Result<_>>()?
        };
        for base in bases {
            diff(repo, tree, base, "", refname, &mut seen, &mut out)?;
        }
    }
    Ok(out)
}

/// Every blob of the tree at `commit` (a ref checked as if newly pushed).
pub fn tip(repo: &Repo, commit: ObjectId, refname: &str) -> Result<Vec<NewBlob>> {
    let (tree, _) = repo.commit_parts(commit)?;
    let mut out = Vec::new();
    diff(repo, tree, None, "", refname, &mut HashSet::new(), &mut out)?;
    Ok(out)
}

fn diff(
    repo: &Repo,
    tree: ObjectId,
    base: Option<ObjectId>,
    prefix: &str,
    refname: &str,
    seen: &mut HashSet<ObjectId>,
    out: &mut Vec<NewBlob>,
) -> Result<()> {
    if Some(tree) == base {
        return Ok(());
    }
    let before = match base {
        Some(b) => repo.tree_entries(b)?,
        None => Vec::new(),
    };
    for e in repo.tree_entries(tree)? {
        let old = before.iter().find(|b| b.name == e.name);
        if old.is_some_and(|o| o.id == e.id) {
            continue;
        }
        let path = if prefix.is_empty() {
            e.name.clone()
        } else {
            format!("{prefix}/{}", e.name)
        };
        if e.is_tree {
            let old_tree = old.filter(|o| o.is_tree).map(|o| o.id);
            diff(repo, e.id, old_tree, &path, refname, seen, out)?;
        } else if e.is_blob && seen.insert(e.id) {
            out.push(NewBlob {
                path,
                id: e.id,
                refname: refname.to_owned(),
            });
        }
    }
    Ok(())
}
