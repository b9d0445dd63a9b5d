//! Table-driven tests of `ConnectorBuilder::build` against `shared/aws-rules.md` §1, §1b, §2 and §3.
//!
//! Public API only. Every expectation is written out here from aws-rules.md (not read back from
//! the crate's rules table), and where the crate exposes the same fact (`Capabilities`) the test
//! cross-checks that the two agree. Every failing case asserts the exact multiset of
//! `(field, code)` pairs reported, and that the messages name the allowed range.

mod common;

use aws_connector::{
    Applicability, Connector, ConnectorBuilder, CredentialSource, ErrorCode, Field, NameKind,
    Partition, PrincipalType, Scope,
};
use common::{
    assert_mentions, expect_errors, expect_ok, iam_key, minimal, problems, root_key, MFA_ARN,
    POLICY, POLICY_ARN, ROLE_ARN,
};
use Applicability::{Forbidden as F, Optional as O, Required as R};
use ErrorCode::*;
use PrincipalType::{AssumeRole, FederatedUser, Provided, SessionToken};

// ---------------------------------------------------------------------------------------------
// §1b: which field goes with which principal type
// ---------------------------------------------------------------------------------------------

/// The column order of [`RULES_1B`].
const TYPES: [PrincipalType; 4] = [Provided, SessionToken, FederatedUser, AssumeRole];

/// aws-rules.md §1b, written out: R required, O optional, F forbidden (`field_not_applicable`).
/// Columns: Provided, Session Token, Federated User, Assume Role.
const RULES_1B: [(Field, [Applicability; 4]); 17] = [
    (Field::Credentials, [R, R, R, R]),
    // Not a §1b row: the principal type itself is what selects the column, so it is always required.
    (Field::Principal, [R, R, R, R]),
    (Field::RoleArn, [F, F, F, R]),
    (Field::ExternalId, [F, F, F, O]),
    (Field::SessionName, [F, F, F, O]),
    (Field::FederatedName, [F, F, O, F]),
    (Field::SourceIdentity, [F, F, F, O]),
    (Field::PolicyArns, [F, F, O, O]),
    (Field::Policy, [F, F, O, O]),
    (Field::Duration, [F, O, O, O]),
    (Field::MfaSerial, [F, O, F, O]),
    (Field::Tags, [F, F, O, O]),
    (Field::TransitiveTagKeys, [F, F, F, O]),
    (Field::Region, [O, O, O, O]),
    // Not a §1b row: the endpoint override (§3 "every endpoint must be overridable") is accepted
    // for every principal type; for Provided it is simply unused.
    (Field::StsEndpoint, [O, O, O, O]),
    (Field::Groups, [O, O, O, O]),
    (Field::Scope, [O, O, O, O]),
];

/// Sets `field` on `b` to a value that is valid wherever the field is allowed.
fn set(b: ConnectorBuilder, p: PrincipalType, field: Field) -> ConnectorBuilder {
    match field {
        Field::Credentials => b.source(iam_key()),
        Field::Principal => b.principal(p),
        Field::RoleArn => b.role_arn(ROLE_ARN),
        Field::ExternalId => b.external_id("partner-7"),
        Field::SessionName => b.session_name("ci-{user}"),
        Field::FederatedName => b.federated_name("fed-{user}"),
        Field::SourceIdentity => b.source_identity("{user}"),
        Field::PolicyArns => b.policy_arn(POLICY_ARN),
        Field::Policy => b.policy(POLICY),
        Field::Duration => b.duration_secs(3600),
        Field::MfaSerial => b.mfa_serial(MFA_ARN),
        Field::Tags => b.tag("team", "platform"),
        Field::TransitiveTagKeys => b.transitive_tag_key("team"),
        Field::Region => b.region("eu-west-1"),
        Field::StsEndpoint => b.sts_endpoint("https://sts.eu-west-1.amazonaws.com"),
        Field::Groups => b.group("developers"),
        Field::Scope => b.scope(Scope::System),
        other => panic!("field {other:?} is new: give it a sample value and a §1b row"),
    }
}

/// Whether the built connector carries the sample value [`set`] gave `field`.
fn carries(c: &Connector, field: Field) -> bool {
    let template = |t: Option<&aws_connector::NameTemplate>| t.map(|t| t.to_string());
    match field {
        Field::Credentials => c.source().as_access_key().is_some(),
        Field::Principal => true,
        Field::RoleArn => c.role_arn() == Some(ROLE_ARN),
        Field::ExternalId => c.external_id() == Some("partner-7"),
        Field::SessionName => template(c.session_name()).as_deref() == Some("ci-{user}"),
        Field::FederatedName => template(c.federated_name()).as_deref() == Some("fed-{user}"),
        Field::SourceIdentity => template(c.source_identity()).as_deref() == Some("{user}"),
        Field::PolicyArns => c.policy_arns() == [POLICY_ARN],
        Field::Policy => c.policy() == Some(POLICY),
        Field::Duration => c.duration_secs() == Some(3600),
        Field::MfaSerial => c.mfa_serial() == Some(MFA_ARN),
        Field::Tags => c.tags() == [("team".to_owned(), "platform".to_owned())],
        Field::TransitiveTagKeys => c.transitive_tag_keys() == ["team"],
        Field::Region => c.region() == Some("eu-west-1"),
        Field::StsEndpoint => c.sts_endpoint() == Some("https://sts.eu-west-1.amazonaws.com"),
        Field::Groups => c.groups() == ["developers"],
        Field::Scope => c.scope() == Scope::System,
        other => panic!("field {other:?} is new: say how a connector shows it"),
    }
}

/// A builder with exactly `fields` set (each to its sample value).
fn with_fields(p: PrincipalType, fields: &[Field]) -> ConnectorBuilder {
    fields
        .iter()
        .fold(Connector::builder("test"), |b, f| set(b, p, *f))
}

fn column(p: PrincipalType) -> usize {
    TYPES.iter().position(|t| *t == p).unwrap()
}

fn required(p: PrincipalType) -> Vec<Field> {
    RULES_1B
        .iter()
        .filter(|(_, row)| row[column(p)] == R)
        .map(|(f, _)| *f)
        .collect()
}

