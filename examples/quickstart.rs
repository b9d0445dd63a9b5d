//! Loads `examples/connectors.toml`, prints each connector with what its principal type allows,
//! and shows the full report for a config with mistakes (`examples/invalid.toml`).
//!
//! Run it with `./scripts/demo` (or `cargo run --example quickstart`).

use aws_connector::{Config, ConfigError, Connector};

const CONFIG: &str = include_str!("connectors.toml");
const INVALID: &str = include_str!("invalid.toml");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The example's access key secret comes from CI_USER_SECRET; a placeholder keeps the demo
    // self-contained when it is not set.
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .or_else(|| (name == "CI_USER_SECRET").then(|| "demo-secret-not-real".to_owned()))
    };
    let config = Config::from_toml_str_with_env(CONFIG, env)?;
    println!(
        "== examples/connectors.toml: {} connectors\n",
        config.connectors().len()
    );
    for c in config.connectors() {
        describe(c);
    }

    println!("== examples/invalid.toml: every problem, at once\n");
    match Config::from_toml_str_with_env(INVALID, env) {
        Ok(_) => return Err("examples/invalid.toml was accepted".into()),
        Err(e @ ConfigError::Invalid { .. }) => {
            println!("{e}");
            for p in e.validation_errors() {
                println!(
                    "  [{}] {}.{}: {}",
                    p.code,
                    p.connector.as_deref().unwrap_or("-"),
                    p.field,
                    p.message
                );
            }
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

fn describe(c: &Connector) {
    let caps = c.capabilities();
    println!("connector {:<18} principal {}", c.name(), c.principal());
    println!("  source        {}", c.source().describe());
    println!(
        "  sts action    {}",
        caps.sts_action.unwrap_or("none (source used as is)")
    );
    match c.effective_duration_secs() {
        Some(d) => println!("  duration      {d} s"),
        None => println!("  duration      the source's"),
    }
    if let Some(r) = caps.duration_for(c.source().is_account_root()) {
        println!(
            "  allowed       {}..={} s (default {})",
            r.min_secs, r.max_secs, r.default_secs
        );
    }
    println!(
        "  mfa / policies / tags / transitive: {} / {} / {} / {}",
        caps.mfa, caps.session_policies, caps.tags, caps.transitive_tags
    );
    println!("  console       {:?}", caps.console);
    println!("  may call      {}", caps.restrictions);
    for t in [c.session_name(), c.federated_name(), c.source_identity()]
        .into_iter()
        .flatten()
    {
        println!(
            "  {:<13} {t} -> for user \"José Müller\": {}",
            format!("{:?}", t.kind()),
            t.render("José Müller")
        );
    }
    println!(
        "  region        {} ({})",
        c.region().unwrap_or("environment / us-east-1"),
        c.partition()
    );
    println!("  groups        {:?}, scope {}", c.groups(), c.scope());
    for w in c.warnings() {
        println!("  warning       {w}");
    }
    println!();
}
