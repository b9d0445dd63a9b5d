//! [`Connector`]: an immutable, validated description of how to vend credentials, and its builder.

mod rules;

#[cfg(feature = "_aws")]
pub(crate) use rules::is_http_url;

use std::fmt;

use crate::error::{ValidationError, ValidationErrors};
use crate::partition::Partition;
use crate::principal::{Capabilities, PrincipalType};
use crate::source::CredentialSource;
use crate::template::{NameKind, NameTemplate};

/// Who may use a connector without a user session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Scope {
    /// Only user callers (the default).
    #[default]
    User,
    /// The system caller (code without a user session) may use it too.
    System,
}

impl Scope {
    /// The config-file spelling: `user` or `system`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::System => "system",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated connector: valid by construction, immutable.
///
/// Build one with [`Connector::builder`]:
///
/// ```
/// use aws_connector::{Connector, CredentialSource, PrincipalType};
///
/// let deploy = Connector::builder("deploy")
///     .source(CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "example-secret"))
///     .principal(PrincipalType::AssumeRole)
///     .role_arn("arn:aws:iam::123456789012:role/Deploy")
///     .session_name("ci-{user}")
///     .duration_secs(3600)
///     .tag("team", "platform")
///     .group("developers")
///     .region("eu-west-1")
///     .build()?;
/// assert_eq!(deploy.session_name().unwrap().render("alice"), "ci-alice");
/// assert!(deploy.depends_on_user());
/// # Ok::<(), aws_connector::ValidationErrors>(())
/// ```
#[derive(Debug, Clone)]
pub struct Connector {
    name: String,
    source: CredentialSource,
    principal: PrincipalType,
    role_arn: Option<String>,
    external_id: Option<String>,
    session_name: Option<NameTemplate>,
    federated_name: Option<NameTemplate>,
    source_identity: Option<NameTemplate>,
    policy_arns: Vec<String>,
    policy: Option<String>,
    duration_secs: Option<u32>,
    mfa_serial: Option<String>,
    tags: Vec<(String, String)>,
    transitive_tag_keys: Vec<String>,
    region: Option<String>,
    partition: Partition,
    sts_endpoint: Option<String>,
    groups: Vec<String>,
    scope: Scope,
    warnings: Vec<ValidationError>,
}

impl Connector {
    /// Starts describing a connector named `name`.
    pub fn builder(name: impl Into<String>) -> ConnectorBuilder {
        ConnectorBuilder {
            name: name.into(),
            ..ConnectorBuilder::default()
        }
    }

    /// The connector's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The long-term source.
    pub fn source(&self) -> &CredentialSource {
        &self.source
    }

    /// The principal type.
    pub fn principal(&self) -> PrincipalType {
        self.principal
    }

    /// What the principal type allows.
    pub fn capabilities(&self) -> &'static Capabilities {
        self.principal.capabilities()
    }

    /// The role to assume (AssumeRole).
    pub fn role_arn(&self) -> Option<&str> {
        self.role_arn.as_deref()
    }

