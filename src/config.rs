//! TOML config loading (filled in below).
