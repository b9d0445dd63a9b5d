//! Shared fixtures for the integration tests (public API only).
#![allow(dead_code)] // each test crate uses a different part of this module

pub(crate) mod moto;
pub(crate) mod servers;
