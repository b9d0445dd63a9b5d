//! [`CacheConfig`]: refresh windows, jitter, backoff and the clock, and the pure functions that
//! turn them into a refresh schedule.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::error::{ErrorCode, ValidationError, ValidationErrors};

/// Credentials that live at least this long get the configured windows in full; shorter-lived
/// ones get them scaled down in proportion to their lifetime.
pub const FULL_WINDOW_LIFETIME: Duration = Duration::from_secs(3600);

const DEFAULT_ADVISORY: Duration = Duration::from_secs(15 * 60);
const DEFAULT_MANDATORY: Duration = Duration::from_secs(5 * 60);
const DEFAULT_JITTER: Duration = Duration::from_secs(3 * 60);
const DEFAULT_BACKOFF_INITIAL: Duration = Duration::from_secs(1);
const DEFAULT_BACKOFF_MAX: Duration = Duration::from_secs(60);
const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// How a [`Cached`](crate::Cached) provider schedules refreshes.
///
/// For credentials that live `L` (from the moment they are received to their expiry):
///
/// - the **advisory point** is `advisory_before × s + jitter × s × u` before expiry, and the
///   **mandatory point** `mandatory_before × s` before expiry, where `s = min(1, L / 1 h)` (see
///   [`FULL_WINDOW_LIFETIME`]) and `u` is drawn uniformly from `[0, 1)` for every set of
///   credentials by the cache's own random generator (seeded per cache, or with
///   [`jitter_seed`](CacheConfigBuilder::jitter_seed)). With the defaults, one-hour credentials
///   are refreshed in the background from 15 to 18 minutes before expiry, and callers wait only
///   in the last 5 minutes (and only when that background refresh did not succeed);
///   15-minute credentials use a quarter of that.
/// - a backend call that has not answered after `load_timeout` (default 60 s) fails with
///   [`ErrorKind::Timeout`](crate::ErrorKind::Timeout), so that a hung backend cannot keep
///   callers waiting for ever (it needs tokio's timers, as the AWS SDK does; without a tokio
///   runtime, or on one built without `enable_time`, the call is not bounded).
/// - after a failed refresh the next attempt waits `min(backoff_max, backoff_initial × 2ⁿ⁻¹)`
///   after the `n`-th failure in a row, of which a random half is taken off ("equal jitter").
///   While valid credentials are cached the wait ends at their expiry at the latest.
///
/// ```
/// use std::time::Duration;
/// use aws_connector::CacheConfig;
///
/// let config = CacheConfig::builder()
///     .advisory_before(Duration::from_secs(10 * 60))
///     .mandatory_before(Duration::from_secs(2 * 60))
///     .build()?;
/// assert_eq!(config.advisory_before(), Duration::from_secs(600));
/// # Ok::<(), aws_connector::ValidationErrors>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct CacheConfig {
    advisory_before: Duration,
    mandatory_before: Duration,
    jitter: Duration,
    backoff_initial: Duration,
    backoff_max: Duration,
    load_timeout: Option<Duration>,
    jitter_seed: Option<u64>,
    clock: Arc<dyn Clock>,
}

impl CacheConfig {
    /// Starts from the defaults: advisory 15 min, mandatory 5 min, jitter 3 min, backoff from 1 s
    /// up to 60 s, load timeout 60 s, the [`SystemClock`], a random seed per cache.
    pub fn builder() -> CacheConfigBuilder {
        CacheConfigBuilder {
            config: CacheConfig::default(),
        }
    }

    /// How long before expiry the background refresh starts (for credentials living an hour or
    /// more; before jitter).
    pub fn advisory_before(&self) -> Duration {
        self.advisory_before
    }

    /// How long before expiry callers start waiting for a refresh (for credentials living an hour
    /// or more).
    pub fn mandatory_before(&self) -> Duration {
        self.mandatory_before
    }

    /// The most by which the advisory point is moved earlier at random.
    pub fn jitter(&self) -> Duration {
        self.jitter
    }

    /// The wait after the first failed refresh (before jitter).
    pub fn backoff_initial(&self) -> Duration {
        self.backoff_initial
    }

    /// The longest wait between failed refreshes.
    pub fn backoff_max(&self) -> Duration {
        self.backoff_max
    }

    /// How long a backend call may take (`None`: unbounded).
    pub fn load_timeout(&self) -> Option<Duration> {
        self.load_timeout
    }

    /// The fixed jitter seed, when one was set.
    pub fn jitter_seed(&self) -> Option<u64> {
        self.jitter_seed
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            advisory_before: DEFAULT_ADVISORY,
            mandatory_before: DEFAULT_MANDATORY,
            jitter: DEFAULT_JITTER,
            backoff_initial: DEFAULT_BACKOFF_INITIAL,
            backoff_max: DEFAULT_BACKOFF_MAX,
            load_timeout: Some(DEFAULT_LOAD_TIMEOUT),
            jitter_seed: None,
            clock: Arc::new(SystemClock),
        }
    }
}

