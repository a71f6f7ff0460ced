//! What a long one-shot run shows and how it stops: a progress bar on stderr (only when stderr
//! is a terminal: frames, bytes and rate) and Ctrl-C, which stops reading between two batches
//! so that what was found so far is still printed. A second Ctrl-C exits at once.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use crate::engine;

/// Captures smaller than this finish before a bar would be worth drawing.
const BAR_MIN_BYTES: u64 = 32 << 20;

/// The exit code after an interruption (128 + SIGINT, as shells report it).
pub const INTERRUPTED: i32 = 130;

/// The flag Ctrl-C sets, installed once per process.
pub fn interrupt() -> Option<Arc<AtomicBool>> {
    static FLAG: OnceLock<Option<Arc<AtomicBool>>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let set = flag.clone();
        let installed = ctrlc::set_handler(move || {
            if set.swap(true, Ordering::SeqCst) {
                // The second Ctrl-C: the user does not want to wait for the batch to end.
                std::process::exit(INTERRUPTED);
            }
        });
        installed.is_ok().then_some(flag)
    })
    .clone()
}

/// A progress bar on stderr in indicatif's `template`, when stderr is a terminal.
pub fn stderr_bar(total: u64, template: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    Some(bar)
}

/// A progress bar for one capture, and the engine callback that moves it; None when stderr is
/// not a terminal or the file is small.
pub fn bar(path: &Path) -> Option<(indicatif::ProgressBar, engine::Progress)> {
    let total = std::fs::metadata(path).ok()?.len();
    if total < BAR_MIN_BYTES {
        return None;
    }
    let bar = stderr_bar(
        total,
        "{bar:30.cyan/blue} {bytes}/{total_bytes} {msg} {binary_bytes_per_sec} {elapsed} (Ctrl-C stops)",
    )?;
    let b = bar.clone();
    let gz = path.extension().is_some_and(|e| e == "gz");
    let progress = engine::Progress(Arc::new(move |frames, position| {
        b.set_message(format!("{frames} frames"));
        // A gzip file's position counts decompressed bytes: show them without moving past the end.
        b.set_position(if gz { position.min(total) } else { position });
    }));
    Some((bar, progress))
}
