//! The cache's published state ([`Snapshot`]) and the per-thread pieces of the hit path.
//!
//! The hit path must scale across threads. Handing out a `Credentials` bumps the reference count
//! of its allocation, and a counter bump writes a cache line: if every thread did both on the same
//! lines, those lines would bounce between cores. So the snapshot holds one copy of the
//! credentials per *shard*, each in its own allocation, and the hit counters are per shard and
//! padded to their own cache lines; a thread always uses the shard of its slot number.
//!
//! Loading the snapshot from the `ArcSwap` costs two atomic read-modify-writes (its guard), so
//! each thread also keeps, per cache, a [`HotEntry`]: the snapshot's generation, `fast_until` and
//! a clone of its shard's credentials. While the cache's generation counter (one shared, rarely
//! written atomic) still matches, the hit path answers from that entry.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;

use secrecy::ExposeSecret;

use super::config::Schedule;
use crate::clock::COARSE_MAX_LAG;
use crate::credentials::Credentials;
use crate::error::CredentialError;

/// What the cache holds at one moment; replaced as a whole (never mutated) on every change.
#[derive(Debug, Clone)]
pub(super) struct Snapshot {
    /// Set when published; strictly increasing per cache.
    pub(super) generation: u64,
    /// Copies of the cached credentials, one per shard; empty when nothing is cached.
    pub(super) shards: Box<[Credentials]>,
    pub(super) schedule: Schedule,
    /// The hit path may answer without reading the precise clock while the coarse clock reads
    /// earlier than this. `i128::MIN` turns it off (nothing cached, or a refresh in flight).
    pub(super) fast_until: i128,
    /// No refresh is attempted before this (backoff after a failure).
    pub(super) retry_at: i128,
    /// The last refresh error, answered to callers during the backoff when nothing valid is
    /// cached.
    pub(super) last_error: Option<CredentialError>,
}

impl Snapshot {
    pub(super) fn empty() -> Snapshot {
        Snapshot {
            generation: 0,
            shards: Box::new([]),
            schedule: Schedule::NEVER,
            fast_until: i128::MIN,
            retry_at: i128::MIN,
            last_error: None,
        }
    }

    pub(super) fn fresh(credentials: &Credentials, schedule: Schedule) -> Snapshot {
        let shards = (0..shard_count())
            .map(|i| {
                if i == 0 {
                    credentials.clone()
                } else {
                    deep_copy(credentials)
                }
            })
            .collect();
        Snapshot {
            generation: 0,
            shards,
            schedule,
            fast_until: fast_until(&schedule),
            retry_at: i128::MIN,
            last_error: None,
        }
    }

    /// Whether credentials are cached and have not expired at `now`.
    pub(super) fn valid_at(&self, now: i128) -> bool {
        !self.shards.is_empty() && now < self.schedule.expires_at
    }

    /// The same state with the fast path on (when something is cached) or off.
    pub(super) fn with_fast_path(&self, on: bool) -> Snapshot {
        Snapshot {
            fast_until: if on && !self.shards.is_empty() {
                fast_until(&self.schedule)
            } else {
                i128::MIN
            },
            ..self.clone()
        }
    }
}

/// The coarse clock may be used until `COARSE_MAX_LAG` before the first refresh point.
fn fast_until(s: &Schedule) -> i128 {
    let first = s.advisory_at.min(s.mandatory_at);
    if first == i128::MAX {
        i128::MAX
    } else {
        first.saturating_sub(COARSE_MAX_LAG.as_nanos() as i128)
    }
}

/// The same credentials in a separate allocation (so its reference count has its own line).
fn deep_copy(c: &Credentials) -> Credentials {
    let mut b = Credentials::builder(c.access_key_id(), c.secret_access_key().expose_secret())
        .expiry_opt(c.expiry())
        .provider_name(c.provider_name());
    if let Some(token) = c.session_token() {
        b = b.session_token(token.expose_secret());
    }
    b.build()
}

/// How many shards every cache uses: a power of two, at least 4, about twice the parallelism.
pub(super) fn shard_count() -> usize {
    static COUNT: OnceLock<usize> = OnceLock::new();
    *COUNT.get_or_init(|| {
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        (cpus * 2).next_power_of_two().clamp(4, 64)
    })
}

/// This thread's slot number (stable for the thread's life; threads get consecutive numbers).
#[inline]
pub(super) fn thread_slot() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    SLOT.try_with(|s| {
        let v = s.get();
        if v != usize::MAX {
            v
        } else {
            let v = NEXT.fetch_add(1, Ordering::Relaxed);
            s.set(v);
            v
        }
    })
    .unwrap_or(0)
}

