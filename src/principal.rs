//! Principal types and their [`Capabilities`]: the **one** table of what each type allows.
//!
//! Every other module (the validator, the providers, the console, the docs) asks this table; none
//! repeats a number from it. The facts come from the AWS STS API reference and the IAM user guide
//! ("Compare AWS STS credentials", "Role chaining", "custom identity broker").

use std::fmt;
use std::str::FromStr;

/// How a connector turns its long-term source into the credentials handed to callers.
///
/// ```
/// use aws_connector::PrincipalType;
///
/// let p: PrincipalType = "assume-role".parse()?;
/// assert_eq!(p, PrincipalType::AssumeRole);
/// assert_eq!(p.capabilities().duration.unwrap().default_secs, 3600);
/// # Ok::<(), aws_connector::UnknownPrincipalType>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PrincipalType {
    /// The source credentials are used as they are (no STS call).
    Provided,
    /// `GetSessionToken`: temporary credentials for an IAM user, optionally MFA-authenticated.
    SessionToken,
    /// `GetFederationToken`: a federated user session scoped down by session policies.
    FederatedUser,
    /// `AssumeRole`: a role session.
    AssumeRole,
}

impl PrincipalType {
    /// Every principal type, in table order.
    pub const ALL: [PrincipalType; 4] = [
        PrincipalType::Provided,
        PrincipalType::SessionToken,
        PrincipalType::FederatedUser,
        PrincipalType::AssumeRole,
    ];

    /// The config-file spelling: `provided`, `session-token`, `federated-user`, `assume-role`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Provided => "provided",
            PrincipalType::SessionToken => "session-token",
            PrincipalType::FederatedUser => "federated-user",
            PrincipalType::AssumeRole => "assume-role",
        }
    }

    /// What this principal type allows: durations, fields, MFA, policies, tags, console sign-in.
    pub const fn capabilities(self) -> &'static Capabilities {
        match self {
            PrincipalType::Provided => &PROVIDED,
            PrincipalType::SessionToken => &SESSION_TOKEN,
            PrincipalType::FederatedUser => &FEDERATED_USER,
            PrincipalType::AssumeRole => &ASSUME_ROLE,
        }
    }
}

impl fmt::Display for PrincipalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text given to [`PrincipalType::from_str`] names no principal type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown principal type `{value}` (expected provided, session-token, federated-user or assume-role)")]
pub struct UnknownPrincipalType {
    /// The text that was given.
    pub value: String,
}

impl FromStr for PrincipalType {
    type Err = UnknownPrincipalType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PrincipalType::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownPrincipalType {
                value: s.to_owned(),
            })
    }
}

/// A connector field, named as in the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// `credentials`: the long-term source.
    Credentials,
    /// `principal`: the principal type.
    Principal,
    /// `role_arn`.
    RoleArn,
    /// `external_id`.
    ExternalId,
    /// `session_name` (template).
    SessionName,
    /// `federated_name` (template).
    FederatedName,
    /// `source_identity` (template).
    SourceIdentity,
    /// `policy_arns`: managed session policies.
    PolicyArns,
    /// `policy`: the inline session policy.
    Policy,
    /// `duration` in seconds.
    Duration,
    /// `mfa_serial`.
    MfaSerial,
    /// `tags`: session tags.
    Tags,
    /// `transitive_tag_keys`.
    TransitiveTagKeys,
    /// `region`.
    Region,
    /// `sts_endpoint`: an STS endpoint override.
    StsEndpoint,
    /// `groups` allowed to use the connector.
    Groups,
    /// `scope`: `user` or `system`.
    Scope,
}

impl Field {
    /// Every field, in table order.
    pub const ALL: [Field; 17] = [
        Field::Credentials,
        Field::Principal,
        Field::RoleArn,
        Field::ExternalId,
        Field::SessionName,
        Field::FederatedName,
        Field::SourceIdentity,
        Field::PolicyArns,
        Field::Policy,
        Field::Duration,
        Field::MfaSerial,
        Field::Tags,
        Field::TransitiveTagKeys,
        Field::Region,
        Field::StsEndpoint,
        Field::Groups,
        Field::Scope,
    ];

    /// The config-file key.
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::Credentials => "credentials",
            Field::Principal => "principal",
            Field::RoleArn => "role_arn",
            Field::ExternalId => "external_id",
            Field::SessionName => "session_name",
            Field::FederatedName => "federated_name",
            Field::SourceIdentity => "source_identity",
            Field::PolicyArns => "policy_arns",
            Field::Policy => "policy",
            Field::Duration => "duration",
            Field::MfaSerial => "mfa_serial",
            Field::Tags => "tags",
            Field::TransitiveTagKeys => "transitive_tag_keys",
            Field::Region => "region",
            Field::StsEndpoint => "sts_endpoint",
            Field::Groups => "groups",
            Field::Scope => "scope",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a field must, may or must not be set for a principal type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Applicability {
    /// The field must be set.
    Required,
    /// The field may be set.
    Optional,
    /// Setting the field is an error (`field_not_applicable`).
    Forbidden,
}

/// A range of session durations in seconds, with the value AWS uses when none is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DurationRange {
    /// Smallest accepted value.
    pub min_secs: u32,
    /// Largest accepted value.
    pub max_secs: u32,
    /// What AWS uses when no duration is sent.
    pub default_secs: u32,
}

