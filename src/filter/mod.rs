//! Display filters: text → [`Filter`], in stages.
//!
//! | stage | module | in → out |
//! |---|---|---|
//! | parse | [`syntax`] (tokens: [`scanner`]) | text → [`ast::Expr`] with spans |
//! | check | [`check`] (literals: [`literal`]) | AST → typed tree: names resolved in the registry, literals converted |
//! | compile | [`compile`] | typed tree → [`Filter`], a `Send + Sync` program |
//! | evaluate | `Filter::matches` | `Filter` × [`crate::dissect::Packet`] → bool |

pub mod ast;
pub mod check;
pub mod compile;
pub mod error;
pub mod literal;
pub mod print;
pub mod scanner;
pub mod syntax;

pub use compile::Filter;
pub use error::{ErrorKind, FilterError, Warning};
pub use syntax::{parse, Parsed};

/// Parse, check and compile a display filter.
pub fn compile(text: &str) -> Result<Filter, FilterError> {
    let parsed = syntax::parse(text)?;
    let checked = check::check(parsed.expr.as_ref(), text)?;
    let canonical = parsed
        .expr
        .as_ref()
        .map(print::canonical)
        .unwrap_or_default();
    let mut warnings = parsed.warnings;
    warnings.extend(checked.warnings);
    Ok(Filter::new(checked.test.as_ref(), warnings, canonical))
}

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
