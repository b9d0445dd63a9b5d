//! Config loading through the public API: every problem of every connector in one report.
#![cfg(feature = "config")]

use std::collections::BTreeSet;

use aws_connector::{Config, ConfigError, ErrorCode, PrincipalType, Scope};
use proptest::prelude::*;

const VALID: &str = include_str!("../examples/connectors.toml");
const INVALID: &str = include_str!("../examples/invalid.toml");

fn env(name: &str) -> Option<String> {
    (name == "CI_USER_SECRET").then(|| "test-secret".to_owned())
}

#[test]
fn the_example_config_loads() -> Result<(), ConfigError> {
    let config = Config::from_toml_str_with_env(VALID, env)?;
    let names: Vec<_> = config.connectors().iter().map(|c| c.name()).collect();
    assert_eq!(
        names,
        ["ci-session", "deploy", "partner-federated", "static-dev"]
    );
    let Some(deploy) = config.connector("deploy") else {
        panic!("connector `deploy` is missing");
    };
    assert_eq!(deploy.principal(), PrincipalType::AssumeRole);
    assert_eq!(deploy.region(), Some("eu-west-1"));
    assert_eq!(deploy.transitive_tag_keys(), ["team"]);
    assert_eq!(
        deploy.session_name().map(|t| t.render("bob")).as_deref(),
        Some("deploy-bob")
    );
    let ci = config
        .connector("ci-session")
        .map(|c| (c.scope(), c.region()));
    assert_eq!(ci, Some((Scope::System, Some("us-east-1"))));
    assert!(config.settings().admins_see_all_connectors);
    Ok(())
}

#[test]
fn mistakes_in_several_connectors_are_all_reported() {
    let Err(err @ ConfigError::Invalid { .. }) = Config::from_toml_str_with_env(INVALID, env)
    else {
        panic!("examples/invalid.toml must be rejected as invalid");
    };
    let got: BTreeSet<(String, String, ErrorCode)> = err
        .validation_errors()
        .into_iter()
        .map(|e| (e.connector.unwrap_or_default(), e.field, e.code))
        .collect();
    let want: BTreeSet<(String, String, ErrorCode)> = [
        ("deploy", "credentials", ErrorCode::SourceNotAllowed),
        ("deploy", "role_arn", ErrorCode::PartitionMismatch),
        ("deploy", "session_name", ErrorCode::InvalidCharacters),
        ("deploy", "duration", ErrorCode::DurationOutOfRange),
        ("federated", "credentials", ErrorCode::SourceNotAllowed),
        ("federated", "mfa_serial", ErrorCode::FieldNotApplicable),
        (
            "federated",
            "transitive_tag_keys",
            ErrorCode::FieldNotApplicable,
        ),
        ("federated", "policy", ErrorCode::InvalidPolicy),
        ("session", "tags", ErrorCode::FieldNotApplicable),
        ("session", "duration", ErrorCode::DurationOutOfRange),
    ]
    .into_iter()
    .map(|(c, f, code)| (c.to_owned(), f.to_owned(), code))
    .collect();
    assert_eq!(got, want);
    assert!(err.to_string().contains("10 problems"), "{err}");
}

#[test]
fn unknown_keys_are_syntax_errors_with_line_and_key() {
    let text = "[connectors.deploy]\ncredentials = \"machine-role\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::123456789012:role/D\"\npolicy_arn = [\"arn:aws:iam::aws:policy/ReadOnlyAccess\"]\n";
    match Config::from_toml_str(text) {
        Err(ConfigError::Syntax {
            line, key, message, ..
        }) => {
            assert_eq!(line, 5);
            assert!(message.contains("unknown field `policy_arn`"), "{message}");
            assert_eq!(key.as_deref(), Some("connectors.deploy.policy_arn"));
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let err = Config::from_toml_str("[setings]\nregion = \"us-east-1\"\n").unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn a_secret_from_the_file_never_reaches_an_error() {
    let text = "[access_keys.k]\naccess_key_id = \"bad id\"\nsecret_access_key = \"SENTINEL-CONFIG-SECRET\"\n[connectors.c]\ncredentials = \"k\"\nprincipal = \"session-token\"\nduration = 1\n";
    let err = Config::from_toml_str(text).unwrap_err();
    let shown = format!("{err} {err:?} {:?}", err.validation_errors());
    assert!(shown.contains("credentials"), "{shown}");
    assert!(!shown.contains("SENTINEL-CONFIG-SECRET"), "{shown}");
    let ok = Config::from_toml_str(
        "[access_keys.k]\naccess_key_id = \"AKIAIOSFODNN7EXAMPLE\"\nsecret_access_key = \"SENTINEL-CONFIG-SECRET\"\n[connectors.c]\ncredentials = \"k\"\nprincipal = \"session-token\"\n",
    )
    .map(|c| format!("{c:?}"));
    let ok = ok.unwrap_or_else(|e| panic!("{e}"));
    assert!(!ok.contains("SENTINEL-CONFIG-SECRET"), "{ok}");
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        "[a-z0-9:/ {}_-]{0,80}".prop_map(|s| format!("{s:?}")),
        any::<String>().prop_map(|s| format!("{s:?}")),
        Just("true".to_owned()),
        Just("[\"a\", \"b\"]".to_owned()),
        Just("{ k = \"v\" }".to_owned()),
        Just("\"assume-role\"".to_owned()),
        Just("\"machine-role\"".to_owned()),
        Just("\"arn:aws:iam::123456789012:role/R\"".to_owned()),
    ]
}

fn key() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "credentials",
        "principal",
        "role_arn",
        "external_id",
        "session_name",
        "federated_name",
        "source_identity",
        "policy_arns",
        "policy",
        "duration",
        "mfa_serial",
        "tags",
        "transitive_tag_keys",
        "region",
        "sts_endpoint",
        "groups",
        "scope",
        "bogus",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Random bytes never panic the loader.
    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        let _ = Config::from_toml_str_with_env(&text, |_| None);
    }

    /// Random keys and values in a connector give errors (or a connector), never a panic, and an
    /// error report is never empty.
    #[test]
    fn random_connectors_never_panic(fields in prop::collection::vec((key(), value()), 0..12)) {
        let mut text = String::from("[access_keys.k]\naccess_key_id = \"AKIAIOSFODNN7EXAMPLE\"\nsecret_access_key = \"s\"\n[connectors.c]\n");
        let mut seen = BTreeSet::new();
        for (k, v) in fields {
            if seen.insert(k) {
                text.push_str(&format!("{k} = {v}\n"));
            }
        }
        match Config::from_toml_str_with_env(&text, |_| None) {
            Ok(c) => prop_assert_eq!(c.connectors().len(), 1),
            Err(e) => prop_assert!(!e.validation_errors().is_empty()),
        }
    }
}