impl DurationRange {
    const fn new(min_secs: u32, max_secs: u32, default_secs: u32) -> Self {
        DurationRange {
            min_secs,
            max_secs,
            default_secs,
        }
    }

    /// Whether `secs` lies in `min_secs..=max_secs`.
    pub const fn contains(&self, secs: u32) -> bool {
        secs >= self.min_secs && secs <= self.max_secs
    }
}

/// Which long-term sources a principal type accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Sources {
    /// An IAM user's long-term access key.
    pub iam_user_key: bool,
    /// The account root user's access key (always discouraged).
    pub root_key: bool,
    /// The machine's role credentials (EC2 instance profile via IMDS, ECS/EKS container endpoint).
    pub machine_role: bool,
}

/// Whether credentials of a principal type can sign in to the AWS console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConsoleSignIn {
    /// Never (AWS rejects these credentials at the federation endpoint).
    Never,
    /// Only when the source is temporary role credentials (the machine role); never a long-term key.
    IfSourceIsTemporary,
    /// Yes, and the console session lasts as long as the credentials: `SessionDuration` must not be sent.
    WithoutSessionDuration,
    /// Yes; `SessionDuration` (in this range) may be sent, except for role-chained credentials.
    WithSessionDuration(DurationRange),
}

/// Everything AWS allows for one principal type. Obtain it with [`PrincipalType::capabilities`].
///
/// ```
/// use aws_connector::{Applicability, Field, PrincipalType};
///
/// let caps = PrincipalType::FederatedUser.capabilities();
/// assert_eq!(caps.sts_action, Some("GetFederationToken"));
/// assert!(!caps.mfa);
/// assert_eq!(caps.applicability(Field::TransitiveTagKeys), Applicability::Forbidden);
/// assert_eq!(caps.root_duration.unwrap().max_secs, 3600);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// The principal type described.
    pub principal: PrincipalType,
    /// The STS action behind it (`None`: no STS call).
    pub sts_action: Option<&'static str>,
    /// Accepted durations for an IAM-user (or role) source; `None`: the source decides.
    pub duration: Option<DurationRange>,
    /// Accepted durations when the source is the account root user's key; `None` when root is not allowed.
    pub root_duration: Option<DurationRange>,
    /// Largest duration when the source is itself an assumed role (role chaining).
    pub chained_max_secs: Option<u32>,
    /// Which long-term sources are accepted.
    pub sources: Sources,
    /// Whether an MFA device (serial + code) may be used.
    pub mfa: bool,
    /// Whether session policies (inline `policy`, `policy_arns`) may be passed.
    pub session_policies: bool,
    /// Whether session tags may be passed.
    pub tags: bool,
    /// Whether transitive tag keys may be passed.
    pub transitive_tags: bool,
    /// Whether a source identity may be set.
    pub source_identity: bool,
    /// Whether (and how) the credentials can sign in to the console.
    pub console: ConsoleSignIn,
    /// What the resulting credentials may and may not call, in AWS's words.
    pub restrictions: &'static str,
    fields: [Applicability; 17],
}

impl Capabilities {
    /// Whether `field` is required, optional or forbidden for this principal type.
    pub fn applicability(&self, field: Field) -> Applicability {
        let idx = Field::ALL
            .iter()
            .position(|f| *f == field)
            .unwrap_or_default();
        self.fields[idx]
    }

    /// The duration range that applies to a source, or `None` when the source decides the lifetime.
    ///
    /// A root key gets [`root_duration`](Self::root_duration) where the principal type accepts
    /// one, and the principal type's own range where it does not (such a source is rejected on
    /// its own; the duration must still be in range).
    ///
    /// ```
    /// use aws_connector::PrincipalType;
    ///
    /// let st = PrincipalType::SessionToken.capabilities();
    /// assert_eq!(st.duration_for(true).unwrap().max_secs, 3600);
    /// assert_eq!(st.duration_for(false).unwrap().max_secs, 129_600);
    /// let ar = PrincipalType::AssumeRole.capabilities();
    /// assert_eq!(ar.duration_for(true), ar.duration);
    /// assert_eq!(PrincipalType::Provided.capabilities().duration_for(false), None);
    /// ```
    pub fn duration_for(&self, root: bool) -> Option<DurationRange> {
        match self.root_duration {
            Some(r) if root => Some(r),
            _ => self.duration,
        }
    }
}

