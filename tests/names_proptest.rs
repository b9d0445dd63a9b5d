//! Property tests: user names mapped through name templates, and random input to the builder.
//!
//! aws-rules.md §2: RoleSessionName 2..=64, federated user Name 2..=32, SourceIdentity 2..=64 (not
//! starting with `aws:`), all of `[A-Za-z0-9_+=,.@-]`; names derived from a user are mapped into
//! that pattern and length deterministically. DESIGN.md: `build()` never panics and reports every
//! problem.

mod common;

use aws_connector::{
    map_user_name, AccessKey, Applicability, Connector, ConnectorBuilder, CredentialSource, Field,
    NameKind, NameTemplate, PrincipalType, Scope, TemplateError,
};
use proptest::prelude::*;

/// aws-rules.md §2, written out: the characters of RoleSessionName, federated Name and SourceIdentity.
fn aws_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// aws-rules.md §2, written out: (min, max) length of each name.
fn aws_len(kind: NameKind) -> (usize, usize) {
    match kind {
        NameKind::SessionName => (2, 64),
        NameKind::FederatedName => (2, 32),
        NameKind::SourceIdentity => (2, 64),
        other => panic!("new name kind {other:?}: add its aws-rules.md §2 length"),
    }
}

/// Asserts that `name` is what AWS accepts for `kind`.
fn assert_valid_name(kind: NameKind, name: &str, context: &str) -> Result<(), TestCaseError> {
    let (min, max) = aws_len(kind);
    let n = name.chars().count();
    prop_assert!(
        (min..=max).contains(&n),
        "{kind:?} {name:?} has {n} characters, outside {min}..={max} ({context})"
    );
    prop_assert!(
        name.chars().all(aws_name_char),
        "{kind:?} {name:?} has a character outside [A-Za-z0-9_+=,.@-] ({context})"
    );
    if kind == NameKind::SourceIdentity {
        prop_assert!(
            !name.to_ascii_lowercase().starts_with("aws:"),
            "{name:?} starts with aws: ({context})"
        );
    }
    Ok(())
}

const KINDS: [NameKind; 3] = [
    NameKind::SessionName,
    NameKind::FederatedName,
    NameKind::SourceIdentity,
];

fn kind() -> impl Strategy<Value = NameKind> {
    prop::sample::select(KINDS.to_vec())
}

/// Any user name: arbitrary Unicode (controls, spaces, astral planes), long, empty, or already valid.
fn user_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<char>(), 0..260).prop_map(String::from_iter),
        "\\PC{0,220}",
        "[a-zA-Z ]{0,230}",
        "[A-Za-z0-9_+=,.@-]{0,80}",
        "[A-Za-z0-9_+=,.@ :/é-]{0,70}",
        Just(String::new()),
        Just(" ".to_owned()),
        Just("José Müller".to_owned()),
    ]
}

/// Literal template text (the administrator's): only allowed characters, any length up to 66.
fn literal() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_+=,.@-]{0,66}"
}

/// Template text: literal text with one `{user}` somewhere, or literal text only.
fn template_text() -> impl Strategy<Value = String> {
    (literal(), any::<prop::sample::Index>(), any::<bool>()).prop_map(|(lit, at, has_user)| {
        if has_user {
            let i = at.index(lit.len() + 1);
            format!("{}{{user}}{}", &lit[..i], &lit[i..])
        } else {
            lit
        }
    })
}

/// Splits `{user}` out of template text: (literal character count, has `{user}`).
fn literal_len(text: &str) -> (usize, bool) {
    match text.find("{user}") {
        Some(i) => (text[..i].len() + text[i + 6..].len(), true),
        None => (text.len(), false),
    }
}

/// A builder setting one name field of `kind` to `text` on the principal type that takes it.
fn connector_with_name(kind: NameKind, text: &str) -> ConnectorBuilder {
    let b = common::minimal(match kind {
        NameKind::FederatedName => PrincipalType::FederatedUser,
        _ => PrincipalType::AssumeRole,
    });
    match kind {
        NameKind::SessionName => b.session_name(text),
        NameKind::FederatedName => b.federated_name(text),
        _ => b.source_identity(text),
    }
}

