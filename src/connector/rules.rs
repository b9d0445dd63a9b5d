//! Field rules for [`ConnectorBuilder::build`](super::ConnectorBuilder::build) (aws-rules.md §1, §1b, §2, §3).
//!
//! Per-principal facts (which fields, durations, sources) come from [`Capabilities`]; this file
//! holds the STS parameter constraints and reports every problem it finds.

use std::collections::HashSet;

use super::ConnectorBuilder;
use crate::error::{ErrorCode, ValidationError, ValidationErrors};
use crate::partition::{is_region_shaped, Partition};
use crate::principal::{Applicability, Capabilities, Field};
use crate::source::CredentialSource;
use crate::template::{NameKind, NameTemplate, TemplateError};

// STS parameter constraints (aws-rules.md §2).
const ARN_LEN: (usize, usize) = (20, 2048);
const EXTERNAL_ID_LEN: (usize, usize) = (2, 1224);
const MFA_SERIAL_LEN: (usize, usize) = (9, 256);
const POLICY_MAX_CHARS: usize = 2048;
const MAX_POLICY_ARNS: usize = 10;
const MAX_TAGS: usize = 50;
const TAG_KEY_LEN: (usize, usize) = (1, 128);
const TAG_VALUE_LEN: (usize, usize) = (0, 256);
const ACCESS_KEY_ID_LEN: (usize, usize) = (16, 128);
const CONNECTOR_NAME_LEN: (usize, usize) = (1, 64);

/// What validation derived and `build()` keeps.
pub(super) struct Checked {
    pub(super) session_name: Option<NameTemplate>,
    pub(super) federated_name: Option<NameTemplate>,
    pub(super) source_identity: Option<NameTemplate>,
    pub(super) partition: Partition,
}

pub(super) struct Validator {
    name: String,
    pub(super) errors: Vec<ValidationError>,
    pub(super) warnings: Vec<ValidationError>,
}

