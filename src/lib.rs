//! wiresift answers questions about packet captures in Wireshark's display-filter language.
#![forbid(unsafe_code)]

pub mod app;
pub mod capture;
pub mod dissect;
pub mod engine;
pub mod filter;
pub mod harness;
pub mod output;
pub mod registry;
pub mod repl;
