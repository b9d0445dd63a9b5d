//! The refresh engine through the public API, in virtual time (tokio's paused clock or a manual
//! clock). No assertion depends on how long anything takes in real time.

#[path = "common/cache_fixtures.rs"]
mod cache_fixtures;

use std::io;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use aws_connector::{
    CacheConfig, Cached, Clock, CredentialError, CredentialProvider, Credentials, ErrorKind,
    SharedCredentialProvider,
};
use proptest::prelude::*;
use time::OffsetDateTime;
use tokio::task::JoinSet;

use cache_fixtures::*;

fn expiry_nanos(c: &Credentials) -> i128 {
    c.expiry().map_or(i128::MAX, |e| e.unix_timestamp_nanos())
}

/// `n` concurrent callers; each result with the clock reading at the moment it was returned.
async fn wave(
    cache: &Cached<Backend>,
    clock: VirtualClock,
    n: usize,
) -> Vec<(Result<Credentials, CredentialError>, i128)> {
    let mut set = JoinSet::new();
    for _ in 0..n {
        let cache = cache.clone();
        set.spawn(async move {
            let r = cache.provide().await;
            (r, clock.now_unix_nanos())
        });
    }
    set.join_all().await
}

#[tokio::test(start_paused = true)]
async fn ten_thousand_callers_on_an_empty_cache_make_one_backend_call() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |_| Step::ok(HOUR).after(Duration::from_secs(2)));
    let cache = cache(clock, &backend);

    let results = wave(&cache, clock, 10_000).await;

    assert_eq!(backend.calls(), 1);
    let first = results[0].0.as_ref().expect("credentials");
    assert!(results
        .iter()
        .all(|(r, _)| r.as_ref().is_ok_and(|c| c.same_as(first))));
    let stats = cache.stats();
    assert_eq!(
        (stats.waits, stats.refreshes, stats.hits, stats.errors),
        (10_000, 1, 0, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_callers_on_four_threads_make_one_backend_call() {
    let clock = VirtualClock::new(start());
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let backend = Backend::new(clock, |_| Step::ok(HOUR)).gated(Arc::clone(&gate));
    let cache = cache(clock, &backend);

    let mut set = JoinSet::new();
    for _ in 0..10_000 {
        let cache = cache.clone();
        set.spawn(async move { cache.provide().await });
    }
    // The backend answers only once every caller is waiting for it. (The timeout only keeps a
    // broken build from hanging; nothing is asserted about time.)
    tokio::time::timeout(Duration::from_secs(120), async {
        while cache.stats().waits < 10_000 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("all callers waiting");
    gate.add_permits(1);
    let results = set.join_all().await;

    assert_eq!(backend.calls(), 1);
    assert_eq!(results.len(), 10_000);
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(cache.stats().waits, 10_000);
}

#[tokio::test(start_paused = true)]
async fn failing_backend_makes_one_call_per_attempt_and_every_caller_gets_its_error() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |_| {
        Step::fail(ErrorKind::Throttled).after(Duration::from_secs(1))
    });
    let cache = cache(clock, &backend);
    let all_throttled = |results: &[(Result<Credentials, CredentialError>, i128)]| {
        results
            .iter()
            .all(|(r, _)| r.as_ref().is_err_and(|e| e.kind() == ErrorKind::Throttled))
    };

    let first = wave(&cache, clock, 10_000).await;
    assert_eq!(backend.calls(), 1);
    assert!(all_throttled(&first));

    // During the backoff (at most 1 s after the first failure) nobody calls the backend.
    let during_backoff = wave(&cache, clock, 10_000).await;
    assert_eq!(backend.calls(), 1);
    assert!(all_throttled(&during_backoff));

    tokio::time::advance(Duration::from_secs(1)).await;
    let second = wave(&cache, clock, 10_000).await;
    assert_eq!(backend.calls(), 2);
    assert!(all_throttled(&second));

    let stats = cache.stats();
    assert_eq!(stats.failures, 2);
    assert_eq!(stats.errors, 30_000);
    assert_eq!(stats.waits, 20_000);
    assert_eq!(backend.max_running(), 1);
}

#[tokio::test(start_paused = true)]
async fn in_the_advisory_window_no_caller_waits_for_a_slow_backend() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |_| Step::ok(HOUR).after(Duration::from_secs(2)));
    let cache = cache(clock, &backend);
    let old = cache.provide().await.expect("first fetch");

    // 50 minutes in: past the advisory point (42-45 min), before the mandatory one (55 min).
    tokio::time::advance(50 * MIN).await;
    for _ in 0..1000 {
        match poll_once(cache.provide()) {
            Poll::Ready(Ok(c)) => assert!(c.same_as(&old)),
            other => panic!("a caller had to wait or failed: {other:?}"),
        }
    }
    // One background refresh was spawned; no caller ran it.
    assert_eq!(backend.calls(), 1);
    tokio::task::yield_now().await;
    assert_eq!(backend.calls(), 2);
    assert_eq!(backend.running(), 1);

    // While the backend takes its 2 s, callers still get the old credentials at once.
    for _ in 0..1000 {
        assert!(matches!(poll_once(cache.provide()), Poll::Ready(Ok(c)) if c.same_as(&old)));
    }
    let stats = cache.stats();
    assert_eq!(stats.served_while_refreshing, 2000);
    assert_eq!(stats.hits, 2000);

    tokio::time::sleep(Duration::from_secs(3)).await;
    let new = cache.provide().await.expect("refreshed");
    assert!(!new.same_as(&old));
    assert_eq!(backend.calls(), 2);
    assert_eq!(cache.stats().refreshes, 2);
}