#[test]
fn the_rules_table_is_aws_rules_1b() {
    let mut listed: Vec<Field> = RULES_1B.iter().map(|(f, _)| *f).collect();
    let mut all = Field::ALL.to_vec();
    listed.sort();
    all.sort();
    assert_eq!(listed, all, "RULES_1B must have one row per Field");
    assert_eq!(PrincipalType::ALL, TYPES);
    for (field, row) in RULES_1B {
        for (i, p) in TYPES.into_iter().enumerate() {
            assert_eq!(
                p.capabilities().applicability(field),
                row[i],
                "§1b: {field} for {p}"
            );
        }
    }
}

#[test]
fn every_principal_type_times_every_field() {
    for p in TYPES {
        let base = required(p);
        expect_ok(with_fields(p, &base));
        for (field, row) in RULES_1B {
            let rule = row[column(p)];
            match rule {
                R => {
                    // Leave the required field out: exactly one `missing_field` on it.
                    let others: Vec<Field> = base.iter().copied().filter(|f| *f != field).collect();
                    let e =
                        expect_errors(with_fields(p, &others), &[(field.as_str(), MissingField)]);
                    if field != Field::Principal {
                        assert_mentions(&e, field.as_str(), p.as_str());
                    }
                }
                O => {
                    let mut fields = base.clone();
                    if field == Field::TransitiveTagKeys {
                        // §2: each transitive key must be one of the tag keys.
                        fields.push(Field::Tags);
                    }
                    fields.push(field);
                    let c = expect_ok(with_fields(p, &fields));
                    assert_eq!(c.principal(), p);
                    assert!(carries(&c, field), "{p}: the connector lost {field}");
                }
                F => {
                    let mut fields = base.clone();
                    fields.push(field);
                    let e = expect_errors(
                        with_fields(p, &fields),
                        &[(field.as_str(), FieldNotApplicable)],
                    );
                    assert_mentions(&e, field.as_str(), p.as_str());
                    let action = p.capabilities().sts_action.unwrap_or("no STS call");
                    assert_mentions(&e, field.as_str(), action);
                }
                other => panic!("unknown applicability {other:?}"),
            }
        }
    }
}

#[test]
fn every_allowed_field_at_once_is_valid() {
    for p in TYPES {
        let allowed: Vec<Field> = RULES_1B
            .iter()
            .filter(|(_, row)| row[column(p)] != F)
            .map(|(f, _)| *f)
            .collect();
        let c = expect_ok(with_fields(p, &allowed));
        for f in allowed {
            assert!(carries(&c, f), "{p}: the connector lost {f}");
        }
    }
}

#[test]
fn every_forbidden_field_at_once_is_reported() {
    for p in TYPES {
        let mut fields = required(p);
        let forbidden: Vec<&str> = RULES_1B
            .iter()
            .filter(|(_, row)| row[column(p)] == F)
            .map(|(f, _)| f.as_str())
            .collect();
        fields.extend(
            RULES_1B
                .iter()
                .filter(|(_, row)| row[column(p)] == F)
                .map(|(f, _)| *f),
        );
        let want: Vec<(&str, ErrorCode)> =
            forbidden.iter().map(|f| (*f, FieldNotApplicable)).collect();
        expect_errors(with_fields(p, &fields), &want);
    }
}

#[test]
fn nothing_set_reports_principal_and_credentials() {
    expect_errors(
        Connector::builder("test"),
        &[("principal", MissingField), ("credentials", MissingField)],
    );
}

#[test]
fn name_templates_default_to_user() {
    // §1b: session_name defaults to a documented template (`{user}`), federated_name to `{user}`.
    let ar = expect_ok(minimal(AssumeRole));
    assert_eq!(ar.session_name().unwrap().to_string(), "{user}");
    assert!(ar.federated_name().is_none());
    assert!(ar.source_identity().is_none());
    assert!(ar.depends_on_user());
    let fu = expect_ok(minimal(FederatedUser));
    assert_eq!(fu.federated_name().unwrap().to_string(), "{user}");
    assert!(fu.session_name().is_none());
    for p in [Provided, SessionToken] {
        let c = expect_ok(minimal(p));
        assert!(c.session_name().is_none() && c.federated_name().is_none());
        assert!(!c.depends_on_user());
    }
}

#[test]
fn federated_user_without_session_policy_is_warned_not_rejected() {
    // §1b: "warn when both are empty: no permissions".
    let c = expect_ok(minimal(FederatedUser));
    let w: Vec<_> = c
        .warnings()
        .iter()
        .map(|w| (w.field.as_str(), w.code))
        .collect();
    assert_eq!(w, [("policy", NoSessionPolicy)]);
    for b in [
        minimal(FederatedUser).policy(POLICY),
        minimal(FederatedUser).policy_arn(POLICY_ARN),
    ] {
        let c = expect_ok(b);
        assert!(c.warnings().iter().all(|w| w.code != NoSessionPolicy));
    }
    // AssumeRole needs no session policy: the role's own policies apply.
    assert!(expect_ok(minimal(AssumeRole)).warnings().is_empty());
}

// ---------------------------------------------------------------------------------------------
// §1: sources
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Src {
    IamKey,
    RootKey,
    MachineRole,
}

fn source(s: Src) -> CredentialSource {
    match s {
        Src::IamKey => iam_key(),
        Src::RootKey => root_key(),
        Src::MachineRole => CredentialSource::machine_role(),
    }
}

