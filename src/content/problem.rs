//! One thing wrong with the curriculum files, printed as one line `file: id: what is wrong`.
//! Shared by the loader (structure) and the checker (every rule), so both speak one format.

use std::fmt;

/// The id used for problems that belong to a whole file rather than one item.
pub const FILE_LEVEL: &str = "-";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the checked folder, with `/` separators.
    pub file: String,
    /// The item id, or [`FILE_LEVEL`].
    pub id: String,
    pub message: String,
}

impl Problem {
    pub fn new(file: impl Into<String>, id: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            file: file.into(),
            id: id.into(),
            message: one_line(&message.into()),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.id, self.message)
    }
}

/// Joins a multi-line message (toml's syntax errors span several lines) into one line, so a
/// problem never breaks the one-line-per-problem output that people grep and tests match.
pub fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Orders problems by file, keeping each file's problems in the order they were found (item
/// order, structure before rules), and drops exact repeats.
pub fn sort(problems: &mut Vec<Problem>) {
    problems.sort_by(|a, b| a.file.cmp(&b.file));
    problems.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_line_message_prints_as_one_line() {
        let problem = Problem::new(
            "a/01-x.toml",
            "-",
            "line 3: invalid table header\n  expected `.`\n",
        );
        assert_eq!(
            problem.to_string(),
            "a/01-x.toml: -: line 3: invalid table header; expected `.`"
        );
    }
}
