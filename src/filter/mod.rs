//! Display filters: text → [`Filter`], in stages.
//!
//! | stage | module | in → out |
//! |---|---|---|
//! | parse | `syntax` (grammar in `grammar/filter.pest`) | text → [`ast::Expr`] with spans |
//! | check | [`check`] (literals: [`literal`]) | AST → typed tree: names resolved in the registry, literals converted |
//! | compile | [`compile`] | typed tree → [`Filter`], a `Send + Sync` program |
//! | evaluate | `Filter::matches` | `Filter` × [`crate::dissect::Packet`] → bool |

pub mod ast;
pub mod check;
pub mod compile;
pub mod error;
pub mod literal;

pub use compile::Filter;
pub use error::{ErrorKind, FilterError, Warning};

/// Check and compile an already parsed filter. `text` is the filter the AST's spans index;
/// `canonical` its printed form.
pub fn compile_ast(
    expr: Option<&ast::Expr>,
    text: &str,
    canonical: String,
) -> Result<Filter, FilterError> {
    let checked = check::check(expr, text)?;
    Ok(Filter::new(
        checked.test.as_ref(),
        checked.warnings,
        canonical,
    ))
}
