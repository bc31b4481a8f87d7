//! The query API: bytes sent by a client to a real `p0fmod_api::ApiServer`.
//!
//! The server listens on a socket in a temporary directory and answers from an engine that
//! has read `tests/data/local/local-linux-sequential-http.pcap` (hosts 10.77.0.1, 10.77.0.2,
//! fd00:77::1 and fd00:77::2 are known). Each input is one client connection.
//!
//! Input: a control byte, then the bytes the client sends (at most 64 queries' worth).
//! Bits 0-5 of the control byte give the size of each `write()` (1 to 64 bytes), so
//! queries arrive cut anywhere; bit 6 makes the client hang up without reading a single
//! answer.
//!
//! Checked: nothing panics and the server never stops; a reading client gets exactly one
//! 232-byte answer per complete 21-byte query, in order, each equal to what
//! `p0fmod_api::proto::answer` gives for that query (status 0x00 and a warning for a bad
//! magic or address type, 0x20 for an unknown host), and an answer's text as p0f-client
//! prints it; a trailing partial query is never answered; every client's slot is freed.

#![no_main]

use std::cell::RefCell;
use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use p0fmod::{Database, Engine, Limits};
use p0fmod_api::json::JSON_START;
use p0fmod_api::proto::{QUERY_LEN, RESPONSE_LEN, answer};
use p0fmod_api::{ApiServer, Response, ServerEvent, ServerOptions, Status, client_report};
use p0fmod_capture::FileCapture;

/// The capture the engine learns its hosts from.
const CAPTURE: &[u8] = include_bytes!("../../tests/data/local/local-linux-sequential-http.pcap");

/// Most bytes one input sends.
const MAX_SENT: usize = 64 * QUERY_LEN;

/// Poll rounds after which a client that is still connected counts as a hang.
const MAX_ROUNDS: usize = 10_000;

struct Fixture {
    server: ApiServer,
    engine: Engine,
    path: PathBuf,
}

thread_local! {
    static FIXTURE: RefCell<Fixture> = RefCell::new(Fixture::new());
}

impl Fixture {
    fn new() -> Fixture {
        let mut engine = Engine::new(Arc::new(Database::embedded()), Limits::default());
        let mut capture = FileCapture::from_reader(Box::new(CAPTURE), "capture.pcap")
            .expect("the sample capture opens");
        while let Some(p) = capture.next_packet().expect("the sample capture reads") {
            let _ = engine.process_frame(p.ts, p.link_type, p.data, &mut |_| {});
        }
        assert!(engine.cache_sizes().0 > 0, "the engine knows some hosts");
        let dir = std::env::temp_dir().join(format!("p0fmod-fuzz-api-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        let path = dir.join("api.sock");
        let options = ServerOptions {
            max_clients: 4,
            stall_timeout: Duration::from_secs(3600),
            ..ServerOptions::default()
        };
        let server = ApiServer::bind(&path, options).expect("the API socket binds");
        Fixture {
            server,
            engine,
            path,
        }
    }

    /// One poll round with no waiting, counting the refused queries it warns about.
    fn round(&mut self, bad_queries: &mut usize) {
        let engine = &self.engine;
        self.server
            .poll_once(
                Duration::ZERO,
                &mut |addr| engine.host(addr),
                &mut |event| {
                    assert!(matches!(event, ServerEvent::BadQuery(_)), "{event}");
                    let _ = event.to_string();
                    *bad_queries += 1;
                },
            )
            .expect("the server keeps running");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, sent)) = data.split_first() else {
        return;
    };
    let mut sent = sent[..sent.len().min(MAX_SENT)].to_vec();
    // A request whose first byte is `{` is a JSON query (a line, answered by a line): this
    // target models p0f's binary protocol, so that first byte is changed where a query
    // starts (the JSON path has its own tests in tests/api_server.rs).
    for query in sent.chunks_mut(QUERY_LEN) {
        if query[0] == JSON_START {
            query[0] ^= 0x80;
        }
    }
    let step = 1 + usize::from(control & 0x3f);
    let hang_up = control & 0x40 != 0;
    FIXTURE.with_borrow_mut(|fx| run(fx, &sent, step, hang_up));
});

fn run(fx: &mut Fixture, sent: &[u8], step: usize, hang_up: bool) {
    let mut client = UnixStream::connect(&fx.path).expect("connect");
    client.set_nonblocking(true).expect("nonblocking");
    let mut bad_queries = 0;
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    for piece in sent.chunks(step) {
        client
            .write_all(piece)
            .expect("the server reads as fast as we write");
        fx.round(&mut bad_queries);
        if !hang_up {
            drain(&mut client, &mut received, &mut buf);
        }
    }
    if hang_up {
        drop(client);
        for _ in 0..MAX_ROUNDS {
            fx.round(&mut bad_queries);
            if fx.server.client_count() == 0 {
                return;
            }
        }
        panic!("a client that hung up keeps its slot");
    }
    client.shutdown(Shutdown::Write).expect("shutdown");
    let mut closed = false;
    for _ in 0..MAX_ROUNDS {
        fx.round(&mut bad_queries);
        if drain(&mut client, &mut received, &mut buf) {
            closed = true;
            break;
        }
    }
    assert!(closed, "the server never finished the client");
    assert_eq!(fx.server.client_count(), 0);

    let queries: Vec<&[u8; QUERY_LEN]> = sent
        .chunks_exact(QUERY_LEN)
        .map(|q| q.try_into().expect("21 bytes"))
        .collect();
    assert_eq!(
        received.len(),
        queries.len() * RESPONSE_LEN,
        "one answer per complete query"
    );
    let mut expected_bad = 0;
    for (query, got) in queries.iter().zip(received.chunks_exact(RESPONSE_LEN)) {
        let (want, refused) = answer(query, &mut |addr| fx.engine.host(addr));
        expected_bad += usize::from(refused.is_some());
        assert_eq!(got, want.encode().as_slice());
        let got = Response::decode(got.try_into().expect("232 bytes")).expect("answer magic");
        assert_eq!(got.status == Status::BadQuery, refused.is_some());
        let _ = client_report(&got).map_err(|e| e.to_string());
    }
    assert_eq!(bad_queries, expected_bad, "one warning per refused query");
}

/// Reads what the server has sent; true at end of file.
fn drain(client: &mut UnixStream, received: &mut Vec<u8>, buf: &mut [u8]) -> bool {
    loop {
        match client.read(buf) {
            Ok(0) => return true,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => panic!("client read: {e}"),
        }
    }
}