#[tokio::test(start_paused = true)]
async fn in_the_mandatory_window_callers_wait_and_share_one_call() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |_| Step::ok(HOUR).after(Duration::from_secs(2)));
    let cache = cache(clock, &backend);
    let old = cache.provide().await.expect("first fetch");

    // 57 minutes in: past the mandatory point (55 min), the credentials still valid.
    tokio::time::advance(57 * MIN).await;
    assert!(poll_once(cache.provide()).is_pending());
    let results = wave(&cache, clock, 100).await;
    assert_eq!(backend.calls(), 2);
    let new = results[0].0.as_ref().expect("refreshed");
    assert!(!new.same_as(&old));
    assert!(results
        .iter()
        .all(|(r, _)| r.as_ref().is_ok_and(|c| c.same_as(new))));
}

#[tokio::test(start_paused = true)]
async fn backend_failing_from_the_advisory_point_on_never_errors_while_valid_never_serves_expired()
{
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |n| {
        if n == 0 {
            Step::ok(HOUR)
        } else {
            Step::fail(ErrorKind::Transient).after(Duration::from_secs(1))
        }
    });
    let cache = cache(clock, &backend);
    let old = cache.provide().await.expect("first fetch");
    let expiry = expiry_nanos(&old);

    let (mut ok, mut errors) = (0, 0);
    while clock.elapsed() < 70 * MIN {
        tokio::time::sleep(Duration::from_secs(10)).await;
        for (r, t) in wave(&cache, clock, 3).await {
            if t < expiry {
                let c = r.expect("no error while the old credentials are valid");
                assert!(c.same_as(&old));
                ok += 1;
            } else {
                let e = r.expect_err("never credentials past expiry");
                assert!(matches!(
                    e.kind(),
                    ErrorKind::Transient | ErrorKind::Expired
                ));
                errors += 1;
            }
        }
    }
    assert!(ok > 0 && errors > 0);
    // Retried with backoff from the advisory point: more than once, one call at a time.
    assert!(backend.calls() > 3);
    assert_eq!(backend.max_running(), 1);
    assert_eq!(cache.stats().failures as usize, backend.calls() - 1);
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

const KINDS: [ErrorKind; 5] = [
    ErrorKind::Transient,
    ErrorKind::Throttled,
    ErrorKind::AccessDenied,
    ErrorKind::Timeout,
    ErrorKind::MalformedResponse,
];

