//! [`Clock`]: where the crate gets the current time from, so tests can control it.
//!
//! This is the only module allowed to read the system clock (`clippy.toml` forbids
//! `SystemTime::now` and `OffsetDateTime::now_utc` everywhere else).

use std::fmt;

use time::OffsetDateTime;

/// A source of wall-clock time.
///
/// The credential cache compares this time with the credentials' expiry, so it must be the real
/// (UTC) time in production: [`SystemClock`]. Tests inject a controllable clock (`ManualClock` and
/// `TokioClock` with the `test-util` feature), or their own implementation.
///
/// Only [`now`](Clock::now) is required. The two other methods exist so that the cache's hit path
/// does not build an [`OffsetDateTime`] (a calendar computation) on every call.
///
/// ```
/// use aws_connector::{Clock, SystemClock};
///
/// let clock = SystemClock;
/// let now = clock.now();
/// assert!(now.year() >= 2024);
/// assert!(clock.now_unix_nanos() >= now.unix_timestamp_nanos());
/// ```
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time (UTC).
    fn now(&self) -> OffsetDateTime;

    /// The current time as nanoseconds since the Unix epoch; the same instant as
    /// [`now`](Clock::now). Override it when it can be read more cheaply.
    fn now_unix_nanos(&self) -> i128 {
        self.now().unix_timestamp_nanos()
    }

    /// A cheap, possibly coarse reading of the current time as nanoseconds since the Unix
    /// epoch.
    ///
    /// It may lag behind [`now_unix_nanos`](Clock::now_unix_nanos) by a few milliseconds (it must
    /// never lag by [`COARSE_MAX_LAG`] or more), and may be ahead of it by any amount. The cache
    /// only uses it to decide whether it is far enough from a refresh point (and from expiry) to
    /// skip reading the precise clock; every decision near a boundary uses
    /// [`now_unix_nanos`](Clock::now_unix_nanos). The default is the precise reading.
    fn coarse_now_unix_nanos(&self) -> i128 {
        self.now_unix_nanos()
    }
}

/// How far [`Clock::coarse_now_unix_nanos`] may lag behind the precise time, at most.
///
/// The cache stops using the coarse reading this long before any refresh point, so a coarse
/// clock that lags less than this can never make it serve credentials past their expiry.
pub const COARSE_MAX_LAG: std::time::Duration = std::time::Duration::from_secs(1);

/// The operating system's real-time clock.
///
/// [`coarse_now_unix_nanos`](Clock::coarse_now_unix_nanos) reads `CLOCK_REALTIME_COARSE` on
/// Linux and Android (a few nanoseconds through the vDSO, one timer tick of resolution) and the
/// precise clock elsewhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // this is the one place allowed to read the system clock
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    #[allow(clippy::disallowed_methods)] // this is the one place allowed to read the system clock
    fn now_unix_nanos(&self) -> i128 {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(before_epoch) => -(before_epoch.duration().as_nanos() as i128),
        }
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[inline]
    fn coarse_now_unix_nanos(&self) -> i128 {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::RealtimeCoarse);
        i128::from(t.tv_sec) * 1_000_000_000 + i128::from(t.tv_nsec)
    }
}

#[cfg(any(test, feature = "test-util"))]
pub use manual::{ManualClock, TokioClock};

#[cfg(any(test, feature = "test-util"))]
mod manual {
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use time::OffsetDateTime;

    use super::Clock;

    /// A clock that only moves when told to (`test-util` feature). Clones share the same time.
    ///
    /// The time is kept as nanoseconds since the Unix epoch, so it must lie between the years
    /// 1678 and 2262.
    ///
    /// ```
    /// use std::time::Duration;
    /// use aws_connector::{Clock, ManualClock};
    /// use time::macros::datetime;
    ///
    /// let clock = ManualClock::new(datetime!(2030-01-01 00:00 UTC));
    /// let handle = clock.clone();
    /// handle.advance(Duration::from_secs(90));
    /// assert_eq!(clock.now(), datetime!(2030-01-01 00:01:30 UTC));
    /// ```
    #[derive(Debug, Clone)]
    pub struct ManualClock {
        nanos: Arc<AtomicI64>,
    }