#[test]
fn sources_per_principal_type() {
    // aws-rules.md §1 "allowed long-term source" and §1b `credentials` row:
    // Provided: machine role or an IAM-user key (our choice), not root;
    // Session Token / Federated User: an IAM-user key, root allowed but discouraged, not the machine role;
    // Assume Role: an IAM-user key or the machine role, not root.
    // (principal, source, accepted, warning)
    let table = [
        (Provided, Src::IamKey, true, Some(LongTermKey)),
        (Provided, Src::RootKey, false, None),
        (Provided, Src::MachineRole, true, None),
        (SessionToken, Src::IamKey, true, None),
        (SessionToken, Src::RootKey, true, Some(RootKey)),
        (SessionToken, Src::MachineRole, false, None),
        (FederatedUser, Src::IamKey, true, None),
        (FederatedUser, Src::RootKey, true, Some(RootKey)),
        (FederatedUser, Src::MachineRole, false, None),
        (AssumeRole, Src::IamKey, true, None),
        (AssumeRole, Src::RootKey, false, None),
        (AssumeRole, Src::MachineRole, true, None),
    ];
    for (p, s, accepted, warning) in table {
        let caps = p.capabilities();
        let in_table = match s {
            Src::IamKey => caps.sources.iam_user_key,
            Src::RootKey => caps.sources.root_key,
            Src::MachineRole => caps.sources.machine_role,
        };
        assert_eq!(in_table, accepted, "Capabilities::sources for {p} / {s:?}");
        let mut b = minimal(p).source(source(s));
        if p == FederatedUser {
            b = b.policy(POLICY); // no `no_session_policy` warning
        }
        if accepted {
            let c = expect_ok(b);
            let warnings: Vec<ErrorCode> = c.warnings().iter().map(|w| w.code).collect();
            assert_eq!(
                warnings,
                warning.into_iter().collect::<Vec<_>>(),
                "{p} / {s:?}"
            );
            assert!(c.warnings().iter().all(|w| w.field == "credentials"));
        } else {
            let e = expect_errors(b, &[("credentials", SourceNotAllowed)]);
            assert_mentions(&e, "credentials", p.as_str());
        }
    }
}

#[test]
fn access_key_shape() {
    // An access key id is 16..=128 of [A-Z0-9]; the secret must not be empty.
    let key = |id: &str, secret: &str| {
        minimal(SessionToken).source(CredentialSource::access_key(id, secret))
    };
    expect_ok(key(&"A".repeat(16), "s"));
    expect_ok(key(&"A".repeat(128), "s"));
    let e = expect_errors(key(&"A".repeat(15), "s"), &[("credentials", InvalidLength)]);
    assert_mentions(&e, "credentials", "16..=128");
    expect_errors(
        key(&"A".repeat(129), "s"),
        &[("credentials", InvalidLength)],
    );
    let e = expect_errors(
        key("akiaiosfodnn7example", "s"),
        &[("credentials", InvalidCharacters)],
    );
    assert_mentions(&e, "credentials", "[A-Z0-9]");
    expect_errors(
        key("AKIAIOSFODNN7EXAMPLE", ""),
        &[("credentials", InvalidLength)],
    );
    // The key is checked even when there is no principal type to check it against.
    expect_errors(
        Connector::builder("test").source(CredentialSource::access_key("bad id", "s")),
        &[("principal", MissingField), ("credentials", InvalidLength)],
    );
}

// ---------------------------------------------------------------------------------------------
// §1: durations
// ---------------------------------------------------------------------------------------------

#[test]
fn duration_edges() {
    // aws-rules.md §1 "lifetime min / max" column: (principal, source, min, max, default).
    let table = [
        // IAM user 900 / 129600 / 43200; root 900 / 3600 / 3600.
        (SessionToken, Src::IamKey, 900, 129_600, 43_200),
        (SessionToken, Src::RootKey, 900, 3600, 3600),
        (FederatedUser, Src::IamKey, 900, 129_600, 43_200),
        (FederatedUser, Src::RootKey, 900, 3600, 3600),
        // 900 / role MaxSessionDuration (at most 43200) / 3600, for a key or the machine role.
        (AssumeRole, Src::IamKey, 900, 43_200, 3600),
        (AssumeRole, Src::MachineRole, 900, 43_200, 3600),
    ];
    for (p, s, min, max, default) in table {
        let root = matches!(s, Src::RootKey);
        let range = p.capabilities().duration_for(root).unwrap();
        assert_eq!(
            (range.min_secs, range.max_secs, range.default_secs),
            (min, max, default),
            "Capabilities duration for {p} / {s:?}"
        );
        let b = |secs: u32| minimal(p).source(source(s)).duration_secs(secs);
        for ok in [min, min + 1, default, max - 1, max] {
            assert_eq!(expect_ok(b(ok)).duration_secs(), Some(ok));
        }
        for bad in [0, 1, min - 1, max + 1, u32::MAX] {
            let e = expect_errors(b(bad), &[("duration", DurationOutOfRange)]);
            assert_mentions(&e, "duration", &format!("{min}..={max}"));
            assert_mentions(&e, "duration", p.capabilities().sts_action.unwrap());
        }
        // Without a duration AWS applies the default for this source.
        let c = expect_ok(minimal(p).source(source(s)));
        assert_eq!(
            (c.duration_secs(), c.effective_duration_secs()),
            (None, Some(default))
        );
    }
    // Provided: the source decides the lifetime (§1b: duration F).
    assert_eq!(expect_ok(minimal(Provided)).effective_duration_secs(), None);
    expect_errors(
        minimal(Provided).duration_secs(3600),
        &[("duration", FieldNotApplicable)],
    );
}

#[test]
fn root_key_duration_cap_is_reported_on_duration() {
    // §1b: "a root key over its 3600 s cap is `duration_out_of_range` on `duration`".
    for p in [SessionToken, FederatedUser] {
        let e = expect_errors(
            minimal(p).source(root_key()).duration_secs(3601),
            &[("duration", DurationOutOfRange)],
        );
        assert_mentions(&e, "duration", "root");
        // The same value is fine for an IAM user's key.
        expect_ok(minimal(p).duration_secs(3601));
    }
}

#[test]
fn a_root_key_for_assume_role_still_gets_its_duration_checked() {
    // Both problems at once: the source is wrong, and 43201 is over AssumeRole's cap whatever the source.
    expect_errors(
        minimal(AssumeRole).source(root_key()).duration_secs(43_201),
        &[
            ("credentials", SourceNotAllowed),
            ("duration", DurationOutOfRange),
        ],
    );
    expect_errors(
        minimal(AssumeRole).source(root_key()).duration_secs(43_200),
        &[("credentials", SourceNotAllowed)],
    );
}

