//! Display filters: text → [`Filter`], in stages.
//!
//! | stage | module | in → out |
//! |---|---|---|
//! | parse | [`syntax`] (tokens: [`scanner`]) | text → [`ast::Expr`] with spans |
//! | check | [`check`] (literals: [`literal`]) | AST → typed tree: names resolved in the registry, literals converted |
//! | compile | [`compile`] | typed tree → [`Filter`], a `Send + Sync` program |
//! | prefilter | [`prefilter`] | typed tree → a conservative test on raw frame bytes, before dissection |
//! | evaluate | `Filter::matches` | `Filter` × [`crate::dissect::Packet`] → bool |

pub mod ast;
pub mod bpf;
pub mod check;
pub mod compile;
pub mod error;
pub mod literal;
pub mod prefilter;
pub mod print;
pub mod scanner;
pub mod syntax;

pub use compile::Filter;
pub use error::{ErrorKind, FilterError, Warning};
pub use syntax::{parse, Parsed};

/// Parse, check and compile a display filter. A filter that fails and reads like a capture
/// filter gets its display-filter spelling as the suggestion (it replaces the parser's
/// "expected ..." hint, which says less; never for an incomplete filter, still being typed).
pub fn compile(text: &str) -> Result<Filter, FilterError> {
    let hint = |mut e: FilterError| {
        if let Some(df) = bpf::capture_filter_hint(text) {
            e.suggestion = Some(format!(
                "That looks like a capture filter; as a display filter: {df}"
            ));
        }
        e
    };
    let parsed = syntax::parse(text).map_err(|e| if !e.is_incomplete() { hint(e) } else { e })?;
    let checked = check::check(parsed.expr.as_ref(), text).map_err(hint)?;
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
