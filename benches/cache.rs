//! Cache hit cost: ours against the bare `ArcSwap` floor and the AWS SDK's identity cache.
//!
//! `cargo bench --bench cache` (see BENCHMARKS.md for the figures). Groups:
//! - `cache_hit`: one thread; `arcswap_load_full`, `arcswap_plus_clock`,
//!   `sdk_lazy_identity_cache`, `aws_connector_cached`.
//! - `cache_hit_threads`: the SDK's and ours with 1, 2 and 4 threads hitting one shared cache;
//!   the throughput criterion prints is the aggregate over all threads.

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;
use aws_connector::{Cached, Clock, Credentials, StaticKeyProvider, SystemClock};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_async::time::SystemTimeSource;
use aws_smithy_runtime::client::identity::IdentityCache;
use aws_smithy_runtime_api::client::identity::{
    ResolveCachedIdentity, SharedIdentityCache, SharedIdentityResolver,
};
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::config_bag::ConfigBag;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// Temporary credentials valid for ten hours: every lookup below is a cache hit.
fn credentials() -> Credentials {
    let expiry = SystemClock.now() + time::Duration::hours(10);
    Credentials::builder(
        "ASIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    .session_token("FwoGZXIvYXdzEXAMPLETOKEN")
    .expiry(expiry)
    .provider_name("bench")
    .build()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Ours, warmed up (the first call fetches).
fn ours() -> Cached<StaticKeyProvider> {
    let cached = Cached::new(StaticKeyProvider::new(credentials()));
    runtime()
        .block_on(cached.provide())
        .expect("static credentials");
    cached
}

/// The AWS SDK's lazy identity cache, wired as in its own tests, warmed up.
struct Sdk {
    cache: SharedIdentityCache,
    resolver: SharedIdentityResolver,
    components: RuntimeComponents,
}

impl Sdk {
    #[allow(clippy::disallowed_methods)] // the SDK's credentials carry a SystemTime expiry
    fn new() -> Sdk {
        let creds = aws_credential_types::Credentials::new(
            "ASIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            Some("FwoGZXIvYXdzEXAMPLETOKEN".to_owned()),
            Some(SystemTime::now() + Duration::from_secs(10 * 3600)),
            "bench",
        );
        let sdk = Sdk {
            cache: IdentityCache::lazy().build(),
            resolver: SharedIdentityResolver::new(SharedCredentialsProvider::new(creds)),
            components: RuntimeComponentsBuilder::for_tests()
                .with_time_source(Some(SystemTimeSource::new()))
                .with_sleep_impl(Some(TokioSleep::new()))
                .build()
                .expect("runtime components"),
        };
        runtime().block_on(sdk.hit(&ConfigBag::base()));
        sdk
    }

    async fn hit(&self, config_bag: &ConfigBag) {
        let identity = self
            .cache
            .resolve_cached_identity(self.resolver.clone(), &self.components, config_bag)
            .await
            .expect("cached identity");
        black_box(identity);
    }
}

#[allow(clippy::disallowed_methods)] // the baseline is a naive cache reading the system clock
fn cache_hit(c: &mut Criterion) {
    let mut group = c.benchmark_group("cache_hit");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);

    let creds = credentials();
    let expiry = SystemTime::from(creds.expiry().expect("temporary"));
    let swap = ArcSwap::from_pointee(creds);
    group.bench_function("arcswap_load_full", |b| {
        b.iter(|| black_box(swap.load_full()))
    });
    group.bench_function("arcswap_plus_clock", |b| {
        b.iter(|| {
            let c = swap.load_full();
            black_box(SystemTime::now() < expiry);
            black_box(c)
        })
    });

    let rt = runtime();
    let sdk = Sdk::new();
    let config_bag = ConfigBag::base();
    group.bench_function("sdk_lazy_identity_cache", |b| {
        b.to_async(&rt).iter(|| sdk.hit(&config_bag))
    });

    let cached = ours();
    group.bench_function("aws_connector_cached", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(cached.provide().await.expect("hit")) })
    });
    group.finish();
}

/// Runs `work(iters)` on `threads` threads at once (each with its own current-thread runtime)
/// and returns the wall time from the common start to the last finish.
fn on_threads<W>(threads: usize, iters: u64, work: W) -> Duration
where
    W: Fn(&tokio::runtime::Runtime, u64) + Send + Sync + 'static,
{
    let work = Arc::new(work);
    let start = Arc::new(Barrier::new(threads + 1));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let work = Arc::clone(&work);
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let rt = runtime();
                start.wait();
                work(&rt, iters);
            })
        })
        .collect();
    start.wait();
    let t0 = Instant::now();
    for h in handles {
        h.join().expect("bench thread");
    }
    t0.elapsed()
}

fn cache_hit_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("cache_hit_threads");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);

    let sdk = Arc::new(Sdk::new());
    let cached = ours();
    for threads in [1usize, 2, 4] {
        // Each iteration is one lookup on every thread: the throughput is the aggregate.
        group.throughput(Throughput::Elements(threads as u64));
        group.bench_with_input(
            BenchmarkId::new("sdk_lazy_identity_cache", threads),
            &threads,
            |b, &threads| {
                b.iter_custom(|iters| {
                    let sdk = Arc::clone(&sdk);
                    on_threads(threads, iters, move |rt, iters| {
                        let config_bag = ConfigBag::base();
                        rt.block_on(async {
                            for _ in 0..iters {
                                sdk.hit(&config_bag).await;
                            }
                        })
                    })
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("aws_connector_cached", threads),
            &threads,
            |b, &threads| {
                b.iter_custom(|iters| {
                    let cached = cached.clone();
                    on_threads(threads, iters, move |rt, iters| {
                        rt.block_on(async {
                            for _ in 0..iters {
                                black_box(cached.provide().await.expect("hit"));
                            }
                        })
                    })
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, cache_hit, cache_hit_threads);
criterion_main!(benches);
