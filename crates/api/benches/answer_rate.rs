//! The query API's answer rate (issue 6: at least 50,000 answers/s to 20 clients).
//!
//! An engine reads a capture; an [`ApiServer`] answers from it on this thread, polled with
//! a 10 ms timeout and answering through `Engine::host`, as the live event loop does. Each
//! client thread keeps one connection and pipelines batches of queries for known hosts:
//! [`BATCH`] written, then [`BATCH`] answers read. `cargo bench` runs for [`RUN`] per client
//! count; `cargo test` (no `--bench` argument) runs a short smoke test.

use std::io::{Read, Write};
use std::net::IpAddr;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use p0fmod::{Database, Engine, Limits, OfflineRun};
use p0fmod_api::proto::RESPONSE_LEN;
use p0fmod_api::{ApiServer, Query, Response, ServerOptions, Status};

/// Queries written before their answers are read.
const BATCH: usize = 16;
/// How long each measurement runs under `cargo bench`.
const RUN: Duration = Duration::from_secs(3);
/// The most clients the server takes (p0f's default).
const MAX_CLIENTS: u32 = 20;

/// Keeps asking about `hosts` in batches until `stop` is raised; returns the answers read.
fn client(sock: &Path, hosts: &[IpAddr], offset: usize, stop: &AtomicBool) -> u64 {
    let mut stream = UnixStream::connect(sock).expect("client connects");
    let queries: Vec<u8> = (0..BATCH)
        .flat_map(|i| Query::new(hosts[(offset + i) % hosts.len()]).encode())
        .collect();
    let mut answers = vec![0u8; BATCH * RESPONSE_LEN];
    let mut count = 0;
    while !stop.load(Ordering::Relaxed) {
        stream.write_all(&queries).expect("queries sent");
        stream.read_exact(&mut answers).expect("answers read");
        let first: &[u8; RESPONSE_LEN] = answers[..RESPONSE_LEN].try_into().unwrap();
        assert_eq!(Response::decode(first).unwrap().status, Status::Ok);
        count += BATCH as u64;
    }
    count
}

/// Serves `clients` clients for `run`; returns all answers and the time taken.
fn measure(engine: &Engine, hosts: &[IpAddr], clients: usize, run: Duration) -> (u64, Duration) {
    let dir = std::env::temp_dir().join(format!("p0fmod-answer-rate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("api.sock");
    let options = ServerOptions {
        max_clients: MAX_CLIENTS,
        ..ServerOptions::default()
    };
    let mut server = ApiServer::bind(&sock, options).expect("server binds");
    let stop = AtomicBool::new(false);
    let (answers, elapsed) = std::thread::scope(|s| {
        let (sock, stop) = (&sock, &stop);
        let start = Instant::now();
        let threads: Vec<_> = (0..clients)
            .map(|i| s.spawn(move || client(sock, hosts, i, stop)))
            .collect();
        let mut elapsed = None;
        while !threads.iter().all(|t| t.is_finished()) {
            server
                .poll_once(
                    Duration::from_millis(10),
                    &mut |addr| engine.host(addr),
                    &mut |e| panic!("server warning: {e}"),
                )
                .expect("server runs");
            if elapsed.is_none() && start.elapsed() >= run {
                stop.store(true, Ordering::Relaxed);
                elapsed = Some(start.elapsed());
            }
        }
        let answers: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
        (answers, elapsed.unwrap_or_else(|| start.elapsed()))
    });
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    (answers, elapsed)
}

fn main() {
    let run = if std::env::args().any(|a| a == "--bench") {
        RUN
    } else {
        Duration::from_millis(100)
    };
    let capture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/local/local-linux-sequential-http.pcap");
    let mut offline = OfflineRun::open(
        &capture,
        Arc::new(Database::embedded()),
        Limits::default(),
        None,
    )
    .expect("capture opens");
    while offline.step(4096, &mut |_| {}, &mut |_| {}) > 0 {}
    let engine = offline.engine();
    let hosts: Vec<IpAddr> = engine.hosts().iter().map(|h| h.addr).collect();
    assert!(!hosts.is_empty(), "the capture gives known hosts");
    for clients in [MAX_CLIENTS as usize, 1] {
        let (answers, elapsed) = measure(engine, &hosts, clients, run);
        let rate = answers as f64 / elapsed.as_secs_f64();
        let noun = if clients == 1 { "client" } else { "clients" };
        println!(
            "api: {rate:.0} answers/s to {clients} {noun} ({} queries each)",
            answers / clients as u64
        );
    }
}
