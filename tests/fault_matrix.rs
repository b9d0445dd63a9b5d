//! Fault matrix: `Cached<StsProvider>` against moto through a fault-injecting proxy on 127.0.0.1.
//!
//! The proxy is a small HTTP/1.1 server in front of moto. Per request it either relays the request
//! to moto (`Pass`) or injects one fault: HTTP 500 (empty body, or an STS `InternalFailure`
//! body), an STS `Throttling` error, an answer slower than the provider's timeouts, a 200 with
//! broken XML, an STS `ExpiredToken` error, or no listener at all (connection refused: the port
//! stays bound but stops listening, and listens again to come back up). It counts the requests
//! it receives per mode, and can hold its answers until every caller is waiting (`hold`).
//!
//! Each fault runs the same script on a cache with a [`ManualClock`] started at the real time
//! (moto stamps `Expiration` with its wall clock + `DurationSeconds`), a fixed jitter seed and an
//! explicit backoff. The clock points are computed from the credentials' expiry and the
//! [`CacheConfig`] getters with the window formula documented on `CacheConfig`, and chosen so
//! that every count is exact whatever the jitter and backoff draws are:
//!
//! | step | clock | backend calls | errors returned |
//! |---|---|---|---|
//! | 1 pass | received | 1 (moto) | 0 |
//! | 2 fault, advisory window | between the latest advisory point and the mandatory point | 1 (in the background; nobody waits) | 0 |
//! | 3 fault, mandatory window | two points, the second after the longest possible backoff | 2 (1 per attempt, shared by 32 concurrent callers) | 0: the still-valid credentials |
//! | 4 fault, past expiry | expiry + 1 s, then + `backoff_max` | 2 (1 per attempt, shared by 32 concurrent callers) | 2 × 32 + 10 (during the backoff: the last error, no call) |
//! | 5 pass | back to the real time, `refresh_now()` | 1 (moto) | 0 |
//!
//! with the error kind of step 4 per fault: HTTP 500 and connection refused → `Transient`,
//! throttling → `Throttled`, slow → `Timeout`, malformed XML → `MalformedResponse`,
//! `ExpiredToken` → `Expired` (AWS's code kept). Every credential returned anywhere is checked
//! against the manual clock: none is served past its expiry.
//!
//! No assertion depends on how long anything takes in real time; the only real-time waits are
//! bounded guards (polling the cache's counters), and the slow fault's provider timeout.
//!
//! Needs moto (`AWS_CONNECTOR_TEST_STS_ENDPOINT`, see `scripts/moto.sh`); without it the tests print
//! a loud SKIPPED notice, and fail under `CI=true`. Run with `-- --nocapture` to see the matrix.
#![cfg(all(feature = "sts", feature = "test-util"))]

mod common;

use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::ops::Sub;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_connector::{
    CacheConfig, CacheStats, Cached, Clock, Connector, CredentialError, CredentialProvider,
    CredentialSource, Credentials, Environment, ErrorKind, ManualClock, PrincipalType,
    ProviderOptions, StsProvider, SystemClock, FULL_WINDOW_LIFETIME,
};
use common::servers::{bounded, sts_error, Response};
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::{JoinHandle, JoinSet};

/// Concurrent callers per wave.
const WAVE: u64 = 32;
/// Sequential calls per check.
const REPEAT: u64 = 10;
const SEED: u64 = 0x5EED_FA17;
const BACKOFF_INITIAL: Duration = Duration::from_secs(4);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// Longer than any provider timeout below, so that the provider's own timeout is what fails.
const LOAD_TIMEOUT: Duration = Duration::from_secs(30);
/// The provider's connect, read and attempt timeouts in the slow-response case.
const SLOW_CASE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the proxy sits on a request in `Slow` mode (well past `SLOW_CASE_TIMEOUT`).
const SLOW_FOR: Duration = Duration::from_secs(6);
/// Upper bound of every real-time wait (a guard against hangs; nothing is asserted about time).
const GUARD: Duration = Duration::from_secs(30);
const SECOND: i128 = 1_000_000_000;

