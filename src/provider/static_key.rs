//! A provider that returns fixed credentials (a long-term key, or test credentials).

use async_trait::async_trait;
use secrecy::ExposeSecret;

use super::CredentialProvider;
use crate::credentials::Credentials;
use crate::error::CredentialError;
use crate::source::AccessKey;

/// Returns the same credentials every time.
#[derive(Debug, Clone)]
pub struct StaticKeyProvider {
    credentials: Credentials,
}

impl StaticKeyProvider {
    /// Fixed credentials.
    pub fn new(credentials: Credentials) -> Self {
        StaticKeyProvider { credentials }
    }

    /// A long-term access key, as it is.
    pub fn from_access_key(key: &AccessKey) -> Self {
        StaticKeyProvider::new(
            Credentials::builder(key.access_key_id(), key.secret_access_key().expose_secret())
                .provider_name("static-key")
                .build(),
        )
    }
}

#[async_trait]
impl CredentialProvider for StaticKeyProvider {
    async fn provide(&self) -> Result<Credentials, CredentialError> {
        Ok(self.credentials.clone())
    }
}