fn template_of(c: &Connector, kind: NameKind) -> Option<&NameTemplate> {
    match kind {
        NameKind::SessionName => c.session_name(),
        NameKind::FederatedName => c.federated_name(),
        _ => c.source_identity(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any user name on its own (`{user}`) maps to a valid name, deterministically, and a name
    /// that is already valid is kept as it is.
    #[test]
    fn any_user_name_maps_to_a_valid_name(user in user_name()) {
        for kind in KINDS {
            let mapped = map_user_name(&user, kind);
            assert_valid_name(kind, &mapped, &format!("user {user:?}"))?;
            prop_assert_eq!(&mapped, &map_user_name(&user, kind), "not deterministic");
            prop_assert_eq!(&mapped, &NameTemplate::user(kind).render(&user));
            let (min, max) = aws_len(kind);
            let already_valid = user.chars().all(aws_name_char)
                && (min..=max).contains(&user.chars().count());
            if already_valid {
                prop_assert_eq!(&mapped, &user, "a valid name must be kept");
            }
        }
    }

    /// Any user name rendered through any template that `parse` (or `build()`) accepts is a
    /// valid name; a template is only rejected when its literal text cannot fit.
    #[test]
    fn any_user_name_through_any_valid_template(kind in kind(), text in template_text(), user in user_name()) {
        let (lit, has_user) = literal_len(&text);
        let (min, max) = aws_len(kind);
        let parsed = NameTemplate::parse(&text, kind);
        let built = connector_with_name(kind, &text).build();
        match parsed {
            Ok(t) => {
                let fits = if has_user { lit < max } else { (min..=max).contains(&lit) };
                prop_assert!(fits, "{:?} accepted with {} literal characters", text, lit);
                let c = built.map_err(|e| TestCaseError::fail(format!("parse accepted {text:?}, build() did not: {e}")))?;
                let from_connector = template_of(&c, kind).expect("the template is kept");
                let rendered = t.render(&user);
                assert_valid_name(kind, &rendered, &format!("template {text:?}, user {user:?}"))?;
                prop_assert_eq!(&rendered, &t.render(&user), "not deterministic");
                prop_assert_eq!(&rendered, &from_connector.render(&user));
                prop_assert_eq!(&rendered, &NameTemplate::parse(&text, kind).unwrap().render(&user));
                prop_assert_eq!(t.depends_on_user(), has_user);
                if !has_user {
                    prop_assert_eq!(&rendered, &text);
                }
            }
            Err(TemplateError::InvalidLength { min: m, max: x, len, .. }) => {
                prop_assert_eq!((m, x, len), (min, max, lit));
                let fits = if has_user { lit < max } else { (min..=max).contains(&lit) };
                prop_assert!(!fits, "{:?} rejected with {} literal characters", text, lit);
                prop_assert!(built.is_err());
            }
            Err(other) => prop_assert!(false, "{text:?} rejected for {other}"),
        }
    }

    /// Two user names that differ only in characters AWS does not accept (so both take the
    /// hash path) map to different names, as long as the template leaves room for the 8 hash
    /// digits.
    #[test]
    fn names_differing_only_in_disallowed_characters_stay_distinct(
        slots in prop::collection::vec(
            prop_oneof![
                "[A-Za-z0-9_+=,.@-]".prop_map(|s| (s.clone(), s)),
                (any::<char>(), any::<char>())
                    .prop_filter("both disallowed", |(a, b)| !aws_name_char(*a) && !aws_name_char(*b))
                    .prop_map(|(a, b)| (a.to_string(), b.to_string())),
            ],
            1..120,
        ),
        kind in kind(),
        lit in "[A-Za-z0-9_+=,.@-]{0,56}",
        at in any::<prop::sample::Index>(),
    ) {
        let a: String = slots.iter().map(|(x, _)| x.as_str()).collect();
        let b: String = slots.iter().map(|(_, y)| y.as_str()).collect();
        prop_assume!(a != b);
        let (ma, mb) = (map_user_name(&a, kind), map_user_name(&b, kind));
        prop_assert_ne!(&ma, &mb, "{:?} and {:?} collide", a, b);
        // Through a template whose literal text leaves at least 8 characters for the user.
        let lit: String = lit.chars().take(aws_len(kind).1 - 8).collect();
        let i = at.index(lit.len() + 1);
        let t = NameTemplate::parse(&format!("{}{{user}}{}", &lit[..i], &lit[i..]), kind).unwrap();
        prop_assert_ne!(t.render(&a), t.render(&b), "{:?} and {:?} collide through {}", a, b, t);
    }
}

// ---------------------------------------------------------------------------------------------
// Random input to every setter of the builder
// ---------------------------------------------------------------------------------------------

/// Text that is sometimes valid for some field and often not.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        prop::collection::vec(any::<char>(), 0..300).prop_map(String::from_iter),
        "\\PC{0,80}",
        "[A-Za-z0-9_+=,.@:/ -]{0,40}",
        "arn:(aws|aws-cn|aws-us-gov|aws-xx):iam::([0-9]{12}|aws|[0-9]{3}):(role|policy|mfa|user)/[A-Za-z0-9/_-]{0,30}",
        "[a-z{}]{0,6}\\{user\\}[a-z.]{0,6}",
        "(aws|AWS):[a-z]{0,8}",
        "(us|eu|cn|us-gov|xx)-(east|west|north)-[0-9]",
        "https?://[a-z.]{0,20}(:[0-9]{1,5})?",
        Just(common::ROLE_ARN.to_owned()),
        Just(common::POLICY.to_owned()),
        (0usize..2200).prop_map(|n| format!("{{{}}}", " ".repeat(n))),
    ]
    .boxed()
}

