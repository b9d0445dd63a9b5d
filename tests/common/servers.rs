//! A small HTTP/1.1 server on 127.0.0.1 (STS-like answers, IMDSv2, the container endpoint),
//! servers that refuse or never answer, and time helpers.
//!
//! Every server here listens on the loopback interface only and stops when dropped.

#![allow(unreachable_pub)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::moto::MOTO_ACCOUNT;

/// One HTTP request as the test server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as an `application/x-www-form-urlencoded` form (the STS query protocol).
    pub fn form(&self) -> BTreeMap<String, String> {
        self.body
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (url_decode(k), url_decode(v))
            })
            .collect()
    }
}

/// Decodes `%XX` and `+`.
pub fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An HTTP response to send.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn xml(status: u16, body: impl Into<String>) -> Self {
        Response::new(status, body).header("Content-Type", "text/xml")
    }

    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Response::new(status, body).header("Content-Type", "application/json")
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// A tiny HTTP/1.1 server on 127.0.0.1: one request per connection (`Connection: close`),
/// every request recorded.
pub struct TestServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    task: JoinHandle<()>,
}

impl TestServer {
    pub async fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let handler = handler.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, &*handler, &recorded).await;
                });
            }
        });
        TestServer {
            addr,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: &Handler,
    recorded: &Mutex<Vec<Request>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 1 << 20 {
            return Ok(());
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_owned();
    let path = first.next().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body_end = (head_end + len).min(buf.len());
    let request = Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&buf[head_end..body_end]).into_owned(),
    };
    let response = handler(&request);
    recorded.lock().expect("lock").push(request);
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    for (k, v) in &response.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&response.body);
    stream.write_all(out.as_bytes()).await?;
    stream.shutdown().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A server that accepts connections and never answers (an endpoint that hangs).
