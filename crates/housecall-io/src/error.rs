//! Input errors that say where, what and what was expected.

use std::fmt;

/// Something wrong in an input file. Displays as
/// `FILE:LINE:COLUMN: FIELD "VALUE": PROBLEM`, leaving out what is not known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The file's name as given by the user.
    pub file: String,
    /// 1-based line, when the problem is on one line.
    pub line: Option<u64>,
    /// 1-based column (a CSV field number, or a character column in TOML).
    pub column: Option<u64>,
    /// The field or key concerned.
    pub field: Option<String>,
    /// The offending value.
    pub value: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
    /// Further problems found in the same file in the same read (at most
    /// [`InputError::MAX_REPORTED`] in all), so that one run lists every bad row.
    pub also: Vec<InputError>,
}

impl InputError {
    /// An error about the file as a whole.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            line: None,
            column: None,
            field: None,
            value: None,
            message: message.into(),
            also: Vec::new(),
        }
    }

    /// How many problems one error reports at most.
    pub const MAX_REPORTED: usize = 20;

    /// One error for all of `errors` (the first, with the rest in [`InputError::also`], up to
    /// [`InputError::MAX_REPORTED`] and a count of those left out); `None` when there are none.
    pub fn all(mut errors: Vec<InputError>) -> Option<InputError> {
        if errors.is_empty() {
            return None;
        }
        let total = errors.len();
        errors.truncate(Self::MAX_REPORTED);
        let mut first = errors.remove(0);
        if total > Self::MAX_REPORTED {
            let left = total - Self::MAX_REPORTED;
            errors.push(InputError::file(
                &first.file,
                format!("{left} more problem(s) not shown; fix these and read the file again"),
            ));
        }
        first.also = errors;
        Some(first)
    }

    /// An error at a line.
    pub fn at(file: &str, line: u64, message: impl Into<String>) -> Self {
        InputError {
            line: Some(line),
            ..Self::file(file, message)
        }
    }

    /// An error in one field of one line.
    pub fn field(
        file: &str,
        line: u64,
        column: u64,
        field: &str,
        value: &str,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            line: Some(line),
            column: Some(column),
            field: Some(field.into()),
            value: Some(value.into()),
            ..Self::file(file, message)
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field} ")?;
            if let Some(v) = &self.value {
                write!(f, "{v:?} ")?;
            }
            f.write_str("- ")?;
        }
        f.write_str(&self.message)?;
        for e in &self.also {
            write!(f, "\n{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Line number (1-based) of byte offset `pos` in `text`.
pub(crate) fn line_of(text: &str, pos: usize) -> u64 {
    text.as_bytes()[..pos.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

/// Line and column (1-based, in characters) of byte offset `pos` in `text`.
pub(crate) fn line_col_of(text: &str, pos: usize) -> (u64, u64) {
    let pos = pos.min(text.len());
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    (
        line_of(text, pos),
        text[line_start..pos].chars().count() as u64 + 1,
    )
}

/// Decodes a file as UTF-8 (dropping a byte-order mark), or says where it is not.
pub(crate) fn utf8(file: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let pos = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let text = String::from_utf8_lossy(&bytes[..pos]);
            Err(InputError::at(
                file,
                line_of(&text, pos),
                format!("not valid UTF-8 at byte {pos}; save the file as UTF-8"),
            ))
        }
    }
}