impl fmt::Debug for CacheConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CacheConfig")
            .field("advisory_before", &self.advisory_before)
            .field("mandatory_before", &self.mandatory_before)
            .field("jitter", &self.jitter)
            .field("backoff_initial", &self.backoff_initial)
            .field("backoff_max", &self.backoff_max)
            .field("load_timeout", &self.load_timeout)
            .field("jitter_seed", &self.jitter_seed)
            .field("clock", &self.clock)
            .finish()
    }
}

/// Builds a [`CacheConfig`]; see there for what each setting does.
#[must_use]
#[derive(Debug, Clone)]
pub struct CacheConfigBuilder {
    config: CacheConfig,
}

impl CacheConfigBuilder {
    /// How long before expiry the background refresh starts, for credentials living an hour or
    /// more (default 15 min).
    pub fn advisory_before(mut self, d: Duration) -> Self {
        self.config.advisory_before = d;
        self
    }

    /// How long before expiry callers start waiting for a refresh, for credentials living an hour
    /// or more (default 5 min). Zero: callers never wait while the credentials are valid.
    pub fn mandatory_before(mut self, d: Duration) -> Self {
        self.config.mandatory_before = d;
        self
    }

    /// The most by which the advisory point is moved earlier at random (default 3 min), so that
    /// many caches started together do not refresh together. Zero turns jitter off.
    pub fn jitter(mut self, d: Duration) -> Self {
        self.config.jitter = d;
        self
    }

    /// The first and the longest wait between failed refreshes (defaults 1 s and 60 s).
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.config.backoff_initial = initial;
        self.config.backoff_max = max;
        self
    }

    /// How long a backend call may take before it counts as failed with
    /// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) (default 60 s; `None`: unbounded).
    /// Lengthen it for providers that ask a person for an MFA code.
    pub fn load_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.load_timeout = timeout;
        self
    }

    /// Seeds the cache's random generator (jitter and backoff), for reproducible tests. By
    /// default every cache draws its own seed; caches sharing a seed refresh in step.
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.config.jitter_seed = Some(seed);
        self
    }

    /// The clock to read the time from (default [`SystemClock`]).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.config.clock = Arc::new(clock);
        self
    }

    /// The clock to read the time from, already shared.
    pub fn shared_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.config.clock = clock;
        self
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// Every problem, with code [`ErrorCode::DurationOutOfRange`], when `mandatory_before` is
    /// longer than `advisory_before`, when `advisory_before + jitter` is not shorter than
    /// [`FULL_WINDOW_LIFETIME`] (the refresh would start as soon as credentials arrive), or when
    /// the backoff is zero or its initial wait is longer than its maximum, or when the load
    /// timeout is zero.
    pub fn build(self) -> Result<CacheConfig, ValidationErrors> {
        let c = &self.config;
        let mut errors = Vec::new();
        let mut problem = |field: &str, message: String| {
            errors.push(ValidationError::new(
                None,
                format!("cache.{field}"),
                ErrorCode::DurationOutOfRange,
                message,
            ));
        };
        if c.mandatory_before > c.advisory_before {
            problem(
                "mandatory_before",
                format!(
                    "the mandatory window ({:?}) must not be longer than the advisory window ({:?})",
                    c.mandatory_before, c.advisory_before
                ),
            );
        }
        if c.advisory_before.saturating_add(c.jitter) >= FULL_WINDOW_LIFETIME {
            problem(
                "advisory_before",
                format!(
                    "advisory window plus jitter ({:?}) must be shorter than {:?}",
                    c.advisory_before.saturating_add(c.jitter),
                    FULL_WINDOW_LIFETIME
                ),
            );
        }
        if c.backoff_initial.is_zero() {
            problem(
                "backoff_initial",
                "the first backoff must be longer than zero".to_owned(),
            );
        }
        if c.backoff_initial > c.backoff_max {
            problem(
                "backoff_max",
                format!(
                    "the longest backoff ({:?}) must not be shorter than the first ({:?})",
                    c.backoff_max, c.backoff_initial
                ),
            );
        }
        if c.load_timeout.is_some_and(|t| t.is_zero()) {
            problem(
                "load_timeout",
                "the load timeout must be longer than zero".to_owned(),
            );
        }
        match ValidationErrors::from_vec(errors) {
            Some(e) => Err(e),
            None => Ok(self.config),
        }
    }
}

/// When credentials are refreshed, as Unix nanoseconds. Long-term credentials: all `i128::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Schedule {
    pub(super) advisory_at: i128,
    pub(super) mandatory_at: i128,
    pub(super) expires_at: i128,
}

