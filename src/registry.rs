//! [`Registry`]: named connectors, who may use them, and per-caller credential providers.
//!
//! Access rules (DESIGN.md "Access"):
//! - a user may use a connector when one of the user's groups is in the connector's `groups`, or
//!   when the user is an administrator and `admins_see_all_connectors` is on (the default);
//! - the system caller (code without a user session) may use only connectors with
//!   `scope = "system"`; users may use system-scoped connectors by the group rule too.
//!
//! Every issuance and every denial is an audit event (`tracing` target `aws_connector::audit`)
//! with the caller, connector, principal type, session name and expiry; never a secret.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use arc_swap::ArcSwap;

use crate::connector::{Connector, Scope};
use crate::credentials::Credentials;
use crate::error::{CredentialError, ErrorCode, ValidationError, ValidationErrors};
use crate::provider::{ProviderOptions, SharedCredentialProvider};

/// Who is asking for credentials.
///
/// ```
/// use aws_connector::Caller;
///
/// let alice = Caller::user("alice").with_group("developers");
/// let root = Caller::user("ops").with_admin(true);
/// assert_eq!(alice.user_name(), Some("alice"));
/// assert_eq!(Caller::system().user_name(), None);
/// # let _ = root;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Caller {
    /// A signed-in user.
    User {
        /// The user's name (rendered into `{user}` templates).
        name: String,
        /// The user's groups.
        groups: Vec<String>,
        /// Whether the user is an administrator.
        admin: bool,
    },
    /// Code running without a user session.
    System,
}

impl Caller {
    /// A user with no groups who is not an administrator.
    pub fn user(name: impl Into<String>) -> Self {
        Caller::User {
            name: name.into(),
            groups: Vec::new(),
            admin: false,
        }
    }

    /// The system caller.
    pub fn system() -> Self {
        Caller::System
    }

    /// Adds a group (no effect on the system caller).
    #[must_use]
    pub fn with_group(mut self, group: impl Into<String>) -> Self {
        if let Caller::User { groups, .. } = &mut self {
            groups.push(group.into());
        }
        self
    }

    /// Sets the administrator flag (no effect on the system caller).
    #[must_use]
    pub fn with_admin(mut self, is_admin: bool) -> Self {
        if let Caller::User { admin, .. } = &mut self {
            *admin = is_admin;
        }
        self
    }

    /// The user's name; `None` for the system caller.
    pub fn user_name(&self) -> Option<&str> {
        match self {
            Caller::User { name, .. } => Some(name),
            Caller::System => None,
        }
    }
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Caller::User { name, .. } => write!(f, "user `{name}`"),
            Caller::System => f.write_str("the system caller"),
        }
    }
}

/// Why a caller may not use a connector.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccessError {
    /// There is no connector with this name.
    #[error("no connector named `{connector}`")]
    UnknownConnector {
        /// The name asked for.
        connector: String,
    },
    /// None of the user's groups is granted the connector (and the admin rule does not apply).
    #[error("user `{user}` may not use connector `{connector}`: none of the user's groups is in its groups{}", if *admin { " (administrators see all connectors only when admins_see_all_connectors is on)" } else { "" })]
    NotInGroups {
        /// The connector.
        connector: String,
        /// The user.
        user: String,
        /// Whether the user is an administrator (and the setting is off).
        admin: bool,
    },
    /// The system caller asked for a connector whose scope is `user`.
    #[error("the system caller may not use connector `{connector}`: only connectors with scope = \"system\" are available without a user session")]
    SystemScopeRequired {
        /// The connector.
        connector: String,
    },
}

impl AccessError {
    /// The connector the denial is about.
    pub fn connector(&self) -> &str {
        match self {
            AccessError::UnknownConnector { connector }
            | AccessError::NotInGroups { connector, .. }
            | AccessError::SystemScopeRequired { connector } => connector,
        }
    }
}

/// Why credentials could not be issued through the registry.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The caller may not use the connector.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The connector's provider failed.
    #[error("connector `{connector}` could not provide credentials")]
    Credentials {
        /// The connector.
        connector: String,
        /// The provider's error.
        #[source]
        source: CredentialError,
    },
}