fn check_invariants(
    start_secs: i64,
    coarse_lag_ms: u64,
    seed: u64,
    script: Vec<(bool, u64, u64, usize)>,
    steps: Vec<(u64, usize)>,
) -> Result<(), TestCaseError> {
    paused_runtime().block_on(async move {
        let start = OffsetDateTime::from_unix_timestamp(start_secs).expect("in range");
        let clock = VirtualClock::new(start).with_coarse_lag(millis(coarse_lag_ms));
        let backend = Backend::new(clock, move |n| {
            let (ok, life, delay, kind) = script[n % script.len()];
            let step = if ok {
                Step::ok(secs(life))
            } else {
                Step::fail(KINDS[kind])
            };
            step.after(millis(delay))
        });
        let config = CacheConfig::builder()
            .clock(clock)
            .jitter_seed(seed)
            .build()
            .expect("valid");
        let cache = Cached::with_config(backend.clone(), config);

        for (advance, callers) in steps {
            tokio::time::advance(millis(advance)).await;
            for (r, t) in wave(&cache, clock, callers).await {
                match r {
                    Ok(c) => {
                        prop_assert!(t < expiry_nanos(&c), "served credentials past expiry");
                        prop_assert!(backend.issued().iter().any(|i| i.credentials.same_as(&c)));
                    }
                    Err(e) => {
                        // The cache holds the latest issuance: it must not be valid any more.
                        if let Some(latest) = backend.issued().last() {
                            prop_assert!(
                                t >= expiry_nanos(&latest.credentials),
                                "error {e} while valid credentials were cached"
                            );
                        }
                    }
                }
            }
        }
        prop_assert!(
            backend.max_running() <= 1,
            "more than one backend call at once"
        );
        let stats = cache.stats();
        // Every call that ended was counted (one may still run; timed-out calls never end).
        prop_assert!(backend.completed() <= stats.backend_calls() as usize);
        prop_assert!(stats.backend_calls() as usize <= backend.calls());
        Ok(())
    })
}

proptest! {
    /// Never past expiry; never an error while a valid value is cached (which is stronger than
    /// "before the mandatory window"); one backend call at a time.
    #[test]
    fn never_past_expiry_never_an_error_while_valid(
        start_secs in 0i64..4_000_000_000,
        coarse_lag_ms in 0u64..1000,
        seed in any::<u64>(),
        // Delays: mostly short, sometimes around the 60 s load timeout.
        script in prop::collection::vec((any::<bool>(), 60u64..6 * 3600, prop_oneof![4 => 0u64..5000, 1 => 55_000u64..65_000], 0usize..KINDS.len()), 1..12),
        steps in prop::collection::vec((0u64..90 * 60 * 1000, 1usize..4), 1..40),
    ) {
        check_invariants(start_secs, coarse_lag_ms, seed, script, steps)?;
    }
}

#[tokio::test(start_paused = true)]
async fn first_refreshes_of_1000_caches_spread_over_ten_percent_of_the_window() {
    let clock = VirtualClock::new(start());
    // Default configuration: every cache draws its own jitter seed.
    let caches: Vec<(Backend, Cached<Backend>)> = (0..1000)
        .map(|_| {
            let b = Backend::new(clock, |_| Step::ok(HOUR));
            let config = CacheConfig::builder().clock(clock).build().expect("valid");
            (b.clone(), Cached::with_config(b, config))
        })
        .collect();
    for (_, c) in &caches {
        c.provide().await.expect("first fetch");
    }

    tokio::time::advance(41 * MIN).await;
    while clock.elapsed() < 50 * MIN {
        for (b, c) in &caches {
            if b.calls() < 2 {
                c.provide().await.expect("valid");
            }
        }
        tokio::task::yield_now().await; // the background refreshes run
        tokio::time::advance(Duration::from_secs(1)).await;
    }
    let firsts: Vec<i128> = caches.iter().map(|(b, _)| b.call_times()[1]).collect();
    let spread = firsts.iter().max().unwrap() - firsts.iter().min().unwrap();
    let window = CacheConfig::default().advisory_before().as_nanos() as i128;
    println!(
        "first refreshes spread over {} s of a {} s window",
        spread / 1_000_000_000,
        window / 1_000_000_000
    );
    assert!(
        spread * 10 >= window,
        "first refreshes spread over {} s only",
        spread / 1_000_000_000
    );
    // And none before the advisory window of the unjittered schedule plus the jitter.
    let start = start().unix_timestamp_nanos();
    assert!(firsts
        .iter()
        .all(|t| *t >= start + (42 * MIN).as_nanos() as i128));
}

#[tokio::test(start_paused = true)]
async fn the_background_refresh_ends_when_the_cache_is_dropped() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let base = metrics.num_alive_tasks();
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |n| match n {
        0 => Step::ok(HOUR),
        _ => Step::ok(HOUR).after(HOUR),
    });
    let cache = cache(clock, &backend);
    assert_eq!(metrics.num_alive_tasks(), base, "a constructor spawned");
    cache.provide().await.expect("first fetch");
    tokio::task::yield_now().await;
    assert_eq!(metrics.num_alive_tasks(), base);

    tokio::time::advance(50 * MIN).await;
    assert!(poll_once(cache.provide()).is_ready());
    tokio::task::yield_now().await;
    assert_eq!(backend.running(), 1);
    assert_eq!(metrics.num_alive_tasks(), base + 1);

    // Nothing holds a lock across the backend call: these all return at once.
    let clone = cache.clone();
    let _ = (format!("{clone:?}"), clone.stats(), clone.cached_expiry());
    drop(clone);

    drop(cache);
    tokio::task::yield_now().await;
    assert_eq!(backend.running(), 0, "the backend call was not cancelled");
    assert_eq!(backend.completed(), 1);
    assert_eq!(metrics.num_alive_tasks(), base);
    tokio::time::sleep(2 * HOUR).await;
    assert_eq!(backend.calls(), 2);
}

