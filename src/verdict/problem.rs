//! Problems in the administrator's own files (policy files, the server configuration).
//!
//! They are not findings about a push: a file that does not load stops hubgate from deciding
//! at all (a pre-receive hook then refuses, fail closed). Each is located (file, line, column in
//! characters) and carries a stable code, so that `doctor`, `policy explain` and the hook print
//! them alike, and every problem of a file is reported in the same round.

use std::path::PathBuf;

use super::Code;

/// One problem in one of the administrator's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// The stable code (`policy-invalid`, `config-invalid`, ...).
    pub code: Code,
    /// A warning: reported (by `doctor` and `policy explain`), but the file loads.
    pub warning: bool,
}

impl FileProblem {
    /// An error at `line`/`column` of `file` under `code`.
    pub fn error(file: PathBuf, line: Option<usize>, column: Option<usize>, message: String, code: Code) -> Self {
        FileProblem {
            file,
            line,
            column,
            message,
            code,
            warning: false,
        }
    }

    /// The problem's stable code.
    pub fn code(&self) -> Code {
        self.code
    }
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.warning {
            write!(f, "warning: ")?;
        }
        write!(f, "{}", self.file.display())?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {} [{}]", self.message, self.code.as_str())
    }
}

/// Every problem found in a set of the administrator's files; what they configure is used only
/// when there is none (warnings aside).
#[derive(Debug, Clone)]
pub struct FileProblems {
    /// The problems, in file order.
    pub problems: Vec<FileProblem>,
}

impl std::fmt::Display for FileProblems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FileProblems {}