/// Only used if `check` failed to report a missing source or principal (it never does).
pub(super) fn missing_basics() -> ValidationErrors {
    ValidationErrors::single(ValidationError::new(
        None,
        Field::Credentials.as_str(),
        ErrorCode::MissingField,
        "a source and a principal type are required",
    ))
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn range(r: (usize, usize)) -> String {
    format!("{}..={}", r.0, r.1)
}

impl Validator {
    pub(super) fn new(name: &str) -> Self {
        Validator {
            name: name.to_owned(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn err(&mut self, field: impl Into<String>, code: ErrorCode, message: impl Into<String>) {
        self.errors.push(ValidationError::new(
            Some(self.name.clone()),
            field,
            code,
            message,
        ));
    }

    fn warn(&mut self, field: impl Into<String>, code: ErrorCode, message: impl Into<String>) {
        self.warnings.push(ValidationError::new(
            Some(self.name.clone()),
            field,
            code,
            message,
        ));
    }

    /// Checks a length in characters; reports `invalid_length` naming the AWS rule.
    fn len(&mut self, field: &str, aws: &str, value: &str, r: (usize, usize)) -> bool {
        let n = chars(value);
        if n < r.0 || n > r.1 {
            self.err(
                field,
                ErrorCode::InvalidLength,
                format!("{aws} must be {} characters, got {n}", range(r)),
            );
            return false;
        }
        true
    }

    fn charset(
        &mut self,
        field: &str,
        aws: &str,
        value: &str,
        pattern: &str,
        ok: impl Fn(char) -> bool,
    ) -> bool {
        if let Some(c) = value.chars().find(|c| !ok(*c)) {
            self.err(
                field,
                ErrorCode::InvalidCharacters,
                format!("{aws} allows only {pattern}; found {c:?}"),
            );
            return false;
        }
        true
    }

    pub(super) fn check(&mut self, b: &ConnectorBuilder) -> Checked {
        self.connector_name();
        let caps = b.principal.map(|p| p.capabilities());
        if caps.is_none() {
            self.err(
                Field::Principal.as_str(),
                ErrorCode::MissingField,
                "a principal type is required: provided, session-token, federated-user or assume-role",
            );
        }
        let active = self.applicability(b, caps);
        let on = |f: Field| active.contains(&f);

        if let (Some(source), Some(caps)) = (&b.source, caps) {
            self.source(source, caps);
        } else if let Some(CredentialSource::AccessKey(_)) = &b.source {
            self.source_key_shape(b.source.as_ref());
        }

        let partition = self.partitions(b, caps, &on);

        if on(Field::ExternalId) {
            if let Some(id) = &b.external_id {
                let f = Field::ExternalId.as_str();
                if self.len(f, "ExternalId", id, EXTERNAL_ID_LEN) {
                    self.charset(f, "ExternalId", id, "[A-Za-z0-9_+=,.@:/-]", |c| {
                        c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c)
                    });
                }
            }
        }
        let session_name = self.template(
            on(Field::SessionName),
            Field::SessionName,
            b.session_name.as_deref(),
            NameKind::SessionName,
        );
        let federated_name = self.template(
            on(Field::FederatedName),
            Field::FederatedName,
            b.federated_name.as_deref(),
            NameKind::FederatedName,
        );
        let source_identity = self.source_identity(on(Field::SourceIdentity), b);
        self.policies(b, &on);
        if on(Field::Duration) {
            if let (Some(d), Some(caps)) = (b.duration_secs, caps) {
                self.duration(
                    caps,
                    b.source
                        .as_ref()
                        .is_some_and(CredentialSource::is_account_root),
                    d,
                );
            }
        }
        if on(Field::MfaSerial) {
            if let Some(serial) = &b.mfa_serial {
                self.mfa_serial(serial);
            }
        }
        self.tags(b, &on);
        if let Some(url) = &b.sts_endpoint {
            self.endpoint(url);
        }
        self.groups(&b.groups);
        if let Some(caps) = caps {
            if caps.session_policies
                && b.policy.is_none()
                && b.policy_arns.is_empty()
                && caps.sts_action == Some("GetFederationToken")
            {
                self.warn(
                    Field::Policy.as_str(),
                    ErrorCode::NoSessionPolicy,
                    "GetFederationToken without a session policy gives the federated user no permissions (except through resource policies naming it)",
                );
            }
        }
        Checked {
            session_name,
            federated_name,
            source_identity,
            partition,
        }
    }

    fn connector_name(&mut self) {
        let name = self.name.clone();
        if self.len("name", "a connector name", &name, CONNECTOR_NAME_LEN) {
            self.charset("name", "a connector name", &name, "[A-Za-z0-9_.-]", |c| {
                c.is_ascii_alphanumeric() || "_.-".contains(c)
            });
        }
    }

    /// Reports required-but-missing and set-but-forbidden fields; returns the fields whose
    /// content should be checked (set, and not forbidden).
    fn applicability(&mut self, b: &ConnectorBuilder, caps: Option<&Capabilities>) -> Vec<Field> {
        let set = [
            (Field::Credentials, b.source.is_some()),
            (Field::Principal, b.principal.is_some()),
            (Field::RoleArn, b.role_arn.is_some()),
            (Field::ExternalId, b.external_id.is_some()),
            (Field::SessionName, b.session_name.is_some()),
            (Field::FederatedName, b.federated_name.is_some()),
            (Field::SourceIdentity, b.source_identity.is_some()),
            (Field::PolicyArns, !b.policy_arns.is_empty()),
            (Field::Policy, b.policy.is_some()),
            (Field::Duration, b.duration_secs.is_some()),
            (Field::MfaSerial, b.mfa_serial.is_some()),
            (Field::Tags, !b.tags.is_empty()),
            (Field::TransitiveTagKeys, !b.transitive_tag_keys.is_empty()),
            (Field::Region, b.region.is_some()),
            (Field::StsEndpoint, b.sts_endpoint.is_some()),
            (Field::Groups, !b.groups.is_empty()),
            (Field::Scope, true),
        ];
        let mut active = Vec::new();
        for (field, is_set) in set {
            let rule = match caps {
                Some(c) => c.applicability(field),
                None if field == Field::Credentials => Applicability::Required,
                None => Applicability::Optional,
            };
            match (rule, is_set) {
                (Applicability::Forbidden, true) => {
                    let caps = caps.map(|c| (c.principal, c.sts_action.unwrap_or("no STS call")));
                    if let Some((p, action)) = caps {
                        self.err(
                            field.as_str(),
                            ErrorCode::FieldNotApplicable,
                            format!("principal type {p} ({action}) does not take {field}"),
                        );
                    }
                }
                (Applicability::Required, false) if field != Field::Principal => {
                    let why = match caps {
                        Some(c) => format!("principal type {} requires {field}", c.principal),
                        None => format!("{field} is required"),
                    };
                    self.err(field.as_str(), ErrorCode::MissingField, why);
                }
                (_, true) => active.push(field),
                _ => {}
            }
        }
        active
    }

    fn source_key_shape(&mut self, source: Option<&CredentialSource>) {
        let Some(CredentialSource::AccessKey(key)) = source else {
            return;
        };
        let f = Field::Credentials.as_str();
        let id = key.access_key_id().to_owned();
        if self.len(f, "an access key id", &id, ACCESS_KEY_ID_LEN) {
            self.charset(f, "an access key id", &id, "[A-Z0-9]", |c| {
                c.is_ascii_uppercase() || c.is_ascii_digit()
            });
        }
        if key.secret_len() == 0 {
            self.err(
                f,
                ErrorCode::InvalidLength,
                "the secret access key is empty",
            );
        }
    }

    fn source(&mut self, source: &CredentialSource, caps: &Capabilities) {
        let f = Field::Credentials.as_str();
        let p = caps.principal;
        let action = caps.sts_action.unwrap_or("no STS call");
        match source {
            CredentialSource::MachineRole if !caps.sources.machine_role => self.err(
                f,
                ErrorCode::SourceNotAllowed,
                format!("principal type {p} ({action}) needs a long-term IAM-user access key, not the machine role"),
            ),
            CredentialSource::AccessKey(k) if k.is_account_root() && !caps.sources.root_key => self.err(
                f,
                ErrorCode::SourceNotAllowed,
                format!("principal type {p} ({action}) cannot be used with the account root user's key"),
            ),
            CredentialSource::AccessKey(k) if !k.is_account_root() && !caps.sources.iam_user_key => self.err(
                f,
                ErrorCode::SourceNotAllowed,
                format!("principal type {p} ({action}) does not accept an access key"),
            ),
            _ => {}
        }
        if let CredentialSource::AccessKey(k) = source {
            self.source_key_shape(Some(source));
            if caps.sts_action.is_none() {
                self.warn(
                    f,
                    ErrorCode::LongTermKey,
                    "principal type provided hands out the long-term access key itself",
                );
            }
            if k.is_account_root() && caps.sources.root_key {
                self.warn(f, ErrorCode::RootKey, format!("{action} with the account root user's key is allowed but discouraged by AWS"));
            }
        }
    }

    fn duration(&mut self, caps: &Capabilities, root: bool, secs: i64) {
        // A root key the principal type refuses is reported on `credentials`; its duration is
        // still checked against the IAM-user range.
        let root = root && caps.root_duration.is_some();
        let Some(r) = caps.duration_for(root) else {
            return;
        };
        if secs < i64::from(r.min_secs) || secs > i64::from(r.max_secs) {
            let action = caps.sts_action.unwrap_or("the source");
            let who = if root {
                " with the account root user's key"
            } else if caps.root_duration.is_none() {
                ""
            } else {
                " with an IAM user's key"
            };
            let note = if caps.chained_max_secs.is_some() {
                " (the role's MaxSessionDuration is the real cap)"
            } else {
                ""
            };
            self.err(
                Field::Duration.as_str(),
                ErrorCode::DurationOutOfRange,
                format!(
                    "{action} DurationSeconds{who} must be {}..={} seconds{note}, got {secs}",
                    r.min_secs, r.max_secs
                ),
            );
        }
    }

    fn template(
        &mut self,
        active: bool,
        field: Field,
        text: Option<&str>,
        kind: NameKind,
    ) -> Option<NameTemplate> {
        let text = text.filter(|_| active)?;
        match NameTemplate::parse(text, kind) {
            Ok(t) => Some(t),
            Err(e) => {
                let code = match e {
                    TemplateError::InvalidCharacters { .. } => ErrorCode::InvalidCharacters,
                    _ => ErrorCode::InvalidLength,
                };
                self.err(field.as_str(), code, e.to_string());
                None
            }
        }
    }

    /// The `source_identity` template, whose literal text must not start with `aws:`.
    fn source_identity(&mut self, active: bool, b: &ConnectorBuilder) -> Option<NameTemplate> {
        let text = b.source_identity.as_deref().filter(|_| active)?;
        let reserved = text
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("aws:"));
        if !reserved {
            return self.template(
                true,
                Field::SourceIdentity,
                Some(text),
                NameKind::SourceIdentity,
            );
        }
        self.err(
            Field::SourceIdentity.as_str(),
            ErrorCode::ReservedPrefix,
            "SourceIdentity must not start with `aws:` (a prefix AWS reserves)",
        );
        // `:` is outside SourceIdentity's characters too; the reserved prefix is the one problem
        // to report for it, and the rest of the text is still checked (as if it read `aws-`).
        let rest = format!("aws-{}", &text[4..]);
        self.template(
            true,
            Field::SourceIdentity,
            Some(&rest),
            NameKind::SourceIdentity,
        )
    }

    /// Region shape and partition, and every ARN's partition against it.
    fn partitions(
        &mut self,
        b: &ConnectorBuilder,
        caps: Option<&Capabilities>,
        on: &dyn Fn(Field) -> bool,
    ) -> Partition {
        let region_partition = match &b.region {
            Some(r) if on(Field::Region) => match Partition::from_region(r) {
                Some(p) => Some(p),
                None => {
                    let why = if is_region_shaped(r) {
                        format!("region {r:?} is in no known partition (aws: us-, eu-, ap-, sa-, ca-, me-, af-, il-, mx-; aws-cn: cn-; aws-us-gov: us-gov-)")
                    } else {
                        format!("region {r:?} is not a region name like us-east-1")
                    };
                    self.err(Field::Region.as_str(), ErrorCode::InvalidRegion, why);
                    None
                }
            },
            _ => None,
        };
        let mut arns: Vec<(String, &str, &str, bool)> = Vec::new();
        if on(Field::RoleArn) {
            if let Some(a) = &b.role_arn {
                arns.push((
                    Field::RoleArn.as_str().to_owned(),
                    a.as_str(),
                    "role",
                    false,
                ));
            }
        }
        if on(Field::PolicyArns) {
            for (i, a) in b.policy_arns.iter().enumerate() {
                arns.push((format!("policy_arns[{i}]"), a.as_str(), "policy", true));
            }
        }
        let mut found: Vec<(String, Partition)> = Vec::new();
        for (field, arn, kind, aws_account) in arns {
            if let Some(p) = self.iam_arn(&field, arn, kind, aws_account, true) {
                found.push((field, p));
            }
        }
        if on(Field::MfaSerial) {
            if let Some(serial) = b.mfa_serial.as_deref().filter(|s| s.starts_with("arn:")) {
                if let Some(p) = parse_iam_arn(serial, "mfa", false) {
                    found.push((Field::MfaSerial.as_str().to_owned(), p));
                }
            }
        }
        let partition = region_partition
            .or_else(|| found.first().map(|(_, p)| *p))
            .unwrap_or_default();
        let needs_sts = caps.is_some_and(|c| c.sts_action.is_some());
        if region_partition.is_none()
            && b.region.is_none()
            && partition != Partition::Aws
            && needs_sts
        {
            self.err(
                Field::Region.as_str(),
                ErrorCode::PartitionMismatch,
                format!("the ARNs are in partition {partition}, which has no global STS endpoint: set a region of that partition"),
            );
        }
        if region_partition.is_some() || b.region.is_none() {
            for (field, p) in found {
                if p != partition {
                    let against = match &b.region {
                        Some(r) => format!("region {r} is in partition {partition}"),
                        None => format!("the other ARNs are in partition {partition}"),
                    };
                    self.err(
                        field,
                        ErrorCode::PartitionMismatch,
                        format!("this ARN is in partition {p}, but {against}"),
                    );
                }
            }
        }
        partition
    }

    /// Checks an IAM ARN (`role`, `policy`); returns its partition when well-formed.
    fn iam_arn(
        &mut self,
        field: &str,
        arn: &str,
        kind: &str,
        aws_account: bool,
        check_len: bool,
    ) -> Option<Partition> {
        let what = if kind == "role" {
            "RoleArn"
        } else {
            "a policy ARN"
        };
        if check_len && !self.len(field, what, arn, ARN_LEN) {
            return None;
        }
        let p = parse_iam_arn(arn, kind, aws_account);
        if p.is_none() {
            let account = if aws_account {
                "12-digit account or aws"
            } else {
                "12-digit account"
            };
            self.err(
                field,
                ErrorCode::InvalidArn,
                format!("{what} must look like arn:{{aws|aws-cn|aws-us-gov}}:iam::{{{account}}}:{kind}/{{path/}}name, got {arn:?}"),
            );
        }
        p
    }

    fn mfa_serial(&mut self, serial: &str) {
        let f = Field::MfaSerial.as_str();
        if !self.len(f, "SerialNumber", serial, MFA_SERIAL_LEN) {
            return;
        }
        if !self.charset(f, "SerialNumber", serial, "[A-Za-z0-9_+=/:,.@-]", |c| {
            c.is_ascii_alphanumeric() || "_+=/:,.@-".contains(c)
        }) {
            return;
        }
        if serial.starts_with("arn:") {
            // partition checked with the other ARNs
            self.iam_arn(f, serial, "mfa", false, false);
        }
    }

    fn policies(&mut self, b: &ConnectorBuilder, on: &dyn Fn(Field) -> bool) {
        let arns: &[String] = if on(Field::PolicyArns) {
            &b.policy_arns
        } else {
            &[]
        };
        if arns.len() > MAX_POLICY_ARNS {
            self.err(
                Field::PolicyArns.as_str(),
                ErrorCode::TooMany,
                format!(
                    "PolicyArns takes at most {MAX_POLICY_ARNS} managed policies, got {}",
                    arns.len()
                ),
            );
        }
        let mut seen = HashSet::new();
        for (i, a) in arns.iter().enumerate() {
            if !seen.insert(a.as_str()) {
                self.err(
                    format!("policy_arns[{i}]"),
                    ErrorCode::DuplicateKey,
                    format!("policy ARN {a} is listed twice"),
                );
            }
        }
        // AWS counts managed and inline session policies against one plaintext budget
        // (aws-rules.md §2 PolicyArns). An ARN over its own length limit is reported as
        // `invalid_length` and left out of the sum.
        let arn_chars: usize = arns
            .iter()
            .map(|a| chars(a))
            .filter(|n| *n <= ARN_LEN.1)
            .sum();
        let Some(policy) = b.policy.as_deref().filter(|_| on(Field::Policy)) else {
            if arn_chars > POLICY_MAX_CHARS {
                self.err(
                    Field::PolicyArns.as_str(),
                    ErrorCode::PolicyTooLarge,
                    format!("the policy ARNs together must be at most {POLICY_MAX_CHARS} plaintext characters (managed and inline session policies share this limit), got {arn_chars}"),
                );
            }
            return;
        };
        let f = Field::Policy.as_str();
        let n = chars(policy);
        if n == 0 {
            self.err(
                f,
                ErrorCode::InvalidLength,
                format!("Policy must be 1..={POLICY_MAX_CHARS} characters, got 0"),
            );
            return;
        }
        if n > POLICY_MAX_CHARS {
            self.err(
                f,
                ErrorCode::PolicyTooLarge,
                format!("Policy must be at most {POLICY_MAX_CHARS} plaintext characters, got {n}"),
            );
        } else if n + arn_chars > POLICY_MAX_CHARS {
            self.err(
                f,
                ErrorCode::PolicyTooLarge,
                format!("the inline policy and the policy ARNs together must be at most {POLICY_MAX_CHARS} plaintext characters, got {}", n + arn_chars),
            );
        }
        let bad_char =
            |c: char| !(matches!(c, '\t' | '\n' | '\r') || ('\u{20}'..='\u{ff}').contains(&c));
        if let Some(c) = policy.chars().find(|c| bad_char(*c)) {
            self.err(
                f,
                ErrorCode::InvalidCharacters,
                format!(
                    "Policy allows only U+0009, U+000A, U+000D and U+0020..=U+00FF; found {c:?}"
                ),
            );
            return;
        }
        match serde_json::from_str::<serde_json::Value>(policy) {
            Ok(serde_json::Value::Object(_)) => {}
            Ok(_) => self.err(
                f,
                ErrorCode::InvalidPolicy,
                "Policy must be a JSON object (an IAM policy document)",
            ),
            Err(e) => self.err(
                f,
                ErrorCode::InvalidPolicy,
                format!("Policy is not valid JSON: {e}"),
            ),
        }
    }

    fn tags(&mut self, b: &ConnectorBuilder, on: &dyn Fn(Field) -> bool) {
        let mut keys = HashSet::new();
        if on(Field::Tags) {
            if b.tags.len() > MAX_TAGS {
                self.err(
                    Field::Tags.as_str(),
                    ErrorCode::TooMany,
                    format!(
                        "Tags takes at most {MAX_TAGS} session tags, got {}",
                        b.tags.len()
                    ),
                );
            }
            let tag_char = |c: char| {
                c.is_alphanumeric()
                    || c == ' '
                    || (c.is_whitespace() && !c.is_control())
                    || "_.:/=+-@".contains(c)
            };
            let pattern = "letters, digits, spaces and _.:/=+-@";
            for (k, v) in &b.tags {
                let f = format!("tags.{k}");
                if self.len(&f, "a tag key", k, TAG_KEY_LEN) {
                    self.charset(&f, "a tag key", k, pattern, tag_char);
                }
                if self.len(&f, "a tag value", v, TAG_VALUE_LEN) {
                    self.charset(&f, "a tag value", v, pattern, tag_char);
                }
                if k.to_lowercase().starts_with("aws:") || v.to_lowercase().starts_with("aws:") {
                    self.err(
                        &f,
                        ErrorCode::ReservedPrefix,
                        "tag keys and values must not start with `aws:`",
                    );
                }
                if !keys.insert(k.to_lowercase()) {
                    self.err(
                        &f,
                        ErrorCode::DuplicateKey,
                        format!(
                            "tag key {k:?} appears twice (keys are compared case-insensitively)"
                        ),
                    );
                }
            }
        }
        if on(Field::TransitiveTagKeys) {
            let t = &b.transitive_tag_keys;
            if t.len() > MAX_TAGS {
                self.err(
                    Field::TransitiveTagKeys.as_str(),
                    ErrorCode::TooMany,
                    format!(
                        "TransitiveTagKeys takes at most {MAX_TAGS} keys, got {}",
                        t.len()
                    ),
                );
            }
            let mut seen = HashSet::new();
            for (i, k) in t.iter().enumerate() {
                let f = format!("transitive_tag_keys[{i}]");
                if !keys.contains(&k.to_lowercase()) {
                    self.err(
                        &f,
                        ErrorCode::UnknownReference,
                        format!("transitive tag key {k:?} is not one of the session tags"),
                    );
                }
                if !seen.insert(k.to_lowercase()) {
                    self.err(
                        &f,
                        ErrorCode::DuplicateKey,
                        format!("transitive tag key {k:?} appears twice"),
                    );
                }
            }
        }
    }

    fn endpoint(&mut self, url: &str) {
        if !is_http_url(url) {
            self.err(
                Field::StsEndpoint.as_str(),
                ErrorCode::InvalidEndpoint,
                format!("sts_endpoint must be an absolute http:// or https:// URL, got {url:?}"),
            );
        }
    }

    fn groups(&mut self, groups: &[String]) {
        let mut seen = HashSet::new();
        for (i, g) in groups.iter().enumerate() {
            let f = format!("groups[{i}]");
            if g.trim().is_empty() {
                self.err(
                    &f,
                    ErrorCode::InvalidLength,
                    "a group name must not be empty",
                );
            } else if !seen.insert(g.as_str()) {
                self.err(
                    &f,
                    ErrorCode::DuplicateKey,
                    format!("group {g:?} is listed twice"),
                );
            }
        }
    }
}

/// Whether `url` is an absolute `http://` or `https://` URL with a host (no whitespace or control
/// characters): the one rule for `sts_endpoint`, endpoint overrides and environment settings.
pub(crate) fn is_http_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && !host.starts_with(':')
        && !rest.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Parses `arn:{partition}:iam::{account}:{kind}/{path/}name`; returns the partition.
pub(crate) fn parse_iam_arn(arn: &str, kind: &str, aws_account: bool) -> Option<Partition> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let partition = Partition::from_arn_name(partition)?;
    let account_ok = (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
        || (aws_account && account == "aws");
    let path_and_name = resource.strip_prefix(kind)?.strip_prefix('/')?;
    let name = path_and_name.rsplit('/').next().unwrap_or("");
    let name_ok = !name.is_empty()
        && path_and_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@/-".contains(c))
        && (kind != "role" || name.len() <= 64);
    (account_ok && name_ok).then_some(partition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "http://127.0.0.1:5000",
            "https://sts.eu-west-1.amazonaws.com",
            "http://[::1]:80/",
        ] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "",
            "127.0.0.1:5000",
            "ftp://x",
            "http://",
            "http://:80",
            "http://a b",
            "http://a\u{7}",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn arns_parse() {
        assert_eq!(
            parse_iam_arn("arn:aws:iam::123456789012:role/Deploy", "role", false),
            Some(Partition::Aws)
        );
        assert_eq!(
            parse_iam_arn(
                "arn:aws-cn:iam::123456789012:role/a/b/Deploy",
                "role",
                false
            ),
            Some(Partition::AwsCn)
        );
        assert_eq!(
            parse_iam_arn("arn:aws:iam::aws:policy/ReadOnlyAccess", "policy", true),
            Some(Partition::Aws)
        );
        assert_eq!(
            parse_iam_arn("arn:aws:iam::aws:role/X", "role", false),
            None
        );
        assert_eq!(
            parse_iam_arn("arn:aws:iam::123456789012:user/Deploy", "role", false),
            None
        );
        assert_eq!(
            parse_iam_arn("arn:aws:s3::123456789012:role/Deploy", "role", false),
            None
        );
        assert_eq!(
            parse_iam_arn(
                "arn:aws:iam:us-east-1:123456789012:role/Deploy",
                "role",
                false
            ),
            None
        );
        assert_eq!(
            parse_iam_arn("arn:aws:iam::123456789012:role/", "role", false),
            None
        );
        assert_eq!(
            parse_iam_arn("arn:aws:iam::12345678901:role/D", "role", false),
            None
        );
        assert_eq!(
            parse_iam_arn("arn:aws:iam::123456789012:mfa/ci", "mfa", false),
            Some(Partition::Aws)
        );
    }
}