#[test]
fn constructors_spawn_nothing_and_need_no_runtime() {
    let clock = StepClock::new(start());
    let backend = Backend::new(clock.clone(), |_| Step::ok(HOUR));
    let cache = cache(clock, &backend);
    assert_eq!(backend.calls(), 0);
    assert_eq!(cache.cached_expiry(), None);
}

#[test]
fn works_without_a_tokio_runtime() {
    let clock = StepClock::new(start());
    let backend = Backend::new(clock.clone(), |n| {
        if n == 2 {
            Step::fail(ErrorKind::Transient)
        } else {
            Step::ok(HOUR)
        }
    });
    let cache = cache(clock.clone(), &backend);
    let a = block_on(cache.provide()).expect("fetched inline");
    let b = block_on(cache.provide()).expect("hit");
    assert!(a.same_as(&b));
    assert_eq!(backend.calls(), 1);
    // The advisory refresh runs in the caller that finds it due.
    clock.advance(50 * MIN);
    let c = block_on(cache.provide()).expect("refreshed");
    assert!(!c.same_as(&a));
    assert_eq!(backend.calls(), 2);
    // refresh_now fails, the valid credentials are still served.
    assert!(block_on(cache.refresh_now()).is_err());
    assert!(block_on(cache.provide()).expect("still valid").same_as(&c));
}

#[tokio::test(start_paused = true)]
async fn invalidate_and_refresh_now() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |n| match n {
        3 => Step::fail(ErrorKind::AccessDenied),
        _ => Step::ok(HOUR),
    });
    let cache = cache(clock, &backend);
    let a = cache.provide().await.expect("fetch");
    assert!(cache.provide().await.expect("hit").same_as(&a));
    assert_eq!(cache.cached_expiry(), Some(a.expiry()));

    cache.invalidate();
    assert_eq!(cache.cached_expiry(), None);
    let b = cache.provide().await.expect("fetch again");
    assert!(!b.same_as(&a));
    assert_eq!(backend.calls(), 2);

    let c = cache.refresh_now().await.expect("forced");
    assert!(!c.same_as(&b));
    assert!(cache.provide().await.expect("hit").same_as(&c));
    assert_eq!(backend.calls(), 3);

    // A failed forced refresh reports its error; callers keep getting valid credentials.
    let e = cache.refresh_now().await.expect_err("scripted failure");
    assert_eq!(e.kind(), ErrorKind::AccessDenied);
    assert!(cache.provide().await.expect("still valid").same_as(&c));
    let stats = cache.stats();
    assert_eq!((stats.refreshes, stats.failures, stats.errors), (3, 1, 0));
}

#[tokio::test(start_paused = true)]
async fn invalidate_during_a_refresh_sends_its_waiters_to_a_new_one() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |n| match n {
        0 => Step::ok(HOUR).after(HOUR),
        _ => Step::ok(HOUR).after(Duration::from_secs(1)),
    });
    let cache = cache(clock, &backend);
    let waiter = {
        let cache = cache.clone();
        tokio::spawn(async move { cache.provide().await })
    };
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
    assert_eq!(backend.running(), 1);
    cache.invalidate();
    let c = waiter.await.expect("joined").expect("credentials");
    assert_eq!(c.access_key_id(), "ASIAFIXTURE00000001");
    assert_eq!(backend.calls(), 2);
    assert_eq!(backend.completed(), 1);
}