impl Schedule {
    pub(super) const NEVER: Schedule = Schedule {
        advisory_at: i128::MAX,
        mandatory_at: i128::MAX,
        expires_at: i128::MAX,
    };
}

fn nanos(d: Duration) -> i128 {
    d.as_nanos() as i128
}

impl CacheConfig {
    /// The schedule of credentials received at `now` that expire at `expires_at` (> `now`), with
    /// the jitter draw `u` in `[0, 1)`.
    pub(super) fn schedule(&self, now: i128, expires_at: i128, u: f64) -> Schedule {
        let life = expires_at - now;
        let full = nanos(FULL_WINDOW_LIFETIME);
        let scaled = |d: Duration| -> i128 {
            if life >= full {
                nanos(d)
            } else {
                nanos(d) * life / full
            }
        };
        let jitter = (scaled(self.jitter) as f64 * u) as i128;
        Schedule {
            advisory_at: expires_at - scaled(self.advisory_before) - jitter,
            mandatory_at: expires_at - scaled(self.mandatory_before),
            expires_at,
        }
    }

    /// The wait after the `failures`-th failure in a row (≥ 1), with the draw `u` in `[0, 1)`.
    pub(super) fn backoff_nanos(&self, failures: u32, u: f64) -> i128 {
        let doubling = 1u32
            .checked_shl(failures.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let base = self
            .backoff_initial
            .saturating_mul(doubling)
            .min(self.backoff_max);
        let half = nanos(base) / 2;
        half + (half as f64 * u) as i128
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i128 = 1_000_000_000;

    #[test]
    fn defaults_build() {
        let c = CacheConfig::builder().build().unwrap();
        assert_eq!(c.advisory_before(), Duration::from_secs(900));
        assert_eq!(c.mandatory_before(), Duration::from_secs(300));
        assert_eq!(c.jitter(), Duration::from_secs(180));
        assert_eq!(c.jitter_seed(), None);
    }

    #[test]
    fn invalid_settings_are_all_reported() {
        let err = CacheConfig::builder()
            .advisory_before(Duration::from_secs(60))
            .mandatory_before(Duration::from_secs(120))
            .jitter(Duration::from_secs(3600))
            .backoff(Duration::ZERO, Duration::ZERO)
            .load_timeout(Some(Duration::ZERO))
            .build()
            .unwrap_err();
        let fields: Vec<_> = err.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "cache.mandatory_before",
                "cache.advisory_before",
                "cache.backoff_initial",
                "cache.load_timeout"
            ]
        );
        assert!(err.iter().all(|e| e.code == ErrorCode::DurationOutOfRange));
        let err = CacheConfig::builder()
            .backoff(Duration::from_secs(10), Duration::from_secs(5))
            .build()
            .unwrap_err();
        assert_eq!(err.as_slice()[0].field, "cache.backoff_max");
    }

    #[test]
    fn windows_are_full_for_an_hour_or_more() {
        let c = CacheConfig::default();
        for life in [3600, 4 * 3600, 12 * 3600] {
            let s = c.schedule(0, life * S, 0.0);
            assert_eq!(s.advisory_at, (life - 900) * S);
            assert_eq!(s.mandatory_at, (life - 300) * S);
            let s = c.schedule(0, life * S, 0.999_999);
            assert!(s.advisory_at > (life - 1080) * S && s.advisory_at <= (life - 1079) * S);
        }
    }

    #[test]
    fn windows_scale_down_with_the_lifetime() {
        let c = CacheConfig::default();
        // 15 minutes: a quarter of the windows.
        let s = c.schedule(100 * S, 1000 * S, 0.0);
        assert_eq!(s.advisory_at, 1000 * S - 225 * S);
        assert_eq!(s.mandatory_at, 1000 * S - 75 * S);
        // Any lifetime: received < advisory <= mandatory < expiry.
        for life in [1, 7, 999, 59 * 60 * S, 3600 * S] {
            for u in [0.0, 0.5, 0.999_999] {
                let s = c.schedule(0, life, u);
                assert!(s.advisory_at >= 0, "{life} {u}");
                assert!(s.advisory_at <= s.mandatory_at && s.mandatory_at <= s.expires_at);
            }
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_with_equal_jitter() {
        let c = CacheConfig::default();
        assert_eq!(c.backoff_nanos(1, 0.0), S / 2);
        assert_eq!(c.backoff_nanos(2, 0.0), S);
        assert_eq!(c.backoff_nanos(3, 0.999_999_999), 4 * S - 2);
        assert_eq!(c.backoff_nanos(7, 0.0), 30 * S);
        assert_eq!(c.backoff_nanos(8, 0.0), 30 * S);
        assert_eq!(c.backoff_nanos(u32::MAX, 0.0), 30 * S);
    }
}
