//! Shared fixtures for the integration tests (public API only).
#![allow(dead_code)] // each test crate uses a different part of this module

#[cfg(feature = "console")]
pub(crate) mod federation;
pub(crate) mod moto;
pub(crate) mod servers;

use aws_connector::{
    AccessKey, Connector, ConnectorBuilder, CredentialSource, ErrorCode, PrincipalType,
    ValidationErrors,
};

/// AWS's documentation example key id (20 characters, `[A-Z0-9]`).
pub(crate) const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
/// AWS's documentation example secret.
pub(crate) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub(crate) const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/Deploy";
pub(crate) const POLICY_ARN: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
pub(crate) const MFA_ARN: &str = "arn:aws:iam::123456789012:mfa/alice";
pub(crate) const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

/// A long-term IAM-user access key.
pub(crate) fn iam_key() -> CredentialSource {
    CredentialSource::access_key(KEY_ID, SECRET)
}

/// The account root user's access key.
pub(crate) fn root_key() -> CredentialSource {
    AccessKey::new(KEY_ID, SECRET)
        .with_account_root(true)
        .into()
}

/// The smallest valid connector of a principal type: an IAM-user key, plus `role_arn` for
/// AssumeRole (the only other required field, aws-rules.md §1b).
pub(crate) fn minimal(p: PrincipalType) -> ConnectorBuilder {
    let b = Connector::builder("test").source(iam_key()).principal(p);
    if p == PrincipalType::AssumeRole {
        b.role_arn(ROLE_ARN)
    } else {
        b
    }
}

/// The problems of a build as sorted `(field, code)` pairs (empty when it succeeded).
pub(crate) fn problems(result: &Result<Connector, ValidationErrors>) -> Vec<(String, ErrorCode)> {
    let mut v: Vec<_> = match result {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(|e| (e.field.clone(), e.code)).collect(),
    };
    v.sort();
    v
}

/// Builds and asserts that exactly `expected` problems (as a multiset of `(field, code)`) are
/// reported; returns the errors for further checks of the messages.
#[track_caller]
pub(crate) fn expect_errors(
    b: ConnectorBuilder,
    expected: &[(&str, ErrorCode)],
) -> ValidationErrors {
    let result = b.build();
    let mut want: Vec<(String, ErrorCode)> = expected
        .iter()
        .map(|(f, c)| ((*f).to_owned(), *c))
        .collect();
    want.sort();
    assert_eq!(problems(&result), want, "full result: {result:#?}");
    match result {
        Err(e) => {
            assert!(!e.is_empty());
            for p in &e {
                assert!(!p.message.is_empty(), "empty message: {p:?}");
                assert!(p.connector.is_some(), "no connector name: {p:?}");
            }
            e
        }
        Ok(_) => unreachable!("an empty expectation must use `expect_ok`"),
    }
}

/// Builds and asserts success.
#[track_caller]
pub(crate) fn expect_ok(b: ConnectorBuilder) -> Connector {
    match b.build() {
        Ok(c) => c,
        Err(e) => panic!("expected a valid connector, got:\n{e}"),
    }
}

/// Asserts that the message reported for `field` mentions `needle` (the allowed range or rule).
#[track_caller]
pub(crate) fn assert_mentions(errors: &ValidationErrors, field: &str, needle: &str) {
    let msgs: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        !msgs.is_empty() && msgs.iter().all(|m| m.contains(needle)),
        "messages for {field} should mention {needle:?}: {msgs:?}"
    );
}