#[tokio::test(start_paused = true)]
async fn long_term_credentials_are_cached_until_invalidated() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |_| Step::long_term());
    let cache = cache(clock, &backend);
    let a = cache.provide().await.expect("fetch");
    assert_eq!(a.expiry(), None);
    tokio::time::advance(Duration::from_secs(200 * 365 * 24 * 3600)).await;
    assert!(cache.provide().await.expect("hit").same_as(&a));
    assert_eq!(backend.calls(), 1);
    cache.invalidate();
    cache.provide().await.expect("fetch again");
    assert_eq!(backend.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn credentials_expired_on_arrival_are_refused() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |_| Step::expired(Duration::from_secs(1)));
    let cache = cache(clock, &backend);
    let e = cache.provide().await.expect_err("expired");
    assert_eq!(e.kind(), ErrorKind::Expired);
    // The same error during the backoff, without another call.
    let e = cache.provide().await.expect_err("expired");
    assert_eq!(e.kind(), ErrorKind::Expired);
    assert_eq!(backend.calls(), 1);
    let stats = cache.stats();
    assert_eq!((stats.failures, stats.errors, stats.refreshes), (1, 2, 0));
}

#[tokio::test(start_paused = true)]
async fn a_panicking_backend_is_an_error_and_the_cache_recovers() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |n| match n {
        0 => Step::panics(),
        _ => Step::ok(HOUR),
    });
    let cache = cache(clock, &backend);
    let results = wave(&cache, clock, 10).await;
    assert!(results
        .iter()
        .all(|(r, _)| r.as_ref().is_err_and(|e| e.kind() == ErrorKind::Other)));
    assert_eq!(backend.calls(), 1);
    tokio::time::advance(Duration::from_secs(1)).await;
    cache.provide().await.expect("recovered");
    assert_eq!(backend.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_caller_that_stops_waiting_does_not_cancel_the_call_for_others() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |_| Step::ok(HOUR).after(Duration::from_secs(2)));
    let cache = cache(clock, &backend);
    assert!(poll_once(cache.provide()).is_pending()); // and dropped
    cache.provide().await.expect("credentials");
    assert_eq!(backend.calls(), 1);
    assert_eq!(backend.completed(), 1);
}

#[tokio::test(start_paused = true)]
async fn counters_count_each_kind_of_answer() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |n| match n {
        0 | 1 => Step::ok(HOUR).after(Duration::from_secs(2)),
        _ => Step::fail(ErrorKind::Timeout),
    });
    let cache = cache(clock, &backend);
    cache.provide().await.expect("fetch");
    for _ in 0..5 {
        cache.provide().await.expect("hit");
    }
    tokio::time::advance(50 * MIN).await;
    for _ in 0..3 {
        assert!(poll_once(cache.provide()).is_ready());
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    // The refreshed credentials expire; the next refresh fails.
    tokio::time::advance(2 * HOUR).await;
    assert!(cache.provide().await.is_err());
    assert_eq!(
        cache.stats(),
        cache_stats(CacheStatsFields {
            hits: 8,
            waits: 2,
            refreshes: 2,
            failures: 1,
            served_while_refreshing: 3,
            errors: 1,
        })
    );
    assert_eq!(cache.stats().backend_calls(), 3);
}

struct CacheStatsFields {
    hits: u64,
    waits: u64,
    refreshes: u64,
    failures: u64,
    served_while_refreshing: u64,
    errors: u64,
}

/// `CacheStats` is `non_exhaustive`: build the expected value from a default one.
fn cache_stats(f: CacheStatsFields) -> aws_connector::CacheStats {
    let mut s = aws_connector::CacheStats::default();
    s.hits = f.hits;
    s.waits = f.waits;
    s.refreshes = f.refreshes;
    s.failures = f.failures;
    s.served_while_refreshing = f.served_while_refreshing;
    s.errors = f.errors;
    s
}

#[tokio::test(start_paused = true)]
async fn cached_composes_as_a_credential_provider() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |_| Step::ok(HOUR));
    let shared = SharedCredentialProvider::new(cache(clock, &backend));
    let a = shared.provide().await.expect("fetch");
    let dynamic: &dyn CredentialProvider = &shared;
    assert!(dynamic.provide().await.expect("hit").same_as(&a));
    // A cache of a cache is still one backend call.
    let twice = Cached::with_config(shared.clone(), config(clock));
    assert!(twice.provide().await.expect("hit").same_as(&a));
    assert_eq!(backend.calls(), 1);
}

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Refresh, background refresh, failed forced refresh, invalidation.
async fn logged_scenario() -> Cached<Backend> {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |n| match n {
        0 | 1 => Step::ok(HOUR),
        _ => Step::fail(ErrorKind::AccessDenied),
    });
    let cache = cache(clock, &backend);
    cache.provide().await.expect("fetch");
    tokio::time::advance(50 * MIN).await;
    cache.provide().await.expect("hit");
    tokio::task::yield_now().await;
    let _ = cache.refresh_now().await;
    cache.invalidate();
    cache
}

