//! Interop with the AWS SDK for Rust: [`Credentials`] ⇄ [`aws_credential_types::Credentials`], and
//! [`ProvideCredentials`] for this crate's providers, so any SDK client (or
//! `aws_config::defaults(..).credentials_provider(p)`) can use them.
//!
//! The SDK sees the real expiry of every credential set, so its identity cache refreshes on time.
//! A [`CredentialError`] reaches the SDK as a [`CredentialsError`] whose `source()` is the
//! original error (kind, AWS code and message intact):
//!
//! | [`ErrorKind`] | [`CredentialsError`] |
//! |---|---|
//! | `NotLoaded` | `CredentialsNotLoaded` |
//! | `InvalidConfiguration` | `InvalidConfiguration` |
//! | `MalformedResponse` | `Unhandled` |
//! | any other | `ProviderError` |
//!
//! ```
//! use aws_connector::{Credentials, SharedCredentialProvider, StaticKeyProvider};
//! use aws_credential_types::provider::ProvideCredentials;
//!
//! let ours = Credentials::builder("AKIAIOSFODNN7EXAMPLE", "secret").build();
//! let theirs: aws_credential_types::Credentials = ours.clone().into();
//! assert_eq!(theirs.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
//!
//! // Any of our providers is an SDK credentials provider.
//! let provider = SharedCredentialProvider::new(StaticKeyProvider::new(ours));
//! # let rt = tokio::runtime::Builder::new_current_thread().build()?;
//! let loaded = rt.block_on(provider.provide_credentials())?;
//! assert_eq!(loaded.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials};
use secrecy::ExposeSecret;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::credentials::Credentials;
use crate::error::{CredentialError, ErrorKind};
use crate::provider::{CredentialProvider, SharedCredentialProvider, StaticKeyProvider};

/// The provider name given to credentials converted from the SDK's type (which does not expose
/// the name it carries).
pub const SDK_PROVIDER_NAME: &str = "aws-sdk";

impl From<&Credentials> for aws_credential_types::Credentials {
    fn from(c: &Credentials) -> Self {
        aws_credential_types::Credentials::new(
            c.access_key_id(),
            c.secret_access_key().expose_secret(),
            c.session_token().map(|t| t.expose_secret().to_owned()),
            c.expiry().map(offset_to_system_time),
            c.provider_name(),
        )
    }
}

impl From<Credentials> for aws_credential_types::Credentials {
    fn from(c: Credentials) -> Self {
        (&c).into()
    }
}

impl From<&aws_credential_types::Credentials> for Credentials {
    /// Converts the SDK's credentials; the provider name becomes [`SDK_PROVIDER_NAME`] and an
    /// expiry outside years -9999..=9999 is clamped to that range.
    fn from(c: &aws_credential_types::Credentials) -> Self {
        from_sdk_credentials(c, SDK_PROVIDER_NAME)
    }
}

impl From<aws_credential_types::Credentials> for Credentials {
    /// See the conversion from `&aws_credential_types::Credentials`.
    fn from(c: aws_credential_types::Credentials) -> Self {
        from_sdk_credentials(&c, SDK_PROVIDER_NAME)
    }
}

/// Converts the SDK's credentials, naming the provider that produced them.
pub(crate) fn from_sdk_credentials(
    c: &aws_credential_types::Credentials,
    provider_name: &'static str,
) -> Credentials {
    let mut b = Credentials::builder(c.access_key_id(), c.secret_access_key())
        .provider_name(provider_name)
        .expiry_opt(c.expiry().map(system_time_to_offset));
    if let Some(token) = c.session_token() {
        b = b.session_token(token);
    }
    b.build()
}

