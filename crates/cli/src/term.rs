//! Standard output that a closed pipe silences instead of panicking.
//!
//! `credsim audit DIR | head -1` closes the pipe after one line; Rust's `outln!` then
//! panics. Everything credsim prints to standard output goes through [`out!`] and
//! [`outln!`]: the first write that fails marks standard output closed and later writes
//! are dropped, so a command finishes its work (a run still writes its folder) and, when
//! the pipe was closed, exits quietly, as Unix tools do. Any other write error (a full
//! disk) makes the command fail at the end (`main`).

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Standard output can no longer be written (the reader went away, or a write failed).
static CLOSED: AtomicBool = AtomicBool::new(false);

/// The first write error other than a closed pipe (a full disk, say), for `main` to report.
static FAILED: Mutex<Option<String>> = Mutex::new(None);

/// Writes to standard output unless it is closed. A closed pipe silences later writes;
/// any other error also stops them and is kept for [`failure`].
pub fn write(args: std::fmt::Arguments<'_>) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != std::io::ErrorKind::BrokenPipe
            && let Ok(mut failed) = FAILED.lock()
        {
            failed.get_or_insert_with(|| e.to_string());
        }
    }
}

/// A write to standard output that failed for another reason than a closed pipe: the
/// output is incomplete, and the command must not report success.
pub fn failure() -> Option<String> {
    FAILED.lock().ok().and_then(|f| f.clone())
}

/// `print!` to standard output, silenced once the reader has gone.
macro_rules! out {
    ($($arg:tt)*) => { $crate::term::write(format_args!($($arg)*)) };
}

/// `outln!` to standard output, silenced once the reader has gone.
macro_rules! outln {
    () => { $crate::term::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::term::write(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {out, outln};
