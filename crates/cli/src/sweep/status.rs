//! `status.jsonl`: the append-only log of finished runs, one JSON object per line.
//! Lines are appended whole, in one write each, by every worker and shard; a line
//! that does not parse (the torn last line of a killed process) is ignored. A run is
//! done when a `succeeded` line names a part file that exists.

use crate::CliError;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// One line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// The run.
    pub run_id: u64,
    /// `succeeded` or `failed`.
    pub status: Status,
    /// Why it failed (null when it succeeded).
    pub error: Option<String>,
    /// Wall seconds of the run (of its attempt, for a failure).
    pub wall_s: f64,
    /// The part file (under `parts/`) holding its result rows; null for a failure.
    pub part: Option<String>,
    /// The worker that ran it (process, start time, thread).
    pub worker: String,
}

/// What became of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Its rows are in its part file.
    Succeeded,
    /// It could not run; the error says why.
    Failed,
}

/// The log's file name.
pub const FILE: &str = "status.jsonl";

fn io(path: &Path, e: std::io::Error) -> CliError {
    CliError::Output(format!("cannot write `{}`: {e}", path.display()))
}

/// The log, open for appending.
pub struct Log {
    path: PathBuf,
    file: std::sync::Mutex<std::fs::File>,
}

impl Log {
    /// Opens (or creates) the log; ends a torn last line so the next line starts afresh.
    pub fn open(folder: &Path) -> Result<Log, CliError> {
        let path = folder.join(FILE);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        let len = file.metadata().map_err(|e| io(&path, e))?.len();
        if len > 0 {
            let mut last = [0u8];
            file.seek(SeekFrom::Start(len - 1))
                .and_then(|_| file.read_exact(&mut last))
                .map_err(|e| io(&path, e))?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(|e| io(&path, e))?;
            }
        }
        Ok(Log {
            path,
            file: std::sync::Mutex::new(file),
        })
    }

    /// Appends lines in one write (after a newline), and syncs them to disk.
    pub fn append(&self, lines: &[Line]) -> Result<(), CliError> {
        if lines.is_empty() {
            return Ok(());
        }
        // Each write starts on a fresh line: if another process was killed mid-line,
        // its torn bytes stay alone on their line (skipped by `read`) instead of
        // swallowing this write's first line. Blank lines are skipped too.
        let mut text = String::from("\n");
        for l in lines {
            let json = serde_json::to_string(l).map_err(|e| CliError::Output(e.to_string()))?;
            text.push_str(&json);
            text.push('\n');
        }
        let mut file = self
            .file
            .lock()
            .map_err(|_| CliError::Output("the status log's lock is poisoned".into()))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| io(&self.path, e))
    }
}

/// What the log says, read back.
#[derive(Debug, Default)]
pub struct State {
    /// Runs done: run id → the part file holding its rows (the first succeeded line
    /// whose part exists).
    pub succeeded: HashMap<u64, String>,
    /// Runs whose latest attempt failed (and none succeeded) → the error.
    pub failed: HashMap<u64, String>,
    /// Lines that did not parse (a torn last line).
    pub torn: usize,
}

/// Reads the log of a sweep folder (an absent log is empty).
pub fn read(folder: &Path) -> Result<State, CliError> {
    let path = folder.join(FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(CliError::Output(format!(
                "cannot read `{}`: {e}",
                path.display()
            )));
        }
    };
    let parts: HashSet<String> = std::fs::read_dir(folder.join("parts"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let mut state = State::default();
    for raw in bytes.split(|&b| b == b'\n') {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Ok(line) = serde_json::from_slice::<Line>(raw) else {
            state.torn += 1;
            continue;
        };
        match line.status {
            Status::Succeeded => {
                let present = line.part.as_ref().filter(|p| parts.contains(*p));
                if let Some(part) = present
                    && !state.succeeded.contains_key(&line.run_id)
                {
                    state.succeeded.insert(line.run_id, part.clone());
                    state.failed.remove(&line.run_id);
                }
            }
            Status::Failed => {
                if !state.succeeded.contains_key(&line.run_id) {
                    state
                        .failed
                        .insert(line.run_id, line.error.unwrap_or_default());
                }
            }
        }
    }
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(run_id: u64, status: Status, part: Option<&str>) -> Line {
        Line {
            run_id,
            status,
            error: (status == Status::Failed).then(|| "bad".to_string()),
            wall_s: 0.5,
            part: part.map(str::to_string),
            worker: "w".into(),
        }
    }

    /// A torn last line is ignored and the next append starts on a line of its own; a
    /// succeeded line whose part is missing does not count; success beats failure.
    #[test]
    fn torn_lines_and_missing_parts() {
        let dir = std::env::temp_dir().join(format!("credsim-status-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("parts")).expect("dir");
        std::fs::write(dir.join("parts/p1.parquet"), "x").expect("part");
        let log = Log::open(&dir).expect("log");
        let log_other = Log::open(&dir).expect("log");
        log.append(&[
            line(0, Status::Succeeded, Some("p1.parquet")),
            line(1, Status::Succeeded, Some("gone.parquet")),
            line(2, Status::Failed, None),
            line(3, Status::Failed, None),
            line(3, Status::Succeeded, Some("p1.parquet")),
        ])
        .expect("append");
        drop(log);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join(FILE))
            .expect("open");
        f.write_all(b"{\"run_id\": 4, \"stat").expect("torn");
        drop(f);
        // Another shard, whose log was opened before the tear, appends right after it.
        log_other
            .append(&[line(6, Status::Failed, None)])
            .expect("append");
        let log = Log::open(&dir).expect("reopen");
        log.append(&[line(5, Status::Failed, None)])
            .expect("append");
        let s = read(&dir).expect("read");
        assert_eq!(s.torn, 1);
        let mut done: Vec<u64> = s.succeeded.keys().copied().collect();
        done.sort();
        assert_eq!(done, [0, 3]);
        let mut failed: Vec<u64> = s.failed.keys().copied().collect();
        failed.sort();
        assert_eq!(failed, [2, 5, 6]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