/// `SystemTime` → `OffsetDateTime`, clamped to `OffsetDateTime`'s range.
pub(crate) fn system_time_to_offset(t: SystemTime) -> OffsetDateTime {
    let nanos: i128 = match t.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_nanos()).unwrap_or(i128::MAX),
        Err(before) => i128::try_from(before.duration().as_nanos()).map_or(i128::MIN, |n| -n),
    };
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or_else(|_| {
        if nanos > 0 {
            PrimitiveDateTime::MAX.assume_utc()
        } else {
            PrimitiveDateTime::MIN.assume_utc()
        }
    })
}

/// `OffsetDateTime` → `SystemTime`, clamped to what the platform's `SystemTime` holds.
pub(crate) fn offset_to_system_time(t: OffsetDateTime) -> SystemTime {
    let nanos = t.unix_timestamp_nanos();
    let magnitude = Duration::from_nanos(u64::try_from(nanos.unsigned_abs()).unwrap_or(u64::MAX));
    let shifted = if nanos >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    };
    shifted.unwrap_or(UNIX_EPOCH)
}

/// Our error, as the SDK expects it (the original is the `source()`).
pub(crate) fn to_sdk_error(err: CredentialError) -> CredentialsError {
    match err.kind() {
        ErrorKind::NotLoaded => CredentialsError::not_loaded(err),
        ErrorKind::InvalidConfiguration => CredentialsError::invalid_configuration(err),
        ErrorKind::MalformedResponse => CredentialsError::unhandled(err),
        _ => CredentialsError::provider_error(err),
    }
}

/// The transport failure kind found in an error's `source()` chain, if any: a connector timeout is
/// [`ErrorKind::Timeout`], any other connector (I/O) failure [`ErrorKind::Transient`].
#[cfg(feature = "machine-role")]
pub(crate) fn transport_kind_in_chain(
    err: &(dyn std::error::Error + 'static),
) -> Option<ErrorKind> {
    use aws_smithy_runtime_api::client::result::ConnectorError;
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = next {
        if let Some(c) = e.downcast_ref::<ConnectorError>() {
            return Some(if c.is_timeout() {
                ErrorKind::Timeout
            } else if c.is_user() {
                ErrorKind::InvalidConfiguration
            } else {
                ErrorKind::Transient
            });
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as Io;
            match io.kind() {
                Io::TimedOut => return Some(ErrorKind::Timeout),
                Io::ConnectionRefused
                | Io::ConnectionReset
                | Io::ConnectionAborted
                | Io::NotConnected
                | Io::BrokenPipe
                | Io::UnexpectedEof => return Some(ErrorKind::Transient),
                _ => {}
            }
        }
        next = e.source();
    }
    None
}

/// Makes any [`CredentialProvider`] an SDK [`ProvideCredentials`] (for providers of your own,
/// or [`provide_fn`](crate::provide_fn) closures; this crate's providers implement
/// [`ProvideCredentials`] directly).
///
/// ```
/// use aws_connector::{provide_fn, Credentials, SdkProvider};
/// use aws_credential_types::provider::ProvideCredentials;
///
/// let p = SdkProvider::new(provide_fn("docs", || async {
///     Ok(Credentials::builder("AKIAIOSFODNN7EXAMPLE", "secret").build())
/// }));
/// # let rt = tokio::runtime::Builder::new_current_thread().build()?;
/// assert_eq!(rt.block_on(p.provide_credentials())?.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct SdkProvider<P> {
    inner: P,
}

impl<P: CredentialProvider> SdkProvider<P> {
    /// Wraps a provider.
    pub fn new(provider: P) -> Self {
        SdkProvider { inner: provider }
    }

    /// The wrapped provider.
    pub fn get_ref(&self) -> &P {
        &self.inner
    }

    /// Unwraps the provider.
    pub fn into_inner(self) -> P {
        self.inner
    }
}

impl<P: fmt::Debug> fmt::Debug for SdkProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SdkProvider").field(&self.inner).finish()
    }
}