#[tokio::test(start_paused = true)]
async fn no_secret_in_debug_output_or_logs() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Other tests may have registered the event callsites concurrently, before this thread's
    // subscriber existed, and so cached "nobody is interested": register them all, then
    // recompute the interest.
    logged_scenario().await;
    tracing::callsite::rebuild_interest_cache();
    logs.0.lock().unwrap().clear();

    let cache = logged_scenario().await;
    let shown = format!("{cache:?} {:?} {:?}", cache.config(), cache.stats());
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).expect("utf-8");
    for text in [&shown, &logged] {
        assert!(!text.contains(SENTINEL_SECRET), "{text}");
        assert!(!text.contains(SENTINEL_TOKEN), "{text}");
    }
    for event in [
        "credential refresh started",
        "credential refresh succeeded",
        "credential refresh failed",
        "credential refresh backing off",
        "credential cache invalidated",
    ] {
        assert!(logged.contains(event), "missing {event:?} in {logged}");
    }
    assert!(
        logged.contains("ASIAFIXTURE00000001"),
        "access key id logged"
    );
}

#[tokio::test(start_paused = true)]
async fn debug_shows_what_is_cached_but_no_secret() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |_| Step::ok(HOUR));
    let cache = cache(clock, &backend);
    assert!(format!("{cache:?}").contains("holding: nothing"));
    cache.provide().await.expect("fetch");
    let shown = format!("{cache:?}");
    assert!(shown.contains("ASIAFIXTURE00000000"), "{shown}");
    assert!(!shown.contains(SENTINEL_SECRET) && !shown.contains(SENTINEL_TOKEN));
}

#[tokio::test]
async fn a_refresh_abandoned_by_its_runtime_is_replaced() {
    let clock = StepClock::new(start());
    let backend = Backend::new(clock.clone(), |n| match n {
        0 => Step::ok(HOUR).after(HOUR),
        _ => Step::ok(HOUR),
    });
    let cache = cache(clock, &backend);
    // The first refresh starts on a runtime that then shuts down (dropping the task).
    let other = std::thread::scope(|s| {
        s.spawn(|| {
            let rt = paused_runtime();
            rt.block_on(async {
                assert!(poll_once(cache.provide()).is_pending());
                tokio::task::yield_now().await;
                assert_eq!(backend.running(), 1);
            });
            drop(rt);
            backend.running()
        })
        .join()
        .expect("thread")
    });
    assert_eq!(other, 0, "the shut-down runtime dropped the call");
    assert_eq!(backend.calls(), 1);
    cache.provide().await.expect("a new refresh");
    assert_eq!(backend.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_hung_backend_times_out_and_valid_credentials_are_still_served() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |n| match n {
        1 => Step::ok(HOUR).after(100 * HOUR), // hangs
        _ => Step::ok(HOUR),
    });
    let cache = cache(clock, &backend);
    let old = cache.provide().await.expect("first fetch");

    // In the mandatory window callers wait for the hung call only until the load timeout (60 s),
    // and then get the still-valid credentials.
    tokio::time::advance(57 * MIN).await;
    let results = wave(&cache, clock, 100).await;
    assert!(results
        .iter()
        .all(|(r, _)| r.as_ref().is_ok_and(|c| c.same_as(&old))));
    assert_eq!(backend.calls(), 2);
    assert_eq!(backend.running(), 0, "the hung call was dropped");
    assert_eq!(cache.stats().failures, 1);

    tokio::time::advance(Duration::from_secs(1)).await;
    let new = cache.provide().await.expect("refreshed");
    assert!(!new.same_as(&old));
    assert_eq!(backend.calls(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_hung_backend_on_an_empty_cache_is_a_timeout_for_every_waiter() {
    let clock = VirtualClock::new(start());
    let backend = Backend::new(clock, |_| Step::ok(HOUR).after(100 * HOUR));
    let config = CacheConfig::builder()
        .clock(clock)
        .load_timeout(Some(Duration::from_secs(5)))
        .build()
        .expect("valid");
    let cache = Cached::with_config(backend.clone(), config);
    let results = wave(&cache, clock, 1000).await;
    assert!(results
        .iter()
        .all(|(r, _)| r.as_ref().is_err_and(|e| e.kind() == ErrorKind::Timeout)));
    assert_eq!(backend.calls(), 1);
    assert_eq!(backend.running(), 0);
}
