//! `wiresift repl <capture>...`: ask questions of captures the way Wireshark's filter bar feels.
//!
//! | module | what |
//! |---|---|
//! | [`session`] | the open captures (kept in memory), settings, queries through the engine, answer cache |
//! | [`commands`] | `:open`, `:show`, `:fields`, `:count`, `:save`…, and running a typed filter |
//! | [`completion`] | Tab completion and the grey hint, from the registry |
//! | [`highlight`] | the line coloured green / yellow / red as Wireshark's filter bar |
//!
//! The editor is rustyline. An incomplete filter (unclosed `(` or `"`, trailing operator:
//! `ErrorKind::Incomplete`) continues on the next line. History is kept across sessions in
//! `$WIRESIFT_HISTORY`, else `$XDG_STATE_HOME/wiresift/history`, else
//! `~/.local/state/wiresift/history`. Ctrl-C cancels a running query (the engine checks a flag
//! between batches); at the prompt it clears the line. Ctrl-D leaves.

pub mod commands;
pub mod completion;
pub mod highlight;
pub mod session;

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{CompletionType, Config, Context, Editor, Helper};

use crate::filter::{self, ErrorKind};
use commands::Next;
use session::Session;

/// The prompt.
const PROMPT: &str = "wiresift> ";

/// rustyline's view of the REPL: completion, hints, colours, and when a line is complete.
pub struct FilterHelper {
    files: FilenameCompleter,
}

impl Helper for FilterHelper {}

impl Completer for FilterHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if [":open ", ":save "].iter().any(|c| line.starts_with(c))
            && !line.get(6..pos).unwrap_or("").contains(' ')
        {
            return self.files.complete(line, pos, ctx);
        }
        let (start, names) = completion::complete(line, pos);
        let pairs = names
            .into_iter()
            .map(|n| Pair {
                display: n.clone(),
                replacement: n,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for FilterHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        completion::hint(line, pos)
    }
}

impl Highlighter for FilterHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        Cow::Owned(highlight::colour_line(line))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("{}{hint}{}", highlight::GREY, highlight::RESET))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        // The colour depends on the whole line: redraw on every change.
        true
    }
}

impl Validator for FilterHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let line = ctx.input();
        if let Some((_, part)) = highlight::filter_part(line) {
            if !part.trim().is_empty() {
                if let Err(e) = filter::compile(part) {
                    if e.kind == ErrorKind::Incomplete {
                        return Ok(ValidationResult::Incomplete);
                    }
                }
            }
        }
        Ok(ValidationResult::Valid(None))
    }
}

/// Where history is kept.
pub fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("WIRESIFT_HISTORY").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/state")))?;
    Some(state.join("wiresift").join("history"))
}

/// Run the REPL over `captures` until `:quit` or Ctrl-D. Returns the exit code.
pub fn run(captures: &[PathBuf]) -> io::Result<i32> {
    let mut out = io::stdout();
    let mut session = Session::new();
    for path in captures {
        match session.open(path) {
            Ok(c) => writeln!(out, "opened {} ({} bytes)", c.path.display(), c.size)?,
            Err(e) => writeln!(out, "wiresift: {}: {e}", path.display())?,
        }
    }
    let cancel = Arc::clone(&session.cancel);
    // Outside the prompt the terminal sends SIGINT on Ctrl-C: it cancels the query instead of
    // ending the process. (At the prompt rustyline reads Ctrl-C as a key.)
    if let Err(e) = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed)) {
        writeln!(out, "wiresift: Ctrl-C will not cancel queries: {e}")?;
    }
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .max_history_size(10_000)
        .map_err(io::Error::other)?
        .build();
    let mut rl: Editor<FilterHelper, FileHistory> =
        Editor::with_config(config).map_err(io::Error::other)?;
    rl.set_helper(Some(FilterHelper {
        files: FilenameCompleter::new(),
    }));
    let history = history_path();
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // A missing file is the first session.
        let _ = rl.load_history(h);
    }
    writeln!(out, "Type a display filter, or :help. Ctrl-D leaves.")?;
    loop {
        out.flush()?;
        let line = match rl.readline(PROMPT) {
            Ok(l) => l,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(io::Error::other(e)),
        };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        let _ = rl.add_history_entry(text);
        if let Some(h) = &history {
            // Saved after every line, so a killed session keeps its history too.
            let _ = rl.append_history(h);
        }
        let next = if text.starts_with(':') {
            commands::execute(&mut session, &mut out, text)?
        } else {
            commands::run_filter(&mut session, &mut out, text)?;
            Next::Continue
        };
        if next == Next::Quit {
            break;
        }
    }
    out.flush()?;
    Ok(crate::app::exit::OK)
}
