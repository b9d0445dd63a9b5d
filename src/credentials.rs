//! [`Credentials`]: an access key, secret and optional session token with an expiry.

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

/// AWS credentials: cheap to clone (one reference count), secrets redacted from `Debug`, and
/// deliberately not `Serialize`.
///
/// ```
/// use aws_connector::Credentials;
///
/// let c = Credentials::builder("ASIAEXAMPLE", "secret-key")
///     .session_token("token")
///     .provider_name("docs")
///     .build();
/// assert_eq!(c.access_key_id(), "ASIAEXAMPLE");
/// assert!(c.is_temporary());
/// let shown = format!("{c:?}");
/// assert!(!shown.contains("secret-key") && !shown.contains("token\""));
/// ```
#[derive(Clone)]
pub struct Credentials {
    inner: Arc<Inner>,
}

struct Inner {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: Option<SecretString>,
    expiry: Option<OffsetDateTime>,
    provider_name: &'static str,
}

impl Credentials {
    /// Starts building credentials from an access key id and secret.
    pub fn builder(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> CredentialsBuilder {
        CredentialsBuilder {
            access_key_id: access_key_id.into(),
            secret_access_key: SecretString::from(secret_access_key.into()),
            session_token: None,
            expiry: None,
            provider_name: "aws-connector",
        }
    }

    /// The access key id (not a secret).
    pub fn access_key_id(&self) -> &str {
        &self.inner.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &SecretString {
        &self.inner.secret_access_key
    }

    /// The session token (temporary credentials only).
    pub fn session_token(&self) -> Option<&SecretString> {
        self.inner.session_token.as_ref()
    }

    /// When the credentials expire (`None`: long-term, they do not).
    pub fn expiry(&self) -> Option<OffsetDateTime> {
        self.inner.expiry
    }

    /// Whether these are temporary credentials (they carry a session token).
    pub fn is_temporary(&self) -> bool {
        self.inner.session_token.is_some()
    }

    /// Which provider produced them, e.g. `sts-assume-role`.
    pub fn provider_name(&self) -> &'static str {
        self.inner.provider_name
    }

    /// Whether they have expired at `now` (expiry reached counts as expired).
    pub fn is_expired_at(&self, now: OffsetDateTime) -> bool {
        self.inner.expiry.is_some_and(|e| e <= now)
    }

    /// Whether two values are the same issuance (same id, secret, token and expiry).
    pub fn same_as(&self, other: &Credentials) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
            || (self.inner.access_key_id == other.inner.access_key_id
                && self.inner.secret_access_key.expose_secret()
                    == other.inner.secret_access_key.expose_secret()
                && self
                    .inner
                    .session_token
                    .as_ref()
                    .map(ExposeSecret::expose_secret)
                    == other
                        .inner
                        .session_token
                        .as_ref()
                        .map(ExposeSecret::expose_secret)
                && self.inner.expiry == other.inner.expiry)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credentials");
        d.field("provider_name", &self.inner.provider_name)
            .field("access_key_id", &self.inner.access_key_id)
            .field("secret_access_key", &"** redacted **");
        if self.inner.session_token.is_some() {
            d.field("session_token", &"** redacted **");
        }
        match self.inner.expiry {
            Some(e) => d.field("expiry", &e),
            None => d.field("expiry", &"never"),
        };
        d.finish()
    }
}

/// Builds [`Credentials`].
#[must_use]
pub struct CredentialsBuilder {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: Option<SecretString>,
    expiry: Option<OffsetDateTime>,
    provider_name: &'static str,
}

impl CredentialsBuilder {
    /// The session token of temporary credentials.
    pub fn session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(SecretString::from(token.into()));
        self
    }

    /// When they expire.
    pub fn expiry(mut self, expiry: OffsetDateTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// Sets or clears the expiry.
    pub fn expiry_opt(mut self, expiry: Option<OffsetDateTime>) -> Self {
        self.expiry = expiry;
        self
    }

    /// Which provider produced them.
    pub fn provider_name(mut self, name: &'static str) -> Self {
        self.provider_name = name;
        self
    }

    /// The credentials.
    pub fn build(self) -> Credentials {
        Credentials {
            inner: Arc::new(Inner {
                access_key_id: self.access_key_id,
                secret_access_key: self.secret_access_key,
                session_token: self.session_token,
                expiry: self.expiry,
                provider_name: self.provider_name,
            }),
        }
    }
}

impl fmt::Debug for CredentialsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsBuilder")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("expiry", &self.expiry)
            .finish_non_exhaustive()
    }
}
