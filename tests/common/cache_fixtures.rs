//! Fixtures for the cache tests: a virtual clock on tokio's time, a scripted backend that
//! records its calls, and a few helpers. Public API only.

#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use async_trait::async_trait;
use aws_connector::{
    CacheConfig, Cached, Clock, CredentialError, CredentialProvider, Credentials, ErrorKind,
};
use time::OffsetDateTime;

/// The secret every fixture credential carries (tests grep output for it).
pub const SENTINEL_SECRET: &str = "SENTINEL-SECRET-a8f3e1";
/// The session token every fixture credential carries.
pub const SENTINEL_TOKEN: &str = "SENTINEL-TOKEN-77c0d2";

/// A wall clock that follows tokio's (possibly paused) time, with an optional coarse reading that
/// lags behind by `coarse_lag`.
#[derive(Debug, Clone, Copy)]
pub struct VirtualClock {
    start: i128,
    anchor: tokio::time::Instant,
    coarse_lag: i128,
}

impl VirtualClock {
    pub fn new(start: OffsetDateTime) -> Self {
        VirtualClock {
            start: start.unix_timestamp_nanos(),
            anchor: tokio::time::Instant::now(),
            coarse_lag: 0,
        }
    }

    pub fn with_coarse_lag(mut self, lag: Duration) -> Self {
        self.coarse_lag = lag.as_nanos() as i128;
        self
    }

    /// The time elapsed on this clock since it was made.
    pub fn elapsed(&self) -> Duration {
        self.anchor.elapsed()
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(self.now_unix_nanos()).expect("in range")
    }

    fn now_unix_nanos(&self) -> i128 {
        self.start + self.anchor.elapsed().as_nanos() as i128
    }

    fn coarse_now_unix_nanos(&self) -> i128 {
        self.now_unix_nanos() - self.coarse_lag
    }
}

/// What the backend does on one call.
#[derive(Debug, Clone)]
pub struct Step {
    /// How long the call takes (tokio time; zero: no sleep at all).
    pub delay: Duration,
    /// `Ok(Some(lifetime))`: temporary credentials expiring `lifetime` after the call returns;
    /// `Ok(None)`: long-term credentials; `Err(kind)`: a failure of that kind.
    pub outcome: Result<Option<Duration>, ErrorKind>,
    /// Credentials that expired this long before the call returned (overrides `outcome`).
    pub already_expired: Option<Duration>,
    /// Panic instead of answering.
    pub panic: bool,
}

impl Step {
    pub fn ok(lifetime: Duration) -> Step {
        Step {
            delay: Duration::ZERO,
            outcome: Ok(Some(lifetime)),
            already_expired: None,
            panic: false,
        }
    }

    pub fn long_term() -> Step {
        Step {
            outcome: Ok(None),
            ..Step::ok(Duration::ZERO)
        }
    }

    pub fn fail(kind: ErrorKind) -> Step {
        Step {
            outcome: Err(kind),
            ..Step::ok(Duration::ZERO)
        }
    }

    pub fn expired(ago: Duration) -> Step {
        Step {
            already_expired: Some(ago),
            ..Step::ok(Duration::ZERO)
        }
    }

    pub fn panics() -> Step {
        Step {
            panic: true,
            ..Step::ok(Duration::ZERO)
        }
    }

    pub fn after(mut self, delay: Duration) -> Step {
        self.delay = delay;
        self
    }
}

/// One successful issuance.
#[derive(Debug, Clone)]
pub struct Issued {
    pub credentials: Credentials,
    /// When the backend returned them (Unix nanoseconds on the fixture clock).
    pub returned_at: i128,
}

type Script = Box<dyn FnMut(usize) -> Step + Send>;

struct BackendState {
    clock: Arc<dyn Clock>,
    script: Mutex<Script>,
    calls: AtomicUsize,
    running: AtomicUsize,
    max_running: AtomicUsize,
    completed: AtomicUsize,
    call_times: Mutex<Vec<i128>>,
    issued: Mutex<Vec<Issued>>,
    gate: Mutex<Option<Arc<tokio::sync::Semaphore>>>,
}

/// A scripted backend: call `n` does `script(n)`. Clones share the same state.
#[derive(Clone)]
pub struct Backend(Arc<BackendState>);

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("calls", &self.calls())
            .finish_non_exhaustive()
    }
}

impl Backend {
    pub fn new(
        clock: impl Clock + 'static,
        script: impl FnMut(usize) -> Step + Send + 'static,
    ) -> Self {
        Backend(Arc::new(BackendState {
            clock: Arc::new(clock),
            script: Mutex::new(Box::new(script)),
            calls: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
            max_running: AtomicUsize::new(0),
            completed: AtomicUsize::new(0),
            call_times: Mutex::new(Vec::new()),
            issued: Mutex::new(Vec::new()),
            gate: Mutex::new(None),
        }))
    }