// ---------------------------------------------------------------------------------------------
// §2: lengths
// ---------------------------------------------------------------------------------------------

/// A string of exactly `n` characters that is a well-formed IAM ARN of `kind` when `n` is large
/// enough (at least 40), and a plain run of letters otherwise.
fn arn_of_len(n: usize, kind: &str) -> String {
    let head = match kind {
        "role" => "arn:aws:iam::123456789012:role/",
        _ => "arn:aws:iam::aws:policy/",
    };
    let name = "/Deploy";
    if n < 40 {
        return "a".repeat(n);
    }
    let s = format!("{head}{}{name}", "p".repeat(n - head.len() - name.len()));
    assert_eq!(s.chars().count(), n);
    s
}

/// A JSON object of exactly `n` characters (for `n >= 2`); `n < 2` gives `{` cut to length.
fn policy_of_len(n: usize) -> String {
    if n < 2 {
        return "{".repeat(n);
    }
    format!("{{{}}}", " ".repeat(n - 2))
}

struct LenCase {
    /// The aws-rules.md §2 parameter.
    what: &'static str,
    min: usize,
    max: usize,
    /// A connector whose only questionable value has `n` characters, and the field path it is reported on.
    build: fn(usize) -> (ConnectorBuilder, String),
    /// What a value of `min` characters reports, if it cannot be valid at that length.
    at_min: Option<ErrorCode>,
    /// The code for `max + 1` characters.
    over: ErrorCode,
}

fn length_cases() -> Vec<LenCase> {
    vec![
        LenCase {
            what: "RoleArn 20..=2048",
            min: 20,
            max: 2048,
            build: |n| {
                (
                    minimal(AssumeRole).role_arn(arn_of_len(n, "role")),
                    "role_arn".into(),
                )
            },
            // No role ARN is 20 characters long: the length passes, the shape does not.
            at_min: Some(InvalidArn),
            over: InvalidLength,
        },
        LenCase {
            what: "PolicyArn 20..=2048",
            min: 20,
            max: 2048,
            build: |n| {
                (
                    minimal(AssumeRole).policy_arn(arn_of_len(n, "policy")),
                    "policy_arns[0]".into(),
                )
            },
            at_min: Some(InvalidArn),
            over: InvalidLength,
        },
        LenCase {
            what: "RoleSessionName 2..=64",
            min: 2,
            max: 64,
            build: |n| {
                (
                    minimal(AssumeRole).session_name("s".repeat(n)),
                    "session_name".into(),
                )
            },
            at_min: None,
            over: InvalidLength,
        },
        LenCase {
            what: "federated user Name 2..=32",
            min: 2,
            max: 32,
            build: |n| {
                (
                    minimal(FederatedUser).federated_name("f".repeat(n)),
                    "federated_name".into(),
                )
            },
            at_min: None,
            over: InvalidLength,
        },
        LenCase {
            what: "SourceIdentity 2..=64",
            min: 2,
            max: 64,
            build: |n| {
                (
                    minimal(AssumeRole).source_identity("i".repeat(n)),
                    "source_identity".into(),
                )
            },
            at_min: None,
            over: InvalidLength,
        },
        LenCase {
            what: "ExternalId 2..=1224",
            min: 2,
            max: 1224,
            build: |n| {
                (
                    minimal(AssumeRole).external_id("e".repeat(n)),
                    "external_id".into(),
                )
            },
            at_min: None,
            over: InvalidLength,
        },
        LenCase {
            what: "SerialNumber 9..=256",
            min: 9,
            max: 256,
            build: |n| {
                (
                    minimal(SessionToken).mfa_serial("G".repeat(n)),
                    "mfa_serial".into(),
                )
            },
            at_min: None,
            over: InvalidLength,
        },
        LenCase {
            what: "tag key 1..=128",
            min: 1,
            max: 128,
            build: |n| {
                let key = "k".repeat(n);
                let field = format!("tags.{key}");
                (minimal(AssumeRole).tag(key, "v"), field)
            },
            at_min: None,
            over: InvalidLength,
        },
        LenCase {
            what: "tag value 0..=256",
            min: 0,
            max: 256,
            build: |n| {
                (
                    minimal(AssumeRole).tag("team", "v".repeat(n)),
                    "tags.team".into(),
                )
            },
            at_min: None,
            over: InvalidLength,
        },
        LenCase {
            what: "Policy 1..=2048 plaintext characters",
            min: 1,
            max: 2048,
            build: |n| {
                (
                    minimal(AssumeRole).policy(policy_of_len(n)),
                    "policy".into(),
                )
            },
            // One character cannot be a JSON object.
            at_min: Some(InvalidPolicy),
            over: PolicyTooLarge,
        },
    ]
}

#[test]
fn length_edges() {
    for case in length_cases() {
        let (min, max) = (case.min, case.max);
        let check = |n: usize, want: Option<ErrorCode>| {
            let (b, field) = (case.build)(n);
            match want {
                None => {
                    expect_ok(b);
                }
                Some(code) => {
                    let e = expect_errors(b, &[(field.as_str(), code)]);
                    if code == InvalidLength {
                        assert_mentions(&e, &field, &format!("{min}..={max}"));
                    }
                    if code == PolicyTooLarge {
                        assert_mentions(&e, &field, &format!("at most {max}"));
                    }
                }
            }
        };
        println!("{}", case.what);
        if min > 0 {
            check(min - 1, Some(InvalidLength));
        }
        check(min, case.at_min);
        check(max, None);
        check(max + 1, Some(case.over));
    }
}