/// How many caches a thread keeps a [`HotEntry`] for at once (direct-mapped by cache id).
const HOT_WAYS: usize = 16;

/// A thread's copy of what the hit path needs from one cache's snapshot.
#[derive(Debug)]
pub(super) struct HotEntry {
    /// The cache's id (0: unused).
    pub(super) cache_id: u64,
    pub(super) generation: u64,
    pub(super) fast_until: i128,
    pub(super) shard: usize,
    pub(super) credentials: Option<Credentials>,
}

impl HotEntry {
    const UNUSED: HotEntry = HotEntry {
        cache_id: 0,
        generation: 0,
        fast_until: i128::MIN,
        shard: 0,
        credentials: None,
    };

    /// Fills the entry from `snap` for cache `cache_id`, on shard `shard`.
    pub(super) fn fill(&mut self, cache_id: u64, snap: &Snapshot, shard: usize) {
        *self = HotEntry {
            cache_id,
            generation: snap.generation,
            fast_until: snap.fast_until,
            shard,
            credentials: snap.shards.get(shard).cloned(),
        };
    }
}

thread_local! {
    static HOT: RefCell<[HotEntry; HOT_WAYS]> =
        const { RefCell::new([const { HotEntry::UNUSED }; HOT_WAYS]) };
}

/// Runs `f` on this thread's entry for cache `cache_id` (whatever cache it holds now); `None`
/// when the thread's storage is gone (thread exit) or already borrowed.
#[inline]
pub(super) fn with_hot_entry<R>(cache_id: u64, f: impl FnOnce(&mut HotEntry) -> R) -> Option<R> {
    HOT.try_with(|hot| {
        let mut hot = hot.try_borrow_mut().ok()?;
        Some(f(&mut hot[(cache_id as usize) % HOT_WAYS]))
    })
    .ok()
    .flatten()
}

/// Forgets this thread's entry for cache `cache_id`, dropping its copy of the credentials.
pub(super) fn forget_hot_entry(cache_id: u64) {
    with_hot_entry(cache_id, |e| {
        if e.cache_id == cache_id {
            *e = HotEntry::UNUSED;
        }
    });
}

/// A fresh cache id (never reused, never 0).
pub(super) fn next_cache_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A counter on its own cache line (128 bytes: adjacent-line prefetching pairs lines).
#[derive(Debug, Default)]
#[repr(align(128))]
pub(super) struct PaddedCounter(pub(super) AtomicU64);

/// A lock-free SplitMix64 generator: deterministic for a given seed and order of draws.
#[derive(Debug)]
pub(super) struct Rng(AtomicU64);

impl Rng {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    pub(super) fn new(seed: u64) -> Rng {
        Rng(AtomicU64::new(seed))
    }

    /// A draw in `[0, 1)`.
    pub(super) fn next_unit(&self) -> f64 {
        let mut z = self
            .0
            .fetch_add(Self::GAMMA, Ordering::Relaxed)
            .wrapping_add(Self::GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic_and_uniform_enough() {
        let a = Rng::new(7);
        let b = Rng::new(7);
        let xs: Vec<f64> = (0..1000).map(|_| a.next_unit()).collect();
        let ys: Vec<f64> = (0..1000).map(|_| b.next_unit()).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let low = xs.iter().filter(|x| **x < 0.5).count();
        assert!((400..600).contains(&low), "{low}");
    }

    #[test]
    fn shards_are_separate_copies_of_the_same_credentials() {
        let c = Credentials::builder("AKIDEXAMPLE", "secret")
            .session_token("token")
            .provider_name("test")
            .build();
        let s = Snapshot::fresh(&c, Schedule::NEVER);
        assert_eq!(s.shards.len(), shard_count());
        assert!(s.shards.len().is_power_of_two());
        assert!(s.shards.iter().all(|x| x.same_as(&c)));
        assert_eq!(s.fast_until, i128::MAX);
        assert!(s.valid_at(i128::MAX - 1));
        assert_eq!(s.with_fast_path(false).fast_until, i128::MIN);
        assert_eq!(Snapshot::empty().with_fast_path(true).fast_until, i128::MIN);
    }

    #[test]
    fn thread_slots_differ_between_threads() {
        let here = thread_slot();
        assert_eq!(here, thread_slot());
        let there = std::thread::spawn(thread_slot).join().unwrap();
        assert_ne!(here, there);
    }
}