fn source() -> impl Strategy<Value = CredentialSource> {
    prop_oneof![
        1 => Just(CredentialSource::machine_role()),
        1 => (text(), text(), any::<bool>())
            .prop_map(|(id, secret, root)| AccessKey::new(id, secret).with_account_root(root).into()),
        3 => any::<bool>().prop_map(|root| AccessKey::new(common::KEY_ID, common::SECRET)
            .with_account_root(root)
            .into()),
    ]
}

fn duration(allowed: bool) -> BoxedStrategy<Option<u32>> {
    let (none, ok, random) = if allowed { (4, 4, 2) } else { (18, 1, 1) };
    prop_oneof![
        none => Just(None),
        ok => prop::sample::select(vec![900, 3600]).prop_map(Some),
        random => prop_oneof![
            any::<u32>(),
            prop::sample::select(vec![0, 899, 3601, 43_200, 43_201, 129_600, 129_601]),
        ]
        .prop_map(Some),
    ]
    .boxed()
}

/// A setter's argument: mostly not called or a valid sample when the principal type takes the
/// field (so that a fair share of connectors build), sometimes random text.
fn field(valid: &'static [&'static str], rule: Applicability) -> BoxedStrategy<Option<String>> {
    let (none, ok, random) = match rule {
        Applicability::Required => (1, 8, 1),
        Applicability::Forbidden => (18, 1, 1),
        _ => (5, 4, 1),
    };
    prop_oneof![
        none => Just(None),
        ok => prop::sample::select(valid).prop_map(|s| Some(s.to_owned())),
        random => text().prop_map(Some),
    ]
    .boxed()
}

/// A list argument: mostly empty or made of `valid` items when the field is allowed.
fn list<T: Clone + std::fmt::Debug + 'static>(
    valid: BoxedStrategy<Vec<T>>,
    random: BoxedStrategy<Vec<T>>,
    allowed: bool,
) -> BoxedStrategy<Vec<T>> {
    let (none, ok, bad) = if allowed { (4, 4, 1) } else { (18, 1, 1) };
    prop_oneof![none => Just(Vec::new()), ok => valid, bad => random].boxed()
}

/// Everything a builder can be given; `None` / empty means "setter not called".
#[derive(Debug, Clone)]
struct Input {
    name: String,
    source: Option<CredentialSource>,
    principal: Option<PrincipalType>,
    /// Arguments of role_arn, external_id, session_name, federated_name, source_identity,
    /// policy, mfa_serial, region, sts_endpoint, policy_arn (in that order).
    strings: [Option<String>; 10],
    policy_arns: Vec<String>,
    duration: Option<u32>,
    tags: Vec<(String, String)>,
    /// Transitive tag keys: the first `n` tag keys, then these.
    transitive_from_tags: usize,
    transitive: Vec<String>,
    groups: Vec<String>,
    system: bool,
}

fn input() -> impl Strategy<Value = Input> {
    prop::option::weighted(0.9, prop::sample::select(PrincipalType::ALL.to_vec()))
        .prop_flat_map(input_for)
}