impl IssueError {
    /// The access denial, if that is what this is.
    pub fn as_access(&self) -> Option<&AccessError> {
        match self {
            IssueError::Access(a) => Some(a),
            IssueError::Credentials { .. } => None,
        }
    }

    /// The provider's error, if that is what this is.
    pub fn as_credentials(&self) -> Option<&CredentialError> {
        match self {
            IssueError::Access(_) => None,
            IssueError::Credentials { source, .. } => Some(source),
        }
    }
}

/// Builds the provider for a connector and a caller's user name (`None`: the system caller).
pub type ProviderFactory = Arc<
    dyn Fn(&Connector, Option<&str>) -> Result<SharedCredentialProvider, CredentialError>
        + Send
        + Sync,
>;

/// Named connectors, their access rules and their providers.
///
/// ```
/// use aws_connector::{Caller, Connector, CredentialSource, PrincipalType, Registry};
///
/// let registry = Registry::builder()
///     .connector(
///         Connector::builder("static-dev")
///             .source(CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "example"))
///             .principal(PrincipalType::Provided)
///             .group("developers")
///             .build()?,
///     )
///     .build()?;
/// let alice = Caller::user("alice").with_group("developers");
/// assert_eq!(registry.visible(&alice).len(), 1);
/// assert!(registry.check_access(&Caller::system(), "static-dev").is_err());
/// # Ok::<(), aws_connector::ValidationErrors>(())
/// ```
pub struct Registry {
    admins_see_all_connectors: bool,
    options: ProviderOptions,
    connectors: BTreeMap<String, Entry>,
    factory: ProviderFactory,
}

/// A connector and the providers made for it.
struct Entry {
    connector: Connector,
    /// The provider every caller shares (no `{user}` template), or the system caller's.
    shared: OnceLock<SharedCredentialProvider>,
    /// One provider per user name when the connector's names depend on the user; read without a
    /// lock or an allocation, replaced as a whole when a user is added.
    per_user: ArcSwap<HashMap<String, SharedCredentialProvider>>,
    /// Serialises the (rare) making of a provider, so each is made once.
    making: Mutex<()>,
}

impl Entry {
    fn new(connector: Connector) -> Self {
        Entry {
            connector,
            shared: OnceLock::new(),
            per_user: ArcSwap::from_pointee(HashMap::new()),
            making: Mutex::new(()),
        }
    }

