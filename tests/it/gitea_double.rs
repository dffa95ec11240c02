//! A Gitea-compatible test double: no Gitea or Forgejo server can be installed here
//! (GIT-FORGE.md 2.8), so the few routes hubgate calls are served on 127.0.0.1 following the
//! request and response schemas of `../shared/forge/gitea-swagger-v1.json` (v1.25.4):
//! `GET/POST /api/v1/repos/{owner}/{repo}/labels` (`CreateLabelOption`: name and color
//! required; 201 `Label`), `GET /api/v1/repos/{owner}/{repo}/issues` (`state`, `labels`, `type`,
//! `page`, `limit`), `POST /api/v1/repos/{owner}/{repo}/issues` (`CreateIssueOption`: title
//! required, labels are ids; 201 `Issue`). Every route requires `Authorization: token <TOKEN>`
//! (401 `{"message": "token is required"}` otherwise). Faults are switched on per test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

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
}

#[derive(Default)]
struct State {
    labels: Vec<Value>,
    issues: Vec<Value>,
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
}

/// A URL where nothing listens (the forge is down).
pub fn down_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    drop(l);
    url
}

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
    let current = mode.lock().expect("lock").clone();
    let (status, answer) = match &current {
        Mode::Error500 => (500, json!({"message": "internal error"})),
        Mode::Unauthorized => (401, json!({"message": "token is required"})),
        Mode::Slow(d) => {
            std::thread::sleep(*d);
            route(method, target, &body, header("authorization"), state, token)
        }
        Mode::Normal | Mode::LoseAnswer => route(method, target, &body, header("authorization"), state, token),
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
    let mut out = stream;
    let _ = write!(
        out,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
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
) -> (u16, Value) {
    if auth.as_deref() != Some(&format!("token {token}")) {
        return (401, json!({"message": "token is required"}));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let q = |k: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
            .map(str::to_owned)
    };
    let segments: Vec<&str> = path.trim_start_matches("/api/v1/repos/").split('/').collect();
    let [owner, repo, what] = segments.as_slice() else {
        return (404, json!({"message": "not found"}));
    };
    let base = format!("http://gitea.test/{owner}/{repo}");
    let mut st = state.lock().expect("lock");
    match (method, *what) {
        ("GET", "labels") => (200, Value::Array(st.labels.clone())),
        ("POST", "labels") => {
            let Ok(opt) = serde_json::from_slice::<Value>(body) else {
                return (422, json!({"message": "bad json"}));
            };
            let (Some(name), Some(color)) = (opt["name"].as_str(), opt["color"].as_str()) else {
                return (422, json!({"message": "name and color are required"}));
            };
            let label = json!({"id": st.labels.len() as i64 + 1, "name": name, "color": color.trim_start_matches('#'),
                "description": "", "exclusive": false, "is_archived": false, "url": format!("{base}/labels")});
            st.labels.push(label.clone());
            (201, label)
        }
        ("GET", "issues") => {
            let wanted = q("labels");
            let page: usize = q("page").and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
            let limit: usize = q("limit").and_then(|p| p.parse().ok()).unwrap_or(30).max(1);
            let list: Vec<Value> = st
                .issues
                .iter()
                .filter(|i| match &wanted {
                    Some(w) => i["labels"]
                        .as_array()
                        .is_some_and(|ls| ls.iter().any(|l| l["name"] == w.as_str())),
                    None => true,
                })
                .skip((page - 1) * limit)
                .take(limit)
                .cloned()
                .collect();
            (200, Value::Array(list))
        }
        ("POST", "issues") => {
            let Ok(opt) = serde_json::from_slice::<Value>(body) else {
                return (422, json!({"message": "bad json"}));
            };
            let Some(title) = opt["title"].as_str() else {
                return (422, json!({"message": "title is required"}));
            };
            let mut labels = Vec::new();
            for id in opt["labels"].as_array().cloned().unwrap_or_default() {
                let Some(id) = id.as_i64() else {
                    return (422, json!({"message": "labels must be ids"}));
                };
                match st.labels.iter().find(|l| l["id"] == id) {
                    Some(l) => labels.push(l.clone()),
                    None => return (422, json!({"message": format!("label {id} does not exist")})),
                }
            }
            let number = st.issues.len() as i64 + 1;
            let issue = json!({"id": 1000 + number, "number": number, "title": title, "body": opt["body"].as_str().unwrap_or(""),
                "labels": labels, "state": "open", "html_url": format!("{base}/issues/{number}"),
                "url": format!("{base}/api/issues/{number}"), "comments": 0, "user": {"login": "hubgate-bot"},
                "repository": {"owner": owner, "name": repo, "full_name": format!("{owner}/{repo}")}});
            st.issues.push(issue.clone());
            (201, issue)
        }
        _ => (404, json!({"message": "not found"})),
    }
}
