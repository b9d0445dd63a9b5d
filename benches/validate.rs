//! Validation benches (placeholder: the criterion benches of issue 2 replace this).

fn main() {}