    /// The external ID sent with AssumeRole.
    pub fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }

    /// The role session name template (AssumeRole; defaults to `{user}`).
    pub fn session_name(&self) -> Option<&NameTemplate> {
        self.session_name.as_ref()
    }

    /// The federated user name template (FederatedUser; defaults to `{user}`).
    pub fn federated_name(&self) -> Option<&NameTemplate> {
        self.federated_name.as_ref()
    }

    /// The source identity template (AssumeRole).
    pub fn source_identity(&self) -> Option<&NameTemplate> {
        self.source_identity.as_ref()
    }

    /// Managed session policy ARNs.
    pub fn policy_arns(&self) -> &[String] {
        &self.policy_arns
    }

    /// The inline session policy (JSON).
    pub fn policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }

    /// The duration requested, in seconds (`None`: AWS's default, see [`effective_duration_secs`](Self::effective_duration_secs)).
    pub fn duration_secs(&self) -> Option<u32> {
        self.duration_secs
    }

    /// The duration AWS will apply: the one set, else the principal type's default for this
    /// source; `None` for Provided (the source decides).
    pub fn effective_duration_secs(&self) -> Option<u32> {
        self.duration_secs.or_else(|| {
            self.capabilities()
                .duration_for(self.source.is_account_root())
                .map(|d| d.default_secs)
        })
    }

    /// The MFA device serial number or ARN.
    pub fn mfa_serial(&self) -> Option<&str> {
        self.mfa_serial.as_deref()
    }

    /// Session tags, in the order given.
    pub fn tags(&self) -> &[(String, String)] {
        &self.tags
    }

    /// Transitive tag keys.
    pub fn transitive_tag_keys(&self) -> &[String] {
        &self.transitive_tag_keys
    }

    /// The region (`None`: the environment's, else `us-east-1`).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The partition of the region (or of the ARNs when no region is set).
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The STS endpoint override.
    pub fn sts_endpoint(&self) -> Option<&str> {
        self.sts_endpoint.as_deref()
    }

    /// Groups whose members may use the connector.
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// Whether the system caller may use it.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// Things that are allowed but probably not meant (e.g. a federated user with no session
    /// policy has no permissions). Never fatal.
    pub fn warnings(&self) -> &[ValidationError] {
        &self.warnings
    }

    /// Whether the credentials depend on the caller's user name (a template with `{user}`), so
    /// they must be cached per (connector, user) rather than per connector.
    pub fn depends_on_user(&self) -> bool {
        [
            &self.session_name,
            &self.federated_name,
            &self.source_identity,
        ]
        .into_iter()
        .flatten()
        .any(NameTemplate::depends_on_user)
    }
}

/// Describes a [`Connector`]; [`build`](ConnectorBuilder::build) checks everything at once.
///
/// Setters never fail; every problem is reported by `build()`, each with its field and a stable
/// code.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ConnectorBuilder {
    name: String,
    source: Option<CredentialSource>,
    principal: Option<PrincipalType>,
    role_arn: Option<String>,
    external_id: Option<String>,
    session_name: Option<String>,
    federated_name: Option<String>,
    source_identity: Option<String>,
    policy_arns: Vec<String>,
    policy: Option<String>,
    duration_secs: Option<i64>,
    mfa_serial: Option<String>,
    tags: Vec<(String, String)>,
    transitive_tag_keys: Vec<String>,
    region: Option<String>,
    sts_endpoint: Option<String>,
    groups: Vec<String>,
    scope: Scope,
}

impl ConnectorBuilder {
    /// The long-term credentials to start from (`credentials`).
    pub fn source(mut self, source: CredentialSource) -> Self {
        self.source = Some(source);
        self
    }

    /// The principal type (`principal`).
    pub fn principal(mut self, principal: PrincipalType) -> Self {
        self.principal = Some(principal);
        self
    }

    /// The role to assume (`role_arn`).
    pub fn role_arn(mut self, arn: impl Into<String>) -> Self {
        self.role_arn = Some(arn.into());
        self
    }

    /// The external ID (`external_id`).
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    /// The role session name template (`session_name`), e.g. `ci-{user}`.
    pub fn session_name(mut self, template: impl Into<String>) -> Self {
        self.session_name = Some(template.into());
        self
    }

    /// The federated user name template (`federated_name`).
    pub fn federated_name(mut self, template: impl Into<String>) -> Self {
        self.federated_name = Some(template.into());
        self
    }

    /// The source identity template (`source_identity`).
    pub fn source_identity(mut self, template: impl Into<String>) -> Self {
        self.source_identity = Some(template.into());
        self
    }

    /// Adds a managed session policy ARN (`policy_arns`).
    pub fn policy_arn(mut self, arn: impl Into<String>) -> Self {
        self.policy_arns.push(arn.into());
        self
    }

