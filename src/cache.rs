//! [`Cached`]: the refresh engine, a caching decorator over any [`CredentialProvider`].

use std::fmt;
use std::future::Future;
use std::hash::BuildHasher;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::Poll;
use std::time::Duration;

use arc_swap::ArcSwap;
use async_trait::async_trait;
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::clock::Clock;
use crate::credentials::Credentials;
use crate::error::{CredentialError, ErrorKind};
use crate::provider::CredentialProvider;

mod config;
#[cfg(feature = "_aws")]
mod interop;
mod state;

pub use config::{CacheConfig, CacheConfigBuilder, FULL_WINDOW_LIFETIME};

use state::{PaddedCounter, Rng, Snapshot};

/// How often a caller starts over after the refresh it waited for was abandoned (the cache was
/// invalidated, or the runtime running the refresh shut down) before giving up.
const MAX_ABANDONED: u32 = 8;

/// A caching decorator over any [`CredentialProvider`]: lock-free hits, background refresh ahead
/// of expiry, single flight, backoff, and never credentials past their expiry.
///
/// Clones share one cache (one `Arc`). `Cached` is itself a [`CredentialProvider`], so it
/// composes with everything that takes one. The inherent [`provide`](Cached::provide) is the
/// allocation-free way to call it; through `dyn CredentialProvider` the call is boxed by
/// `async_trait`.
///
/// Nothing is spawned by the constructors: the first call fetches, and background refreshes are
/// spawned on the caller's tokio runtime when they are due. When the last clone is dropped, a
/// refresh still running is aborted.
///
/// ```
/// use aws_connector::{provide_fn, Cached, Credentials};
/// use time::macros::datetime;
///
/// # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// # rt.block_on(async {
/// let backend = provide_fn("example", || async {
///     // An STS call would go here.
///     Ok(Credentials::builder("ASIAEXAMPLE", "secret")
///         .session_token("token")
///         .expiry(datetime!(2100-01-01 00:00 UTC))
///         .build())
/// });
/// let cached = Cached::new(backend);
/// let first = cached.provide().await?; // calls the backend
/// let again = cached.provide().await?; // a hit
/// assert!(first.same_as(&again));
/// assert_eq!(cached.stats().hits, 1);
/// assert_eq!(cached.stats().refreshes, 1);
/// # Ok::<(), aws_connector::CredentialError>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # How it works
///
/// The cached state is an immutable snapshot behind an
/// `ArcSwap`: readers load it without a lock, writers (refreshes, [`Cached::invalidate`])
/// replace it as a whole under a small mutex that is never held across an `.await`.
///
/// - **Hit path** (`provide` while the credentials are far from any refresh point): one load of
///   the cache's generation counter, one coarse clock read ([`Clock::coarse_now_unix_nanos`]),
///   one compare, and a clone of the credentials from this thread's entry for the cache (a copy
///   of the current snapshot's fields, refreshed from the `ArcSwap` when the generation moves),
///   plus a bump of a per-shard hit counter. No lock, no allocation, no precise clock read, and
///   no cache line written by more than one thread (the credentials are kept in one copy per
///   shard, a thread always uses the same shard). A thread keeps such entries for up to 16
///   caches; an entry's copy of the credentials is released when the thread next uses that
///   cache after a change, when another cache takes the entry, or when the thread exits.
/// - **Near a refresh point** the precise clock decides:
///   - before the advisory point: a hit;
///   - in the advisory window: a hit, and the first caller to notice starts one background
///     refresh (a spawned task; nobody waits for it);
///   - in the mandatory window, or with nothing valid cached: callers wait, and all waiters share
///     one backend call (a *flight*) and its result or its error;
///   - past expiry, credentials are never returned.
/// - **Failures**: while the cached credentials are valid they keep being served, also to the
///   callers that waited in the mandatory window, and the next attempt waits for a backoff.
///   With nothing valid cached, the waiters get the error, and so does every caller until the
///   backoff ends (no caller triggers a backend call during the backoff).
///
/// The backend call always runs in a task spawned on the current tokio runtime, so a caller that
/// stops waiting (a timeout, a dropped request) never cancels it for the others. Without a tokio
/// runtime the first waiter runs the call itself. The task holds only a weak reference to the
/// cache, and dropping the cache (its last clone) aborts it.
///
/// Where the advisory and mandatory points lie (in proportion to the credentials' lifetime, with
/// jitter) and how the backoff grows: see [`CacheConfig`].
///
/// # With an AWS SDK client
///
/// With a default feature (`sts` or `machine-role`), `Cached` implements the SDK's
/// `ProvideCredentials` and hands the SDK the real expiry. The SDK's own identity cache would
/// still add a second, lock-based layer in front of it: turn that off with
/// `IdentityCache::no_cache()` and let `Cached` do the caching.
///
#[cfg_attr(feature = "_aws", doc = "```no_run")]
#[cfg_attr(not(feature = "_aws"), doc = "```ignore")]
/// use aws_config::identity::IdentityCache;
/// use aws_config::{BehaviorVersion, Region};
/// use aws_connector::{Cached, Credentials, StaticKeyProvider};
///
/// # async fn example() {
/// let provider = Cached::new(StaticKeyProvider::new(
///     Credentials::builder("AKIAIOSFODNN7EXAMPLE", "secret").build(),
/// ));
/// let sdk_config = aws_config::defaults(BehaviorVersion::latest())
///     .region(Region::new("eu-west-1"))
///     .credentials_provider(provider)
///     .identity_cache(IdentityCache::no_cache())
///     .load()
///     .await;
/// let sts = aws_sdk_sts::Client::new(&sdk_config);
/// # let _ = sts;
/// # }
/// ```
pub struct Cached<P> {
    shared: Arc<Shared<P>>,
}