// ---- The proxy ---------------------------------------------------------------------------------

/// What the proxy does with the requests it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Relay to moto.
    Pass,
    /// HTTP 500 with an empty body.
    Http500,
    /// HTTP 500 with an STS `InternalFailure` error body.
    Http500Sts,
    /// HTTP 400, STS `Throttling`.
    Throttling,
    /// Answer (by relaying to moto) only after `SLOW_FOR`.
    Slow,
    /// HTTP 200 with a truncated AssumeRole answer.
    MalformedXml,
    /// HTTP 400, STS `ExpiredToken`.
    ExpiredToken,
    /// Not listening: connections are refused.
    Refused,
}

const MODES: usize = 8;

impl Mode {
    /// The kind of error callers get once nothing valid is cached.
    fn expected_kind(self) -> ErrorKind {
        match self {
            Mode::Http500 | Mode::Http500Sts | Mode::Refused => ErrorKind::Transient,
            Mode::Throttling => ErrorKind::Throttled,
            Mode::Slow => ErrorKind::Timeout,
            Mode::MalformedXml => ErrorKind::MalformedResponse,
            Mode::ExpiredToken => ErrorKind::Expired,
            Mode::Pass => unreachable!("not a fault"),
        }
    }

    /// AWS's error code kept in the error, if the fault carries one.
    fn expected_aws_code(self) -> Option<&'static str> {
        match self {
            Mode::Http500Sts => Some("InternalFailure"),
            Mode::Throttling => Some("Throttling"),
            Mode::ExpiredToken => Some("ExpiredToken"),
            _ => None,
        }
    }

    /// Whether the proxy itself answers (so it can hold the answer until every caller waits).
    fn answered_by_proxy(self) -> bool {
        !matches!(self, Mode::Pass | Mode::Slow | Mode::Refused)
    }
}

/// The state the connection tasks share.
struct ProxyState {
    upstream: SocketAddr,
    mode: Mutex<Mode>,
    received: [AtomicU64; MODES],
    /// While set, answers wait until it is closed.
    gate: Mutex<Option<Arc<Semaphore>>>,
}

/// A fault-injecting HTTP/1.1 proxy on 127.0.0.1 in front of `upstream` (one request per
/// connection). Stops when dropped.
struct Proxy {
    addr: SocketAddr,
    state: Arc<ProxyState>,
    /// The accept loop (owns the listener) while listening.
    accept: Option<JoinHandle<()>>,
    /// The port, bound but not listening, while `Refused`.
    reserved: Option<TcpSocket>,
}