/// Random input, biased towards what `principal` takes (the generator may read the crate's
/// table: nothing is asserted from it).
fn input_for(principal: Option<PrincipalType>) -> impl Strategy<Value = Input> {
    let rule = |f: Field| {
        principal.map_or(Applicability::Optional, |p| {
            p.capabilities().applicability(f)
        })
    };
    let on = |f: Field| rule(f) != Applicability::Forbidden;
    let strings = [
        field(
            &[
                common::ROLE_ARN,
                "arn:aws-cn:iam::123456789012:role/ops/Deploy",
            ],
            rule(Field::RoleArn),
        ),
        field(&["partner-7", "urn:x/y"], rule(Field::ExternalId)),
        field(
            &["ci-{user}", "{user}", "fixed-session"],
            rule(Field::SessionName),
        ),
        field(&["fed-{user}", "{user}"], rule(Field::FederatedName)),
        field(&["{user}", "{user}@corp"], rule(Field::SourceIdentity)),
        field(&[common::POLICY, "{}"], rule(Field::Policy)),
        field(&[common::MFA_ARN, "GAHT12345678"], rule(Field::MfaSerial)),
        field(
            &["eu-west-1", "us-east-1", "cn-north-1"],
            rule(Field::Region),
        ),
        field(
            &["https://sts.eu-west-1.amazonaws.com"],
            rule(Field::StsEndpoint),
        ),
        field(&[common::POLICY_ARN], rule(Field::PolicyArns)),
    ];
    let tags = list(
        prop::collection::vec(
            (
                "[A-Za-z][A-Za-z0-9 _.:/=+@-]{0,20}",
                "[A-Za-z0-9 _.:/=+@-]{0,20}",
            ),
            1..6,
        )
        .boxed(),
        prop::collection::vec((text(), text()), 0..55).boxed(),
        on(Field::Tags),
    );
    let policy_arns = list(
        prop::collection::vec(
            "arn:aws:iam::(aws|123456789012):policy/[A-Za-z]{1,20}",
            1..12,
        )
        .boxed(),
        prop::collection::vec(text(), 0..13).boxed(),
        on(Field::PolicyArns),
    );
    let transitive = list(
        Just(Vec::new()).boxed(),
        prop::collection::vec(text(), 0..55).boxed(),
        on(Field::TransitiveTagKeys),
    );
    let groups = list(
        prop::collection::vec("[a-z]{1,8}", 1..4).boxed(),
        prop::collection::vec(text(), 0..4).boxed(),
        true,
    );
    (
        prop_oneof![3 => Just("test".to_owned()), 1 => text()],
        prop::option::weighted(0.9, source()),
        Just(principal),
        strings,
        policy_arns,
        duration(on(Field::Duration)),
        (
            tags,
            if on(Field::TransitiveTagKeys) {
                0usize..3
            } else {
                0usize..1
            },
            transitive,
            groups,
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                name,
                source,
                principal,
                strings,
                policy_arns,
                duration,
                (tags, transitive_from_tags, transitive, groups, system),
            )| Input {
                name,
                source,
                principal,
                strings,
                policy_arns,
                duration,
                tags,
                transitive_from_tags,
                transitive,
                groups,
                system,
            },
        )
}

fn builder(i: &Input) -> ConnectorBuilder {
    let mut b = Connector::builder(i.name.clone());
    if let Some(s) = &i.source {
        b = b.source(s.clone());
    }
    if let Some(p) = i.principal {
        b = b.principal(p);
    }
    type Setter = fn(ConnectorBuilder, String) -> ConnectorBuilder;
    let setters: [Setter; 10] = [
        |b, s| b.role_arn(s),
        |b, s| b.external_id(s),
        |b, s| b.session_name(s),
        |b, s| b.federated_name(s),
        |b, s| b.source_identity(s),
        |b, s| b.policy(s),
        |b, s| b.mfa_serial(s),
        |b, s| b.region(s),
        |b, s| b.sts_endpoint(s),
        |b, s| b.policy_arn(s),
    ];
    for (set, value) in setters.iter().zip(&i.strings) {
        if let Some(v) = value {
            b = set(b, v.clone());
        }
    }
    b = b.policy_arns(i.policy_arns.clone());
    if let Some(d) = i.duration {
        b = b.duration_secs(d);
    }
    for (k, v) in &i.tags {
        b = b.tag(k.clone(), v.clone());
    }
    for (k, _) in i.tags.iter().take(i.transitive_from_tags) {
        b = b.transitive_tag_key(k.clone());
    }
    for k in &i.transitive {
        b = b.transitive_tag_key(k.clone());
    }
    // Both group setters: the first group one by one, the rest as a list.
    if let Some((first, rest)) = i.groups.split_first() {
        b = b.group(first.clone()).groups(rest.iter().cloned());
    }
    if i.system {
        b = b.scope(Scope::System);
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Whatever the setters are given, `build()` returns (never panics), deterministically,
    /// with either a connector whose names render validly or a non-empty list of problems.
    #[test]
    fn the_builder_never_panics(i in input(), user in user_name()) {
        let b = builder(&i);
        let first = b.clone().build();
        let second = b.build();
        prop_assert_eq!(common::problems(&first), common::problems(&second));
        match first {
            Ok(c) => {
                prop_assert_eq!(c.name(), i.name.as_str());
                prop_assert_eq!(Some(c.principal()), i.principal);
                for kind in KINDS {
                    if let Some(t) = template_of(&c, kind) {
                        assert_valid_name(kind, &t.render(&user), &format!("{t}"))?;
                    }
                }
                prop_assert!(c.warnings().iter().all(|w| !w.message.is_empty()));
            }
            Err(e) => {
                prop_assert!(!e.is_empty());
                prop_assert_eq!(&e, &second.unwrap_err());
                for p in &e {
                    prop_assert!(!p.field.is_empty() && !p.message.is_empty(), "{:?}", p);
                    prop_assert_eq!(p.connector.as_deref(), Some(i.name.as_str()));
                }
                let n = e.len();
                let shown = e.to_string();
                prop_assert!(shown.starts_with(&format!("{n} validation problem")), "{}", shown);
            }
        }
    }
}
