//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

pub mod tls_judge;

use p0fmod_db::{Database, DbError};

/// Where the stock p0f 3.09b database may be found.
fn stock_candidates() -> Vec<PathBuf> {
    vec![
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/p0f.fp"),
        PathBuf::from("/work/shared/reference/p0f.fp"),
        PathBuf::from("/etc/p0f/p0f.fp"),
    ]
}

/// The text of the stock p0f.fp, or `None` (with a message saying the test is skipped).
pub fn stock_text(test: &str) -> Option<String> {
    let found = stock_candidates().into_iter().find(|p| p.is_file());
    match found {
        Some(path) => Some(std::fs::read_to_string(&path).expect("the stock p0f.fp is readable")),
        None => {
            eprintln!(
                "SKIPPED {test}: the stock p0f.fp is in none of {:?}",
                stock_candidates()
            );
            None
        }
    }
}

/// The stock database, parsed, or `None` when the file is absent.
pub fn stock_db(test: &str) -> Option<Database> {
    let text = stock_text(test)?;
    Some(Database::parse(&text, "p0f.fp").expect("the stock p0f.fp loads"))
}

/// The directory of the reference p0f's logs, or `None` (with a message).
pub fn oracle_dir(test: &str) -> Option<PathBuf> {
    let candidates = [
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/oracle"),
        PathBuf::from("/work/shared/oracle"),
    ];
    let found = candidates.iter().find(|p| p.is_dir()).cloned();
    if found.is_none() {
        eprintln!("SKIPPED {test}: no oracle logs in {candidates:?}");
    }
    found
}

/// Parses text that must load.
pub fn parse_ok(text: &str) -> Database {
    match Database::parse(text, "test") {
        Ok(db) => db,
        Err(e) => panic!("expected the text to load, got:\n{e}\n--- text ---\n{text}"),
    }
}

/// Parses text that must be refused, returning every error.
pub fn parse_err(text: &str) -> Vec<DbError> {
    match Database::parse(text, "test") {
        Ok(_) => panic!("expected the text to be refused:\n{text}"),
        Err(e) => e.0,
    }
}

/// `(line, message)` of each error.
pub fn messages(text: &str) -> Vec<(u32, String)> {
    parse_err(text)
        .into_iter()
        .map(|e| (e.line, e.message))
        .collect()
}

/// A list of 16-bit values as TLS signatures write it: 4-digit hex, comma-separated.
pub fn hex(values: &[u16]) -> String {
    values
        .iter()
        .map(|v| format!("{v:04x}"))
        .collect::<Vec<_>>()
        .join(",")
}
