//! The [`CredentialProvider`] trait, a cloneable [`SharedCredentialProvider`] handle, a closure
//! adapter ([`provide_fn`]) and the backends.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::credentials::Credentials;
use crate::error::CredentialError;

#[cfg(feature = "test-util")]
mod fake;
#[cfg(feature = "_aws")]
mod http;
#[cfg(feature = "machine-role")]
mod machine;
mod options;
mod select;
mod static_key;
#[cfg(feature = "sts")]
mod sts;

#[cfg(feature = "test-util")]
pub use fake::FakeProvider;
#[cfg(feature = "_aws")]
pub use http::HttpClient;
#[cfg(feature = "machine-role")]
pub use machine::{MachineRoleKind, MachineRoleProvider};
pub use options::{Environment, ProviderOptions, SYSTEM_USER_NAME};
pub use select::connector_provider;
pub use static_key::StaticKeyProvider;
#[cfg(feature = "sts")]
pub use sts::{caller_identity, CallerIdentity, IssuedCredentials, StsProvider, DEFAULT_REGION};

/// Something that can produce [`Credentials`], usually by calling AWS.
///
/// Implementations make one attempt per call; caching, single flight and retries are the job of
/// the cache (`Cached`) and of the caller.
#[async_trait]
pub trait CredentialProvider: Send + Sync + fmt::Debug {
    /// Produces credentials.
    ///
    /// # Errors
    /// A [`CredentialError`] whose [`kind`](CredentialError::kind) says what went wrong.
    async fn provide(&self) -> Result<Credentials, CredentialError>;
}

#[async_trait]
impl<P: CredentialProvider + ?Sized> CredentialProvider for Arc<P> {
    async fn provide(&self) -> Result<Credentials, CredentialError> {
        (**self).provide().await
    }
}

/// A cloneable, type-erased provider.
///
/// ```
/// use aws_connector::{Credentials, SharedCredentialProvider, StaticKeyProvider};
///
/// let p = SharedCredentialProvider::new(StaticKeyProvider::new(
///     Credentials::builder("AKIAIOSFODNN7EXAMPLE", "secret").build(),
/// ));
/// let p2 = p.clone();
/// # let rt = tokio::runtime::Builder::new_current_thread().build()?;
/// let c = rt.block_on(p2.provide())?;
/// assert_eq!(c.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct SharedCredentialProvider(Arc<dyn CredentialProvider>);

impl SharedCredentialProvider {
    /// Wraps a provider.
    pub fn new(provider: impl CredentialProvider + 'static) -> Self {
        SharedCredentialProvider(Arc::new(provider))
    }

    /// Produces credentials (see [`CredentialProvider::provide`]).
    ///
    /// # Errors
    /// The wrapped provider's error.
    pub async fn provide(&self) -> Result<Credentials, CredentialError> {
        self.0.provide().await
    }
}

impl fmt::Debug for SharedCredentialProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SharedCredentialProvider")
            .field(&self.0)
            .finish()
    }
}

#[async_trait]
impl CredentialProvider for SharedCredentialProvider {
    async fn provide(&self) -> Result<Credentials, CredentialError> {
        self.0.provide().await
    }
}

/// A provider made from a closure returning a future.
///
/// ```
/// use aws_connector::{provide_fn, CredentialProvider, Credentials};
///
/// let p = provide_fn("docs", || async {
///     Ok(Credentials::builder("AKIAIOSFODNN7EXAMPLE", "secret").build())
/// });
/// # let rt = tokio::runtime::Builder::new_current_thread().build()?;
/// assert_eq!(rt.block_on(p.provide())?.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn provide_fn<F, Fut>(name: &'static str, f: F) -> ProvideFn<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<Credentials, CredentialError>> + Send,
{
    ProvideFn { name, f }
}

/// The provider returned by [`provide_fn`].
pub struct ProvideFn<F> {
    name: &'static str,
    f: F,
}

impl<F> fmt::Debug for ProvideFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProvideFn")
            .field("name", &self.name)
            .finish()
    }
}

#[async_trait]
impl<F, Fut> CredentialProvider for ProvideFn<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<Credentials, CredentialError>> + Send,
{
    async fn provide(&self) -> Result<Credentials, CredentialError> {
        (self.f)().await
    }
}
