//! A scripted, call-counting provider for downstream tests (`test-util` feature).

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;

use super::CredentialProvider;
use crate::credentials::Credentials;
use crate::error::CredentialError;

/// A provider that answers from a script, then with a fixed answer, and counts its calls.
/// Clones share the script and the count.
///
/// ```
/// use aws_connector::{Cached, CredentialError, Credentials, ErrorKind, FakeProvider};
///
/// # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// # rt.block_on(async {
/// let fake = FakeProvider::new(Credentials::builder("AKIAFAKE", "secret").build())
///     .then_err(CredentialError::other(ErrorKind::Throttled, "slow down"));
/// let cached = Cached::new(fake.clone());
/// assert_eq!(cached.provide().await.map(|c| c.access_key_id().to_owned()).ok(), None);
/// assert_eq!(fake.calls(), 1);
/// # });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct FakeProvider {
    inner: Arc<Inner>,
}

struct Inner {
    calls: AtomicUsize,
    script: Mutex<VecDeque<Result<Credentials, CredentialError>>>,
    otherwise: Result<Credentials, CredentialError>,
}

impl FakeProvider {
    /// Answers `credentials` once the script is used up.
    pub fn new(credentials: Credentials) -> Self {
        Self::with_fallback(Ok(credentials))
    }

    /// Fails with `error` once the script is used up.
    pub fn failing(error: CredentialError) -> Self {
        Self::with_fallback(Err(error))
    }

    fn with_fallback(otherwise: Result<Credentials, CredentialError>) -> Self {
        FakeProvider {
            inner: Arc::new(Inner {
                calls: AtomicUsize::new(0),
                script: Mutex::new(VecDeque::new()),
                otherwise,
            }),
        }
    }

    /// Appends an answer to the script (answers are used in order, one per call).
    #[must_use]
    pub fn then_ok(self, credentials: Credentials) -> Self {
        self.push(Ok(credentials))
    }

    /// Appends a failure to the script.
    #[must_use]
    pub fn then_err(self, error: CredentialError) -> Self {
        self.push(Err(error))
    }

    fn push(self, answer: Result<Credentials, CredentialError>) -> Self {
        self.inner
            .script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(answer);
        self
    }

    /// How many times [`provide`](CredentialProvider::provide) was called.
    pub fn calls(&self) -> usize {
        self.inner.calls.load(Ordering::SeqCst)
    }
}

impl fmt::Debug for FakeProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeProvider")
            .field("calls", &self.calls())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl CredentialProvider for FakeProvider {
    async fn provide(&self) -> Result<Credentials, CredentialError> {
        self.inner.calls.fetch_add(1, Ordering::SeqCst);
        let scripted = self
            .inner
            .script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front();
        scripted.unwrap_or_else(|| self.inner.otherwise.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[tokio::test]
    async fn answers_the_script_then_the_fallback() {
        let fake = FakeProvider::failing(CredentialError::not_loaded("nothing"))
            .then_ok(Credentials::builder("AKIAONE", "SENTINEL-FAKE").build())
            .then_err(CredentialError::other(ErrorKind::Throttled, "slow"));
        let shared = fake.clone();
        assert_eq!(
            shared
                .provide()
                .await
                .ok()
                .map(|c| c.access_key_id().to_owned())
                .as_deref(),
            Some("AKIAONE")
        );
        assert_eq!(
            shared.provide().await.err().map(|e| e.kind()),
            Some(ErrorKind::Throttled)
        );
        assert_eq!(
            shared.provide().await.err().map(|e| e.kind()),
            Some(ErrorKind::NotLoaded)
        );
        assert_eq!(fake.calls(), 3);
        assert!(!format!("{fake:?}").contains("SENTINEL"));
    }
}
