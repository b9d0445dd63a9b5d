//! The access matrix (DESIGN.md "Access"): every caller kind × every connector kind, for
//! `check_access`, `visible` and `credentials`; a denied caller never reaches the backend.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aws_connector::{
    provide_fn, AccessError, Caller, Connector, CredentialSource, Credentials, PrincipalType,
    Registry, Scope, SharedCredentialProvider,
};

#[derive(Clone, Copy, Debug, PartialEq)]
enum C {
    GroupsUser,
    NoGroupsUser,
    GroupsSystem,
    NoGroupsSystem,
}

const CONNECTORS: [C; 4] = [
    C::GroupsUser,
    C::NoGroupsUser,
    C::GroupsSystem,
    C::NoGroupsSystem,
];

fn name(c: C) -> &'static str {
    match c {
        C::GroupsUser => "groups-user",
        C::NoGroupsUser => "nogroups-user",
        C::GroupsSystem => "groups-system",
        C::NoGroupsSystem => "nogroups-system",
    }
}

fn connector(c: C) -> Connector {
    let mut b = Connector::builder(name(c))
        .source(CredentialSource::machine_role())
        .principal(PrincipalType::Provided);
    if matches!(c, C::GroupsUser | C::GroupsSystem) {
        b = b.group("dev");
    }
    if matches!(c, C::GroupsSystem | C::NoGroupsSystem) {
        b = b.scope(Scope::System);
    }
    b.build().unwrap_or_else(|e| panic!("{e}"))
}

fn registry(admins_see_all: bool, calls: Arc<AtomicUsize>) -> Registry {
    let mut b = Registry::builder()
        .admins_see_all_connectors(admins_see_all)
        .provider_factory(move |c, user| {
            let calls = calls.clone();
            let id = format!("AKIA{}{}", c.name().len(), user.map_or(0, str::len));
            Ok(SharedCredentialProvider::new(provide_fn(
                "fake",
                move || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    let id = id.clone();
                    async move { Ok(Credentials::builder(id, "fake-secret").build()) }
                },
            )))
        });
    for c in CONNECTORS {
        b = b.connector(connector(c));
    }
    b.build().unwrap_or_else(|e| panic!("{e}"))
}

/// (caller description, caller, admins_see_all_connectors, allowed connectors)
fn matrix() -> Vec<(&'static str, Caller, bool, Vec<C>)> {
    let in_group = Caller::user("alice").with_group("dev");
    let no_group = Caller::user("bob").with_group("other");
    let admin = Caller::user("root-admin").with_admin(true);
    let admin_in_group = Caller::user("admin2").with_admin(true).with_group("dev");
    vec![
        (
            "user in a granted group",
            in_group.clone(),
            true,
            vec![C::GroupsUser, C::GroupsSystem],
        ),
        (
            "user in a granted group, setting off",
            in_group,
            false,
            vec![C::GroupsUser, C::GroupsSystem],
        ),
        ("user in no granted group", no_group.clone(), true, vec![]),
        (
            "user in no granted group, setting off",
            no_group,
            false,
            vec![],
        ),
        (
            "admin, setting on",
            admin.clone(),
            true,
            CONNECTORS.to_vec(),
        ),
        ("admin, setting off", admin, false, vec![]),
        (
            "admin in a granted group, setting off",
            admin_in_group,
            false,
            vec![C::GroupsUser, C::GroupsSystem],
        ),
        (
            "system",
            Caller::system(),
            true,
            vec![C::GroupsSystem, C::NoGroupsSystem],
        ),
        (
            "system, setting off",
            Caller::system(),
            false,
            vec![C::GroupsSystem, C::NoGroupsSystem],
        ),
    ]
}

