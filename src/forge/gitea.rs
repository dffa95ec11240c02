//! Delivering discussion entries as issues on Gitea or Forgejo (REST API v1, go-gitea/gitea
//! `templates/swagger/v1_json.tmpl` at v1.25.4; docs/sources.md#gitea-api): find or create the
//! label, then create the issue with the label's id (`CreateIssueOption.labels` takes ids only). A
//! retried delivery first looks for an issue that already carries the entry's marker, so an issue
//! whose creation succeeded but whose answer was lost is never created twice.
//!
//! Lists come in pages: Gitea answers at most `[api] MAX_RESPONSE_ITEMS` (50 by default) items a
//! page whatever `limit` asks, and sets `X-Total-Count` (go-gitea/gitea
//! `routers/api/v1/utils/page.go`, `services/convert/utils.go` `ToCorrectPageSize`,
//! `routers/api/v1/repo/label.go` `ListLabels`). Every value put into a query is percent-encoded
//! (ureq's `query`), so a label such as `risk review & audit #1` reaches Gitea whole.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::json;

use crate::discussion::{Entry, render};

/// The page size asked for: Gitea's default `MAX_RESPONSE_ITEMS` (a larger `limit` is cut to it).
const PAGE: usize = 50;
/// Pages of labels read at most (5,000 labels): a server that never ends its list must not keep
/// a delivery going until its deadline.
const MAX_LABEL_PAGES: usize = 100;
/// Pages of labelled issues searched for an earlier delivery (the newest 1,000); an issue whose
/// answer was lost is among the newest.
const MAX_ISSUE_PAGES: usize = 20;

/// A client for one repository on the forge.
pub struct Client {
    agent: ureq::Agent,
    api: String,
    token: String,
    owner: String,
    repo: String,
    label: String,
    label_color: String,
    /// Every request ends by then.
    deadline: Instant,
}

#[derive(Deserialize)]
struct Label {
    id: i64,
    name: String,
}

#[derive(Deserialize)]
struct Issue {
    number: i64,
    #[serde(default)]
    body: String,
}

impl Client {
    /// A client for `owner/repo` whose requests all end by `deadline`: one delivery takes several
    /// requests, and each gets only the time left, so a forge that answers slowly cannot stretch
    /// the caller past its deadline.
    pub fn new(cfg: &crate::config::Gitea, owner: &str, repo: &str, deadline: Instant) -> Result<Client> {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        Ok(Client {
            agent,
            api: format!("{}/api/v1", cfg.url.trim_end_matches('/')),
            token: cfg.token()?,
            owner: owner.to_owned(),
            repo: repo.to_owned(),
            label: cfg.label.clone(),
            label_color: cfg.label_color.clone(),
            deadline,
        })
    }