impl Proxy {
    async fn start(upstream: &str) -> Proxy {
        let upstream: SocketAddr = upstream
            .strip_prefix("http://")
            .and_then(|hostport| hostport.parse().ok())
            .unwrap_or_else(|| panic!("moto endpoint {upstream} is not http://IP:PORT"));
        let socket = bind_reusable("127.0.0.1:0".parse().expect("address"));
        let addr = socket.local_addr().expect("local address");
        let state = Arc::new(ProxyState {
            upstream,
            mode: Mutex::new(Mode::Pass),
            received: std::array::from_fn(|_| AtomicU64::new(0)),
            gate: Mutex::new(None),
        });
        let listener = socket.listen(128).expect("listen");
        Proxy {
            addr,
            accept: Some(accept_loop(listener, Arc::clone(&state))),
            state,
            reserved: None,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received in `mode`.
    fn received(&self, mode: Mode) -> u64 {
        self.state.received[mode as usize].load(Ordering::SeqCst)
    }

    fn received_total(&self) -> u64 {
        self.state
            .received
            .iter()
            .map(|c| c.load(Ordering::SeqCst))
            .sum()
    }

    async fn set_mode(&mut self, mode: Mode) {
        let was = std::mem::replace(&mut *self.state.mode.lock().expect("lock"), mode);
        if mode == Mode::Refused && was != Mode::Refused {
            // Stop listening, but keep the port bound (not listening: connections are refused,
            // and nobody else can take the port meanwhile).
            let accept = self.accept.take().expect("listening");
            accept.abort();
            let _ = accept.await; // the listener is closed once the task is gone
            self.reserved = Some(bind_reusable(self.addr));
        } else if was == Mode::Refused && mode != Mode::Refused {
            let socket = self.reserved.take().expect("reserved port");
            let listener = socket.listen(128).expect("listen again on the same port");
            self.accept = Some(accept_loop(listener, Arc::clone(&self.state)));
        }
    }

    /// Answers wait until [`release`](Self::release).
    fn hold(&self) {
        *self.state.gate.lock().expect("lock") = Some(Arc::new(Semaphore::new(0)));
    }

    fn release(&self) {
        if let Some(gate) = self.state.gate.lock().expect("lock").take() {
            gate.close();
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
        }
    }
}

/// A TCP socket bound to `addr` with `SO_REUSEADDR` (the port's old connections may linger in
/// TIME_WAIT), not listening yet.
fn bind_reusable(addr: SocketAddr) -> TcpSocket {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_reuseaddr(true).expect("SO_REUSEADDR");
    socket
        .bind(addr)
        .unwrap_or_else(|e| panic!("bind {addr}: {e}"));
    socket
}

fn accept_loop(listener: TcpListener, state: Arc<ProxyState>) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                // A client that gave up (timeout) makes the write fail: nothing to do.
                let _ = state.serve(stream).await;
            });
        }
    })
}

impl ProxyState {
    async fn serve(&self, mut client: TcpStream) -> io::Result<()> {
        let Some((head, body)) = read_request(&mut client).await? else {
            return Ok(());
        };
        let mode = *self.mode.lock().expect("lock");
        self.received[mode as usize].fetch_add(1, Ordering::SeqCst);
        let gate = self.gate.lock().expect("lock").clone();
        if let Some(gate) = gate {
            // Closed by `release`.
            let _ = gate.acquire().await;
        }
        let answer = match mode {
            // `Refused` never gets here (nothing listens); relaying keeps the client honest and
            // the `received` count of `Refused` shows it.
            Mode::Pass | Mode::Refused => self.relay(&head, &body).await?,
            Mode::Slow => {
                tokio::time::sleep(SLOW_FOR).await;
                self.relay(&head, &body).await?
            }
            Mode::Http500 => encode(&Response::new(500, "")),
            Mode::Http500Sts => encode(&sts_error(
                500,
                "InternalFailure",
                "The request processing has failed because of an unknown error",
            )),
            Mode::Throttling => encode(&sts_error(400, "Throttling", "Rate exceeded")),
            Mode::MalformedXml => encode(&Response::xml(
                200,
                "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                 <AssumeRoleResult><Credentials><AccessKeyId>ASIATRUNCATED</AccessKeyId>\
                 <SecretAccessKey>trunc",
            )),
            Mode::ExpiredToken => encode(&sts_error(
                400,
                "ExpiredToken",
                "The security token included in the request is expired",
            )),
        };
        client.write_all(&answer).await?;
        client.shutdown().await
    }

    /// Sends the request to moto on a new connection and returns moto's whole answer, both with
    /// `Connection: close`.
    async fn relay(&self, head: &str, body: &[u8]) -> io::Result<Vec<u8>> {
        let mut upstream = TcpStream::connect(self.upstream).await?;
        upstream.write_all(&close_connection(head)).await?;
        upstream.write_all(body).await?;
        let mut answer = Vec::new();
        upstream.read_to_end(&mut answer).await?;
        let head_end = find(&answer, b"\r\n\r\n")
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "no header end"))?
            + 4;
        let head = std::str::from_utf8(&answer[..head_end])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let mut out = close_connection(head);
        out.extend_from_slice(&answer[head_end..]);
        Ok(out)
    }
}

