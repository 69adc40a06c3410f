//! `credsim`: the command-line program. Everything but `main` is in the library
//! (`lib.rs`), so other front ends share it.

use clap::Parser;
use credsim_cli::{Cli, CliError, run, term};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = run(cli).and_then(|()| match term::failure() {
        Some(e) => Err(CliError::Output(format!(
            "cannot write to standard output: {e} (the output is incomplete)"
        ))),
        None => Ok(()),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
