//! `aws-connector`: validate connector configs and vend credentials from the command line.
//!
//! Exit codes: 0 success, 1 other failure, 2 invalid or malformed config, 3 access denied.

use std::path::PathBuf;
use std::process::ExitCode;

use aws_connector::{Config, ConfigError, ValidationError};
use clap::{Parser, Subcommand, ValueEnum};

/// Validated, short-lived AWS credentials through named connectors.
#[derive(Debug, Parser)]
#[command(name = "aws-connector", version, about)]
struct Cli {
    /// The connectors config file (TOML).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check every connector of the config file and list every problem.
    Validate {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

const EXIT_FAILURE: u8 = 1;
const EXIT_INVALID: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(path) = cli.config else {
        eprintln!("error: --config FILE is required");
        return ExitCode::from(EXIT_FAILURE);
    };
    match cli.command {
        Command::Validate { format } => validate(&path, format),
    }
}

fn validate(path: &std::path::Path, format: Format) -> ExitCode {
    let loaded = Config::from_path(path);
    let (errors, warnings, code) = match &loaded {
        Ok(config) => {
            let warnings: Vec<ValidationError> = config
                .connectors()
                .iter()
                .flat_map(|c| c.warnings().iter().cloned())
                .collect();
            (Vec::new(), warnings, 0)
        }
        Err(e @ ConfigError::Io { .. }) => {
            eprintln!("error: {}", error_chain(e));
            return ExitCode::from(EXIT_FAILURE);
        }
        Err(e) => (e.validation_errors(), Vec::new(), EXIT_INVALID),
    };
    match format {
        Format::Json => {
            let list: Vec<_> = errors
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "connector": e.connector,
                        "field": e.field,
                        "code": e.code.as_str(),
                        "message": e.message,
                    })
                })
                .collect();
            let out = serde_json::json!({ "valid": errors.is_empty(), "errors": list });
            println!("{out:#}");
        }
        Format::Text => match &loaded {
            Ok(config) => {
                println!(
                    "{}: valid, {} connector{}",
                    path.display(),
                    config.connectors().len(),
                    if config.connectors().len() == 1 {
                        ""
                    } else {
                        "s"
                    }
                );
                for w in &warnings {
                    println!("warning: {w}");
                }
            }
            Err(e) => {
                println!("{}: {e}", path.display());
                for p in &errors {
                    println!("  - {p}");
                }
            }
        },
    }
    ExitCode::from(code)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
