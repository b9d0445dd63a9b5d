//! [`Cached`] as an AWS SDK credentials provider.
//!
//! The SDK gets the real expiry of the cached credentials; see [`Cached`] for how to turn the
//! SDK's own identity cache off.

use std::time::SystemTime;

use aws_credential_types::provider::{self, error::CredentialsError, future};
use secrecy::ExposeSecret;

use super::Cached;
use crate::credentials::Credentials;
use crate::error::{CredentialError, ErrorKind};
use crate::provider::CredentialProvider;

impl<P: CredentialProvider + 'static> provider::ProvideCredentials for Cached<P> {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            match self.provide().await {
                Ok(c) => Ok(to_sdk(&c)),
                Err(e) => Err(to_sdk_error(e)),
            }
        })
    }
}

fn to_sdk(c: &Credentials) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        c.access_key_id(),
        c.secret_access_key().expose_secret(),
        c.session_token().map(|t| t.expose_secret().to_owned()),
        c.expiry().map(SystemTime::from),
        c.provider_name(),
    )
}

fn to_sdk_error(e: CredentialError) -> CredentialsError {
    match e.kind() {
        ErrorKind::NotLoaded => CredentialsError::not_loaded(e),
        ErrorKind::InvalidConfiguration => CredentialsError::invalid_configuration(e),
        _ => CredentialsError::provider_error(e),
    }
}

#[cfg(test)]
mod tests {
    use aws_credential_types::provider::ProvideCredentials;
    use time::macros::datetime;

    use super::*;
    use crate::clock::ManualClock;
    use crate::provider::provide_fn;
    use crate::CacheConfig;

    #[tokio::test]
    async fn the_sdk_sees_the_real_expiry() {
        let expiry = datetime!(2030-01-01 01:00 UTC);
        let clock = ManualClock::new(datetime!(2030-01-01 00:00 UTC));
        let cached = Cached::with_config(
            provide_fn("test", move || async move {
                Ok(Credentials::builder("ASIAEXAMPLE", "secret")
                    .session_token("token")
                    .expiry(expiry)
                    .build())
            }),
            CacheConfig::builder().clock(clock).build().unwrap(),
        );
        let c = cached.provide_credentials().await.unwrap();
        assert_eq!(c.expiry(), Some(SystemTime::from(expiry)));
        assert_eq!(c.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(c.secret_access_key(), "secret");
        assert_eq!(c.session_token(), Some("token"));
    }

    #[tokio::test]
    async fn errors_keep_their_kind() {
        let cached = Cached::new(provide_fn("test", || async {
            Err(CredentialError::not_loaded("no machine role"))
        }));
        let e = cached.provide_credentials().await.unwrap_err();
        assert!(matches!(e, CredentialsError::CredentialsNotLoaded(_)));
    }
}
