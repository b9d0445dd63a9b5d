//! Console sign-in against a federation test server on 127.0.0.1 that checks the exact
//! getSigninToken request (aws-rules.md §4), plus the console column of the access matrix.
#![cfg(feature = "console")]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aws_connector::{
    provide_fn, Caller, Connector, ConsoleError, ConsoleOptions, CredentialSource, Credentials,
    PrincipalType, Registry, Scope, SharedCredentialProvider,
};
use common::federation::{federation_server, param, query};

fn temporary() -> Credentials {
    Credentials::builder("ASIATESTKEY", "SENTINEL-CONSOLE-SECRET")
        .session_token("SESSION-TOKEN")
        .build()
}

fn registry(connectors: Vec<Connector>, admins: bool, calls: Arc<AtomicUsize>) -> Registry {
    let mut b = Registry::builder()
        .admins_see_all_connectors(admins)
        .provider_factory(move |c, _| {
            let calls = calls.clone();
            let long_term =
                c.principal() == PrincipalType::Provided && !c.source().is_machine_role();
            Ok(SharedCredentialProvider::new(provide_fn(
                "fake",
                move || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    async move {
                        Ok(if long_term {
                            Credentials::builder("AKIALONGTERM", "long-term-secret").build()
                        } else {
                            temporary()
                        })
                    }
                },
            )))
        });
    for c in connectors {
        b = b.connector(c);
    }
    b.build().unwrap_or_else(|e| panic!("{e}"))
}

fn key() -> CredentialSource {
    CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "s")
}