    /// Calls wait for a permit of `gate` before answering.
    pub fn gated(self, gate: Arc<tokio::sync::Semaphore>) -> Self {
        *self.0.gate.lock().unwrap() = Some(gate);
        self
    }

    /// Calls started.
    pub fn calls(&self) -> usize {
        self.0.calls.load(Ordering::SeqCst)
    }

    /// Calls in progress now (their futures alive).
    pub fn running(&self) -> usize {
        self.0.running.load(Ordering::SeqCst)
    }

    /// The most calls ever in progress at once.
    pub fn max_running(&self) -> usize {
        self.0.max_running.load(Ordering::SeqCst)
    }

    /// Calls that ran to their end.
    pub fn completed(&self) -> usize {
        self.0.completed.load(Ordering::SeqCst)
    }

    /// When each call started (Unix nanoseconds).
    pub fn call_times(&self) -> Vec<i128> {
        self.0.call_times.lock().unwrap().clone()
    }

    /// Every successful issuance so far.
    pub fn issued(&self) -> Vec<Issued> {
        self.0.issued.lock().unwrap().clone()
    }
}

struct Running<'a>(&'a BackendState);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl CredentialProvider for Backend {
    async fn provide(&self) -> Result<Credentials, CredentialError> {
        let s = &*self.0;
        let n = s.calls.fetch_add(1, Ordering::SeqCst);
        s.call_times.lock().unwrap().push(s.clock.now_unix_nanos());
        let running = s.running.fetch_add(1, Ordering::SeqCst) + 1;
        s.max_running.fetch_max(running, Ordering::SeqCst);
        let _running = Running(s);
        let step = {
            let mut script = s.script.lock().unwrap();
            (*script)(n)
        };
        if !step.delay.is_zero() {
            tokio::time::sleep(step.delay).await;
        }
        let gate = s.gate.lock().unwrap().clone();
        if let Some(gate) = gate {
            let _permit = gate.acquire().await.expect("gate open");
        }
        s.completed.fetch_add(1, Ordering::SeqCst);
        if step.panic {
            panic!("scripted backend panic");
        }
        let now = s.clock.now();
        let builder = Credentials::builder(format!("ASIAFIXTURE{n:08}"), SENTINEL_SECRET)
            .session_token(SENTINEL_TOKEN)
            .provider_name("fixture");
        if let Some(ago) = step.already_expired {
            return Ok(builder.expiry(now - ago).build());
        }
        match step.outcome {
            Err(kind) => Err(CredentialError::other(
                kind,
                format!("scripted failure {n}"),
            )),
            Ok(lifetime) => {
                let c = builder.expiry_opt(lifetime.map(|l| now + l)).build();
                s.issued.lock().unwrap().push(Issued {
                    credentials: c.clone(),
                    returned_at: s.clock.now_unix_nanos(),
                });
                Ok(c)
            }
        }
    }
}

/// 2030-01-01T00:00:00Z.
pub fn start() -> OffsetDateTime {
    time::macros::datetime!(2030-01-01 00:00 UTC)
}

pub fn config(clock: impl Clock + 'static) -> CacheConfig {
    CacheConfig::builder()
        .clock(clock)
        .jitter_seed(42)
        .build()
        .expect("valid config")
}

pub fn cache(clock: impl Clock + 'static, backend: &Backend) -> Cached<Backend> {
    Cached::with_config(backend.clone(), config(clock))
}

pub const MIN: Duration = Duration::from_secs(60);
pub const HOUR: Duration = Duration::from_secs(3600);

/// Polls a future once, with a waker that does nothing.
pub fn poll_once<F: Future>(f: F) -> Poll<F::Output> {
    let mut f = pin!(f);
    f.as_mut().poll(&mut Context::from_waker(Waker::noop()))
}

/// Runs a future to completion on this thread, without any tokio runtime.
pub fn block_on<F: Future>(f: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut f = pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}

/// A paused current-thread runtime, for tests that need several.
pub fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("runtime")
}

/// A clock that moves only when told to, usable without any runtime.
#[derive(Debug, Clone)]
pub struct StepClock(Arc<std::sync::atomic::AtomicI64>);

impl StepClock {
    pub fn new(start: OffsetDateTime) -> Self {
        StepClock(Arc::new(std::sync::atomic::AtomicI64::new(
            i64::try_from(start.unix_timestamp_nanos()).expect("in range"),
        )))
    }

    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_nanos() as i64, Ordering::SeqCst);
    }
}

impl Clock for StepClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(self.now_unix_nanos()).expect("in range")
    }

    fn now_unix_nanos(&self) -> i128 {
        i128::from(self.0.load(Ordering::SeqCst))
    }
}