use Applicability::{Forbidden as F, Optional as O, Required as R};

// Column order is `Field::ALL`:
// credentials principal role_arn external_id session_name federated_name source_identity
// policy_arns policy duration mfa_serial tags transitive_tag_keys region sts_endpoint groups scope
// (aws-rules.md §1b)

const PROVIDED: Capabilities = Capabilities {
    principal: PrincipalType::Provided,
    sts_action: None,
    duration: None,
    root_duration: None,
    chained_max_secs: None,
    // Our choice: a static IAM-user key may be handed out as it is (flagged long-term); a root key never.
    sources: Sources {
        iam_user_key: true,
        root_key: false,
        machine_role: true,
    },
    mfa: false,
    session_policies: false,
    tags: false,
    transitive_tags: false,
    source_identity: false,
    console: ConsoleSignIn::IfSourceIsTemporary,
    restrictions: "the source credentials' own permissions",
    fields: [R, R, F, F, F, F, F, F, F, F, F, F, F, O, O, O, O],
};

const SESSION_TOKEN: Capabilities = Capabilities {
    principal: PrincipalType::SessionToken,
    sts_action: Some("GetSessionToken"),
    duration: Some(DurationRange::new(900, 129_600, 43_200)),
    root_duration: Some(DurationRange::new(900, 3600, 3600)),
    chained_max_secs: None,
    sources: Sources {
        iam_user_key: true,
        root_key: true,
        machine_role: false,
    },
    mfa: true,
    session_policies: false,
    tags: false,
    transitive_tags: false,
    source_identity: false,
    console: ConsoleSignIn::Never,
    restrictions: "IAM API calls only when MFA was used; STS only AssumeRole and GetCallerIdentity",
    fields: [R, R, F, F, F, F, F, F, F, O, O, F, F, O, O, O, O],
};

const FEDERATED_USER: Capabilities = Capabilities {
    principal: PrincipalType::FederatedUser,
    sts_action: Some("GetFederationToken"),
    duration: Some(DurationRange::new(900, 129_600, 43_200)),
    root_duration: Some(DurationRange::new(900, 3600, 3600)),
    chained_max_secs: None,
    sources: Sources {
        iam_user_key: true,
        root_key: true,
        machine_role: false,
    },
    mfa: false,
    session_policies: true,
    tags: true,
    transitive_tags: false,
    source_identity: false,
    console: ConsoleSignIn::WithoutSessionDuration,
    restrictions:
        "no IAM API calls; STS only GetCallerIdentity; without a session policy, no permissions",
    fields: [R, R, F, F, F, O, F, O, O, O, F, O, F, O, O, O, O],
};

const ASSUME_ROLE: Capabilities = Capabilities {
    principal: PrincipalType::AssumeRole,
    sts_action: Some("AssumeRole"),
    // The upper bound is the role's MaxSessionDuration (3600..=43200); we accept the largest AWS allows.
    duration: Some(DurationRange::new(900, 43_200, 3600)),
    root_duration: None,
    chained_max_secs: Some(3600),
    sources: Sources {
        iam_user_key: true,
        root_key: false,
        machine_role: true,
    },
    mfa: true,
    session_policies: true,
    tags: true,
    transitive_tags: true,
    source_identity: true,
    console: ConsoleSignIn::WithSessionDuration(DurationRange::new(900, 43_200, 3600)),
    restrictions: "cannot call GetFederationToken or GetSessionToken",
    fields: [R, R, R, O, O, F, O, O, O, O, O, O, O, O, O, O, O],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_names() {
        for p in PrincipalType::ALL {
            assert_eq!(p.as_str().parse::<PrincipalType>(), Ok(p));
            assert_eq!(p.capabilities().principal, p);
        }
        assert!("assume_role".parse::<PrincipalType>().is_err());
    }

    #[test]
    fn the_table_matches_its_flags() {
        for p in PrincipalType::ALL {
            let c = p.capabilities();
            let allowed = |f| c.applicability(f) != Applicability::Forbidden;
            assert_eq!(allowed(Field::MfaSerial), c.mfa, "{p}");
            assert_eq!(allowed(Field::Policy), c.session_policies, "{p}");
            assert_eq!(allowed(Field::PolicyArns), c.session_policies, "{p}");
            assert_eq!(allowed(Field::Tags), c.tags, "{p}");
            assert_eq!(allowed(Field::TransitiveTagKeys), c.transitive_tags, "{p}");
            assert_eq!(allowed(Field::SourceIdentity), c.source_identity, "{p}");
            assert_eq!(allowed(Field::Duration), c.duration.is_some(), "{p}");
            assert_eq!(
                c.root_duration.is_some(),
                c.sources.root_key && c.duration.is_some()
            );
            assert_eq!(c.applicability(Field::Credentials), Applicability::Required);
        }
    }
}
