//! Scenario errors that name the file, line, column and field, with an excerpt.
//!
//! Syntax and type errors come from the TOML deserialiser with a byte span; semantic
//! errors come from validation with a field path. Both are located in the source
//! through a span tree of the document ([`toml::de::DeTable`]), so every message can
//! point at the offending line.

use std::fmt;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a field path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// Key in a table.
    Key(String),
    /// Index in an array.
    Index(usize),
}

/// A path to a field, displayed as `sources[1].capture.traffic`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    /// A path of keys.
    pub fn keys(keys: &[&str]) -> Self {
        FieldPath(keys.iter().map(|k| Seg::Key(k.to_string())).collect())
    }

    /// This path extended by a key.
    pub fn key(&self, key: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.to_string()));
        p
    }

    /// This path extended by an index.
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// One problem found in a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Field the problem is about.
    pub path: FieldPath,
    /// What is wrong and what is allowed.
    pub message: String,
    /// 1-based line and column, when the field could be found in the source.
    pub position: Option<(usize, usize)>,
    /// The source line, for the excerpt.
    pub excerpt: Option<String>,
    /// Width of the highlighted part of the excerpt.
    pub width: usize,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario file `{file}`: {source}")]
    Read {
        /// File name.
        file: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a field has the wrong type or name.
    #[error("{}", render(file, std::slice::from_ref(&**problem)))]
    Syntax {
        /// File name.
        file: String,
        /// The problem.
        problem: Box<Problem>,
    },
    /// The file parsed but describes an impossible scenario.
    #[error("{}", render(file, problems))]
    Invalid {
        /// File name.
        file: String,
        /// Every problem found (at least one).
        problems: Vec<Problem>,
    },
    /// No preset of that name.
    #[error("no preset named `{name}`; the presets are: {known}")]
    UnknownPreset {
        /// Name asked for.
        name: String,
        /// The available names.
        known: String,
    },
}

impl ScenarioError {
    /// The problems (empty for read errors and unknown presets).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Syntax { problem, .. } => std::slice::from_ref(&**problem),
            ScenarioError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

fn render(file: &str, problems: &[Problem]) -> String {
    let mut out = String::new();
    let n = problems.len();
    if n > 1 {
        out.push_str(&format!("scenario file `{file}` has {n} problems:\n"));
    }
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if n > 1 {
            out.push_str("  ");
        }
        out.push_str(&one(file, p));
    }
    out
}

/// Problems of any TOML file (a sweep spec, say), one after the other, each as
/// `file:line:col: field `…`: message` with the excerpt of the source line.
pub fn render_problems(file: &str, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| one(file, p))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Warnings about a scenario, one after the other, each as `warning: file:line:col: …`
/// with the excerpt of the source line.
pub fn render_warnings(file: &str, warnings: &[Problem]) -> String {
    warnings
        .iter()
        .map(|w| format!("warning: {}", one(file, w)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One problem: where, which field, what; then the source line with a caret.
fn one(file: &str, p: &Problem) -> String {
    let at = match p.position {
        Some((line, col)) => format!("{file}:{line}:{col}"),
        None => file.to_string(),
    };
    let mut out = if p.path.0.is_empty() {
        format!("{at}: {}", p.message)
    } else {
        format!("{at}: field `{}`: {}", p.path, p.message)
    };
    if let (Some((line, col)), Some(text)) = (p.position, &p.excerpt) {
        let gutter = line.to_string().len();
        out.push_str(&format!(
            "\n{:gutter$} |\n{line} | {text}\n{:gutter$} | {}{}",
            "",
            "",
            " ".repeat(col.saturating_sub(1)),
            "^".repeat(p.width.max(1)),
        ));
    }
    out
}

/// The source text with its span tree, used to place problems (in scenarios, and in
/// other TOML files such as sweep specs).
pub struct Located<'a> {
    text: &'a str,
    tree: Option<Spanned<DeTable<'a>>>,
}

impl<'a> Located<'a> {
    /// Parses the span tree of `text` (no tree if it is not TOML).
    pub fn new(text: &'a str) -> Self {
        Located {
            text,
            tree: DeTable::parse(text).ok(),
        }
    }

    /// A problem at a field path, placed at the field's value (or key) in the source.
    pub fn problem(&self, path: FieldPath, message: String) -> Problem {
        let span = self.tree.as_ref().and_then(|t| span_of(t, &path.0));
        self.at_span(path, message, span)
    }

    /// A problem at a byte span.
    pub fn at_span(
        &self,
        path: FieldPath,
        message: String,
        span: Option<std::ops::Range<usize>>,
    ) -> Problem {
        let Some(span) = span else {
            return Problem {
                path,
                message,
                position: None,
                excerpt: None,
                width: 0,
            };
        };
        let start = span.start.min(self.text.len());
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let line_no = self.text[..start].matches('\n').count() + 1;
        let col = self.text[line_start..start].chars().count() + 1;
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        let width = self.text[start..span.end.min(line_end).max(start)]
            .chars()
            .count();
        Problem {
            path,
            message,
            position: Some((line_no, col)),
            excerpt: Some(line_text.to_string()),
            width,
        }
    }

    /// The field path of the deepest node holding a byte offset.
    pub fn path_at(&self, offset: usize) -> FieldPath {
        let mut path = Vec::new();
        if let Some(tree) = &self.tree {
            path_in_table(tree.get_ref(), offset, &mut path);
        }
        FieldPath(path)
    }
}

fn span_of(tree: &Spanned<DeTable<'_>>, path: &[Seg]) -> Option<std::ops::Range<usize>> {
    let mut span = tree.span();
    let mut table: Option<&DeTable<'_>> = Some(tree.get_ref());
    let mut value: Option<&DeValue<'_>> = None;
    for seg in path {
        let next = match (seg, table, value) {
            (Seg::Key(k), Some(t), _) => t.iter().find(|(key, _)| key.get_ref() == k),
            (Seg::Key(k), None, Some(DeValue::Table(t))) => {
                t.iter().find(|(key, _)| key.get_ref() == k)
            }
            (Seg::Index(i), _, Some(DeValue::Array(a))) => {
                let item = a.get(*i)?;
                span = item.span();
                table = None;
                value = Some(item.get_ref());
                continue;
            }
            _ => return Some(span),
        };
        let Some((key, val)) = next else {
            return Some(span);
        };
        span = if val.span().is_empty() {
            key.span()
        } else {
            val.span()
        };
        table = None;
        value = Some(val.get_ref());
    }
    Some(span)
}

fn path_in_table(table: &DeTable<'_>, offset: usize, path: &mut Vec<Seg>) -> bool {
    for (key, val) in table.iter() {
        if key.span().contains(&offset) {
            path.push(Seg::Key(key.get_ref().to_string()));
            return true;
        }
        let mut sub = Vec::new();
        if path_in_value(val.get_ref(), offset, &mut sub) || val.span().contains(&offset) {
            path.push(Seg::Key(key.get_ref().to_string()));
            path.extend(sub);
            return true;
        }
    }
    false
}

/// Finds the deepest key or element holding `offset` inside a table or array value.
fn path_in_value(value: &DeValue<'_>, offset: usize, path: &mut Vec<Seg>) -> bool {
    match value {
        DeValue::Table(t) => path_in_table(t, offset, path),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                let mut sub = Vec::new();
                if path_in_value(item.get_ref(), offset, &mut sub) || item.span().contains(&offset)
                {
                    path.push(Seg::Index(i));
                    path.extend(sub);
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}