pub struct BlackHole {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl BlackHole {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        BlackHole { addr, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `http://127.0.0.1:PORT` of a port nothing listens on (connection refused).
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

/// RFC 3339 text of `t`.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).expect("format")
}

/// Asserts `actual` is `expected` give or take `margin`.
pub fn assert_near(actual: OffsetDateTime, expected: OffsetDateTime, margin: Duration) {
    let diff = (actual - expected).abs();
    assert!(
        diff <= margin,
        "expected about {expected}, got {actual} (off by {diff})"
    );
}

// ---- STS-like answers ----------------------------------------------------------------------

pub const STS_NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// An STS error answer, as AWS sends it.
pub fn sts_error(status: u16, code: &str, message: &str) -> Response {
    Response::xml(
        status,
        format!(
            "<ErrorResponse xmlns=\"{STS_NS}\"><Error><Type>Sender</Type><Code>{code}</Code>\
             <Message>{message}</Message></Error><RequestId>4b8c0f5e-test</RequestId></ErrorResponse>"
        ),
    )
}

/// Answers AssumeRole, GetSessionToken and GetFederationToken like STS, with these credentials
/// expiring at `expiry`.
pub fn sts_like(
    access_key_id: &'static str,
    secret: &'static str,
    expiry: OffsetDateTime,
) -> impl Fn(&Request) -> Response + Send + Sync + 'static {
    move |req: &Request| {
        let form = req.form();
        let action = form.get("Action").cloned().unwrap_or_default();
        let creds = format!(
            "<Credentials><AccessKeyId>{access_key_id}</AccessKeyId>\
             <SecretAccessKey>{secret}</SecretAccessKey><SessionToken>token-{access_key_id}</SessionToken>\
             <Expiration>{}</Expiration></Credentials>",
            rfc3339(expiry)
        );
        let extra = match action.as_str() {
            "AssumeRole" => {
                let role = form.get("RoleArn").cloned().unwrap_or_default();
                let role_name = role.rsplit('/').next().unwrap_or("").to_owned();
                let session = form.get("RoleSessionName").cloned().unwrap_or_default();
                format!(
                    "<AssumedRoleUser><AssumedRoleId>AROATEST:{session}</AssumedRoleId>\
                     <Arn>arn:aws:sts::{MOTO_ACCOUNT}:assumed-role/{role_name}/{session}</Arn></AssumedRoleUser>"
                )
            }
            "GetFederationToken" => {
                let name = form.get("Name").cloned().unwrap_or_default();
                format!(
                    "<FederatedUser><FederatedUserId>{MOTO_ACCOUNT}:{name}</FederatedUserId>\
                     <Arn>arn:aws:sts::{MOTO_ACCOUNT}:federated-user/{name}</Arn></FederatedUser>"
                )
            }
            "GetSessionToken" => String::new(),
            _ => return sts_error(400, "InvalidAction", "unknown action"),
        };
        Response::xml(
            200,
            format!(
                "<{action}Response xmlns=\"{STS_NS}\"><{action}Result>{creds}{extra}</{action}Result>\
                 <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></{action}Response>"
            ),
        )
    }
}

// ---- Machine role: IMDSv2 and the container endpoint ---------------------------------------

pub const IMDS_ROLE: &str = "test-instance-role";
pub const MACHINE_KEY_ID: &str = "ASIAMACHINEEXAMPLE";
pub const MACHINE_SECRET: &str = "machine-sentinel-secret";
pub const MACHINE_TOKEN: &str = "machine-sentinel-session-token";

/// The credentials JSON IMDS and ECS return, expiring at `expiry`.
pub fn machine_credentials_json(expiry: OffsetDateTime) -> String {
    format!(
        r#"{{"Code":"Success","LastUpdated":"{}","Type":"AWS-HMAC","AccessKeyId":"{MACHINE_KEY_ID}","SecretAccessKey":"{MACHINE_SECRET}","Token":"{MACHINE_TOKEN}","Expiration":"{}","RoleArn":"arn:aws:iam::{MOTO_ACCOUNT}:role/{IMDS_ROLE}"}}"#,
        rfc3339(expiry - time::Duration::hours(1)),
        rfc3339(expiry)
    )
}

/// An IMDSv2 server: `PUT /latest/api/token` (requires the TTL header, answers with it) hands out
/// `token`; the role list and the role's credentials need that token.
pub async fn imds_server(token: &'static str, expiry: OffsetDateTime) -> TestServer {
    TestServer::start(move |req: &Request| {
        const TTL: &str = "x-aws-ec2-metadata-token-ttl-seconds";
        match (req.method.as_str(), req.path.as_str()) {
            ("PUT", "/latest/api/token") => match req.header(TTL) {
                Some(ttl) if ttl.parse::<u32>().is_ok_and(|t| (1..=21600).contains(&t)) => {
                    Response::new(200, token).header(TTL, ttl)
                }
                _ => Response::new(400, "missing or invalid ttl"),
            },
            _ if req.header("x-aws-ec2-metadata-token") != Some(token) => Response::new(401, ""),
            ("GET", "/latest/meta-data/iam/security-credentials/") => Response::new(200, IMDS_ROLE),
            ("GET", path)
                if path == format!("/latest/meta-data/iam/security-credentials/{IMDS_ROLE}") =>
            {
                Response::json(200, machine_credentials_json(expiry))
            }
            _ => Response::new(404, "not found"),
        }
    })
    .await
}

/// The path the container endpoint serves credentials on.
pub const ECS_PATH: &str = "/v2/credentials/test-task";

/// A container credentials endpoint that wants `Authorization: {token}`.
pub async fn ecs_server(token: &'static str, expiry: OffsetDateTime) -> TestServer {
    TestServer::start(move |req: &Request| {
        if req.path != ECS_PATH {
            return Response::new(404, "not found");
        }
        if req.header("authorization") != Some(token) {
            return Response::json(
                401,
                r#"{"code":"AccessDenied","message":"invalid authorization token"}"#,
            );
        }
        Response::json(200, machine_credentials_json(expiry))
    })
    .await
}

/// Runs `f` with a generous upper bound, so a hang fails the test instead of stalling CI.
pub async fn bounded<F: std::future::Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within 60 s"))
}

/// The current time (tests only; the library never reads the clock directly).
#[allow(clippy::disallowed_methods)]
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}