fn assume_role(name: &str, source: CredentialSource) -> Connector {
    Connector::builder(name)
        .source(source)
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/Console")
        .duration_secs(7200)
        .group("dev")
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn federated() -> Connector {
    Connector::builder("fed")
        .source(key())
        .principal(PrincipalType::FederatedUser)
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .group("dev")
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn session_token() -> Connector {
    Connector::builder("session")
        .source(key())
        .principal(PrincipalType::SessionToken)
        .group("dev")
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn provided(name: &str, source: CredentialSource) -> Connector {
    Connector::builder(name)
        .source(source)
        .principal(PrincipalType::Provided)
        .group("dev")
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn login_url_is_built_from_the_signin_token() {
    let (endpoint, seen) = federation_server().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let reg = registry(vec![assume_role("role", key()), federated()], true, calls);
    let alice = Caller::user("alice").with_group("dev");
    let opts = ConsoleOptions::new()
        .federation_endpoint(&endpoint)
        .issuer("https://broker.example.com/login")
        .destination("https://console.aws.amazon.com/s3/home?region=us-east-1");

    let url = reg
        .console_url(&alice, "role", &opts)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(format!("{url:?}"), "SignInUrl(** redacted **)");
    let login = query(url.expose_secret());
    assert!(url.expose_secret().starts_with(&format!("{endpoint}?")));
    assert_eq!(param(&login, "Action"), Some("login"));
    assert_eq!(
        param(&login, "Issuer"),
        Some("https://broker.example.com/login")
    );
    assert_eq!(
        param(&login, "Destination"),
        Some("https://console.aws.amazon.com/s3/home?region=us-east-1")
    );
    assert_eq!(param(&login, "SigninToken"), Some("TOKEN-abc/123+="));

    let req = seen.lock().expect("seen")[0].clone();
    assert_eq!(
        param(&req, "SessionDuration"),
        Some("7200"),
        "AssumeRole from a key sends it"
    );
    let session: serde_json::Value =
        serde_json::from_str(param(&req, "Session").unwrap_or("{}")).unwrap_or_default();
    assert_eq!(session["sessionId"], "ASIATESTKEY");
    assert_eq!(session["sessionKey"], "SENTINEL-CONSOLE-SECRET");
    assert_eq!(session["sessionToken"], "SESSION-TOKEN");

    reg.console_url(&alice, "fed", &opts)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let req = seen.lock().expect("seen")[1].clone();
    assert_eq!(
        param(&req, "SessionDuration"),
        None,
        "never for GetFederationToken"
    );
}

#[tokio::test]
async fn session_duration_is_omitted_for_possibly_chained_roles() {
    let (endpoint, seen) = federation_server().await;
    let reg = registry(
        vec![assume_role("machine", CredentialSource::machine_role())],
        true,
        Arc::default(),
    );
    let opts = ConsoleOptions::new().federation_endpoint(&endpoint);
    let url = reg
        .console_url(&Caller::user("a").with_group("dev"), "machine", &opts)
        .await;
    assert!(url.is_ok(), "{url:?}");
    assert_eq!(
        param(&seen.lock().expect("seen")[0], "SessionDuration"),
        None
    );
}

#[tokio::test]
async fn refusals_happen_before_any_http_or_sts_call() {
    let (endpoint, seen) = federation_server().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let reg = registry(
        vec![
            session_token(),
            provided("static", key()),
            assume_role("role", key()),
        ],
        true,
        calls.clone(),
    );
    let alice = Caller::user("alice").with_group("dev");
    let opts = ConsoleOptions::new().federation_endpoint(&endpoint);
    for name in ["session", "static"] {
        let err = reg
            .console_url(&alice, name, &opts)
            .await
            .expect_err("refused");
        assert!(
            matches!(err, ConsoleError::NotSupported { .. }),
            "{name}: {err}"
        );
        assert!(err.to_string().contains(name), "{err}");
    }
    let bad_dest = ConsoleOptions::new()
        .federation_endpoint(&endpoint)
        .destination("https://evil.example.com/");
    let err = reg
        .console_url(&alice, "role", &bad_dest)
        .await
        .expect_err("refused");
    assert!(
        matches!(err, ConsoleError::InvalidDestination { .. }),
        "{err}"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "only the destination check came after STS"
    );
    assert!(
        seen.lock().expect("seen").is_empty(),
        "no federation request was made"
    );
}

#[tokio::test]
async fn federation_errors_are_typed() {
    let reg = registry(vec![assume_role("role", key())], true, Arc::default());
    let alice = Caller::user("alice").with_group("dev");
    // nothing listens on port 9 of 127.0.0.1 here: connection refused is retryable
    let opts = ConsoleOptions::new().federation_endpoint("http://127.0.0.1:9/federation");
    let err = reg
        .console_url(&alice, "role", &opts)
        .await
        .expect_err("refused connection");
    assert!(
        matches!(err, ConsoleError::Transport { .. }) && err.is_retryable(),
        "{err}"
    );
    let (endpoint, _) = federation_server().await;
    let wrong_path = endpoint.replace("/federation", "/other");
    let opts = ConsoleOptions::new().federation_endpoint(wrong_path);
    let err = reg
        .console_url(&alice, "role", &opts)
        .await
        .expect_err("400");
    assert!(
        matches!(err, ConsoleError::Federation { status: 400, .. }),
        "{err}"
    );
    assert!(!format!("{err} {err:?}").contains("SENTINEL-CONSOLE-SECRET"));
}

/// The console column of the access matrix: the same decisions as `credentials`.
#[tokio::test]
async fn console_access_matrix() {
    let (endpoint, _) = federation_server().await;
    let opts = ConsoleOptions::new().federation_endpoint(&endpoint);
    let mk = |name: &str, groups: bool, system: bool| {
        let mut b = Connector::builder(name)
            .source(key())
            .principal(PrincipalType::AssumeRole)
            .role_arn("arn:aws:iam::123456789012:role/R");
        if groups {
            b = b.group("dev");
        }
        if system {
            b = b.scope(Scope::System);
        }
        b.build().unwrap_or_else(|e| panic!("{e}"))
    };
    let connectors = || {
        vec![
            mk("groups-user", true, false),
            mk("nogroups-user", false, false),
            mk("groups-system", true, true),
            mk("nogroups-system", false, true),
        ]
    };
    let cases: Vec<(Caller, bool, Vec<&str>)> = vec![
        (
            Caller::user("a").with_group("dev"),
            true,
            vec!["groups-user", "groups-system"],
        ),
        (Caller::user("b").with_group("x"), true, vec![]),
        (
            Caller::user("c").with_admin(true),
            true,
            vec![
                "groups-user",
                "nogroups-user",
                "groups-system",
                "nogroups-system",
            ],
        ),
        (Caller::user("c").with_admin(true), false, vec![]),
        (
            Caller::system(),
            true,
            vec!["groups-system", "nogroups-system"],
        ),
    ];
    for (caller, setting, allowed) in cases {
        let reg = registry(connectors(), setting, Arc::default());
        for c in [
            "groups-user",
            "nogroups-user",
            "groups-system",
            "nogroups-system",
        ] {
            let r = reg.console_url(&caller, c, &opts).await;
            assert_eq!(
                r.is_ok(),
                allowed.contains(&c),
                "{caller} × {c} (setting {setting}): {r:?}"
            );
            if let Err(e) = r {
                assert!(matches!(e, ConsoleError::Access(_)), "{e}");
            }
        }
    }
}
