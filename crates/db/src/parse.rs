//! The p0f.fp parser (spec §11).

use crate::{Database, DbErrors};

impl Database {
    /// Parses database text. `origin` names it in errors (a path or `<embedded>`).
    pub fn parse(text: &str, origin: &str) -> Result<Database, DbErrors> {
        let _ = text;
        Err(DbErrors(vec![crate::DbError {
            origin: origin.to_string(),
            line: 0,
            text: String::new(),
            message: "unimplemented".into(),
        }]))
    }

    /// Reads and parses a database file.
    pub fn load(path: &std::path::Path) -> Result<Database, DbErrors> {
        let origin = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => Database::parse(&String::from_utf8_lossy(&bytes), &origin),
            Err(e) => Err(DbErrors(vec![crate::DbError {
                origin,
                line: 0,
                text: String::new(),
                message: format!("Cannot open for reading: {e}"),
            }])),
        }
    }

    /// p0fmod's embedded default database.
    pub fn embedded() -> Database {
        Database::parse(crate::EMBEDDED_DB, "<embedded>").expect("the embedded database parses")
    }
}