    /// Adds managed session policy ARNs (`policy_arns`).
    pub fn policy_arns<I, S>(mut self, arns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.policy_arns.extend(arns.into_iter().map(Into::into));
        self
    }

    /// The inline session policy, a JSON document (`policy`).
    pub fn policy(mut self, json: impl Into<String>) -> Self {
        self.policy = Some(json.into());
        self
    }

    /// The session duration in seconds (`duration`).
    pub fn duration_secs(mut self, secs: u32) -> Self {
        self.duration_secs = Some(i64::from(secs));
        self
    }

    /// The duration as read from a file, where it may be negative or huge.
    #[cfg(feature = "config")]
    pub(crate) fn duration_secs_raw(mut self, secs: i64) -> Self {
        self.duration_secs = Some(secs);
        self
    }

    /// The MFA device serial number or ARN (`mfa_serial`).
    pub fn mfa_serial(mut self, serial: impl Into<String>) -> Self {
        self.mfa_serial = Some(serial.into());
        self
    }

    /// Adds a session tag (`tags`).
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push((key.into(), value.into()));
        self
    }

    /// Adds a transitive tag key (`transitive_tag_keys`).
    pub fn transitive_tag_key(mut self, key: impl Into<String>) -> Self {
        self.transitive_tag_keys.push(key.into());
        self
    }

    /// The region (`region`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// An STS endpoint override, e.g. a VPC endpoint or a local emulator (`sts_endpoint`).
    pub fn sts_endpoint(mut self, url: impl Into<String>) -> Self {
        self.sts_endpoint = Some(url.into());
        self
    }

    /// Adds a group whose members may use the connector (`groups`).
    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.groups.push(group.into());
        self
    }

    /// Adds groups (`groups`).
    pub fn groups<I, S>(mut self, groups: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.groups.extend(groups.into_iter().map(Into::into));
        self
    }

    /// Who may use it without a user session (`scope`).
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// Checks every rule and returns the connector, or **every** problem found.
    ///
    /// Synchronous, no I/O, never panics.
    ///
    /// # Errors
    /// [`ValidationErrors`] listing each problem with its field, a stable
    /// [`ErrorCode`](crate::ErrorCode) and a message naming the AWS rule and the allowed range.
    pub fn build(self) -> Result<Connector, ValidationErrors> {
        let mut v = rules::Validator::new(&self.name);
        let checked = v.check(&self);
        let (source, principal) = match (self.source, self.principal) {
            (Some(source), Some(principal)) if v.errors.is_empty() => (source, principal),
            // `check` reports a missing source or principal, so the list is never empty here.
            _ => {
                return Err(
                    ValidationErrors::from_vec(v.errors).unwrap_or_else(rules::missing_basics)
                )
            }
        };
        let caps = principal.capabilities();
        use crate::principal::{Applicability, Field};
        let default_user = |field, kind| {
            (caps.applicability(field) != Applicability::Forbidden)
                .then(|| NameTemplate::user(kind))
        };
        Ok(Connector {
            name: self.name,
            source,
            principal,
            role_arn: self.role_arn,
            external_id: self.external_id,
            session_name: checked
                .session_name
                .or_else(|| default_user(Field::SessionName, NameKind::SessionName)),
            federated_name: checked
                .federated_name
                .or_else(|| default_user(Field::FederatedName, NameKind::FederatedName)),
            source_identity: checked.source_identity,
            policy_arns: self.policy_arns,
            policy: self.policy,
            duration_secs: self.duration_secs.and_then(|d| u32::try_from(d).ok()),
            mfa_serial: self.mfa_serial,
            tags: self.tags,
            transitive_tag_keys: self.transitive_tag_keys,
            region: self.region,
            partition: checked.partition,
            sts_endpoint: self.sts_endpoint,
            groups: self.groups,
            scope: self.scope,
            warnings: v.warnings,
        })
    }
}
