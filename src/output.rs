//! Credentials as text for tools that are not written in Rust: `credential_process` JSON, shell
//! `export` lines, and a shared-credentials-file section (aws-rules.md §6).
//!
//! Every function returns a [`SecretString`]: the text holds the secret key, so printing it is an
//! explicit `expose_secret()` at the call site.

use secrecy::{ExposeSecret, SecretString};
use time::format_description::well_known::Rfc3339;

use crate::credentials::Credentials;

/// The JSON a `credential_process` must print: `Version`, `AccessKeyId`, `SecretAccessKey`, and
/// for temporary credentials `SessionToken` and `Expiration` (RFC 3339).
///
/// ```
/// use aws_connector::{output, Credentials};
/// use secrecy::ExposeSecret;
///
/// let c = Credentials::builder("AKIAIOSFODNN7EXAMPLE", "secret").build();
/// let json = output::credential_process_json(&c);
/// assert_eq!(
///     json.expose_secret(),
///     r#"{"AccessKeyId":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"secret","Version":1}"#
/// );
/// ```
pub fn credential_process_json(credentials: &Credentials) -> SecretString {
    let mut v = serde_json::json!({
        "Version": 1,
        "AccessKeyId": credentials.access_key_id(),
        "SecretAccessKey": credentials.secret_access_key().expose_secret(),
    });
    if let Some(token) = credentials.session_token() {
        v["SessionToken"] = token.expose_secret().into();
    }
    if let Some(exp) = expiration(credentials) {
        v["Expiration"] = exp.into();
    }
    SecretString::from(v.to_string())
}

/// `export NAME='value'` lines for a POSIX shell: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// and when present `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`. Values are single-quoted.
///
/// ```
/// use aws_connector::{output, Credentials};
/// use secrecy::ExposeSecret;
///
/// let c = Credentials::builder("AKIAIOSFODNN7EXAMPLE", "it's").build();
/// let env = output::env_exports(&c);
/// assert!(env.expose_secret().contains("export AWS_SECRET_ACCESS_KEY='it'\\''s'\n"));
/// ```
pub fn env_exports(credentials: &Credentials) -> SecretString {
    let mut out = String::new();
    for (name, value) in env_pairs(credentials) {
        out.push_str("export ");
        out.push_str(name);
        out.push('=');
        out.push_str(&shell_quote(value.expose_secret()));
        out.push('\n');
    }
    SecretString::from(out)
}

/// The environment variables as (name, value) pairs, e.g. to set on a child process.
pub fn env_pairs(credentials: &Credentials) -> Vec<(&'static str, SecretString)> {
    let mut v = vec![
        (
            "AWS_ACCESS_KEY_ID",
            SecretString::from(credentials.access_key_id().to_owned()),
        ),
        (
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key().clone(),
        ),
    ];
    if let Some(token) = credentials.session_token() {
        v.push(("AWS_SESSION_TOKEN", token.clone()));
    }
    if let Some(exp) = expiration(credentials) {
        v.push(("AWS_CREDENTIAL_EXPIRATION", SecretString::from(exp)));
    }
    v
}

/// A shared credentials file section: `[profile]` with `aws_access_key_id`,
/// `aws_secret_access_key` and, when present, `aws_session_token`.
///
/// ```
/// use aws_connector::{output, Credentials};
/// use secrecy::ExposeSecret;
///
/// let c = Credentials::builder("AKIAIOSFODNN7EXAMPLE", "secret").session_token("tok").build();
/// let ini = output::credentials_file_section(&c, "deploy");
/// assert_eq!(
///     ini.expose_secret(),
///     "[deploy]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = secret\naws_session_token = tok\n"
/// );
/// ```
pub fn credentials_file_section(credentials: &Credentials, profile: &str) -> SecretString {
    let mut out = format!(
        "[{profile}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        credentials.access_key_id(),
        credentials.secret_access_key().expose_secret()
    );
    if let Some(token) = credentials.session_token() {
        out.push_str("aws_session_token = ");
        out.push_str(token.expose_secret());
        out.push('\n');
    }
    SecretString::from(out)
}

fn expiration(credentials: &Credentials) -> Option<String> {
    credentials
        .expiry()
        .and_then(|e| e.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok())
}

/// Single-quotes `s` for a POSIX shell (`'` becomes `'\''`).
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn temporary_credentials_carry_token_and_expiry() {
        let c = Credentials::builder("ASIAEXAMPLE", "s$cret `x`")
            .session_token("tok")
            .expiry(datetime!(2030-01-02 03:04:05 +01:00))
            .build();
        let json: serde_json::Value =
            serde_json::from_str(credential_process_json(&c).expose_secret()).unwrap_or_default();
        assert_eq!(json["Version"], 1);
        assert_eq!(json["SessionToken"], "tok");
        assert_eq!(json["Expiration"], "2030-01-02T02:04:05Z");
        let env = env_exports(&c);
        assert!(env
            .expose_secret()
            .contains("export AWS_SECRET_ACCESS_KEY='s$cret `x`'\n"));
        assert!(env
            .expose_secret()
            .contains("export AWS_CREDENTIAL_EXPIRATION='2030-01-02T02:04:05Z'\n"));
    }
}
