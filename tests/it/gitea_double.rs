//! A Gitea-compatible test double: no Gitea or Forgejo server can be installed here
//! (docs/sources.md#gitea-test-double), so the few routes hubgate calls are served on 127.0.0.1
//! following the request and response schemas of Gitea's API spec (go-gitea/gitea
//! `templates/swagger/v1_json.tmpl` at v1.25.4; docs/sources.md#gitea-api):
//! `GET/POST /api/v1/repos/{owner}/{repo}/labels` (`CreateLabelOption`: name and color
//! required; 201 `Label`), `GET /api/v1/repos/{owner}/{repo}/issues` (`state`, `labels`, `type`,
//! `page`, `limit`), `POST /api/v1/repos/{owner}/{repo}/issues` (`CreateIssueOption`: title
//! required, labels are ids; 201 `Issue`). Every route requires `Authorization: token <TOKEN>`
//! (401 `{"message": "token is required"}` otherwise). Faults are switched on per test.
//!
//! Queries are read as Gitea reads them (Go's `url.ParseQuery`: `+` is a space, `%XX` a byte, a
//! pair that does not decode is dropped, the first value wins). Lists page as Gitea's API does
//! (`routers/api/v1/utils/page.go` `GetListOptions`, `services/convert/utils.go`
//! `ToCorrectPageSize`, `modules/setting/api.go`): `page` is 1-based and anything below 1 is 1;
//! `limit` absent or below 1 is `DEFAULT_PAGING_NUM` (30), above `MAX_RESPONSE_ITEMS` (50) is 50;
//! the answer carries `X-Total-Count`. Labels come sorted by name (`models/issues/label.go`
//! `GetLabelsByRepoID`); Gitea 1.25 and older returned every label when `page` was absent
//! (go-gitea/gitea#21158) — hubgate always sends `page`, so the double follows the fixed rule.
//! Issues come newest first; `labels` is split on `,` and keeps the issues carrying any of the
//! named labels that exist, and no label filter at all when none exists
//! (`routers/api/v1/repo/issue.go` `ListIssues`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// Gitea's `[api] DEFAULT_PAGING_NUM`.
const DEFAULT_PAGING_NUM: usize = 30;
/// Gitea's `[api] MAX_RESPONSE_ITEMS`.
pub const MAX_RESPONSE_ITEMS: usize = 50;

/// How the double answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// As Gitea would.
    Normal,
    /// Every request: HTTP 500.
    Error500,
    /// Every request: HTTP 401, as for a revoked token.
    Unauthorized,
    /// Waits this long before answering.
    Slow(Duration),
    /// Creates the issue, then drops the connection without answering.
    LoseAnswer,
    /// A hostile server: every page of labels is full of new ones, without end.
    EndlessLabels,
}

#[derive(Default)]
struct State {
    labels: Vec<Value>,
    issues: Vec<Value>,
    /// Every request's method and target, in order.
    requests: Vec<String>,
}

/// A running double.
pub struct Gitea {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The token it accepts.
    pub token: String,
    mode: Arc<Mutex<Mode>>,
    state: Arc<Mutex<State>>,
}

impl Gitea {
    /// Starts the double on a free port; its thread lives as long as the test process.
    pub fn start() -> Gitea {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let mode = Arc::new(Mutex::new(Mode::Normal));
        let state = Arc::new(Mutex::new(State::default()));
        let token = "s3cret-token".to_owned();
        let (m, s, t) = (mode.clone(), state.clone(), token.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (m, s, t) = (m.clone(), s.clone(), t.clone());
                std::thread::spawn(move || serve(stream, &m, &s, &t));
            }
        });
        Gitea {
            url,
            token,
            mode,
            state,
        }
    }

    /// Switches the fault mode.
    pub fn set(&self, mode: Mode) {
        *self.mode.lock().expect("lock") = mode;
    }

    /// The issues created so far.
    pub fn issues(&self) -> Vec<Value> {
        self.state.lock().expect("lock").issues.clone()
    }

    /// The repository's labels, in creation order.
    pub fn labels(&self) -> Vec<Value> {
        self.state.lock().expect("lock").labels.clone()
    }

    /// Creates labels, as an administrator would have (any repository: the double has one set).
    pub fn seed_labels(&self, names: &[String]) {
        let mut st = self.state.lock().expect("lock");
        for name in names {
            let label = new_label(&st.labels, name, "00aabb", "http://gitea.test/seed/seed");
            st.labels.push(label);
        }
    }

    /// Every request so far, as `METHOD target`.
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().expect("lock").requests.clone()
    }

    /// A GET with the token, as a client would send it: the status, `X-Total-Count` and body.
    pub fn get(&self, target: &str) -> (u16, Option<usize>, Value) {
        let addr = self.url.trim_start_matches("http://");
        let mut s = TcpStream::connect(addr).expect("connect");
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: token {}\r\nConnection: close\r\n\r\n",
            self.token
        )
        .expect("request");
        let mut answer = String::new();
        s.read_to_string(&mut answer).expect("answer");
        let (head, body) = answer.split_once("\r\n\r\n").expect("head");
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .expect("status");
        let total = head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("x-total-count").then(|| v.trim().parse().ok())?
        });
        (status, total, serde_json::from_str(body).expect("json"))
    }
}