/// Implements `ProvideCredentials` by delegating to `CredentialProvider::provide`.
macro_rules! provide_credentials_via_provide {
    ($(#[$attr:meta])* $ty:ty $(, $($gen:tt)*)?) => {
        $(#[$attr])*
        impl$(<$($gen)*>)? ProvideCredentials for $ty {
            fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                future::ProvideCredentials::new(async move {
                    CredentialProvider::provide(self)
                        .await
                        .map(aws_credential_types::Credentials::from)
                        .map_err(to_sdk_error)
                })
            }
        }
    };
}

provide_credentials_via_provide!(SharedCredentialProvider);
provide_credentials_via_provide!(StaticKeyProvider);
provide_credentials_via_provide!(
    #[cfg(feature = "sts")]
    crate::provider::StsProvider
);
provide_credentials_via_provide!(
    #[cfg(feature = "machine-role")]
    crate::provider::MachineRoleProvider
);

impl<P: CredentialProvider> ProvideCredentials for SdkProvider<P> {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            self.inner
                .provide()
                .await
                .map(aws_credential_types::Credentials::from)
                .map_err(to_sdk_error)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;
    use time::macros::datetime;

    #[test]
    fn round_trip_keeps_everything() {
        let expiry = datetime!(2030-01-02 03:04:05.123456789 UTC);
        let ours = Credentials::builder("ASIAEXAMPLE", "sentinel-secret")
            .session_token("sentinel-token")
            .expiry(expiry)
            .provider_name("test")
            .build();
        let theirs = aws_credential_types::Credentials::from(&ours);
        assert_eq!(theirs.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(theirs.secret_access_key(), "sentinel-secret");
        assert_eq!(theirs.session_token(), Some("sentinel-token"));
        let back = Credentials::from(theirs);
        assert_eq!(back.expiry(), Some(expiry));
        assert_eq!(back.provider_name(), SDK_PROVIDER_NAME);
        assert_eq!(
            back.session_token().map(|t| t.expose_secret().to_owned()),
            Some("sentinel-token".to_owned())
        );
        let long_term = Credentials::builder("AKIAEXAMPLE", "s").build();
        assert_eq!(
            aws_credential_types::Credentials::from(long_term).expiry(),
            None
        );
    }

    #[test]
    fn times_before_the_epoch_and_out_of_range() {
        let t = datetime!(1960-06-01 00:00 UTC);
        assert_eq!(system_time_to_offset(offset_to_system_time(t)), t);
        let far = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(
            system_time_to_offset(far),
            PrimitiveDateTime::MAX.assume_utc()
        );
    }

    #[test]
    fn errors_keep_kind_and_source() {
        let ours = CredentialError::service("AssumeRole", "AccessDenied", "no");
        let sdk = to_sdk_error(ours);
        assert!(matches!(sdk, CredentialsError::ProviderError(_)));
        let inner = sdk
            .source()
            .and_then(|s| s.downcast_ref::<CredentialError>())
            .expect("our error is the source");
        assert_eq!(inner.aws_code(), Some("AccessDenied"));
        assert!(matches!(
            to_sdk_error(CredentialError::not_loaded("x")),
            CredentialsError::CredentialsNotLoaded(_)
        ));
        assert!(matches!(
            to_sdk_error(CredentialError::invalid_configuration("x")),
            CredentialsError::InvalidConfiguration(_)
        ));
        assert!(matches!(
            to_sdk_error(CredentialError::malformed("x")),
            CredentialsError::Unhandled(_)
        ));
    }

    #[test]
    #[cfg(feature = "machine-role")]
    fn transport_kinds() {
        use aws_smithy_runtime_api::client::result::ConnectorError;
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let c = ConnectorError::io(Box::new(refused));
        assert_eq!(transport_kind_in_chain(&c), Some(ErrorKind::Transient));
        let t = ConnectorError::timeout("slow".into());
        assert_eq!(transport_kind_in_chain(&t), Some(ErrorKind::Timeout));
        let plain = CredentialError::malformed("x");
        assert_eq!(transport_kind_in_chain(&plain), None);
    }
}