#[test]
fn name_kinds_agree_with_aws_rules_2() {
    // §2: RoleSessionName 2..=64, federated Name 2..=32, SourceIdentity 2..=64.
    for (kind, max) in [
        (NameKind::SessionName, 64),
        (NameKind::FederatedName, 32),
        (NameKind::SourceIdentity, 64),
    ] {
        assert_eq!((kind.min_len(), kind.max_len()), (2, max), "{kind:?}");
        for c in "_+=,.@-"
            .chars()
            .chain('a'..='z')
            .chain('A'..='Z')
            .chain('0'..='9')
        {
            assert!(kind.allows(c), "{kind:?} {c:?}");
        }
        for c in [' ', ':', '/', '{', '}', 'é', '\0', '*'] {
            assert!(!kind.allows(c), "{kind:?} {c:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// §2: counts and the 2048-character session policy budget
// ---------------------------------------------------------------------------------------------

fn policy_arn(i: usize) -> String {
    format!("arn:aws:iam::123456789012:policy/P{i}")
}

#[test]
fn ten_policy_arns_but_not_eleven() {
    for p in [FederatedUser, AssumeRole] {
        expect_ok(minimal(p).policy_arns((0..10).map(policy_arn)));
        let e = expect_errors(
            minimal(p).policy_arns((0..11).map(policy_arn)),
            &[("policy_arns", TooMany)],
        );
        assert_mentions(&e, "policy_arns", "at most 10");
    }
}

#[test]
fn fifty_tags_but_not_fifty_one() {
    let tags = |n: usize| (0..n).fold(minimal(AssumeRole), |b, i| b.tag(format!("k{i}"), "v"));
    expect_ok(tags(50));
    let e = expect_errors(tags(51), &[("tags", TooMany)]);
    assert_mentions(&e, "tags", "at most 50");
    let fed = (0..51).fold(minimal(FederatedUser), |b, i| b.tag(format!("k{i}"), "v"));
    expect_errors(fed, &[("tags", TooMany)]);
}

#[test]
fn fifty_transitive_keys_but_not_fifty_one() {
    let tagged = |n: usize| {
        (0..n).fold(minimal(AssumeRole), |b, i| {
            b.tag(format!("k{i}"), "v")
                .transitive_tag_key(format!("k{i}"))
        })
    };
    assert_eq!(expect_ok(tagged(50)).transitive_tag_keys().len(), 50);
    // 51 transitive keys need 51 tags, one too many as well.
    let e = expect_errors(
        tagged(51),
        &[("tags", TooMany), ("transitive_tag_keys", TooMany)],
    );
    assert_mentions(&e, "transitive_tag_keys", "at most 50");
}

#[test]
fn inline_policy_and_policy_arns_share_2048_characters() {
    // §2 PolicyArns: "inline policy + ARNs together: plaintext at most 2048 chars".
    let arn = POLICY_ARN; // 38 characters
    let room = 2048 - arn.len();
    expect_ok(
        minimal(AssumeRole)
            .policy_arn(arn)
            .policy(policy_of_len(room)),
    );
    let e = expect_errors(
        minimal(AssumeRole)
            .policy_arn(arn)
            .policy(policy_of_len(room + 1)),
        &[("policy", PolicyTooLarge)],
    );
    assert_mentions(&e, "policy", "2048");
    // The ARNs alone count too: ten ARNs of 204 characters fit (2040), ten of 205 do not (2050).
    let arns = |len: usize| {
        (0..10).map(move |i| {
            let s = format!("arn:aws:iam::123456789012:policy/P{i}-");
            format!("{s}{}", "x".repeat(len - s.len()))
        })
    };
    expect_ok(minimal(AssumeRole).policy_arns(arns(204)));
    let e = expect_errors(
        minimal(FederatedUser).policy_arns(arns(205)),
        &[("policy_arns", PolicyTooLarge)],
    );
    assert_mentions(&e, "policy_arns", "2048");
    // An ARN over its own length limit is `invalid_length` only, not also over the shared budget.
    expect_errors(
        minimal(AssumeRole)
            .policy_arn(arn_of_len(2049, "policy"))
            .policy(POLICY),
        &[("policy_arns[0]", InvalidLength)],
    );
}

// ---------------------------------------------------------------------------------------------
// §2: characters, shapes, reserved prefixes, duplicates, references
// ---------------------------------------------------------------------------------------------

#[test]
fn arn_shapes() {
    for bad in [
        "arn:aws:iam::123456789012:user/Deploy",
        "arn:aws:s3::123456789012:role/Deploy",
        "arn:aws:iam:us-east-1:123456789012:role/Deploy",
        "arn:aws:iam::12345678901:role/Deploy",
        "arn:aws:iam::aws:role/Deploy",
        "arn:aws:iam::123456789012:role/",
        "arn:aws-xx:iam::123456789012:role/Deploy",
        "arn:aws:iam::123456789012:role/De ploy",
        "not an arn at all, but long enough",
    ] {
        let e = expect_errors(
            minimal(AssumeRole).role_arn(bad),
            &[("role_arn", InvalidArn)],
        );
        assert_mentions(&e, "role_arn", "arn:");
    }
    expect_ok(minimal(AssumeRole).role_arn("arn:aws:iam::123456789012:role/path/to/Deploy"));
    for ok in [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::123456789012:policy/team/Mine",
    ] {
        expect_ok(minimal(AssumeRole).policy_arn(ok));
    }
    expect_errors(
        minimal(AssumeRole).policy_arn(ROLE_ARN),
        &[("policy_arns[0]", InvalidArn)],
    );
    expect_errors(
        minimal(AssumeRole)
            .policy_arn(POLICY_ARN)
            .policy_arn(POLICY_ARN),
        &[("policy_arns[1]", DuplicateKey)],
    );
}

#[test]
fn name_and_id_characters() {
    // §2: ExternalId [A-Za-z0-9_+=,.@:/-]; SerialNumber [A-Za-z0-9_+=/:,.@-].
    expect_ok(minimal(AssumeRole).external_id("urn:partner/7_+=,.@-x"));
    for bad in ["has space", "star*", "é-accent"] {
        let e = expect_errors(
            minimal(AssumeRole).external_id(bad),
            &[("external_id", InvalidCharacters)],
        );
        assert_mentions(&e, "external_id", "[A-Za-z0-9_+=,.@:/-]");
    }
    expect_ok(minimal(SessionToken).mfa_serial("GAHT12345678"));
    let e = expect_errors(
        minimal(SessionToken).mfa_serial("GAHT 12345678"),
        &[("mfa_serial", InvalidCharacters)],
    );
    assert_mentions(&e, "mfa_serial", "[A-Za-z0-9_+=/:,.@-]");
    expect_errors(
        minimal(SessionToken).mfa_serial("arn:aws:iam::123456789012:user/alice"),
        &[("mfa_serial", InvalidArn)],
    );
}

#[test]
fn tag_characters() {
    // §2: letters, digits, spaces and _.:/=+-@ (Unicode letters included).
    expect_ok(minimal(AssumeRole).tag("cost center", "Zürich / München: +1=@_.-"));
    for (k, v, field) in [
        ("team!", "v", "tags.team!"),
        ("team", "a*b", "tags.team"),
        ("team", "tab\there", "tags.team"),
        ("new\nline", "v", "tags.new\nline"),
    ] {
        let e = expect_errors(minimal(AssumeRole).tag(k, v), &[(field, InvalidCharacters)]);
        assert_mentions(&e, field, "_.:/=+-@");
    }
}

#[test]
fn reserved_aws_prefixes() {
    // §2: tag keys and values may not start with `aws:`; SourceIdentity must not start with `aws:`.
    for (k, v, field) in [
        ("aws:team", "v", "tags.aws:team"),
        ("AWS:Team", "v", "tags.AWS:Team"),
        ("team", "aws:platform", "tags.team"),
        ("team", "Aws:platform", "tags.team"),
    ] {
        let e = expect_errors(minimal(AssumeRole).tag(k, v), &[(field, ReservedPrefix)]);
        assert_mentions(&e, field, "aws:");
    }
    expect_ok(minimal(AssumeRole).tag("aws-team", "awsome:yes"));
    for si in ["aws:me", "AWS:me", "aws:{user}"] {
        let e = expect_errors(
            minimal(AssumeRole).source_identity(si),
            &[("source_identity", ReservedPrefix)],
        );
        assert_mentions(&e, "source_identity", "aws:");
    }
    // A reserved prefix does not hide the other problems of the value.
    expect_errors(
        minimal(AssumeRole).source_identity("aws:a b"),
        &[
            ("source_identity", ReservedPrefix),
            ("source_identity", InvalidCharacters),
        ],
    );
    expect_ok(minimal(AssumeRole).source_identity("aws-{user}"));
}

#[test]
fn duplicate_tag_keys_case_insensitively() {
    // §2: keys unique case-insensitively.
    expect_errors(
        minimal(AssumeRole).tag("Team", "a").tag("team", "b"),
        &[("tags.team", DuplicateKey)],
    );
    expect_errors(
        minimal(FederatedUser).tag("cost", "a").tag("COST", "b"),
        &[("tags.COST", DuplicateKey)],
    );
    expect_ok(minimal(AssumeRole).tag("team", "a").tag("team2", "a"));
}

#[test]
fn transitive_keys_must_name_a_tag() {
    // §2 TransitiveTagKeys: "each must be one of the tag keys".
    let e = expect_errors(
        minimal(AssumeRole)
            .tag("team", "a")
            .transitive_tag_key("env"),
        &[("transitive_tag_keys[0]", UnknownReference)],
    );
    assert_mentions(&e, "transitive_tag_keys[0]", "env");
    expect_errors(
        minimal(AssumeRole).transitive_tag_key("team"),
        &[("transitive_tag_keys[0]", UnknownReference)],
    );
    expect_errors(
        minimal(AssumeRole)
            .tag("team", "a")
            .transitive_tag_key("team")
            .transitive_tag_key("team"),
        &[("transitive_tag_keys[1]", DuplicateKey)],
    );
    // "not allowed with GetFederationToken".
    expect_errors(
        minimal(FederatedUser)
            .tag("team", "a")
            .transitive_tag_key("team"),
        &[("transitive_tag_keys", FieldNotApplicable)],
    );
}

#[test]
fn inline_policy_content() {
    // §2 Policy: chars U+0009, U+000A, U+000D, U+0020..=U+00FF; must be a JSON object.
    for bad in ["{", "[]", "\"policy\"", "null", "42", "{\"a\":}", "{} {}"] {
        let e = expect_errors(
            minimal(AssumeRole).policy(bad),
            &[("policy", InvalidPolicy)],
        );
        assert_mentions(&e, "policy", "JSON");
    }
    expect_ok(minimal(AssumeRole).policy("{}"));
    expect_ok(minimal(FederatedUser).policy("{\t\r\n\"Sid\": \"caf\u{e9} \u{ff}\u{20}\"}"));
    for c in [
        '\u{0}',
        '\u{8}',
        '\u{b}',
        '\u{1f}',
        '\u{100}',
        '\u{2028}',
        '\u{1F600}',
    ] {
        let e = expect_errors(
            minimal(AssumeRole).policy(format!("{{\"Sid\":\"{c}\"}}")),
            &[("policy", InvalidCharacters)],
        );
        assert_mentions(&e, "policy", "U+0020..=U+00FF");
    }
}

// ---------------------------------------------------------------------------------------------
// Name templates (DESIGN.md: the literal text is the administrator's and is checked at build())
// ---------------------------------------------------------------------------------------------

#[test]
fn template_literals() {
    let session = |t: &str| minimal(AssumeRole).session_name(t.to_owned());
    let fed = |t: &str| minimal(FederatedUser).federated_name(t.to_owned());
    let si = |t: &str| minimal(AssumeRole).source_identity(t.to_owned());
    // (builder, field, expected code, what the message must mention)
    let cases: Vec<(ConnectorBuilder, &str, ErrorCode, String)> = vec![
        (
            session("my session"),
            "session_name",
            InvalidCharacters,
            "[A-Za-z0-9_+=,.@-]".into(),
        ),
        (
            session(&"a".repeat(65)),
            "session_name",
            InvalidLength,
            "2..=64".into(),
        ),
        (session("a"), "session_name", InvalidLength, "2..=64".into()),
        (
            session("{team}"),
            "session_name",
            InvalidCharacters,
            "{team}".into(),
        ),
        (
            session("{team}-{user}"),
            "session_name",
            InvalidCharacters,
            "{team}".into(),
        ),
        (
            session("{user}-{user}"),
            "session_name",
            InvalidCharacters,
            "{user}".into(),
        ),
        (
            session("ci-{user"),
            "session_name",
            InvalidCharacters,
            "{user".into(),
        ),
        (
            session(&format!("{}{{user}}", "a".repeat(64))),
            "session_name",
            InvalidLength,
            "2..=64".into(),
        ),
        (
            fed("x y"),
            "federated_name",
            InvalidCharacters,
            "[A-Za-z0-9_+=,.@-]".into(),
        ),
        (
            fed(&"f".repeat(33)),
            "federated_name",
            InvalidLength,
            "2..=32".into(),
        ),
        (
            fed(&format!("{}{{user}}", "f".repeat(32))),
            "federated_name",
            InvalidLength,
            "2..=32".into(),
        ),
        (
            si("a b{user}"),
            "source_identity",
            InvalidCharacters,
            "[A-Za-z0-9_+=,.@-]".into(),
        ),
        (
            si(&"i".repeat(65)),
            "source_identity",
            InvalidLength,
            "2..=64".into(),
        ),
    ];
    for (b, field, code, needle) in cases {
        let e = expect_errors(b, &[(field, code)]);
        assert_mentions(&e, field, &needle);
    }
    for ok in [
        session(&format!("{}{{user}}", "a".repeat(63))),
        session("{user}"),
        session("ci-{user}-deploy"),
        session("literal-only"),
        fed(&format!("{}{{user}}", "f".repeat(31))),
        fed(&"f".repeat(32)),
        si("{user}@corp"),
    ] {
        expect_ok(ok);
    }
    let c = expect_ok(session("ci-{user}"));
    assert_eq!(c.session_name().unwrap().render("alice"), "ci-alice");
    let c = expect_ok(session("fixed-name"));
    assert_eq!(c.session_name().unwrap().render("alice"), "fixed-name");
    assert!(!c.depends_on_user());
}

// ---------------------------------------------------------------------------------------------
// §3: partitions
// ---------------------------------------------------------------------------------------------

fn arn_in(partition: Partition, kind: &str) -> String {
    match kind {
        "role" => format!("arn:{partition}:iam::123456789012:role/Deploy"),
        "policy" => format!("arn:{partition}:iam::aws:policy/ReadOnlyAccess"),
        _ => format!("arn:{partition}:iam::123456789012:mfa/alice"),
    }
}

#[test]
fn role_arn_partition_against_region() {
    // §3: "A role ARN's partition must match the connector's region's partition"; regional STS
    // endpoints are required outside `aws`, so an aws-cn / aws-us-gov ARN needs a region.
    let regions: [(Option<&str>, Option<Partition>); 4] = [
        (None, None),
        (Some("us-east-1"), Some(Partition::Aws)),
        (Some("cn-north-1"), Some(Partition::AwsCn)),
        (Some("us-gov-west-1"), Some(Partition::AwsUsGov)),
    ];
    for arn_partition in Partition::ALL {
        for (region, region_partition) in regions {
            let mut b = minimal(AssumeRole).role_arn(arn_in(arn_partition, "role"));
            if let Some(r) = region {
                b = b.region(r);
            }
            let case = format!("{arn_partition} ARN, region {region:?}");
            match region_partition {
                None if arn_partition == Partition::Aws => {
                    assert_eq!(expect_ok(b).partition(), Partition::Aws, "{case}");
                }
                None => {
                    let e = expect_errors(b, &[("region", PartitionMismatch)]);
                    assert_mentions(&e, "region", arn_partition.as_str());
                }
                Some(rp) if rp == arn_partition => {
                    assert_eq!(expect_ok(b).partition(), rp, "{case}");
                }
                Some(rp) => {
                    let e = expect_errors(b, &[("role_arn", PartitionMismatch)]);
                    assert_mentions(&e, "role_arn", rp.as_str());
                    assert_mentions(&e, "role_arn", arn_partition.as_str());
                }
            }
        }
    }
}

#[test]
fn policy_and_mfa_arn_partitions() {
    expect_ok(
        minimal(FederatedUser)
            .region("cn-northwest-1")
            .policy_arn(arn_in(Partition::AwsCn, "policy")),
    );
    expect_errors(
        minimal(FederatedUser)
            .region("us-east-1")
            .policy_arn(arn_in(Partition::AwsCn, "policy")),
        &[("policy_arns[0]", PartitionMismatch)],
    );
    expect_errors(
        minimal(FederatedUser).policy_arn(arn_in(Partition::AwsUsGov, "policy")),
        &[("region", PartitionMismatch)],
    );
    expect_errors(
        minimal(SessionToken)
            .region("eu-west-1")
            .mfa_serial(arn_in(Partition::AwsCn, "mfa")),
        &[("mfa_serial", PartitionMismatch)],
    );
    expect_ok(
        minimal(SessionToken)
            .region("us-gov-east-1")
            .mfa_serial(arn_in(Partition::AwsUsGov, "mfa")),
    );
    // ARNs of two partitions and no region: the region is missing, and the ARNs disagree.
    expect_errors(
        minimal(AssumeRole)
            .role_arn(arn_in(Partition::AwsCn, "role"))
            .policy_arn(arn_in(Partition::Aws, "policy")),
        &[
            ("region", PartitionMismatch),
            ("policy_arns[0]", PartitionMismatch),
        ],
    );
    // Provided makes no STS call, so a region merely selects the partition.
    let c = expect_ok(minimal(Provided).region("cn-north-1"));
    assert_eq!(c.partition(), Partition::AwsCn);
}

#[test]
fn regions_must_be_known() {
    // Region-shaped, but in no partition of §3: the message lists the known prefixes.
    for bad in ["xx-east-1", "zz-gov-west-2"] {
        let e = expect_errors(
            minimal(SessionToken).region(bad),
            &[("region", InvalidRegion)],
        );
        assert_mentions(&e, "region", "aws-cn: cn-");
    }
    for bad in ["EU-WEST-1", "us-east", "eu west 1", "mars-1", ""] {
        let e = expect_errors(
            minimal(SessionToken).region(bad),
            &[("region", InvalidRegion)],
        );
        assert_mentions(&e, "region", "us-east-1");
    }
    for ok in [
        "eu-central-2",
        "il-central-1",
        "mx-central-1",
        "ap-southeast-5",
    ] {
        expect_ok(minimal(SessionToken).region(ok));
    }
}

// ---------------------------------------------------------------------------------------------
// Other fields
// ---------------------------------------------------------------------------------------------

#[test]
fn endpoints_groups_and_names() {
    expect_ok(minimal(AssumeRole).sts_endpoint("http://localhost:4566"));
    for bad in [
        "sts.amazonaws.com",
        "ftp://sts.amazonaws.com",
        "https://",
        "https://a b",
    ] {
        expect_errors(
            minimal(AssumeRole).sts_endpoint(bad),
            &[("sts_endpoint", InvalidEndpoint)],
        );
    }
    expect_errors(
        minimal(AssumeRole).group(" "),
        &[("groups[0]", InvalidLength)],
    );
    expect_errors(
        minimal(AssumeRole).groups(["dev", "ops", "dev"]),
        &[("groups[2]", DuplicateKey)],
    );
    let named = |name: &str| {
        Connector::builder(name)
            .source(iam_key())
            .principal(SessionToken)
    };
    expect_errors(named(""), &[("name", InvalidLength)]);
    expect_errors(named(&"n".repeat(65)), &[("name", InvalidLength)]);
    expect_errors(named("my connector"), &[("name", InvalidCharacters)]);
    assert_eq!(
        expect_ok(named("ci_deploy.v2-eu")).name(),
        "ci_deploy.v2-eu"
    );
}

// ---------------------------------------------------------------------------------------------
// All problems at once
// ---------------------------------------------------------------------------------------------

#[test]
fn every_problem_of_an_assume_role_connector_at_once() {
    let b = Connector::builder("test")
        .source(root_key()) // §1: not root
        .principal(AssumeRole)
        .role_arn(ROLE_ARN)
        .region("cn-north-1") // §3: aws ARN in an aws-cn region
        .duration_secs(43_201) // §1: 900..=43200
        .session_name("my session") // §2: characters
        .external_id("x") // §2: 2..=1224
        .federated_name("fed") // §1b: not for AssumeRole
        .source_identity("aws:me") // §2: reserved prefix
        .policy("[]") // §2: not a JSON object
        .policy_arn("arn:aws-cn:iam::aws:user/X") // §2: not a policy ARN
        .mfa_serial("short") // §2: 9..=256
        .tag("aws:team", "a") // §2: reserved prefix
        .tag("env", "prod")
        .tag("ENV", "dev") // §2: duplicate key
        .tag("cost", "a*b") // §2: characters
        .transitive_tag_key("owner"); // §2: not a tag key
    let e = expect_errors(
        b,
        &[
            ("credentials", SourceNotAllowed),
            ("role_arn", PartitionMismatch),
            ("duration", DurationOutOfRange),
            ("session_name", InvalidCharacters),
            ("external_id", InvalidLength),
            ("federated_name", FieldNotApplicable),
            ("source_identity", ReservedPrefix),
            ("policy", InvalidPolicy),
            ("policy_arns[0]", InvalidArn),
            ("mfa_serial", InvalidLength),
            ("tags.aws:team", ReservedPrefix),
            ("tags.ENV", DuplicateKey),
            ("tags.cost", InvalidCharacters),
            ("transitive_tag_keys[0]", UnknownReference),
        ],
    );
    assert_eq!(e.len(), 14);
    assert_mentions(&e, "duration", "900..=43200");
    assert_mentions(&e, "external_id", "2..=1224");
    assert_mentions(&e, "mfa_serial", "9..=256");
    let shown = e.to_string();
    assert!(shown.starts_with("14 validation problems"), "{shown}");
    for p in &e {
        assert!(shown.contains(p.code.as_str()), "{shown}");
    }
}

#[test]
fn every_problem_of_other_connectors_at_once() {
    expect_errors(
        Connector::builder("test")
            .source(CredentialSource::machine_role())
            .principal(SessionToken)
            .duration_secs(899)
            .policy(POLICY)
            .tag("team", "a")
            .role_arn(ROLE_ARN)
            .mfa_serial("GAHT 1234"),
        &[
            ("credentials", SourceNotAllowed),
            ("duration", DurationOutOfRange),
            ("policy", FieldNotApplicable),
            ("tags", FieldNotApplicable),
            ("role_arn", FieldNotApplicable),
            ("mfa_serial", InvalidCharacters),
        ],
    );
    expect_errors(
        Connector::builder("test")
            .source(CredentialSource::machine_role())
            .principal(FederatedUser)
            .federated_name("{team}")
            .mfa_serial(MFA_ARN)
            .policy_arns((0..11).map(policy_arn))
            .policy("{\"Sid\":\"\u{100}\"}")
            .duration_secs(129_601),
        &[
            ("credentials", SourceNotAllowed),
            ("federated_name", InvalidCharacters),
            ("mfa_serial", FieldNotApplicable),
            ("policy_arns", TooMany),
            ("policy", InvalidCharacters),
            ("duration", DurationOutOfRange),
        ],
    );
    expect_errors(
        Connector::builder("test")
            .source(root_key())
            .principal(Provided)
            .duration_secs(3600)
            .session_name("{user}")
            .region("mars-1"),
        &[
            ("credentials", SourceNotAllowed),
            ("duration", FieldNotApplicable),
            ("session_name", FieldNotApplicable),
            ("region", InvalidRegion),
        ],
    );
}

#[test]
fn validation_is_deterministic() {
    let b = minimal(AssumeRole)
        .duration_secs(1)
        .tag("aws:x", "y")
        .external_id("é");
    let first = problems(&b.clone().build());
    assert_eq!(first.len(), 3);
    for _ in 0..3 {
        assert_eq!(problems(&b.clone().build()), first);
        assert_eq!(
            b.clone().build().unwrap_err(),
            b.clone().build().unwrap_err()
        );
    }
}
