//! CLI commands that need no STS endpoint: list, credentials (Provided static key) in every
//! format, console refusals, CALLER options and exit codes (DESIGN.md CLI contract).
#![cfg(feature = "cli")]

use std::process::{Command, Output};

const SECRET: &str = "SENTINEL-CLI-SECRET";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aws-connector"))
        .args(["--config", "examples/connectors.toml"])
        .args(args)
        .env("CI_USER_SECRET", SECRET)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn list_shows_only_what_the_caller_may_use() {
    let dev = run(&["list", "--user", "alice", "--group", "developers"]);
    assert_eq!(dev.status.code(), Some(0));
    let names: Vec<String> = stdout(&dev)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_owned())
        .collect();
    assert_eq!(names, ["deploy", "static-dev"]);
    let system = run(&["list", "--system"]);
    assert_eq!(stdout(&system).lines().count(), 1, "{}", stdout(&system));
    assert!(stdout(&system).starts_with("ci-session\tsession-token\tsystem"));
    let default_caller = run(&["list"]);
    assert_eq!(
        stdout(&default_caller),
        stdout(&system),
        "the default caller is --system"
    );
    let admin = run(&["list", "--user", "root", "--admin"]);
    assert_eq!(stdout(&admin).lines().count(), 4);
    let nobody = run(&["list", "--user", "bob", "--group", "nobody"]);
    assert_eq!(nobody.status.code(), Some(0));
    assert_eq!(stdout(&nobody), "");
}

#[test]
fn credentials_in_every_format() {
    let base = [
        "credentials",
        "static-dev",
        "--user",
        "alice",
        "--group",
        "developers",
    ];
    let cp = run(&[&base[..], &["--format", "credential-process"]].concat());
    assert_eq!(cp.status.code(), Some(0), "{}", stderr(&cp));
    let v: serde_json::Value = serde_json::from_slice(&cp.stdout).expect("json");
    assert_eq!(v["Version"], 1);
    assert_eq!(v["AccessKeyId"], "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(v["SecretAccessKey"], SECRET);
    assert!(
        v.get("SessionToken").is_none() && v.get("Expiration").is_none(),
        "long-term: {v}"
    );

    let env = run(&[&base[..], &["--format", "env"]].concat());
    assert_eq!(
        stdout(&env),
        format!("export AWS_ACCESS_KEY_ID='AKIAIOSFODNN7EXAMPLE'\nexport AWS_SECRET_ACCESS_KEY='{SECRET}'\n")
    );
    let ini = run(&[&base[..], &["--format", "ini"]].concat());
    assert_eq!(
        stdout(&ini),
        format!("[static-dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {SECRET}\n")
    );
    let json = run(&[&base[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["connector"], "static-dev");
    assert_eq!(v["principal"], "provided");
    for o in [&cp, &env, &ini, &json] {
        assert!(!stderr(o).contains(SECRET));
    }
}

#[test]
fn denied_callers_exit_3_with_one_line() {
    for args in [
        vec!["credentials", "static-dev", "--system"],
        vec![
            "credentials",
            "static-dev",
            "--user",
            "bob",
            "--group",
            "nobody",
        ],
        vec!["console", "static-dev", "--user", "bob"],
        vec!["credentials", "no-such-connector", "--user", "bob"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: access denied: "), "{err}");
        assert!(!err.contains(SECRET));
    }
    let admin_off = Command::new(env!("CARGO_BIN_EXE_aws-connector"))
        .args([
            "--config",
            "tests/data/admins-off.toml",
            "credentials",
            "static",
            "--user",
            "root",
            "--admin",
        ])
        .output()
        .expect("runs");
    assert_eq!(admin_off.status.code(), Some(3), "{}", stderr(&admin_off));
    assert!(stderr(&admin_off).contains("admins_see_all_connectors"));
}

#[test]
fn console_refuses_long_term_keys_with_exit_1() {
    let out = run(&[
        "console",
        "static-dev",
        "--user",
        "alice",
        "--group",
        "developers",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot sign in to the console"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn an_invalid_config_exits_2_for_every_command() {
    for cmd in [
        vec!["list"],
        vec!["credentials", "deploy"],
        vec!["console", "deploy"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_aws-connector"))
            .args(["--config", "examples/invalid.toml"])
            .args(&cmd)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        assert!(stderr(&out).contains("run `validate`"), "{}", stderr(&out));
    }
}

#[test]
fn caller_options_are_checked() {
    let out = run(&["list", "--user", "a", "--system"]);
    assert_eq!(out.status.code(), Some(2), "clap usage error");
    let out = run(&["list", "--group", "g"]);
    assert_eq!(out.status.code(), Some(2), "--group needs --user");
}