/// A snapshot of a cache's counters (see [`Cached::stats`]).
///
/// Every call to `provide` counts as exactly one of `hits`, `waits` (it waited for a backend
/// call, whatever the outcome) or a negative-cache error (`errors` that did not wait).
/// A backend call is counted in `refreshes` or `failures` once the cache's state shows its
/// outcome: from then on no caller can join it, and after a failure the backoff is in force.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheStats {
    /// Calls answered from the cache without waiting.
    pub hits: u64,
    /// Calls that waited for a backend call (nothing valid was cached, or the mandatory window).
    pub waits: u64,
    /// Successful backend calls.
    pub refreshes: u64,
    /// Failed backend calls (an error, a panic, a load timeout, or credentials already expired
    /// on arrival).
    pub failures: u64,
    /// Hits answered while a refresh was in flight (part of `hits`).
    pub served_while_refreshing: u64,
    /// Calls to `provide` answered with an error.
    pub errors: u64,
}

impl CacheStats {
    /// Backend calls made: `refreshes + failures`.
    pub fn backend_calls(&self) -> u64 {
        self.refreshes + self.failures
    }
}

struct Shared<P> {
    /// Never reused; keys this thread's [`HotEntry`](state::HotEntry).
    id: u64,
    state: ArcSwap<Snapshot>,
    /// The generation of the snapshot in `state` (bumped after every store).
    generation: AtomicU64,
    clock: Arc<dyn Clock>,
    /// Per-shard hit counters (same length as a non-empty snapshot's shards).
    hits: Box<[PaddedCounter]>,
    shard_mask: usize,
    /// A refresh is running (mirrors `ctl.flight`, readable without the lock).
    in_flight: AtomicBool,
    ctl: Mutex<Ctl>,
    counters: Counters,
    rng: Rng,
    config: CacheConfig,
    provider: Arc<P>,
}

#[derive(Debug, Default)]
struct Counters {
    waits: AtomicU64,
    refreshes: AtomicU64,
    failures: AtomicU64,
    served_while_refreshing: AtomicU64,
    errors: AtomicU64,
}

/// What only writers touch.
#[derive(Default)]
struct Ctl {
    flight: Option<Flight>,
    next_flight: u64,
    failures_in_row: u32,
}

type Outcome = Option<Result<Credentials, CredentialError>>;

/// One backend call in progress, shared by everyone who waits for it.
struct Flight {
    id: u64,
    result: watch::Receiver<Outcome>,
    abort: Option<tokio::task::AbortHandle>,
}

impl Flight {
    /// Whether it can still deliver a result (its task has not died without one).
    fn is_live(&self) -> bool {
        self.result.has_changed().is_ok()
    }
}