    /// The slot a caller's provider lives in: the user's when the names depend on the user.
    fn user_key<'a>(&self, caller: &'a Caller) -> Option<&'a str> {
        if self.connector.depends_on_user() {
            caller.user_name()
        } else {
            None
        }
    }

    fn cached(&self, user: Option<&str>) -> Option<SharedCredentialProvider> {
        match user {
            None => self.shared.get().cloned(),
            Some(u) => self.per_user.load().get(u).cloned(),
        }
    }

    fn store(&self, user: Option<&str>, provider: &SharedCredentialProvider) {
        match user {
            None => {
                let _ = self.shared.set(provider.clone());
            }
            Some(u) => {
                let mut map = HashMap::clone(&self.per_user.load());
                map.insert(u.to_owned(), provider.clone());
                self.per_user.store(Arc::new(map));
            }
        }
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("admins_see_all_connectors", &self.admins_see_all_connectors)
            .field("connectors", &self.connectors.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// Starts a registry (admins see all connectors; the default provider factory).
    pub fn builder() -> RegistryBuilder {
        RegistryBuilder {
            admins_see_all_connectors: true,
            connectors: Vec::new(),
            options: ProviderOptions::new(),
            factory: None,
        }
    }

    /// A registry of a loaded config file's connectors and settings.
    #[cfg(feature = "config")]
    pub fn from_config(config: crate::config::Config) -> Registry {
        let (settings, connectors) = config.into_parts();
        // Names in a config file are table keys, so they are already unique.
        Registry::assemble(
            settings.admins_see_all_connectors,
            connectors
                .into_iter()
                .map(|c| (c.name().to_owned(), Entry::new(c)))
                .collect(),
            ProviderOptions::new(),
            None,
        )
    }

    fn assemble(
        admins_see_all_connectors: bool,
        connectors: BTreeMap<String, Entry>,
        options: ProviderOptions,
        factory: Option<ProviderFactory>,
    ) -> Registry {
        let options = shared_http_client(options);
        Registry {
            admins_see_all_connectors,
            factory: factory.unwrap_or_else(|| options_factory(options.clone())),
            options,
            connectors,
        }
    }

    /// The options every provider of this registry is made with.
    pub fn provider_options(&self) -> &ProviderOptions {
        &self.options
    }

    /// Whether administrators may use every connector.
    pub fn admins_see_all_connectors(&self) -> bool {
        self.admins_see_all_connectors
    }

    /// Every connector, in name order, regardless of access.
    pub fn connectors(&self) -> impl Iterator<Item = &Connector> {
        self.connectors.values().map(|e| &e.connector)
    }

    /// The connector with this name, regardless of access.
    pub fn connector(&self, name: &str) -> Option<&Connector> {
        self.connectors.get(name).map(|e| &e.connector)
    }

    /// The connectors `caller` may use, in name order.
    pub fn visible(&self, caller: &Caller) -> Vec<&Connector> {
        self.connectors
            .values()
            .map(|e| &e.connector)
            .filter(|c| self.decide(caller, c).is_ok())
            .collect()
    }

    /// Whether `caller` may use connector `name`.
    ///
    /// # Errors
    /// [`AccessError`] naming the connector and the rule that denied it. Denials are audited.
    pub fn check_access(&self, caller: &Caller, name: &str) -> Result<&Connector, AccessError> {
        self.entry(caller, name).map(|e| &e.connector)
    }

    /// The entry of connector `name` when `caller` may use it; denials are audited.
    fn entry(&self, caller: &Caller, name: &str) -> Result<&Entry, AccessError> {
        let result = match self.connectors.get(name) {
            None => Err(AccessError::UnknownConnector {
                connector: name.to_owned(),
            }),
            Some(e) => self.decide(caller, &e.connector).map(|()| e),
        };
        if let Err(e) = &result {
            tracing::warn!(
                target: "aws_connector::audit",
                event = "denied",
                caller = %caller,
                connector = name,
                reason = %e,
                "access denied"
            );
        }
        result
    }

    fn decide(&self, caller: &Caller, c: &Connector) -> Result<(), AccessError> {
        match caller {
            Caller::System if c.scope() == Scope::System => Ok(()),
            Caller::System => Err(AccessError::SystemScopeRequired {
                connector: c.name().to_owned(),
            }),
            Caller::User {
                name,
                groups,
                admin,
            } => {
                let granted = groups.iter().any(|g| c.groups().contains(g));
                if granted || (*admin && self.admins_see_all_connectors) {
                    Ok(())
                } else {
                    Err(AccessError::NotInGroups {
                        connector: c.name().to_owned(),
                        user: name.clone(),
                        admin: *admin,
                    })
                }
            }
        }
    }

    /// The provider for `caller` and connector `name`: one per connector, or one per
    /// (connector, user) when the connector's names depend on the user. Hand it to an AWS SDK
    /// client, or call [`provide`](SharedCredentialProvider::provide) on it.
    ///
    /// # Errors
    /// [`IssueError::Access`] when the caller may not use it; [`IssueError::Credentials`] when
    /// no provider can be made for it (e.g. a backend this build does not include).
    pub fn provider(
        &self,
        caller: &Caller,
        name: &str,
    ) -> Result<SharedCredentialProvider, IssueError> {
        self.entry(caller, name)
            .map_err(IssueError::Access)
            .and_then(|entry| self.provider_of(entry, caller))
    }

    /// The entry's provider for `caller`, made on first use (hits take no lock, allocate nothing).
    fn provider_of(
        &self,
        entry: &Entry,
        caller: &Caller,
    ) -> Result<SharedCredentialProvider, IssueError> {
        let user = entry.user_key(caller);
        if let Some(p) = entry.cached(user) {
            return Ok(p);
        }
        let _making = entry.making.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(p) = entry.cached(user) {
            return Ok(p);
        }
        let p = (self.factory)(&entry.connector, caller.user_name()).map_err(|source| {
            IssueError::Credentials {
                connector: entry.connector.name().to_owned(),
                source,
            }
        })?;
        entry.store(user, &p);
        Ok(p)
    }

    /// Credentials for `caller` from connector `name`; the issuance is audited.
    ///
    /// # Errors
    /// As [`provider`](Registry::provider), plus the provider's [`CredentialError`].
    pub async fn credentials(
        &self,
        caller: &Caller,
        name: &str,
    ) -> Result<Credentials, IssueError> {
        let entry = self.entry(caller, name)?;
        self.issue(entry, caller).await
    }

    /// Credentials for an allowed caller, audited.
    async fn issue(&self, entry: &Entry, caller: &Caller) -> Result<Credentials, IssueError> {
        let provider = self.provider_of(entry, caller)?;
        let connector = &entry.connector;
        let name = connector.name();
        let result = provider.provide().await;
        // Field values are formatted only when the audit event is enabled.
        match &result {
            Ok(creds) => tracing::info!(
                target: "aws_connector::audit",
                event = "issued",
                caller = %caller,
                connector = name,
                principal = %connector.principal(),
                session_name = %SessionName(connector, caller),
                access_key_id = creds.access_key_id(),
                expiry = %creds.expiry().map(|e| e.to_string()).unwrap_or_else(|| "never".to_owned()),
                "credentials issued"
            ),
            Err(e) => tracing::warn!(
                target: "aws_connector::audit",
                event = "failed",
                caller = %caller,
                connector = name,
                error = %e,
                kind = %e.kind(),
                "credentials not issued"
            ),
        }
        result.map_err(|source| IssueError::Credentials {
            connector: name.to_owned(),
            source,
        })
    }
}

#[cfg(feature = "sts")]
impl Registry {
    /// Who `caller`'s credentials from connector `name` are (STS `GetCallerIdentity`, sent to
    /// the connector's STS endpoint).
    ///
    /// # Errors
    /// As [`credentials`](Registry::credentials), plus the `GetCallerIdentity` failure.
    pub async fn caller_identity(
        &self,
        caller: &Caller,
        name: &str,
    ) -> Result<crate::provider::CallerIdentity, IssueError> {
        let entry = self.entry(caller, name)?;
        let creds = self.issue(entry, caller).await?;
        crate::provider::caller_identity(&entry.connector, &creds, &self.options)
            .await
            .map_err(|source| IssueError::Credentials {
                connector: name.to_owned(),
                source,
            })
    }
}

#[cfg(feature = "console")]
impl Registry {
    /// A console sign-in URL for `caller` from connector `name` (aws-rules.md §4). Session Token
    /// connectors and long-term keys are refused before any STS or federation request.
    ///
    /// # Errors
    /// [`ConsoleError`](crate::ConsoleError): access denied, not supported, invalid destination or
    /// session duration, credentials failure, or the federation endpoint's failure.
    pub async fn console_url(
        &self,
        caller: &Caller,
        name: &str,
        opts: &crate::console::ConsoleOptions,
    ) -> Result<crate::console::SignInUrl, crate::console::ConsoleError> {
        use crate::console::{check_connector, sign_in_url, ConsoleError};
        let entry = self.entry(caller, name)?;
        let connector = &entry.connector;
        check_connector(connector)?;
        let creds = self.issue(entry, caller).await.map_err(|e| match e {
            IssueError::Access(a) => ConsoleError::Access(a),
            IssueError::Credentials { source, .. } => ConsoleError::Credentials(source),
        })?;
        let url = sign_in_url(connector, &creds, opts).await;
        match &url {
            Ok(_) => tracing::info!(
                target: "aws_connector::audit",
                event = "console",
                caller = %caller,
                connector = name,
                principal = connector.principal().as_str(),
                access_key_id = creds.access_key_id(),
                "console sign-in URL issued"
            ),
            Err(e) => tracing::warn!(
                target: "aws_connector::audit",
                event = "console_failed",
                caller = %caller,
                connector = name,
                error = %e,
                "console sign-in failed"
            ),
        }
        url
    }
}

/// The session / federated name a caller gets from a connector, rendered when displayed (audit).
struct SessionName<'a>(&'a Connector, &'a Caller);

impl fmt::Display for SessionName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let user = self
            .1
            .user_name()
            .unwrap_or(crate::provider::SYSTEM_USER_NAME);
        match self.0.session_name().or(self.0.federated_name()) {
            Some(t) => f.write_str(&t.render(user)),
            None => f.write_str("-"),
        }
    }
}

