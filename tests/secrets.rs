//! A sentinel secret never shows up where it could be logged (style.md §4, issue 2).
//!
//! The sentinels are placed in an access key's secret and in credentials' secret and session
//! token; then every public type that holds them is formatted with `Debug` (`{:?}` and `{:#?}`),
//! and every error with `Display`, `Debug` and its whole `source()` chain. To cover a new type,
//! add its output to [`outputs`]: each entry is `(what, formatted text)`.

mod common;

use std::error::Error;
use std::fmt::{Debug, Display};

use aws_connector::{
    provide_fn, AccessKey, Connector, ConnectorBuilder, CredentialError, CredentialProvider,
    CredentialSource, Credentials, ErrorKind, PrincipalType, SharedCredentialProvider,
    StaticKeyProvider, ValidationErrors,
};
use common::KEY_ID;
use secrecy::ExposeSecret;
use time::macros::datetime;

const SECRET: &str = "SENTINEL-SECRET-7f3a9";
const TOKEN: &str = "SENTINEL-TOKEN-7f3a9";
/// Fragments that must not appear either (catches a truncated or re-quoted sentinel).
const FRAGMENTS: [&str; 4] = [SECRET, TOKEN, "SENTINEL", "7f3a9"];

/// Collected `(what, text)` outputs.
#[derive(Default)]
struct Outputs(Vec<(String, String)>);

impl Outputs {
    /// `{:?}` and `{:#?}`.
    fn debug(&mut self, what: &str, value: &dyn Debug) {
        self.0
            .push((format!("{what} {{:?}}"), format!("{value:?}")));
        self.0
            .push((format!("{what} {{:#?}}"), format!("{value:#?}")));
    }

    /// `{}`.
    fn display(&mut self, what: &str, value: &dyn Display) {
        self.0.push((format!("{what} {{}}"), value.to_string()));
    }

