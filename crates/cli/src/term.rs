//! Standard output that a closed pipe silences instead of panicking.
//!
//! `credsim audit DIR | head -1` closes the pipe after one line; Rust's `outln!` then
//! panics. Everything credsim prints to standard output goes through [`out!`] and
//! [`outln!`]: the first write that fails marks standard output closed and later writes
//! are dropped, so a command finishes its work (a run still writes its folder) and exits
//! quietly, as Unix tools do.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Standard output can no longer be written (the reader went away).
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to standard output unless it is closed; a failed write closes it.
pub fn write(args: std::fmt::Arguments<'_>) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if out.write_fmt(args).and_then(|()| out.flush()).is_err() {
        CLOSED.store(true, Ordering::Relaxed);
    }
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