/// Builds a [`Registry`].
#[must_use]
pub struct RegistryBuilder {
    admins_see_all_connectors: bool,
    connectors: Vec<Connector>,
    options: ProviderOptions,
    factory: Option<ProviderFactory>,
}

impl fmt::Debug for RegistryBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryBuilder")
            .field("admins_see_all_connectors", &self.admins_see_all_connectors)
            .field("connectors", &self.connectors)
            .finish_non_exhaustive()
    }
}

impl RegistryBuilder {
    /// Whether administrators may use every connector (default `true`).
    pub fn admins_see_all_connectors(mut self, on: bool) -> Self {
        self.admins_see_all_connectors = on;
        self
    }

    /// Adds a loaded config file's connectors and takes its `admins_see_all_connectors` setting.
    #[cfg(feature = "config")]
    pub fn config(mut self, config: crate::config::Config) -> Self {
        let (settings, connectors) = config.into_parts();
        self.admins_see_all_connectors = settings.admins_see_all_connectors;
        self.connectors.extend(connectors);
        self
    }

    /// Adds a connector.
    pub fn connector(mut self, connector: Connector) -> Self {
        self.connectors.push(connector);
        self
    }

    /// Options for every provider the registry makes (MFA token provider, STS endpoint
    /// override, timeouts, environment); the caller's user name is added per caller.
    pub fn provider_options(mut self, options: ProviderOptions) -> Self {
        self.options = options;
        self
    }