/// A URL where nothing listens (the forge is down).
pub fn down_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    drop(l);
    url
}

/// The decoded query of a request line from [`Gitea::requests`], as Gitea reads it.
pub fn query_of(request: &str) -> Vec<(String, String)> {
    let target = request.split_whitespace().nth(1).unwrap_or("");
    parse_query(target.split_once('?').map(|(_, q)| q).unwrap_or(""))
}

/// Decodes a query as Go's `url.ParseQuery` does, the first value of each key kept.
fn parse_query(query: &str) -> Vec<(String, String)> {
    fn unescape(s: &str) -> Option<String> {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                    out.push(u8::from_str_radix(hex, 16).ok()?);
                    i += 2;
                }
                c => out.push(c),
            }
            i += 1;
        }
        Some(String::from_utf8_lossy(&out).into_owned())
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    // Go 1.17 and later reject a pair holding `;`, and skip it.
    for kv in query.split('&').filter(|kv| !kv.is_empty() && !kv.contains(';')) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        if let (Some(k), Some(v)) = (unescape(k), unescape(v))
            && !pairs.iter().any(|(seen, _)| *seen == k)
        {
            pairs.push((k, v));
        }
    }
    pairs
}

/// Gitea's `GetListOptions`: (page, page size). A value that is not an integer reads as 0.
fn list_options(q: &dyn Fn(&str) -> Option<String>) -> (usize, usize) {
    let int = |k: &str| q(k).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let page = int("page").max(1) as usize;
    let limit = match int("limit") {
        l if l <= 0 => DEFAULT_PAGING_NUM,
        l => (l as usize).min(MAX_RESPONSE_ITEMS),
    };
    (page, limit)
}

fn page_of(list: Vec<Value>, page: usize, limit: usize) -> Vec<Value> {
    list.into_iter().skip((page - 1) * limit).take(limit).collect()
}

fn new_label(labels: &[Value], name: &str, color: &str, base: &str) -> Value {
    json!({"id": labels.len() as i64 + 1, "name": name, "color": color.trim_start_matches('#'),
        "description": "", "exclusive": false, "is_archived": false, "url": format!("{base}/labels")})
}

/// One answer: status, body and, for lists, `X-Total-Count`.
struct Reply(u16, Value, Option<usize>);