    /// The time left before the deadline, or an error once it has passed.
    fn left(&self) -> Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        anyhow::ensure!(
            !left.is_zero(),
            "out of time: the forge did not answer before the deadline"
        );
        Ok(left)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/repos/{}/{}{path}", self.api, self.owner, self.repo)
    }

    fn auth(&self) -> String {
        format!("token {}", self.token)
    }

    /// One page of a list: `query` (each value percent-encoded) with `page` and `limit`, and the
    /// `X-Total-Count` the forge gave, if any.
    fn get_page<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        page: usize,
    ) -> Result<(Vec<T>, Option<usize>)> {
        let url = self.url(path);
        let (page, limit) = (page.to_string(), PAGE.to_string());
        let mut resp = self
            .agent
            .get(&url)
            .query_pairs(query.iter().copied())
            .query("page", &page)
            .query("limit", &limit)
            .header("Authorization", self.auth())
            .config()
            .timeout_global(Some(self.left()?))
            .build()
            .call()
            .map_err(transport)?;
        check(resp.status().as_u16(), "GET", &format!("{url} (page {page})"))?;
        let total = resp
            .headers()
            .get("x-total-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let items = resp
            .body_mut()
            .read_json()
            .context("unexpected answer from the forge")?;
        Ok((items, total))
    }

    /// Reads `path` page by page, at most `max_pages`, until `pick` finds an item. The list has
    /// ended at an empty page, once as many items as `X-Total-Count` said were read, or (when the
    /// forge gave no count) at a page shorter than asked for.
    fn search<T: serde::de::DeserializeOwned, R>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        max_pages: usize,
        pick: impl Fn(&T) -> Option<R>,
    ) -> Result<Search<R>> {
        let mut seen = 0;
        for page in 1..=max_pages {
            let (items, total): (Vec<T>, _) = self.get_page(path, query, page)?;
            if let Some(found) = items.iter().find_map(&pick) {
                return Ok(Search::Found(found));
            }
            seen += items.len();
            let ended = match total {
                Some(total) => seen >= total,
                None => items.len() < PAGE,
            };
            if items.is_empty() || ended {
                return Ok(Search::Ended);
            }
        }
        Ok(Search::Bound)
    }

    fn post<T: serde::de::DeserializeOwned>(&self, url: &str, body: &serde_json::Value) -> Result<T> {
        let mut resp = self
            .agent
            .post(url)
            .header("Authorization", self.auth())
            .config()
            .timeout_global(Some(self.left()?))
            .build()
            .send_json(body)
            .map_err(transport)?;
        check(resp.status().as_u16(), "POST", url)?;
        resp.body_mut().read_json().context("unexpected answer from the forge")
    }

    /// The id of the configured label, creating the label when the repository lacks it (every
    /// page read first: a repository with many labels must not get a second one of ours).
    fn label_id(&self) -> Result<i64> {
        let found = self.search("/labels", &[], MAX_LABEL_PAGES, |l: &Label| {
            (l.name == self.label).then_some(l.id)
        })?;
        match found {
            Search::Found(id) => return Ok(id),
            Search::Ended => {}
            Search::Bound => bail!(
                "gave up after {MAX_LABEL_PAGES} pages of labels ({} labels) without finding `{}`: \
                 the forge's list does not end; not creating the label, which may be on a page not read",
                MAX_LABEL_PAGES * PAGE,
                self.label
            ),
        }
        let created: Label = self.post(
            &self.url("/labels"),
            &json!({"name": self.label, "color": self.label_color}),
        )?;
        Ok(created.id)
    }

    /// An existing issue carrying the entry's marker, if any, among the issues with our label.
    /// Gitea reads `labels` as a comma-separated list of names, so a label holding a comma cannot
    /// be asked for: then every issue is searched (the marker alone decides either way).
    fn find(&self, marker: &str) -> Result<Option<i64>> {
        let mut query = vec![("state", "all"), ("type", "issues")];
        if !self.label.contains(',') {
            query.push(("labels", self.label.as_str()));
        }
        let found = self.search("/issues", &query, MAX_ISSUE_PAGES, |i: &Issue| {
            i.body.contains(marker).then_some(i.number)
        })?;
        // Past the newest pages the issue is taken as never created.
        Ok(match found {
            Search::Found(number) => Some(number),
            Search::Ended | Search::Bound => None,
        })
    }

    /// Checks that the repository is reachable with the token (lists its labels).
    pub fn check(&self) -> Result<()> {
        let _: (Vec<Label>, _) = self.get_page("/labels", &[], 1)?;
        Ok(())
    }

    /// Delivers `entry`; returns the issue number. `retry` makes it look for an earlier
    /// delivery first.
    pub fn deliver(&self, entry: &Entry, retry: bool) -> Result<i64> {
        let marker = format!("<!-- hubgate:{} -->", render::marker(entry));
        if retry && let Some(number) = self.find(&marker)? {
            return Ok(number);
        }
        let label = self.label_id()?;
        let issue: Issue = self.post(
            &self.url("/issues"),
            &json!({"title": entry.title, "body": render::body(entry), "labels": [label]}),
        )?;
        Ok(issue.number)
    }
}

/// How a paged search ended.
enum Search<R> {
    /// This item matched.
    Found(R),
    /// The list ended without a match.
    Ended,
    /// The page bound was reached and the list had not ended.
    Bound,
}

fn transport(e: ureq::Error) -> anyhow::Error {
    anyhow::anyhow!("the forge did not answer: {e}")
}

/// Maps an HTTP status to an error that says what to do; the token is never part of it.
fn check(status: u16, method: &str, url: &str) -> Result<()> {
    match status {
        200..=299 => Ok(()),
        401 | 403 => bail!("{method} {url}: HTTP {status}: the forge refused the token (it needs write:issue)"),
        404 => bail!("{method} {url}: HTTP 404: no such repository on the forge (or no access)"),
        _ => bail!("{method} {url}: HTTP {status}"),
    }
}