    /// Replaces how providers are made (e.g. a fake backend in tests).
    pub fn provider_factory<F>(mut self, factory: F) -> Self
    where
        F: Fn(&Connector, Option<&str>) -> Result<SharedCredentialProvider, CredentialError>
            + Send
            + Sync
            + 'static,
    {
        self.factory = Some(Arc::new(factory));
        self
    }

    /// The registry.
    ///
    /// # Errors
    /// [`ValidationErrors`] with `duplicate_key` for each connector name used twice.
    pub fn build(self) -> Result<Registry, ValidationErrors> {
        let mut errors = Vec::new();
        let mut connectors = BTreeMap::new();
        for c in self.connectors {
            let name = c.name().to_owned();
            if connectors.insert(name.clone(), Entry::new(c)).is_some() {
                errors.push(ValidationError::new(
                    Some(name.clone()),
                    "name",
                    ErrorCode::DuplicateKey,
                    format!("two connectors are named {name:?}"),
                ));
            }
        }
        if let Some(e) = ValidationErrors::from_vec(errors) {
            return Err(e);
        }
        Ok(Registry::assemble(
            self.admins_see_all_connectors,
            connectors,
            self.options,
            self.factory,
        ))
    }
}

/// One HTTP client (one connection pool, one TLS config) for every provider of a registry.
fn shared_http_client(options: ProviderOptions) -> ProviderOptions {
    #[cfg(feature = "_aws")]
    if options.http_client_opt().is_none() {
        return options.http_client(crate::provider::HttpClient::new());
    }
    options
}

/// Providers from [`connector_provider`](crate::connector_provider) with `options` (MFA, endpoint,
/// timeouts, environment) and the caller's user name.
fn options_factory(options: ProviderOptions) -> ProviderFactory {
    Arc::new(move |c: &Connector, user: Option<&str>| {
        let opts = options.clone().user_opt(user.map(str::to_owned));
        crate::provider::connector_provider(c, &opts)
    })
}