type InlineFlight = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Why a refresh started (for the logs).
#[derive(Debug, Clone, Copy)]
enum Reason {
    Empty,
    Expired,
    Advisory,
    Mandatory,
    Forced,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Empty => "nothing cached",
            Reason::Expired => "expired",
            Reason::Advisory => "advisory window",
            Reason::Mandatory => "mandatory window",
            Reason::Forced => "refresh_now",
        }
    }
}

enum Join {
    /// Wait on this flight; run the inline future first when there is one.
    Wait(watch::Receiver<Outcome>, Option<InlineFlight>),
    /// The state changed before the lock was taken: decide again.
    Recheck,
}

impl<P: CredentialProvider + 'static> Cached<P> {
    /// Caches `provider` with the default [`CacheConfig`] (system clock).
    pub fn new(provider: P) -> Self {
        Self::with_config(provider, CacheConfig::default())
    }

    /// Caches `provider` with `config`.
    pub fn with_config(provider: P, config: CacheConfig) -> Self {
        let seed = config
            .jitter_seed()
            .unwrap_or_else(|| std::collections::hash_map::RandomState::new().hash_one(0u64));
        let shards = state::shard_count();
        Cached {
            shared: Arc::new(Shared {
                id: state::next_cache_id(),
                state: ArcSwap::from_pointee(Snapshot::empty()),
                generation: AtomicU64::new(0),
                clock: config.clock().clone(),
                hits: (0..shards).map(|_| PaddedCounter::default()).collect(),
                shard_mask: shards - 1,
                in_flight: AtomicBool::new(false),
                ctl: Mutex::new(Ctl::default()),
                counters: Counters::default(),
                rng: Rng::new(seed),
                config,
                provider: Arc::new(provider),
            }),
        }
    }

    /// Cached credentials, or fresh ones from the backend when needed (see ["How it
    /// works"](Cached#how-it-works) for when a caller waits).
    ///
    /// # Errors
    /// When nothing valid is cached and the backend call this caller waited for (or the last one,
    /// during its backoff) failed: that call's [`CredentialError`], the same for every caller.
    /// Credentials the backend returns already expired are refused with
    /// [`ErrorKind::Expired`]. Never an error while valid credentials are cached.
    #[inline]
    pub async fn provide(&self) -> Result<Credentials, CredentialError> {
        if let Some(hit) = self.shared.fast_hit() {
            return Ok(hit);
        }
        self.shared.provide_slow().await
    }

    /// Drops the cached credentials (and the last error and backoff); the next call fetches.
    /// A refresh in flight is aborted (its waiters join the next one).
    ///
    /// No thread is served the old credentials after this returns. The copy each thread keeps
    /// for the hit path is released by the calling thread now and by other threads the next time
    /// they use this cache (or when they exit).
    pub fn invalidate(&self) {
        let abort = {
            let mut ctl = self.shared.lock();
            ctl.failures_in_row = 0;
            self.shared.publish(Snapshot::empty());
            self.shared.in_flight.store(false, Ordering::Release);
            ctl.flight.take().and_then(|f| f.abort)
        };
        if let Some(abort) = abort {
            abort.abort();
        }
        state::forget_hot_entry(self.shared.id);
        tracing::info!(target: "aws_connector::cache", "credential cache invalidated");
    }

    /// Calls the backend now, whatever the windows and the backoff say, and caches the result.
    /// Joins the refresh already in flight, if there is one, instead of starting another.
    ///
    /// # Errors
    /// The backend's error, even when the cache keeps serving still-valid credentials.
    pub async fn refresh_now(&self) -> Result<Credentials, CredentialError> {
        let mut abandoned = 0;
        loop {
            let (rx, inline) = {
                let mut ctl = self.shared.lock();
                match ctl.flight.as_ref().filter(|f| f.is_live()) {
                    Some(f) => (f.result.clone(), None),
                    None => self.shared.start_flight(&mut ctl, Reason::Forced),
                }
            };
            if let Some(inline) = inline {
                inline.await;
            }
            match wait(rx).await {
                Some(result) => return result.and_then(|c| self.shared.unexpired(c)),
                None => {
                    abandoned += 1;
                    if abandoned >= MAX_ABANDONED {
                        return Err(abandoned_error());
                    }
                }
            }
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> CacheStats {
        self.shared.stats()
    }

    /// When the cached credentials expire: `None` when nothing is cached, `Some(None)` for
    /// long-term credentials. Expired credentials may still be held (never served).
    pub fn cached_expiry(&self) -> Option<Option<OffsetDateTime>> {
        let snap = self.shared.state.load();
        snap.shards.first().map(Credentials::expiry)
    }

    /// The configuration.
    pub fn config(&self) -> &CacheConfig {
        &self.shared.config
    }

    /// The wrapped provider.
    pub fn get_ref(&self) -> &P {
        &self.shared.provider
    }
}

impl<P> Clone for Cached<P> {
    fn clone(&self) -> Self {
        Cached {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<P: fmt::Debug> fmt::Debug for Cached<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Holding<'a>(&'a Snapshot);
        impl fmt::Debug for Holding<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0.shards.first() {
                    None => f.write_str("nothing"),
                    // Never the credentials' own Debug: only what is not secret.
                    Some(c) => f
                        .debug_struct("Credentials")
                        .field("access_key_id", &c.access_key_id())
                        .field("expiry", &c.expiry())
                        .finish_non_exhaustive(),
                }
            }
        }
        let snap = self.shared.state.load();
        f.debug_struct("Cached")
            .field("provider", &self.shared.provider)
            .field("holding", &Holding(&snap))
            .field("stats", &self.shared.stats())
            .finish()
    }
}

