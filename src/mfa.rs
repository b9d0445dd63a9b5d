//! MFA codes: the [`MfaTokenProvider`] trait, asked for a fresh code whenever an STS call needs one,
//! and the [`MfaCode`] secret it returns.
//!
//! A connector with an `mfa_serial` sends `SerialNumber` and `TokenCode` with every AssumeRole or
//! GetSessionToken call. A time-based code is only valid once and for a short while, so the provider
//! is asked again at **every** call (every refresh), never cached by this crate.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

use crate::error::CredentialError;

/// A 6-digit MFA code: a secret (redacted from `Debug`, never `Display`ed or serialized).
///
/// ```
/// use aws_connector::MfaCode;
///
/// let code = MfaCode::new("123456")?;
/// assert_eq!(format!("{code:?}"), "MfaCode(** redacted **)");
/// assert!(MfaCode::new("12345").is_err());
/// assert!(MfaCode::new("12345a").is_err());
/// // Surrounding whitespace, such as the newline of a line read from a terminal, is removed.
/// assert!(MfaCode::new(" 654321\n").is_ok());
/// # Ok::<(), aws_connector::InvalidMfaCode>(())
/// ```
#[derive(Clone)]
pub struct MfaCode(SecretString);

impl MfaCode {
    /// Number of digits AWS expects in `TokenCode`.
    pub const LEN: usize = 6;

    /// Checks and wraps a code: exactly 6 ASCII digits once surrounding whitespace is removed.
    ///
    /// # Errors
    /// [`InvalidMfaCode`] when the code is not 6 digits (the message never repeats the code).
    pub fn new(code: impl Into<String>) -> Result<Self, InvalidMfaCode> {
        let code = code.into();
        let trimmed = code.trim();
        if trimmed.len() == Self::LEN && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            Ok(MfaCode(SecretString::from(trimmed.to_owned())))
        } else {
            Err(InvalidMfaCode { _private: () })
        }
    }

    /// The code, for the `TokenCode` request parameter.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for MfaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MfaCode(** redacted **)")
    }
}

/// A text given to [`MfaCode::new`] is not a 6-digit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mfa code must be exactly 6 digits")]
pub struct InvalidMfaCode {
    _private: (),
}

impl From<InvalidMfaCode> for CredentialError {
    fn from(err: InvalidMfaCode) -> Self {
        CredentialError::InvalidConfiguration {
            message: "the mfa token provider returned an invalid code".to_owned(),
            source: Some(Arc::new(err)),
        }
    }
}

/// What an [`MfaTokenProvider`] is asked for: which connector needs a code for which device.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MfaChallenge {
    connector: String,
    serial: String,
}

impl MfaChallenge {
    /// A challenge for `connector`'s MFA device `serial`.
    pub fn new(connector: impl Into<String>, serial: impl Into<String>) -> Self {
        MfaChallenge {
            connector: connector.into(),
            serial: serial.into(),
        }
    }

    /// The connector that needs the code.
    pub fn connector(&self) -> &str {
        &self.connector
    }

    /// The MFA device's serial number or ARN (the connector's `mfa_serial`).
    pub fn serial(&self) -> &str {
        &self.serial
    }
}

/// Supplies a fresh MFA code each time an STS call needs one (a prompt, a TOTP generator, …).
///
/// Called at every AssumeRole / GetSessionToken call of a connector with an `mfa_serial`, i.e. at
/// every refresh: codes are single-use, so implementations should not hand out the same code twice.
///
/// ```
/// use aws_connector::{mfa_fn, MfaCode, MfaTokenProvider, MfaChallenge};
///
/// let mfa = mfa_fn(|challenge: MfaChallenge| async move {
///     assert_eq!(challenge.serial(), "arn:aws:iam::123456789012:mfa/ci");
///     Ok(MfaCode::new("123456")?)
/// });
/// # let rt = tokio::runtime::Builder::new_current_thread().build()?;
/// let code = rt.block_on(mfa.mfa_code(&MfaChallenge::new("deploy", "arn:aws:iam::123456789012:mfa/ci")))?;
/// assert_eq!(code.expose_secret(), "123456");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[async_trait]
pub trait MfaTokenProvider: Send + Sync + fmt::Debug {
    /// Returns a fresh code for `challenge`'s device.
    ///
    /// # Errors
    /// A [`CredentialError`] (typically [`NotLoaded`](crate::ErrorKind::NotLoaded) when no code
    /// could be obtained); it fails the credential request that asked.
    async fn mfa_code(&self, challenge: &MfaChallenge) -> Result<MfaCode, CredentialError>;
}

#[async_trait]
impl<P: MfaTokenProvider + ?Sized> MfaTokenProvider for Arc<P> {
    async fn mfa_code(&self, challenge: &MfaChallenge) -> Result<MfaCode, CredentialError> {
        (**self).mfa_code(challenge).await
    }
}

/// A cloneable, type-erased [`MfaTokenProvider`].
#[derive(Clone)]
pub struct SharedMfaTokenProvider(Arc<dyn MfaTokenProvider>);

impl SharedMfaTokenProvider {
    /// Wraps a provider.
    pub fn new(provider: impl MfaTokenProvider + 'static) -> Self {
        SharedMfaTokenProvider(Arc::new(provider))
    }
}

impl fmt::Debug for SharedMfaTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SharedMfaTokenProvider")
            .field(&self.0)
            .finish()
    }
}

#[async_trait]
impl MfaTokenProvider for SharedMfaTokenProvider {
    async fn mfa_code(&self, challenge: &MfaChallenge) -> Result<MfaCode, CredentialError> {
        self.0.mfa_code(challenge).await
    }
}

/// An [`MfaTokenProvider`] made from a closure that returns a future (see [`MfaTokenProvider`]).
pub fn mfa_fn<F, Fut>(f: F) -> MfaFn<F>
where
    F: Fn(MfaChallenge) -> Fut + Send + Sync,
    Fut: Future<Output = Result<MfaCode, CredentialError>> + Send,
{
    MfaFn { f }
}

/// The provider returned by [`mfa_fn`].
pub struct MfaFn<F> {
    f: F,
}

impl<F> fmt::Debug for MfaFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MfaFn").finish_non_exhaustive()
    }
}

#[async_trait]
impl<F, Fut> MfaTokenProvider for MfaFn<F>
where
    F: Fn(MfaChallenge) -> Fut + Send + Sync,
    Fut: Future<Output = Result<MfaCode, CredentialError>> + Send,
{
    async fn mfa_code(&self, challenge: &MfaChallenge) -> Result<MfaCode, CredentialError> {
        (self.f)(challenge.clone()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn codes_are_six_digits() {
        for ok in ["000000", "123456", "\t999999\r\n"] {
            assert!(MfaCode::new(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "",
            "12345",
            "1234567",
            "12 456",
            "١٢٣٤٥٦",
            "abcdef",
            "+12345",
        ] {
            assert!(MfaCode::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn invalid_code_never_repeats_the_text() {
        let err = MfaCode::new("98765").unwrap_err();
        assert!(!err.to_string().contains("98765"));
        let cred: CredentialError = err.into();
        assert_eq!(cred.kind(), ErrorKind::InvalidConfiguration);
        assert!(!format!("{cred:?} {cred}").contains("98765"));
    }

    #[test]
    fn code_is_redacted() {
        let code = MfaCode::new("424242").unwrap();
        assert!(!format!("{code:?}").contains("424242"));
        assert_eq!(code.expose_secret(), "424242");
    }
}
