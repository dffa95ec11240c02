//! Delivering discussion entries as issues on Gitea or Forgejo (REST API v1; GIT-FORGE.md 2.7,
//! `gitea-swagger-v1.json`): find or create the label, then create the issue with the label's id
//! (`CreateIssueOption.labels` takes ids only). A retried delivery first looks for an issue that
//! already carries the entry's marker, so an issue whose creation succeeded but whose answer was
//! lost is never created twice.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::json;

use crate::discussion::{Entry, render};

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

    fn get<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T> {
        let mut resp = self
            .agent
            .get(url)
            .header("Authorization", self.auth())
            .config()
            .timeout_global(Some(self.left()?))
            .build()
            .call()
            .map_err(transport)?;
        check(resp.status().as_u16(), "GET", url)?;
        resp.body_mut().read_json().context("unexpected answer from the forge")
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

    /// The id of the configured label, creating the label when the repository lacks it.
    fn label_id(&self) -> Result<i64> {
        let labels: Vec<Label> = self.get(&self.url("/labels?limit=50"))?;
        if let Some(l) = labels.iter().find(|l| l.name == self.label) {
            return Ok(l.id);
        }
        let created: Label = self.post(
            &self.url("/labels"),
            &json!({"name": self.label, "color": self.label_color}),
        )?;
        Ok(created.id)
    }

    /// An existing issue carrying the entry's marker, if any.
    fn find(&self, marker: &str) -> Result<Option<i64>> {
        for page in 1..=20 {
            let url = self.url(&format!(
                "/issues?state=all&type=issues&labels={}&limit=50&page={page}",
                self.label
            ));
            let issues: Vec<Issue> = self.get(&url)?;
            if let Some(i) = issues.iter().find(|i| i.body.contains(marker)) {
                return Ok(Some(i.number));
            }
            if issues.len() < 50 {
                break;
            }
        }
        Ok(None)
    }

    /// Checks that the repository is reachable with the token (lists its labels).
    pub fn check(&self) -> Result<()> {
        let _: Vec<Label> = self.get(&self.url("/labels?limit=1"))?;
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
