//! Unit tests of the engine's internals; behaviour through the public API is in `tests/cache.rs`.

use std::time::Duration;

use time::macros::datetime;

use super::*;
use crate::clock::{ManualClock, TokioClock, COARSE_MAX_LAG};
use crate::provider::provide_fn;

const HOUR: Duration = Duration::from_secs(3600);

fn hour_long(clock: impl Clock + Clone + 'static) -> impl CredentialProvider {
    provide_fn("test", move || {
        let expiry = clock.now() + HOUR;
        async move {
            Ok(Credentials::builder("ASIAUNIT", "secret")
                .session_token("token")
                .expiry(expiry)
                .build())
        }
    })
}

fn seeded(clock: impl Clock + 'static, seed: u64) -> CacheConfig {
    CacheConfig::builder()
        .clock(clock)
        .jitter_seed(seed)
        .build()
        .unwrap()
}

#[test]
fn the_provide_future_is_send() {
    // A std MutexGuard held across an `.await` would make it !Send.
    fn assert_send<T: Send>(_: &T) {}
    let cached = Cached::new(provide_fn("test", || async {
        Ok(Credentials::builder("AKIDEXAMPLE", "secret").build())
    }));
    assert_send(&cached.provide());
    assert_send(&cached.refresh_now());
}

#[tokio::test]
async fn the_fast_path_ends_before_the_first_refresh_point_and_is_off_during_a_refresh() {
    let clock = ManualClock::new(datetime!(2030-01-01 00:00 UTC));
    let cached = Cached::with_config(hour_long(clock.clone()), seeded(clock.clone(), 1));
    assert_eq!(cached.shared.state.load().fast_until, i128::MIN);
    cached.provide().await.unwrap();
    let snap = cached.shared.state.load_full();
    assert_eq!(
        snap.fast_until,
        snap.schedule.advisory_at - COARSE_MAX_LAG.as_nanos() as i128
    );
    assert!(cached.shared.fast_hit().is_some());

    let (rx, inline) = {
        let mut ctl = cached.shared.lock();
        cached.shared.start_flight(&mut ctl, Reason::Forced)
    };
    assert!(inline.is_none());
    assert_eq!(cached.shared.state.load().fast_until, i128::MIN);
    assert!(cached.shared.fast_hit().is_none());
    assert!(wait(rx).await.unwrap().is_ok());
    assert!(!cached.shared.in_flight.load(Ordering::Acquire));
    assert!(cached.shared.fast_hit().is_some());
}

#[tokio::test(start_paused = true)]
async fn the_jitter_follows_the_seed() {
    let start = datetime!(2030-01-01 00:00 UTC);
    let mut advisory = Vec::new();
    for seed in [7, 7, 8] {
        let clock = TokioClock::new(start);
        let cached = Cached::with_config(hour_long(clock), seeded(clock, seed));
        cached.provide().await.unwrap();
        advisory.push(cached.shared.state.load().schedule.advisory_at);
    }
    assert_eq!(advisory[0], advisory[1]);
    assert_ne!(advisory[0], advisory[2]);
}

#[tokio::test(start_paused = true)]
async fn backoff_doubles_while_the_backend_keeps_failing() {
    let clock = TokioClock::new(datetime!(2030-01-01 00:00 UTC));
    let cached = Cached::with_config(
        provide_fn("test", || async {
            Err(CredentialError::other(ErrorKind::Transient, "down"))
        }),
        CacheConfig::builder()
            .clock(clock)
            .jitter_seed(3)
            .backoff(Duration::from_secs(2), Duration::from_secs(16))
            .build()
            .unwrap(),
    );
    let mut waits = Vec::new();
    for _ in 0..6 {
        cached.provide().await.unwrap_err();
        let snap = cached.shared.state.load();
        let wait = snap.retry_at - clock.now_unix_nanos();
        waits.push(wait);
        tokio::time::advance(Duration::from_nanos(wait as u64)).await;
    }
    let s = 1_000_000_000;
    let bounds = [(1, 2), (2, 4), (4, 8), (8, 16), (8, 16), (8, 16)];
    for (w, (lo, hi)) in waits.iter().zip(bounds) {
        assert!(*w >= lo * s && *w < hi * s, "{waits:?}");
    }
    assert_eq!(cached.stats().failures, 6);
}

#[tokio::test(start_paused = true)]
async fn the_backoff_ends_at_expiry_while_credentials_are_valid() {
    let clock = TokioClock::new(datetime!(2030-01-01 00:00 UTC));
    let calls = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&calls);
    let cached = Cached::with_config(
        provide_fn("test", move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let expiry = clock.now() + HOUR;
            async move {
                if n == 0 {
                    Ok(Credentials::builder("ASIAUNIT", "secret")
                        .expiry(expiry)
                        .build())
                } else {
                    Err(CredentialError::other(ErrorKind::Transient, "down"))
                }
            }
        }),
        CacheConfig::builder()
            .clock(clock)
            .backoff(Duration::from_secs(600), Duration::from_secs(600))
            .build()
            .unwrap(),
    );
    cached.provide().await.unwrap();
    let expires_at = cached.shared.state.load().schedule.expires_at;
    // 59 minutes in, a mandatory-window refresh fails: 5-10 min of backoff, cut at expiry.
    tokio::time::advance(Duration::from_secs(59 * 60)).await;
    cached.provide().await.unwrap();
    assert_eq!(cached.shared.state.load().retry_at, expires_at);
}

#[tokio::test]
async fn the_thread_hot_entry_follows_every_change() {
    let clock = ManualClock::new(datetime!(2030-01-01 00:00 UTC));
    let cached = Cached::with_config(hour_long(clock.clone()), seeded(clock.clone(), 1));
    assert!(cached.shared.fast_hit().is_none());
    let a = cached.provide().await.unwrap();
    assert!(cached.shared.fast_hit().unwrap().same_as(&a));

    clock.advance(Duration::from_secs(1));
    let b = cached.refresh_now().await.unwrap();
    assert!(!b.same_as(&a));
    assert!(cached.shared.fast_hit().unwrap().same_as(&b));

    // Invalidated from another thread: this thread's copy is not used any more.
    let other = cached.clone();
    std::thread::spawn(move || other.invalidate())
        .join()
        .unwrap();
    assert!(cached.shared.fast_hit().is_none());
    state::with_hot_entry(cached.shared.id, |e| assert!(e.credentials.is_none())).unwrap();
}
