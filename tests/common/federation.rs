//! A federation endpoint (console sign-in, aws-rules.md §4) on 127.0.0.1 for the tests: it
//! answers `getSigninToken` with a token when the Session JSON has its three fields, 400 otherwise,
//! and records every request's query parameters.
#![allow(unreachable_pub, dead_code)]

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Query parameters of each request the federation server received.
pub type Seen = Arc<Mutex<Vec<Vec<(String, String)>>>>;

pub fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

pub fn query(url: &str) -> Vec<(String, String)> {
    url.split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

pub fn param<'a>(q: &'a [(String, String)], k: &str) -> Option<&'a str> {
    q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// A federation endpoint: answers `getSigninToken` with a token when the Session JSON has the
/// three fields, 400 otherwise.
pub async fn federation_server() -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen: Seen = Arc::default();
    let s = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let s = s.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let mut n = 0;
                while !buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf[n..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => n += k,
                    }
                }
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                let target = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                let q = query(&target);
                let session: serde_json::Value = param(&q, "Session")
                    .and_then(|j| serde_json::from_str(j).ok())
                    .unwrap_or_default();
                let ok = head.starts_with("GET /federation?")
                    && param(&q, "Action") == Some("getSigninToken")
                    && ["sessionId", "sessionKey", "sessionToken"]
                        .iter()
                        .all(|k| session.get(k).and_then(|v| v.as_str()).is_some());
                s.lock().expect("seen").push(q);
                let (status, body) = if ok {
                    ("200 OK", r#"{"SigninToken":"TOKEN-abc/123+="}"#)
                } else {
                    ("400 Bad Request", "bad request")
                };
                let resp = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}/federation"), seen)
}
