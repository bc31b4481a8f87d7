//! A run with reading and decoding on a second thread writes exactly what a one-thread run
//! writes, in the same order, on every capture of tests/data (and ../shared/pcaps and
//! ../shared/tls/pcaps when present), including damaged ones and the TLS captures (TCP
//! and QUIC): every field of every observation, not only its log line.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{Conn, Trace};

use p0fmod::output::Sink;
use p0fmod::output::p0f::{TimeStamper, format_log_line};
use p0fmod::{Database, Limits, Observation, OfflineRun, RunError};

struct Lines {
    stamper: TimeStamper,
    out: Vec<String>,
}

impl Sink for Lines {
    fn write(&mut self, obs: &Observation<'_>) -> std::io::Result<()> {
        let mut line = String::new();
        format_log_line(obs, &mut self.stamper, &mut line);
        // Every field too (a TLS hello's lists, JA4's other forms, carriage, QUIC facts).
        line.push_str(&format!("{obs:?}"));
        self.out.push(line);
        Ok(())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn run(
    path: &Path,
    db: &Arc<Database>,
    threads: usize,
) -> (Vec<String>, Vec<String>, p0fmod::RunSummary) {
    let mut run = OfflineRun::open(path, Arc::clone(db), Limits::default(), None).unwrap();
    run.set_threads(threads);
    let mut lines = Lines {
        stamper: TimeStamper::default(),
        out: Vec::new(),
    };
    let mut warnings = Vec::new();
    let summary = run
        .run_to_end(
            &mut [&mut lines],
            &mut |w| warnings.push(w.to_string()),
            None,
        )
        .unwrap();
    (lines.out, warnings, summary)
}

fn captures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dirs = vec![
        root.join("tests/data/crafted"),
        root.join("tests/data/local"),
        // TLS over TCP, QUIC and DTLS (UDP takes its own path through the pipeline).
        root.join("tests/data/tls/local"),
    ];
    for shared in ["../shared/pcaps", "../shared/tls/pcaps"] {
        if root.join(shared).is_dir() {
            dirs.push(root.join(shared));
        }
    }
    let mut out = Vec::new();
    for dir in dirs {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.contains(".pcap") && !name.ends_with(".log") {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn two_threads_write_what_one_thread_writes() {
    let db = Arc::new(Database::embedded());
    let mut total = 0;
    for capture in captures() {
        let one = run(&capture, &db, 1);
        let two = run(&capture, &db, 2);
        assert_eq!(one.0, two.0, "{}", capture.display());
        assert_eq!(one.1, two.1, "warnings of {}", capture.display());
        assert_eq!(one.2, two.2, "counts of {}", capture.display());
        total += one.0.len();
    }
    assert!(total > 100, "the corpus produced observations ({total})");
}

/// Fails on every write, as stdout does once `| head` has gone.
struct Broken;

impl Sink for Broken {
    fn write(&mut self, _: &Observation<'_>) -> std::io::Result<()> {
        Err(std::io::ErrorKind::BrokenPipe.into())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Err(std::io::ErrorKind::BrokenPipe.into())
    }
}

#[test]
fn a_failed_output_stops_the_reading_too() {
    const SYNS: usize = 30_000;
    let mut trace = Trace::new();
    for i in 0..SYNS {
        let client = format!("10.{}.{}.{}:40000", i >> 16, (i >> 8) & 255, i & 255);
        trace.push(
            i as i64,
            &Conn::new(&client, "192.0.2.80:80").linux_syn(1000),
        );
    }
    let capture = trace.write_pcap("output-failure");
    let db = Arc::new(Database::embedded());
    for threads in [1, 2] {
        let mut run = OfflineRun::open(&capture, Arc::clone(&db), Limits::default(), None).unwrap();
        run.set_threads(threads);
        let result = run.run_to_end(&mut [&mut Broken], &mut |_| {}, None);
        assert!(
            matches!(&result, Err(RunError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe),
            "{threads} threads: {:?}",
            result.map(|s| s.frames)
        );
        let frames = run.summary().frames as usize;
        assert!(
            frames < SYNS,
            "{threads} threads: read all {frames} frames after the output had failed"
        );
    }
}