fn serve(stream: TcpStream, mode: &Mutex<Mode>, state: &Mutex<State>, token: &str) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line == "\r\n" || line.is_empty() {
            break;
        }
        headers.push(line.trim_end().to_owned());
    }
    let header = |name: &str| {
        headers.iter().find_map(|h| {
            let (k, v) = h.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    };
    let len: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    state.lock().expect("lock").requests.push(format!("{method} {target}"));
    let current = mode.lock().expect("lock").clone();
    let auth = header("authorization");
    let Reply(status, answer, total) = match &current {
        Mode::Error500 => Reply(500, json!({"message": "internal error"}), None),
        Mode::Unauthorized => Reply(401, json!({"message": "token is required"}), None),
        Mode::Slow(d) => {
            std::thread::sleep(*d);
            route(method, target, &body, auth, state, token, false)
        }
        Mode::Normal | Mode::LoseAnswer => route(method, target, &body, auth, state, token, false),
        Mode::EndlessLabels => route(method, target, &body, auth, state, token, true),
    };
    if current == Mode::LoseAnswer && method == "POST" && target.ends_with("/issues") {
        return; // the issue exists now, but the client never hears of it
    }
    let text = answer.to_string();
    let reason = match status {
        200 => "OK",
        201 => "Created",
        401 => "Unauthorized",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        _ => "Internal Server Error",
    };
    let total = total.map(|t| format!("X-Total-Count: {t}\r\n")).unwrap_or_default();
    let mut out = stream;
    let _ = write!(
        out,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n{total}Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

fn route(
    method: &str,
    target: &str,
    body: &[u8],
    auth: Option<String>,
    state: &Mutex<State>,
    token: &str,
    endless: bool,
) -> Reply {
    if auth.as_deref() != Some(&format!("token {token}")) {
        return Reply(401, json!({"message": "token is required"}), None);
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let pairs = parse_query(query);
    let q = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let segments: Vec<&str> = path.trim_start_matches("/api/v1/repos/").split('/').collect();
    let [owner, repo, what] = segments.as_slice() else {
        return Reply(404, json!({"message": "not found"}), None);
    };
    let base = format!("http://gitea.test/{owner}/{repo}");
    let mut st = state.lock().expect("lock");
    match (method, *what) {
        ("GET", "labels") if endless => {
            let (page, limit) = list_options(&q);
            let list = (0..limit)
                .map(|i| json!({"id": page * 1000 + i, "name": format!("noise-{page}-{i}"), "color": "000000"}))
                .collect();
            Reply(200, Value::Array(list), Some(1_000_000))
        }
        ("GET", "labels") => {
            let (page, limit) = list_options(&q);
            let mut sorted = st.labels.clone();
            sorted.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
            let total = sorted.len();
            Reply(200, Value::Array(page_of(sorted, page, limit)), Some(total))
        }
        ("POST", "labels") => {
            let Ok(opt) = serde_json::from_slice::<Value>(body) else {
                return Reply(422, json!({"message": "bad json"}), None);
            };
            let (Some(name), Some(color)) = (opt["name"].as_str(), opt["color"].as_str()) else {
                return Reply(422, json!({"message": "name and color are required"}), None);
            };
            let label = new_label(&st.labels, name, color, &base);
            st.labels.push(label.clone());
            Reply(201, label, None)
        }
        ("GET", "issues") => {
            let (page, limit) = list_options(&q);
            let names: Vec<String> = q("labels").unwrap_or_default().split(',').map(str::to_owned).collect();
            let ids: Vec<Value> = st
                .labels
                .iter()
                .filter(|l| names.iter().any(|n| l["name"] == n.as_str()))
                .map(|l| l["id"].clone())
                .collect();
            let list: Vec<Value> = st
                .issues
                .iter()
                .rev()
                .filter(|i| {
                    ids.is_empty()
                        || i["labels"]
                            .as_array()
                            .is_some_and(|ls| ls.iter().any(|l| ids.contains(&l["id"])))
                })
                .cloned()
                .collect();
            let total = list.len();
            Reply(200, Value::Array(page_of(list, page, limit)), Some(total))
        }
        ("POST", "issues") => {
            let Ok(opt) = serde_json::from_slice::<Value>(body) else {
                return Reply(422, json!({"message": "bad json"}), None);
            };
            let Some(title) = opt["title"].as_str() else {
                return Reply(422, json!({"message": "title is required"}), None);
            };
            let mut labels = Vec::new();
            for id in opt["labels"].as_array().cloned().unwrap_or_default() {
                let Some(id) = id.as_i64() else {
                    return Reply(422, json!({"message": "labels must be ids"}), None);
                };
                match st.labels.iter().find(|l| l["id"] == id) {
                    Some(l) => labels.push(l.clone()),
                    None => return Reply(422, json!({"message": format!("label {id} does not exist")}), None),
                }
            }
            let number = st.issues.len() as i64 + 1;
            let issue = json!({"id": 1000 + number, "number": number, "title": title, "body": opt["body"].as_str().unwrap_or(""),
                "labels": labels, "state": "open", "html_url": format!("{base}/issues/{number}"),
                "url": format!("{base}/api/issues/{number}"), "comments": 0, "user": {"login": "hubgate-bot"},
                "repository": {"owner": owner, "name": repo, "full_name": format!("{owner}/{repo}")}});
            st.issues.push(issue.clone());
            Reply(201, issue, None)
        }
        _ => Reply(404, json!({"message": "not found"}), None),
    }
}