#[async_trait]
impl<P: CredentialProvider + 'static> CredentialProvider for Cached<P> {
    async fn provide(&self) -> Result<Credentials, CredentialError> {
        Cached::provide(self).await
    }
}

impl<P> Drop for Shared<P> {
    fn drop(&mut self) {
        state::forget_hot_entry(self.id);
        let ctl = self.ctl.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(abort) = ctl.flight.take().and_then(|f| f.abort) {
            abort.abort();
        }
    }
}

impl<P> Shared<P> {
    fn lock(&self) -> MutexGuard<'_, Ctl> {
        self.ctl.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stats(&self) -> CacheStats {
        let c = &self.counters;
        CacheStats {
            hits: self.hits.iter().map(|h| h.0.load(Ordering::Relaxed)).sum(),
            waits: c.waits.load(Ordering::Relaxed),
            // Acquire: pairs with the Release in `complete`, so the state a reader loads after
            // seeing a call counted is at least the one that call published.
            refreshes: c.refreshes.load(Ordering::Acquire),
            failures: c.failures.load(Ordering::Acquire),
            served_while_refreshing: c.served_while_refreshing.load(Ordering::Relaxed),
            errors: c.errors.load(Ordering::Relaxed),
        }
    }

    /// The lock-free hit: valid only while the coarse clock is before `fast_until`. Answers from
    /// this thread's entry while its generation is current (one shared atomic load).
    #[inline]
    fn fast_hit(&self) -> Option<Credentials> {
        let generation = self.generation.load(Ordering::Acquire);
        let now = self.clock.coarse_now_unix_nanos();
        state::with_hot_entry(self.id, |e| {
            if e.cache_id != self.id || e.generation != generation {
                self.refill(e);
            }
            if now < e.fast_until {
                let c = e.credentials.clone()?;
                self.hits[e.shard].0.fetch_add(1, Ordering::Relaxed);
                Some(c)
            } else {
                None
            }
        })
        .flatten()
    }

    #[cold]
    #[inline(never)]
    fn refill(&self, e: &mut state::HotEntry) {
        let snap = self.state.load();
        e.fill(self.id, &snap, state::thread_slot() & self.shard_mask);
    }

    /// Replaces the state (the caller holds the `ctl` lock).
    fn publish(&self, mut snap: Snapshot) {
        let generation = self.generation.load(Ordering::Relaxed) + 1;
        snap.generation = generation;
        self.state.store(Arc::new(snap));
        self.generation.store(generation, Ordering::Release);
    }

