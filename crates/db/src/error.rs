//! Errors of the database layer: each names the file, the line, the text and what was expected.

/// One problem in a signature database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbError {
    /// The file (or `<embedded>`).
    pub origin: String,
    /// 1-based line number (0 when the problem is the file itself).
    pub line: u32,
    /// The offending line's text.
    pub text: String,
    /// What is wrong, in p0f's words where p0f has them.
    pub message: String,
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.origin, self.line, self.message)?;
        if !self.text.is_empty() {
            write!(f, "\n    {}", self.text)?;
        }
        Ok(())
    }
}

impl std::error::Error for DbError {}

/// Every problem found in a database that was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbErrors(pub Vec<DbError>);

impl std::fmt::Display for DbErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DbErrors {}
