//! [`CredentialSource`]: the long-term credentials a connector starts from.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// The long-term credentials a connector starts from.
///
/// ```
/// use aws_connector::CredentialSource;
///
/// let key = CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// assert!(format!("{key:?}").contains("AKIAIOSFODNN7EXAMPLE"));
/// assert!(!format!("{key:?}").contains("wJalr"));
/// assert!(CredentialSource::machine_role().is_machine_role());
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum CredentialSource {
    /// A long-term access key of an IAM user, or (discouraged) of the account root user.
    AccessKey(AccessKey),
    /// The machine's role: the EC2 instance profile (IMDSv2) or the ECS/EKS container credentials.
    MachineRole,
}

impl CredentialSource {
    /// A long-term IAM-user access key.
    pub fn access_key(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Self {
        CredentialSource::AccessKey(AccessKey::new(access_key_id, secret_access_key))
    }

    /// The machine's role credentials (IMDS or the container endpoint).
    pub fn machine_role() -> Self {
        CredentialSource::MachineRole
    }

    /// Whether this is the machine role.
    pub fn is_machine_role(&self) -> bool {
        matches!(self, CredentialSource::MachineRole)
    }

    /// Whether this is the account root user's access key.
    pub fn is_account_root(&self) -> bool {
        matches!(self, CredentialSource::AccessKey(k) if k.account_root)
    }

    /// The access key, when the source is one.
    pub fn as_access_key(&self) -> Option<&AccessKey> {
        match self {
            CredentialSource::AccessKey(k) => Some(k),
            CredentialSource::MachineRole => None,
        }
    }

    /// A short, secret-free description: `access key AKIA… (root)` or `machine role`.
    pub fn describe(&self) -> String {
        match self {
            CredentialSource::AccessKey(k) if k.account_root => {
                format!("access key {} (account root)", k.access_key_id)
            }
            CredentialSource::AccessKey(k) => format!("access key {}", k.access_key_id),
            CredentialSource::MachineRole => "machine role".to_owned(),
        }
    }
}

impl fmt::Debug for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::AccessKey(k) => f.debug_tuple("AccessKey").field(k).finish(),
            CredentialSource::MachineRole => f.write_str("MachineRole"),
        }
    }
}

/// A long-term access key: the id, the secret (a [`SecretString`]) and whether it is the root user's.
#[derive(Clone)]
pub struct AccessKey {
    access_key_id: String,
    secret_access_key: SecretString,
    account_root: bool,
}

impl AccessKey {
    /// A long-term IAM-user access key.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        AccessKey {
            access_key_id: access_key_id.into(),
            secret_access_key: SecretString::from(secret_access_key.into()),
            account_root: false,
        }
    }

    /// Marks the key as the account root user's (default: an IAM user's).
    #[must_use]
    pub fn with_account_root(mut self, account_root: bool) -> Self {
        self.account_root = account_root;
        self
    }

    /// The access key id (not a secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &SecretString {
        &self.secret_access_key
    }

    /// Whether this is the account root user's key.
    pub fn is_account_root(&self) -> bool {
        self.account_root
    }

    pub(crate) fn secret_len(&self) -> usize {
        self.secret_access_key.expose_secret().chars().count()
    }
}

impl From<AccessKey> for CredentialSource {
    fn from(k: AccessKey) -> Self {
        CredentialSource::AccessKey(k)
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("account_root", &self.account_root)
            .finish()
    }
}