    /// A hit decided by the slow path (`snap` holds valid credentials).
    fn hit(&self, snap: &Snapshot) -> Credentials {
        let i = state::thread_slot() & self.shard_mask;
        self.hits[i].0.fetch_add(1, Ordering::Relaxed);
        if self.in_flight.load(Ordering::Acquire) {
            self.counters
                .served_while_refreshing
                .fetch_add(1, Ordering::Relaxed);
        }
        snap.shards[i].clone()
    }

    fn error(&self, e: CredentialError) -> Result<Credentials, CredentialError> {
        self.counters.errors.fetch_add(1, Ordering::Relaxed);
        Err(e)
    }

    /// The cached credentials if they are still valid, else `e` (counted as an error).
    fn valid_or(&self, e: CredentialError) -> Result<Credentials, CredentialError> {
        let now = self.clock.now_unix_nanos();
        let snap = self.state.load();
        if snap.valid_at(now) {
            Ok(snap.shards[state::thread_slot() & self.shard_mask].clone())
        } else {
            self.error(e)
        }
    }

    /// `c` unless it has expired by now (a waiter may wake after a refresh returned credentials
    /// that were about to expire).
    fn unexpired(&self, c: Credentials) -> Result<Credentials, CredentialError> {
        match c.expiry() {
            Some(e) if e.unix_timestamp_nanos() <= self.clock.now_unix_nanos() => {
                Err(CredentialError::Expired { expired_at: e })
            }
            _ => Ok(c),
        }
    }

    /// Cleans up after flight `id` ended without a result (its task was cancelled).
    fn abandon(&self, id: u64) {
        let mut ctl = self.lock();
        if ctl.flight.as_ref().is_some_and(|f| f.id == id) {
            ctl.flight = None;
            let snap = self.state.load();
            self.publish(snap.with_fast_path(true));
            self.in_flight.store(false, Ordering::Release);
        }
    }
}