#[tokio::test]
async fn every_caller_times_every_connector() {
    for (what, caller, setting, allowed) in matrix() {
        let calls = Arc::new(AtomicUsize::new(0));
        let reg = registry(setting, calls.clone());
        let visible: Vec<&str> = reg.visible(&caller).iter().map(|c| c.name()).collect();
        let mut want: Vec<&str> = allowed.iter().map(|c| name(*c)).collect();
        want.sort_unstable();
        assert_eq!(visible, want, "visible for {what}");
        for c in CONNECTORS {
            let ok = allowed.contains(&c);
            let access = reg.check_access(&caller, name(c));
            assert_eq!(
                access.is_ok(),
                ok,
                "check_access {what} × {c:?}: {access:?}"
            );
            let before = calls.load(Ordering::SeqCst);
            let creds = reg.credentials(&caller, name(c)).await;
            assert_eq!(creds.is_ok(), ok, "credentials {what} × {c:?}");
            let after = calls.load(Ordering::SeqCst);
            assert_eq!(
                after - before,
                usize::from(ok),
                "backend calls {what} × {c:?}"
            );
            if let Err(e) = creds {
                let denial = e
                    .as_access()
                    .unwrap_or_else(|| panic!("{what} × {c:?}: {e}"));
                assert_eq!(denial.connector(), name(c));
                let expected_rule = match &caller {
                    Caller::System => matches!(denial, AccessError::SystemScopeRequired { .. }),
                    _ => matches!(denial, AccessError::NotInGroups { .. }),
                };
                assert!(expected_rule, "{what} × {c:?}: {denial}");
                assert!(e.to_string().contains(name(c)), "{e}");
            }
        }
    }
}

#[tokio::test]
async fn unknown_connectors_are_named() {
    let reg = registry(true, Arc::new(AtomicUsize::new(0)));
    let err = reg
        .credentials(&Caller::system(), "nope")
        .await
        .expect_err("no such connector");
    assert_eq!(
        err.as_access(),
        Some(&AccessError::UnknownConnector {
            connector: "nope".into()
        })
    );
    assert_eq!(err.to_string(), "no connector named `nope`");
}

#[tokio::test]
async fn providers_are_shared_per_connector_or_per_user() {
    let made = Arc::new(AtomicUsize::new(0));
    let m = made.clone();
    let templated = Connector::builder("per-user")
        .source(CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "s"))
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/R")
        .session_name("s-{user}")
        .group("dev")
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let fixed = Connector::builder("shared")
        .source(CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "s"))
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/R")
        .session_name("fixed-name")
        .group("dev")
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(templated.depends_on_user() && !fixed.depends_on_user());
    let reg = Registry::builder()
        .connector(templated)
        .connector(fixed)
        .provider_factory(move |_, _| {
            m.fetch_add(1, Ordering::SeqCst);
            Ok(SharedCredentialProvider::new(provide_fn(
                "fake",
                || async { Ok(Credentials::builder("AKIAFAKE", "s").build()) },
            )))
        })
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let alice = Caller::user("alice").with_group("dev");
    let bob = Caller::user("bob").with_group("dev");
    for caller in [&alice, &bob, &alice, &bob] {
        reg.provider(caller, "per-user")
            .unwrap_or_else(|e| panic!("{e}"));
        reg.provider(caller, "shared")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    // one per user for the templated connector, one in all for the fixed one
    assert_eq!(made.load(Ordering::SeqCst), 3);
}

#[test]
fn duplicate_names_are_rejected() {
    let err = Registry::builder()
        .connector(connector(C::GroupsUser))
        .connector(connector(C::GroupsUser))
        .build()
        .expect_err("duplicate names");
    assert_eq!(
        err.iter().next().map(|e| e.code.as_str()),
        Some("duplicate_key")
    );
}

/// Many callers racing on first use still make one provider per (connector, user).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_first_use_makes_each_provider_once() {
    let made = Arc::new(AtomicUsize::new(0));
    let m = made.clone();
    let per_user = Connector::builder("per-user")
        .source(CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "s"))
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/R")
        .session_name("s-{user}")
        .group("dev")
        .scope(Scope::System)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let reg = Arc::new(
        Registry::builder()
            .connector(per_user)
            .provider_factory(move |_, _| {
                m.fetch_add(1, Ordering::SeqCst);
                Ok(SharedCredentialProvider::new(provide_fn(
                    "fake",
                    || async { Ok(Credentials::builder("AKIAFAKE", "s").build()) },
                )))
            })
            .build()
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let callers = [
        Caller::user("alice").with_group("dev"),
        Caller::user("bob").with_group("dev"),
        Caller::system(),
    ];
    let tasks: Vec<_> = (0..300)
        .map(|i| {
            let reg = reg.clone();
            let caller = callers[i % 3].clone();
            tokio::spawn(async move { reg.credentials(&caller, "per-user").await.is_ok() })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap_or(false));
    }
    // alice, bob, and the system caller (whose `{user}` renders as `system`)
    assert_eq!(made.load(Ordering::SeqCst), 3);
}
