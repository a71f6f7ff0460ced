//! wiresift answers questions about packet captures in Wireshark's display-filter language.
#![forbid(unsafe_code)]
// Bad input never panics: no unwrap/expect/panicking index in library code (tests may).
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod app;
pub mod capture;
pub mod dissect;
pub mod engine;
pub mod filter;
pub mod harness;
pub mod output;
pub mod registry;
pub mod repl;