impl<P: CredentialProvider + 'static> Shared<P> {
    async fn provide_slow(self: &Arc<Self>) -> Result<Credentials, CredentialError> {
        let mut waited = false;
        let mut abandoned = 0;
        loop {
            let now = self.clock.now_unix_nanos();
            let snap = self.state.load_full();
            let reason = if snap.valid_at(now) {
                let s = &snap.schedule;
                if now < s.mandatory_at || now < snap.retry_at {
                    // Before the mandatory point, or in a backoff: answer from the cache.
                    if now >= s.advisory_at
                        && now >= snap.retry_at
                        && !self.in_flight.load(Ordering::Acquire)
                    {
                        if let Some(inline) = self.start_background(&snap) {
                            // No tokio runtime to run it in the background: this caller runs it,
                            // then decides again.
                            inline.await;
                            continue;
                        }
                    }
                    return Ok(self.hit(&snap));
                }
                Reason::Mandatory
            } else {
                if now < snap.retry_at {
                    if let Some(e) = &snap.last_error {
                        return self.error(e.clone());
                    }
                }
                if snap.shards.is_empty() {
                    Reason::Empty
                } else {
                    Reason::Expired
                }
            };

            let (rx, inline) = match self.join_or_start(&snap, reason) {
                Join::Wait(rx, inline) => (rx, inline),
                Join::Recheck => continue,
            };
            if !waited {
                waited = true;
                self.counters.waits.fetch_add(1, Ordering::Relaxed);
            }
            if let Some(inline) = inline {
                inline.await;
            }
            match wait(rx).await {
                Some(Ok(c)) => return self.unexpired(c).or_else(|e| self.error(e)),
                // The refresh failed: still-valid credentials are served all the same.
                Some(Err(e)) => return self.valid_or(e),
                None => {
                    abandoned += 1;
                    if abandoned >= MAX_ABANDONED {
                        return self.valid_or(abandoned_error());
                    }
                }
            }
        }
    }

    /// Starts the advisory refresh unless someone else is busy with the state; never blocks.
    fn start_background(self: &Arc<Self>, seen: &Arc<Snapshot>) -> Option<InlineFlight> {
        let mut ctl = match self.ctl.try_lock() {
            Ok(ctl) => ctl,
            Err(std::sync::TryLockError::WouldBlock) => return None,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
        };
        if ctl.flight.as_ref().is_some_and(Flight::is_live)
            || !Arc::ptr_eq(&self.state.load_full(), seen)
        {
            return None;
        }
        self.start_flight(&mut ctl, Reason::Advisory).1
    }

    /// Joins the flight in progress, or starts one if the state is still the one `seen`.
    fn join_or_start(self: &Arc<Self>, seen: &Arc<Snapshot>, reason: Reason) -> Join {
        let mut ctl = self.lock();
        if let Some(f) = ctl.flight.as_ref().filter(|f| f.is_live()) {
            return Join::Wait(f.result.clone(), None);
        }
        // Re-check after acquiring: a refresh may have finished since `seen` was loaded.
        if !Arc::ptr_eq(&self.state.load_full(), seen) {
            return Join::Recheck;
        }
        let (rx, inline) = self.start_flight(&mut ctl, reason);
        Join::Wait(rx, inline)
    }

    /// Starts a backend call (the caller holds the lock). Spawned on the current tokio runtime;
    /// without one, the future is returned for the caller to run.
    fn start_flight(
        self: &Arc<Self>,
        ctl: &mut Ctl,
        reason: Reason,
    ) -> (watch::Receiver<Outcome>, Option<InlineFlight>) {
        let id = ctl.next_flight;
        ctl.next_flight += 1;
        let (tx, rx) = watch::channel(None);
        // Every caller takes the slow path while the refresh runs (served_while_refreshing).
        let snap = self.state.load();
        self.publish(snap.with_fast_path(false));
        self.in_flight.store(true, Ordering::Release);
        tracing::debug!(
            target: "aws_connector::cache",
            reason = reason.as_str(),
            attempt = ctl.failures_in_row + 1,
            "credential refresh started"
        );
        let runtime = tokio::runtime::Handle::try_current().ok();
        // Without a runtime there is no timer: the call is not bounded.
        let timeout = runtime.as_ref().and(self.config.load_timeout());
        let fut = run_flight(
            Arc::downgrade(self),
            Arc::clone(&self.provider),
            id,
            tx,
            timeout,
        );
        match runtime {
            Some(rt) => {
                let task = rt.spawn(fut);
                ctl.flight = Some(Flight {
                    id,
                    result: rx.clone(),
                    abort: Some(task.abort_handle()),
                });
                (rx, None)
            }
            None => {
                ctl.flight = Some(Flight {
                    id,
                    result: rx.clone(),
                    abort: None,
                });
                (rx, Some(Box::pin(fut)))
            }
        }
    }

    /// Records the result of flight `id` and returns what its waiters get.
    fn complete(
        &self,
        id: u64,
        result: Result<Credentials, CredentialError>,
    ) -> Result<Credentials, CredentialError> {
        let now = self.clock.now_unix_nanos();
        let result = match result {
            Ok(c) => match c.expiry() {
                Some(e) if e.unix_timestamp_nanos() <= now => {
                    Err(CredentialError::Expired { expired_at: e })
                }
                _ => Ok(c),
            },
            Err(e) => Err(e),
        };
        let counter = match &result {
            Ok(_) => &self.counters.refreshes,
            Err(_) => &self.counters.failures,
        };
        let mut ctl = self.lock();
        if ctl.flight.as_ref().is_none_or(|f| f.id != id) {
            // Invalidated meanwhile: the cache no longer wants this result.
            counter.fetch_add(1, Ordering::Release);
            return result;
        }
        ctl.flight = None;
        let snap = self.state.load_full();
        let next = match &result {
            Ok(c) => {
                ctl.failures_in_row = 0;
                let schedule = match c.expiry() {
                    None => config::Schedule::NEVER,
                    Some(e) => {
                        self.config
                            .schedule(now, e.unix_timestamp_nanos(), self.rng.next_unit())
                    }
                };
                tracing::info!(
                    target: "aws_connector::cache",
                    access_key_id = c.access_key_id(),
                    provider = c.provider_name(),
                    expiry = ?c.expiry(),
                    refresh_in_secs = secs_until(now, schedule.advisory_at),
                    "credential refresh succeeded"
                );
                Snapshot::fresh(c, schedule)
            }
            Err(e) => {
                ctl.failures_in_row = ctl.failures_in_row.saturating_add(1);
                let delay = self
                    .config
                    .backoff_nanos(ctl.failures_in_row, self.rng.next_unit());
                let valid = snap.valid_at(now);
                let mut retry_at = now.saturating_add(delay);
                if valid {
                    retry_at = retry_at.min(snap.schedule.expires_at);
                }
                tracing::warn!(
                    target: "aws_connector::cache",
                    error = %e,
                    kind = %e.kind(),
                    failures_in_row = ctl.failures_in_row,
                    still_valid = valid,
                    "credential refresh failed"
                );
                tracing::info!(
                    target: "aws_connector::cache",
                    retry_in_ms = secs_until(now, retry_at).map(|s| s * 1000.0),
                    "credential refresh backing off"
                );
                Snapshot {
                    retry_at,
                    last_error: Some(e.clone()),
                    ..snap.with_fast_path(true)
                }
            }
        };
        self.publish(next);
        self.in_flight.store(false, Ordering::Release);
        // Counted only now that the state shows the outcome (the flight is gone, the backoff
        // set): whoever sees the counter move sees the call finished, not still joinable.
        counter.fetch_add(1, Ordering::Release);
        result
    }
}