    impl ManualClock {
        /// A clock standing at `start`.
        ///
        /// # Panics
        /// If `start` lies outside the years 1678..=2261 (not representable in 64-bit
        /// nanoseconds).
        pub fn new(start: OffsetDateTime) -> Self {
            ManualClock {
                nanos: Arc::new(AtomicI64::new(to_nanos(start))),
            }
        }

        /// Sets the time (it may go backwards).
        ///
        /// # Panics
        /// As [`ManualClock::new`].
        pub fn set(&self, now: OffsetDateTime) {
            self.nanos.store(to_nanos(now), Ordering::SeqCst);
        }

        /// Moves the time forward.
        ///
        /// # Panics
        /// If the time leaves the representable range.
        pub fn advance(&self, by: Duration) {
            let by = i64::try_from(by.as_nanos()).expect("duration too large for ManualClock");
            self.nanos.fetch_add(by, Ordering::SeqCst);
        }
    }

    fn to_nanos(t: OffsetDateTime) -> i64 {
        i64::try_from(t.unix_timestamp_nanos()).expect("time outside ManualClock's range")
    }

    impl Clock for ManualClock {
        fn now(&self) -> OffsetDateTime {
            OffsetDateTime::from_unix_timestamp_nanos(self.now_unix_nanos())
                .expect("in range by construction")
        }

        fn now_unix_nanos(&self) -> i128 {
            i128::from(self.nanos.load(Ordering::SeqCst))
        }
    }

    /// A clock that follows tokio's time (`test-util` feature), so tests can use
    /// `tokio::time::pause()` and `advance()` (or `start_paused`) and have the cache, the fake
    /// backends' `sleep`s and the assertions on one virtual timeline.
    ///
    /// It reads `start` plus the tokio time elapsed since the clock was made.
    ///
    /// ```
    /// use std::time::Duration;
    /// use aws_connector::{Clock, TokioClock};
    /// use time::macros::datetime;
    ///
    /// # let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build()?;
    /// rt.block_on(async {
    ///     let clock = TokioClock::new(datetime!(2030-01-01 00:00 UTC));
    ///     tokio::time::sleep(Duration::from_secs(3600)).await; // instant: time is paused
    ///     assert_eq!(clock.now(), datetime!(2030-01-01 01:00 UTC));
    /// });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[derive(Debug, Clone, Copy)]
    pub struct TokioClock {
        start_nanos: i128,
        anchor: tokio::time::Instant,
    }

    impl TokioClock {
        /// A clock that reads `start` now and moves with tokio's time.
        pub fn new(start: OffsetDateTime) -> Self {
            TokioClock {
                start_nanos: start.unix_timestamp_nanos(),
                anchor: tokio::time::Instant::now(),
            }
        }
    }

    impl Clock for TokioClock {
        fn now(&self) -> OffsetDateTime {
            OffsetDateTime::from_unix_timestamp_nanos(self.now_unix_nanos())
                .expect("tokio time stays in range")
        }

        fn now_unix_nanos(&self) -> i128 {
            self.start_nanos + self.anchor.elapsed().as_nanos() as i128
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use time::macros::datetime;

    use super::*;

    #[test]
    fn system_clock_readings_agree() {
        let c = SystemClock;
        let a = c.now().unix_timestamp_nanos();
        let b = c.now_unix_nanos();
        let coarse = c.coarse_now_unix_nanos();
        let d = c.now_unix_nanos();
        assert!(a <= b && b <= d);
        // The coarse reading lags by at most a few ticks, far below the allowed lag.
        assert!(d - coarse < COARSE_MAX_LAG.as_nanos() as i128);
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(datetime!(2030-06-01 12:00 UTC));
        assert_eq!(c.now(), datetime!(2030-06-01 12:00 UTC));
        c.advance(Duration::from_millis(1500));
        assert_eq!(c.now(), datetime!(2030-06-01 12:00:01.5 UTC));
        assert_eq!(c.coarse_now_unix_nanos(), c.now_unix_nanos());
        c.set(datetime!(2029-01-01 00:00 UTC));
        assert_eq!(c.now(), datetime!(2029-01-01 00:00 UTC));
    }

    #[tokio::test(start_paused = true)]
    async fn tokio_clock_follows_paused_time() {
        let c = TokioClock::new(datetime!(2030-01-01 00:00 UTC));
        tokio::time::advance(Duration::from_secs(61)).await;
        assert_eq!(c.now(), datetime!(2030-01-01 00:01:01 UTC));
    }
}
