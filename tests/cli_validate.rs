//! `aws-connector validate`: output formats and exit codes (DESIGN.md, CLI contract).
#![cfg(feature = "cli")]

use std::process::{Command, Output};

fn run(args: &[&str], secret: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aws-connector"));
    cmd.args(args).env_remove("CI_USER_SECRET");
    if secret {
        cmd.env("CI_USER_SECRET", "cli-test-secret");
    }
    cmd.output().expect("the binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn valid_config_exits_0() {
    let out = run(
        &[
            "--config",
            "examples/connectors.toml",
            "validate",
            "--format",
            "json",
        ],
        true,
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["valid"], true);
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0));
    let text = run(&["--config", "examples/connectors.toml", "validate"], true);
    assert_eq!(text.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("valid, 4 connectors"), "{stdout}");
    assert!(stdout.contains("long_term_key"), "{stdout}");
}

#[test]
fn invalid_config_lists_every_error_and_exits_2() {
    let out = run(
        &[
            "--config",
            "examples/invalid.toml",
            "validate",
            "--format",
            "json",
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["valid"], false);
    let errors = v["errors"].as_array().cloned().unwrap_or_default();
    assert_eq!(errors.len(), 10);
    for e in &errors {
        for k in ["connector", "field", "code", "message"] {
            assert!(e.get(k).is_some(), "{k} missing in {e}");
        }
    }
    assert!(errors.iter().any(|e| e["connector"] == "deploy"
        && e["field"] == "duration"
        && e["code"] == "duration_out_of_range"
        && e["message"]
            .as_str()
            .is_some_and(|m| m.contains("900..=43200"))));
    let text = run(&["--config", "examples/invalid.toml", "validate"], false);
    assert_eq!(text.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&text.stdout).contains("10 problems"));
}

#[test]
fn missing_secret_env_is_invalid() {
    let out = run(
        &[
            "--config",
            "examples/connectors.toml",
            "validate",
            "--format",
            "json",
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        json(&out)["errors"][0]["field"],
        "access_keys.ci-user.secret_access_key_env"
    );
}

#[test]
fn malformed_config_exits_2_with_syntax_error() {
    let dir = std::env::temp_dir().join(format!("aws-connector-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bad.toml");
    std::fs::write(
        &path,
        "[connectors.a]\nprincipal = \"provided\"\nduration = \"x\"\n",
    )
    .expect("write");
    let out = run(
        &[
            "--config",
            path.to_str().expect("utf-8 path"),
            "validate",
            "--format",
            "json",
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["errors"][0]["code"], "syntax_error");
    assert_eq!(v["errors"][0]["field"], "connectors.a.duration");
    assert!(v["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("line 3")));
}

#[test]
fn unreadable_file_exits_1() {
    let out = run(&["--config", "does/not/exist.toml", "validate"], false);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read config file"));
}
