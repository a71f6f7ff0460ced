//! The commands behind the `wiresift` binary, one module each. `main.rs` only parses arguments,
//! calls these and maps their results to exit codes.

pub mod check;
pub mod fields;
pub mod filter;
pub mod follow;
pub mod progress;
pub mod registry;
pub mod show;
pub mod smtp;

/// Exit codes, documented in the README.
pub mod exit {
    /// Success (whether or not any frame matched, as tshark).
    pub const OK: i32 = 0;
    /// A capture could not be read at all, or output failed.
    pub const ERROR: i32 = 1;
    /// The filter or the arguments are invalid.
    pub const USAGE: i32 = 2;
    /// Partial: a capture is damaged or truncated; every good frame before the damage was processed.
    pub const PARTIAL: i32 = 3;
    /// Interrupted by Ctrl-C: what was found before was printed (counts are of the frames read).
    pub const INTERRUPTED: i32 = super::progress::INTERRUPTED;
}