/// Runs one backend call and publishes its result.
async fn run_flight<P: CredentialProvider + 'static>(
    cache: Weak<Shared<P>>,
    provider: Arc<P>,
    id: u64,
    tx: watch::Sender<Outcome>,
    load_timeout: Option<Duration>,
) {
    struct AbandonGuard<P> {
        cache: Option<Weak<Shared<P>>>,
        id: u64,
    }
    impl<P> Drop for AbandonGuard<P> {
        fn drop(&mut self) {
            if let Some(shared) = self.cache.take().and_then(|w| w.upgrade()) {
                shared.abandon(self.id);
            }
        }
    }
    let mut guard = AbandonGuard {
        cache: Some(cache),
        id,
    };
    let result = bounded(catch_panic(provider.provide()), load_timeout).await;
    let Some(shared) = guard.cache.take().and_then(|w| w.upgrade()) else {
        return; // the cache is gone
    };
    let outcome = shared.complete(id, result);
    // Nobody waiting is fine.
    let _ = tx.send(Some(outcome));
}

/// Turns a panic in the provider into an error, so that the waiters get an answer.
async fn catch_panic(
    mut fut: Pin<Box<dyn Future<Output = Result<Credentials, CredentialError>> + Send + '_>>,
) -> Result<Credentials, CredentialError> {
    std::future::poll_fn(move |cx| {
        match std::panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(_) => Poll::Ready(Err(CredentialError::other(
                ErrorKind::Other,
                "the credential provider panicked",
            ))),
        }
    })
    .await
}

/// Fails `call` with [`ErrorKind::Timeout`] when it has not finished after `timeout`, if tokio's
/// timers are available.
async fn bounded(
    call: impl Future<Output = Result<Credentials, CredentialError>>,
    timeout: Option<Duration>,
) -> Result<Credentials, CredentialError> {
    // A runtime built without `enable_time` panics here; then the call is not bounded.
    let timer = timeout.and_then(|t| {
        std::panic::catch_unwind(|| tokio::time::sleep(t))
            .ok()
            .map(|sleep| (t, sleep))
    });
    let Some((limit, sleep)) = timer else {
        return call.await;
    };
    let (mut call, mut sleep) = (std::pin::pin!(call), std::pin::pin!(sleep));
    std::future::poll_fn(|cx| {
        if let Poll::Ready(result) = call.as_mut().poll(cx) {
            return Poll::Ready(result);
        }
        if sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(CredentialError::other(
                ErrorKind::Timeout,
                format!("the credential provider did not answer within {limit:?}"),
            )));
        }
        Poll::Pending
    })
    .await
}

async fn wait(mut rx: watch::Receiver<Outcome>) -> Outcome {
    match rx.wait_for(Option::is_some).await {
        Ok(v) => v.clone(),
        Err(_) => None,
    }
}

fn abandoned_error() -> CredentialError {
    CredentialError::other(
        ErrorKind::Other,
        "the credential refresh was abandoned repeatedly (cache invalidated or runtime shutting down)",
    )
}

fn secs_until(now: i128, at: i128) -> Option<f64> {
    (at != i128::MAX).then(|| (at - now) as f64 / 1e9)
}

#[cfg(test)]
mod tests;