    /// `Display`, `Debug`, and the same for every error in its `source()` chain.
    fn error(&mut self, what: &str, err: &(dyn Error + 'static)) {
        let mut current = Some(err);
        let mut depth = 0;
        while let Some(e) = current {
            let what = format!("{what} (source {depth})");
            self.display(&what, e);
            self.debug(&what, e);
            current = e.source();
            depth += 1;
        }
    }
}

fn key() -> AccessKey {
    AccessKey::new(KEY_ID, SECRET)
}

fn credentials() -> Credentials {
    Credentials::builder("ASIAEXAMPLEEXAMPLE", SECRET)
        .session_token(TOKEN)
        .expiry(datetime!(2030-01-01 00:00 UTC))
        .provider_name("sentinel")
        .build()
}

fn builder(p: PrincipalType, source: CredentialSource) -> ConnectorBuilder {
    let b = Connector::builder("sentinel").source(source).principal(p);
    if p == PrincipalType::AssumeRole {
        b.role_arn(common::ROLE_ARN)
    } else {
        b
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
        .block_on(f)
}

/// Every output that must be free of the sentinels.
fn outputs() -> Outputs {
    let mut out = Outputs::default();

    // Sources and keys.
    let root = key().with_account_root(true);
    out.debug("AccessKey", &key());
    out.debug("AccessKey (root)", &root);
    out.debug("SecretString of an AccessKey", key().secret_access_key());
    out.debug(
        "CredentialSource::access_key",
        &CredentialSource::access_key(KEY_ID, SECRET),
    );
    out.debug(
        "CredentialSource from a root key",
        &CredentialSource::from(root.clone()),
    );
    out.display(
        "CredentialSource::describe",
        &CredentialSource::from(root).describe(),
    );

    // Builders and connectors of every principal type, with an IAM-user and a root key.
    for p in PrincipalType::ALL {
        for source in [key(), key().with_account_root(true)] {
            let what = format!(
                "{p} with {}",
                CredentialSource::from(source.clone()).describe()
            );
            let b = builder(p, source.into());
            out.debug(&format!("ConnectorBuilder ({what})"), &b);
            match b.build() {
                Ok(c) => {
                    out.debug(&format!("Connector ({what})"), &c);
                    out.debug(&format!("Connector::source ({what})"), c.source());
                    out.debug(&format!("Connector::warnings ({what})"), &c.warnings());
                    for w in c.warnings() {
                        out.display(&format!("warning ({what})"), w);
                    }
                }
                Err(e) => out.error(&format!("ValidationErrors ({what})"), &e),
            }
        }
    }

    // Validation errors about the key itself, right next to the secret.
    for id in ["bad key id", "akiaiosfodnn7example", "A", ""] {
        let b = builder(
            PrincipalType::AssumeRole,
            CredentialSource::access_key(id, SECRET),
        );
        let e: ValidationErrors = b.build().expect_err("an invalid key id");
        out.error(&format!("ValidationErrors (key id {id:?})"), &e);
        for p in &e {
            out.display("ValidationError", p);
            out.debug("ValidationError", p);
        }
    }

    // Credentials and their builder.
    out.debug("Credentials", &credentials());
    out.debug(
        "Credentials (long-term)",
        &Credentials::builder(KEY_ID, SECRET).build(),
    );
    out.debug(
        "CredentialsBuilder",
        &Credentials::builder(KEY_ID, SECRET).session_token(TOKEN),
    );
    out.debug(
        "SecretString of Credentials",
        credentials().secret_access_key(),
    );
    out.debug(
        "session token of Credentials",
        &credentials().session_token(),
    );

    // Providers, and what they provide.
    let fixed = StaticKeyProvider::new(credentials());
    out.debug("StaticKeyProvider::new", &fixed);
    out.debug(
        "StaticKeyProvider::from_access_key",
        &StaticKeyProvider::from_access_key(&key()),
    );
    let shared = SharedCredentialProvider::new(fixed.clone());
    out.debug("SharedCredentialProvider", &shared);
    let creds = credentials();
    let closure = provide_fn("sentinel", move || {
        let c = creds.clone();
        async move { Ok(c) }
    });
    out.debug("ProvideFn", &closure);
    out.debug(
        "SharedCredentialProvider(ProvideFn)",
        &SharedCredentialProvider::new(provide_fn("sentinel", || async { Ok(credentials()) })),
    );
    for (what, provided) in [
        ("StaticKeyProvider::provide", block_on(fixed.provide())),
        (
            "SharedCredentialProvider::provide",
            block_on(shared.provide()),
        ),
        ("ProvideFn::provide", block_on(closure.provide())),
    ] {
        out.debug(what, &provided);
    }

    // Run-time errors, every variant, as the crate's constructors build them.
    let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
    let errors: Vec<(&str, CredentialError)> = vec![
        (
            "NotLoaded",
            CredentialError::not_loaded("no machine role on this host"),
        ),
        (
            "InvalidConfiguration",
            CredentialError::invalid_configuration("no region for partition aws-cn"),
        ),
        (
            "Service",
            CredentialError::service(
                "AssumeRole",
                "AccessDenied",
                "not authorized to perform sts:AssumeRole",
            ),
        ),
        (
            "Transport",
            CredentialError::transport("sts AssumeRole request", ErrorKind::Transient, refused),
        ),
        (
            "MalformedResponse",
            CredentialError::malformed("no Credentials in the answer"),
        ),
        (
            "Other",
            CredentialError::other(ErrorKind::Other, "custom provider failed"),
        ),
        (
            "Expired",
            CredentialError::Expired {
                expired_at: datetime!(2020-01-01 00:00 UTC),
            },
        ),
    ];
    for (what, e) in &errors {
        out.error(&format!("CredentialError::{what}"), e);
        out.debug(&format!("CredentialError::{what} kind"), &e.kind());
    }
    // A provider failing while holding the credentials.
    let failing = provide_fn("sentinel", || async {
        let _held = credentials();
        Err(CredentialError::other(ErrorKind::AccessDenied, "refused"))
    });
    out.debug("failing ProvideFn", &failing);
    if let Err(e) = block_on(failing.provide()) {
        out.error("failing ProvideFn::provide", &e);
    }

    out
}

/// At least `min` outputs were collected and none holds a sentinel fragment.
#[track_caller]
fn assert_no_leaks(out: &Outputs, min: usize) {
    assert!(out.0.len() >= min, "only {} outputs collected", out.0.len());
    let leaks: Vec<String> = out
        .0
        .iter()
        .filter(|(_, text)| FRAGMENTS.iter().any(|f| text.contains(f)))
        .map(|(what, text)| format!("{what}: {text}"))
        .collect();
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}

#[test]
fn the_sentinels_are_really_there() {
    // Guards against a vacuous test: the secrets are held, just not shown.
    assert_eq!(key().secret_access_key().expose_secret(), SECRET);
    let c = credentials();
    assert_eq!(c.secret_access_key().expose_secret(), SECRET);
    assert_eq!(c.session_token().map(|t| t.expose_secret()), Some(TOKEN));
    let connector = builder(PrincipalType::AssumeRole, key().into())
        .build()
        .expect("a valid connector");
    let held = connector.source().as_access_key().expect("an access key");
    assert_eq!(held.secret_access_key().expose_secret(), SECRET);
    let provided = block_on(StaticKeyProvider::from_access_key(&key()).provide()).unwrap();
    assert_eq!(provided.secret_access_key().expose_secret(), SECRET);
}

#[test]
fn no_output_shows_a_sentinel() {
    assert_no_leaks(&outputs(), 100);
}

#[test]
fn redaction_is_visible() {
    // The redacted fields are still there, so a reader knows a secret exists.
    let out = outputs();
    for what in [
        "AccessKey {:?}",
        "Credentials {:?}",
        "CredentialsBuilder {:?}",
    ] {
        let (_, text) = out.0.iter().find(|(w, _)| w == what).expect(what);
        assert!(text.contains("** redacted **"), "{what}: {text}");
    }
    let (_, creds) = out.0.iter().find(|(w, _)| w == "Credentials {:?}").unwrap();
    assert_eq!(
        creds.matches("** redacted **").count(),
        2,
        "secret and session token: {creds}"
    );
}

/// The product types around connectors: config, registry, callers and denials, provider options,
/// MFA codes, STS providers, console errors.
fn product_outputs() -> Outputs {
    let mut out = Outputs::default();
    let conn = builder(PrincipalType::AssumeRole, key().into())
        .group("dev")
        .build()
        .expect("valid");

    #[cfg(feature = "config")]
    {
        let text = format!(
            "[access_keys.k]\naccess_key_id = \"{KEY_ID}\"\nsecret_access_key = \"{SECRET}\"\n\
             [connectors.c]\ncredentials = \"k\"\nprincipal = \"session-token\"\ngroups = [\"dev\"]\n"
        );
        let config = aws_connector::Config::from_toml_str(&text).expect("valid config");
        out.debug("Config", &config);
        let registry = aws_connector::Registry::from_config(config);
        out.debug("Registry (from config)", &registry);
        let bad = text.replace(
            "principal = \"session-token\"",
            "principal = \"session-token\"\nduration = 5",
        );
        let e = aws_connector::Config::from_toml_str(&bad).expect_err("invalid");
        out.error("ConfigError::Invalid", &e);
        let syntax = format!("{text}\nduration = \"{SECRET}\"\n[");
        let e = aws_connector::Config::from_toml_str(&syntax).expect_err("malformed");
        out.error("ConfigError::Syntax (secret in the file)", &e);
    }

    let registry = aws_connector::Registry::builder()
        .connector(conn.clone())
        .provider_factory(|_, _| {
            Ok(SharedCredentialProvider::new(provide_fn(
                "sentinel",
                || async {
                    let _held = credentials();
                    Err(CredentialError::other(ErrorKind::AccessDenied, "refused"))
                },
            )))
        })
        .build()
        .expect("registry");
    out.debug("Registry", &registry);
    let caller = aws_connector::Caller::user("alice").with_group("dev");
    out.debug("Caller", &caller);
    out.display("Caller", &caller);
    let denied = registry
        .check_access(&aws_connector::Caller::system(), "test")
        .expect_err("denied");
    out.error("AccessError", &denied);
    let failed = block_on(registry.credentials(&caller, "test")).expect_err("refused");
    out.error("IssueError::Credentials", &failed);

    let env = aws_connector::Environment::from_vars([
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
    ]);
    out.debug("Environment", &env);
    let options =
        aws_connector::ProviderOptions::new()
            .environment(env)
            .mfa(aws_connector::mfa_fn(|_| async {
                aws_connector::MfaCode::new("123456")
                    .map_err(|e| CredentialError::other(ErrorKind::Other, e.to_string()))
            }));
    out.debug("ProviderOptions", &options);
    let bad_code = aws_connector::MfaCode::new(SECRET).expect_err("not 6 digits");
    out.error("InvalidMfaCode", &bad_code);
    out.debug(
        "MfaCode",
        &aws_connector::MfaCode::new("123456").expect("6 digits"),
    );

    #[cfg(feature = "sts")]
    {
        let sts = aws_connector::StsProvider::new(&conn, &options).expect("sts provider");
        out.debug("StsProvider", &sts);
        let p = aws_connector::connector_provider(&conn, &options).expect("provider");
        out.debug("connector_provider", &p);
    }
    #[cfg(feature = "console")]
    {
        let c = builder(PrincipalType::SessionToken, key().into())
            .build()
            .expect("valid");
        let e = aws_connector::check_console(&c).expect_err("refused");
        out.error("ConsoleError::NotSupported", &e);
        out.debug("ConsoleOptions", &aws_connector::ConsoleOptions::new());
    }
    out
}

#[test]
fn product_types_hide_the_sentinel() {
    assert_no_leaks(&product_outputs(), 20);
}