/// Reads one request: the head (with its final blank line) and a `Content-Length` body.
async fn read_request(stream: &mut TcpStream) -> io::Result<Option<(String, Vec<u8>)>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    if header(&head, "transfer-encoding").is_some() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the proxy relays Content-Length bodies only",
        ));
    }
    let len: usize = header(&head, "content-length").map_or(0, |v| v.parse().unwrap_or(0));
    while buf.len() < head_end + len {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_end..(head_end + len).min(buf.len())].to_vec();
    Ok(Some((head, body)))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The first header `name` (case-insensitive) of an HTTP head.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// The head with its hop-by-hop connection headers replaced by `Connection: close`.
fn close_connection(head: &str) -> Vec<u8> {
    let mut out = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let name = line.split_once(':').map_or("", |(k, _)| k.trim());
        if ["connection", "keep-alive", "proxy-connection"]
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h))
        {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

fn encode(r: &Response) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {} Fault\r\nContent-Length: {}\r\nConnection: close\r\n",
        r.status,
        r.body.len()
    );
    for (k, v) in &r.headers {
        let _ = write!(out, "{k}: {v}\r\n");
    }
    out.push_str("\r\n");
    out.push_str(&r.body);
    out.into_bytes()
}

// ---- The cache under test ----------------------------------------------------------------------

fn connector() -> Connector {
    Connector::builder("fault-matrix")
        // moto accepts any key.
        .source(CredentialSource::access_key(
            "AKIAIOSFODNN7EXAMPLE",
            "moto-accepts-any-secret",
        ))
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/Deploy")
        .session_name("fault-matrix")
        .duration_secs(900)
        .region("us-east-1")
        .build()
        .expect("valid connector")
}

fn options(endpoint: &str) -> ProviderOptions {
    ProviderOptions::new()
        .environment(Environment::empty())
        .sts_endpoint(endpoint)
}

/// One AssumeRole straight to moto, so that moto's first-request start-up cost is paid before
/// any provider timeout runs.
async fn warm_up(moto: &str) {
    let provider = StsProvider::new(&connector(), &options(moto)).expect("provider");
    bounded("moto warm-up", provider.provide())
        .await
        .expect("moto answers AssumeRole");
}

fn at(nanos: i128) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(nanos).expect("in range")
}

fn nanos(d: Duration) -> i128 {
    i128::try_from(d.as_nanos()).expect("in range")
}

/// What callers were given, checked against the manual clock at the moment they got it.
#[derive(Debug, Default)]
struct Seen {
    served: AtomicU64,
    past_expiry: AtomicU64,
    errors: AtomicU64,
}

