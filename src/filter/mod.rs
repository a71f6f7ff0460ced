//! Display filters: text → [`Filter`], in stages.
//!
//! | stage | module | in → out |
//! |---|---|---|
//! | parse | `scanner`, `syntax` (`print` writes it back) | text → [`ast::Expr`] with spans |
//! | check | `check` | AST → typed tree: names resolved in the registry, literals converted |
//! | compile | `compile` | typed tree → [`Filter`], a `Send + Sync` program |
//! | evaluate | `Filter::matches` | `Filter` × [`crate::dissect::Packet`] → bool |

pub mod ast;
pub mod bpf;
pub mod error;

pub use error::{ErrorKind, FilterError, Warning};
pub mod print;
pub mod scanner;
pub mod syntax;

pub use syntax::{parse, Parsed};