impl Seen {
    fn record(&self, result: &Result<Credentials, CredentialError>, clock: &ManualClock) {
        match result {
            Ok(c) => {
                self.served.fetch_add(1, Ordering::SeqCst);
                // Temporary credentials without an expiry would be a bug too.
                if c.expiry().is_none_or(|e| e <= clock.now()) {
                    self.past_expiry.fetch_add(1, Ordering::SeqCst);
                }
            }
            Err(_) => {
                self.errors.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
}

/// Counters at one moment; differences give a step's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    /// `stats().backend_calls()`.
    backend_calls: u64,
    waits: u64,
    hits: u64,
    /// `stats().errors`.
    cache_errors: u64,
    /// Requests the proxy relayed to moto.
    proxy_pass: u64,
    /// Requests the proxy received in the fault's mode (0 for `Refused`: it sees nothing).
    proxy_fault: u64,
    proxy_total: u64,
    /// Errors returned to callers.
    errors: u64,
    /// Credentials returned to callers.
    served: u64,
    /// Of those, credentials at or past their expiry.
    past_expiry: u64,
}

impl Sub for Tally {
    type Output = Tally;
    fn sub(self, o: Tally) -> Tally {
        Tally {
            backend_calls: self.backend_calls - o.backend_calls,
            waits: self.waits - o.waits,
            hits: self.hits - o.hits,
            cache_errors: self.cache_errors - o.cache_errors,
            proxy_pass: self.proxy_pass - o.proxy_pass,
            proxy_fault: self.proxy_fault - o.proxy_fault,
            proxy_total: self.proxy_total - o.proxy_total,
            errors: self.errors - o.errors,
            served: self.served - o.served,
            past_expiry: self.past_expiry - o.past_expiry,
        }
    }
}

/// The clock points of the script, from the first credentials' expiry and the cache's
/// configuration (the window formula documented on [`CacheConfig`]).
#[derive(Debug)]
struct Points {
    /// In the advisory window, whatever the jitter draw.
    advisory: i128,
    /// In the mandatory window, after the first backoff has ended.
    mandatory_1: i128,
    /// Still in the mandatory window, after the longest possible second backoff.
    mandatory_2: i128,
    /// Just past expiry (the backoff ends at expiry at the latest while credentials are valid).
    expired_1: i128,
    /// After the longest possible backoff.
    expired_2: i128,
}

impl Points {
    fn of(first: &Credentials, received: OffsetDateTime, config: &CacheConfig) -> Points {
        let expiry = first
            .expiry()
            .expect("temporary credentials")
            .unix_timestamp_nanos();
        let received = received.unix_timestamp_nanos();
        // Windows scale with the lifetime `L`: `s = min(1, L / FULL_WINDOW_LIFETIME)`.
        let life = expiry - received;
        let full = nanos(FULL_WINDOW_LIFETIME);
        let scaled = |d: Duration| {
            if life >= full {
                nanos(d)
            } else {
                nanos(d) * life / full
            }
        };
        // The advisory point is `advisory_before × s + jitter × s × u` before expiry: never
        // later than `advisory_before × s` before expiry.
        let latest_advisory = expiry - scaled(config.advisory_before());
        let earliest_advisory = latest_advisory - scaled(config.jitter());
        let mandatory = expiry - scaled(config.mandatory_before());
        let initial = nanos(config.backoff_initial());
        let points = Points {
            advisory: (latest_advisory + mandatory) / 2,
            mandatory_1: mandatory + (expiry - mandatory) / 5,
            // The n-th failure in a row waits less than `backoff_initial × 2ⁿ⁻¹`.
            mandatory_2: mandatory + (expiry - mandatory) / 5 + 2 * initial,
            expired_1: expiry + SECOND,
            expired_2: expiry + SECOND + nanos(config.backoff_max()),
        };
        assert!(
            received < earliest_advisory
                && latest_advisory < points.advisory
                && points.advisory < mandatory,
            "{points:?}"
        );
        assert!(
            points.advisory + initial < points.mandatory_1 && points.mandatory_2 < expiry,
            "the backoffs must fit the mandatory window: {points:?}"
        );
        points
    }
}

struct Harness {
    mode: Mode,
    proxy: Proxy,
    clock: ManualClock,
    cache: Cached<StsProvider>,
    seen: Arc<Seen>,
}

impl Harness {
    async fn new(moto: &str, mode: Mode) -> Harness {
        let proxy = Proxy::start(moto).await;
        let clock = ManualClock::new(SystemClock.now());
        let mut options = options(&proxy.url());
        if mode == Mode::Slow {
            options = options
                .connect_timeout(SLOW_CASE_TIMEOUT)
                .read_timeout(SLOW_CASE_TIMEOUT)
                .attempt_timeout(SLOW_CASE_TIMEOUT);
        }
        let provider = StsProvider::new(&connector(), &options).expect("provider");
        let config = CacheConfig::builder()
            .clock(clock.clone())
            .jitter_seed(SEED)
            .backoff(BACKOFF_INITIAL, BACKOFF_MAX)
            .load_timeout(Some(LOAD_TIMEOUT))
            .build()
            .expect("valid cache config");
        Harness {
            mode,
            proxy,
            clock,
            cache: Cached::with_config(provider, config),
            seen: Arc::default(),
        }
    }

    fn tally(&self) -> Tally {
        let s = self.cache.stats();
        let seen = |c: &AtomicU64| c.load(Ordering::SeqCst);
        Tally {
            backend_calls: s.backend_calls(),
            waits: s.waits,
            hits: s.hits,
            cache_errors: s.errors,
            proxy_pass: self.proxy.received(Mode::Pass),
            proxy_fault: self.proxy.received(self.mode),
            proxy_total: self.proxy.received_total(),
            errors: seen(&self.seen.errors),
            served: seen(&self.seen.served),
            past_expiry: seen(&self.seen.past_expiry),
        }
    }

    fn set_clock(&self, nanos: i128) {
        self.clock.set(at(nanos));
    }

    async fn call(&self) -> Result<Credentials, CredentialError> {
        let result = bounded("provide", self.cache.provide()).await;
        self.seen.record(&result, &self.clock);
        result
    }

    /// `n` sequential calls that must all return `expected`.
    async fn calls_give(&self, n: u64, expected: &Credentials, what: &str) {
        for i in 0..n {
            match self.call().await {
                Ok(c) => assert!(c.same_as(expected), "{:?} {what}: call {i}", self.mode),
                Err(e) => panic!("{:?} {what}: call {i} failed: {e:?}", self.mode),
            }
        }
    }

    /// `n` sequential calls that must all fail with the fault's error.
    async fn calls_fail(&self, n: u64, what: &str) {
        for _ in 0..n {
            self.expect_fault_error(&self.call().await, what);
        }
    }

    fn expect_fault_error(&self, result: &Result<Credentials, CredentialError>, what: &str) {
        let mode = self.mode;
        match result {
            Ok(c) => panic!(
                "{mode:?} {what}: credentials expiring at {:?} instead of an error (now {})",
                c.expiry(),
                self.clock.now()
            ),
            Err(e) => {
                assert_eq!(e.kind(), mode.expected_kind(), "{mode:?} {what}: {e:?}");
                assert_eq!(
                    e.aws_code(),
                    mode.expected_aws_code(),
                    "{mode:?} {what}: {e}"
                );
                if matches!(mode, Mode::Slow | Mode::Refused) {
                    // The provider's own timeout or connection error, not the cache's
                    // `load_timeout`.
                    assert!(
                        matches!(e, CredentialError::Transport { .. }),
                        "{mode:?} {what}: {e:?}"
                    );
                }
            }
        }
    }

    /// `n` concurrent callers. When the proxy answers the fault itself, it holds the answer until
    /// all `n` wait for the one backend call.
    async fn wave(&self, n: u64) -> Vec<Result<Credentials, CredentialError>> {
        let hold = self.mode.answered_by_proxy();
        if hold {
            self.proxy.hold();
        }
        let waits = self.cache.stats().waits;
        let mut set = JoinSet::new();
        for _ in 0..n {
            let (cache, clock, seen) = (self.cache.clone(), self.clock.clone(), self.seen.clone());
            set.spawn(async move {
                let result = cache.provide().await;
                seen.record(&result, &clock);
                result
            });
        }
        if hold {
            self.until("every caller waits for the one backend call", |s| {
                s.waits >= waits + n
            })
            .await;
            self.proxy.release();
        }
        bounded("concurrent callers", set.join_all()).await
    }

    /// Polls the cache's counters until `done` (bounded by [`GUARD`]).
    async fn until(&self, what: &str, done: impl Fn(&CacheStats) -> bool) {
        let deadline = tokio::time::Instant::now() + GUARD;
        loop {
            let stats = self.cache.stats();
            if done(&stats) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{:?}: {what}: not reached within {GUARD:?}: {stats:?}",
                self.mode
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Checks that hold at every step: the cache's error count is what callers saw, the proxy
    /// received nothing in another mode, and nothing was served past expiry.
    fn check(&self, step: &str, d: &Tally) {
        let mode = self.mode;
        assert_eq!(d.cache_errors, d.errors, "{mode:?} {step}: {d:?}");
        assert_eq!(
            d.proxy_total,
            d.proxy_pass + d.proxy_fault,
            "{mode:?} {step}: {d:?}"
        );
        assert_eq!(d.past_expiry, 0, "{mode:?} {step}: served past expiry");
        if mode == Mode::Refused {
            assert_eq!(d.proxy_fault, 0, "{mode:?} {step}: the proxy was listening");
        }
    }
}

/// Runs the script of the module docs for one fault.
async fn fault_matrix(test: &str, mode: Mode) {
    let moto = moto_or_skip!(test);
    warm_up(&moto).await;
    let mut h = Harness::new(&moto, mode).await;
    // What the proxy sees of `n` backend calls in the fault's mode.
    let at_proxy = |n: u64| if mode == Mode::Refused { 0 } else { n };
    let hold = mode.answered_by_proxy();
    let mut steps: Vec<(&str, Tally)> = Vec::new();

    // (1) Pass: one call through the proxy to moto; then hits.
    let t = h.tally();
    let received = h.clock.now();
    let first = h
        .call()
        .await
        .expect("credentials from moto through the proxy");
    h.calls_give(REPEAT - 1, &first, "hits after the first fetch")
        .await;
    let d = h.tally() - t;
    h.check("pass", &d);
    assert_eq!(
        (d.backend_calls, d.proxy_pass, d.proxy_fault, d.errors),
        (1, 1, 0, 0),
        "{mode:?} pass: {d:?}"
    );
    assert_eq!((d.waits, d.hits), (1, REPEAT - 1), "{mode:?} pass: {d:?}");
    steps.push(("pass", d));
    let points = Points::of(&first, received, h.cache.config());

    // (2) The fault, in the advisory window: one background attempt; every caller keeps the
    // cached credentials without waiting.
    h.proxy.set_mode(mode).await;
    h.set_clock(points.advisory);
    let t = h.tally();
    h.calls_give(REPEAT, &first, "advisory window").await;
    // `failures` moves only once the failed call is over and its backoff set (see `CacheStats`),
    // so what follows cannot join it.
    h.until("the background refresh failed", |s| s.failures == 1)
        .await;
    h.calls_give(REPEAT, &first, "advisory window, in the backoff")
        .await;
    let d = h.tally() - t;
    h.check("advisory", &d);
    assert_eq!(
        (d.backend_calls, d.proxy_fault, d.proxy_pass, d.errors),
        (1, at_proxy(1), 0, 0),
        "{mode:?} advisory: {d:?}"
    );
    assert_eq!(
        (d.waits, d.hits),
        (0, 2 * REPEAT),
        "{mode:?} advisory: {d:?}"
    );
    steps.push(("advisory", d));

    // (3) The mandatory window: callers wait for the attempt, all share it, and get the
    // still-valid credentials when it fails; during the backoff they get them without a call.
    h.set_clock(points.mandatory_1);
    let t = h.tally();
    for (i, r) in h.wave(WAVE).await.iter().enumerate() {
        match r {
            Ok(c) => assert!(c.same_as(&first), "{mode:?} mandatory wave: caller {i}"),
            Err(e) => panic!("{mode:?} mandatory wave: caller {i} got {e:?}"),
        }
    }
    h.calls_give(REPEAT, &first, "mandatory window, in the backoff")
        .await;
    let d1 = h.tally() - t;
    assert_eq!(d1.backend_calls, 1, "{mode:?} mandatory wave: {d1:?}");
    assert_eq!(d1.waits + d1.hits, WAVE + REPEAT, "{mode:?}: {d1:?}");
    if hold {
        assert_eq!((d1.waits, d1.hits), (WAVE, REPEAT), "{mode:?}: {d1:?}");
    }
    h.set_clock(points.mandatory_2);
    let t2 = h.tally();
    h.calls_give(REPEAT, &first, "mandatory window, after the backoff")
        .await;
    let d2 = h.tally() - t2;
    assert_eq!(
        (d2.backend_calls, d2.waits, d2.hits),
        (1, 1, REPEAT - 1),
        "{mode:?} mandatory, second attempt: {d2:?}"
    );
    let d = h.tally() - t;
    h.check("mandatory", &d);
    assert_eq!(
        (d.backend_calls, d.proxy_fault, d.proxy_pass, d.errors),
        (2, at_proxy(2), 0, 0),
        "{mode:?} mandatory: {d:?}"
    );
    steps.push(("mandatory", d));

    // (4) Past expiry: errors of the fault's kind, never the expired credentials; one call per
    // attempt whatever the number of callers; during the backoff the last error without a call.
    h.set_clock(points.expired_1);
    let t = h.tally();
    for r in h.wave(WAVE).await {
        h.expect_fault_error(&r, "expired, first wave");
    }
    h.calls_fail(REPEAT, "expired, in the backoff").await;
    let d1 = h.tally() - t;
    assert_eq!(d1.backend_calls, 1, "{mode:?} expired, first wave: {d1:?}");
    h.set_clock(points.expired_2);
    for r in h.wave(WAVE).await {
        h.expect_fault_error(&r, "expired, second wave");
    }
    let d = h.tally() - t;
    h.check("expired", &d);
    assert_eq!(
        (d.backend_calls, d.proxy_fault, d.proxy_pass),
        (2, at_proxy(2), 0),
        "{mode:?} expired: {d:?}"
    );
    assert_eq!(
        (d.errors, d.served, d.hits),
        (2 * WAVE + REPEAT, 0, 0),
        "{mode:?} expired: {d:?}"
    );
    if hold {
        assert_eq!(d.waits, 2 * WAVE, "{mode:?} expired: {d:?}");
    }
    steps.push(("expired", d));

    // (5) Back to Pass. moto stamps its wall clock, so the clock goes back to the real time
    // (where the new credentials are valid) and `refresh_now()` skips the backoff.
    h.proxy.set_mode(Mode::Pass).await;
    h.clock.set(SystemClock.now());
    let t = h.tally();
    let fresh = bounded("refresh_now", h.cache.refresh_now()).await;
    h.seen.record(&fresh, &h.clock);
    let fresh = fresh.expect("fresh credentials from moto");
    assert!(!fresh.same_as(&first), "{mode:?}: new credentials");
    h.calls_give(REPEAT, &fresh, "after recovery").await;
    let d = h.tally() - t;
    h.check("recovered", &d);
    assert_eq!(
        (d.backend_calls, d.proxy_pass, d.proxy_fault, d.errors),
        (1, 1, 0, 0),
        "{mode:?} recovered: {d:?}"
    );
    assert_eq!((d.waits, d.hits), (0, REPEAT), "{mode:?} recovered: {d:?}");
    steps.push(("recovered", d));

    let total = h.tally();
    let stats = h.cache.stats();
    assert_eq!(
        (stats.refreshes, stats.failures),
        (2, 5),
        "{mode:?}: {stats:?}"
    );
    assert_eq!(total.past_expiry, 0, "{mode:?}: served past expiry");
    assert_eq!(total.proxy_fault, at_proxy(5), "{mode:?}: {total:?}");

    let mut row = format!(
        "fault matrix: {mode:?} (error kind {}):",
        mode.expected_kind()
    );
    for (name, d) in &steps {
        let _ = write!(
            row,
            " {name} calls={} at_proxy={} errors={};",
            d.backend_calls,
            d.proxy_fault + d.proxy_pass,
            d.errors
        );
    }
    let _ = write!(row, " served past expiry={}", total.past_expiry);
    eprintln!("{row}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_500_empty_body() {
    fault_matrix("http_500_empty_body", Mode::Http500).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_500_sts_internal_failure() {
    fault_matrix("http_500_sts_internal_failure", Mode::Http500Sts).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling() {
    fault_matrix("throttling", Mode::Throttling).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_response_past_the_timeout() {
    fault_matrix("slow_response_past_the_timeout", Mode::Slow).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused() {
    fault_matrix("connection_refused", Mode::Refused).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_xml() {
    fault_matrix("malformed_xml", Mode::MalformedXml).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_token() {
    fault_matrix("expired_token", Mode::ExpiredToken).await;
}
