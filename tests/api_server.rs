//! The query API over a real unix socket, answered from an engine fed with packets: p0f's
//! wire format and server semantics (spec §12), the client limit, pipelining, clients that
//! misbehave, the socket file rules, and `p0fmod-client`'s output. No root needed.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::IpAddr;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{repo, scratch, stock_fp};
use p0fmod::{Database, Engine, Limits, Observation};
use p0fmod_api::proto::{QUERY_LEN, RESPONSE_LEN};
use p0fmod_api::{ApiServer, BindError, Client, Query, Response, ServerOptions, Status};
use p0fmod_capture::{FileCapture, Timestamp};

/// The stock database when present (the spec's values come from it), else the embedded one.
fn database() -> Arc<Database> {
    match stock_fp() {
        Some(fp) => Arc::new(Database::load(&fp).expect("stock p0f.fp loads")),
        None => Arc::new(Database::embedded()),
    }
}

/// An engine fed with a capture from tests/data, up to and including the first packet for
/// which `stop_after` says so (or to the end).
fn engine_from(capture: &str, mut stop_after: impl FnMut(&Observation<'_>) -> bool) -> Engine {
    let mut engine = Engine::new(database(), Limits::default());
    let mut file = FileCapture::open(&repo().join("tests/data").join(capture)).unwrap();
    while let Some(p) = file.next_packet().unwrap() {
        let mut stop = false;
        let _ = engine.process_frame(p.ts, p.link_type, p.data, &mut |o| stop |= stop_after(o));
        if stop {
            break;
        }
    }
    engine
}

/// A server on its own thread, answering from `engine` until dropped.
struct Served {
    dir: PathBuf,
    sock: PathBuf,
    stop: Arc<AtomicBool>,
    warnings: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl Served {
    fn start(name: &str, engine: Engine, options: ServerOptions) -> Served {
        let dir = scratch(name);
        let sock = dir.join("api.sock");
        let mut server = ApiServer::bind(&sock, options).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let warnings = Arc::new(Mutex::new(Vec::new()));
        let (stop2, warnings2) = (Arc::clone(&stop), Arc::clone(&warnings));
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                server
                    .poll_once(
                        Duration::from_millis(5),
                        &mut |a| engine.host(a),
                        &mut |e| warnings2.lock().unwrap().push(e.to_string()),
                    )
                    .unwrap();
            }
        });
        Served {
            dir,
            sock,
            stop,
            warnings,
            thread: Some(thread),
        }
    }

    fn warnings(&self) -> Vec<String> {
        self.warnings.lock().unwrap().clone()
    }

    fn connect(&self) -> UnixStream {
        let s = UnixStream::connect(&self.sock).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn read_response(s: &mut UnixStream) -> Response {
    let mut buf = [0u8; RESPONSE_LEN];
    s.read_exact(&mut buf).unwrap();
    Response::decode(&buf).unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// The veth capture up to the end of its second flow (the spec's worked example).
fn two_flows() -> Engine {
    engine_from("local/local-linux-veth-uptime-hostchange.pcap", |o| {
        o.kind.keyword() == "http response" && o.client.port() == 41228
    })
}

#[test]
fn bad_queries_get_status_0_and_p0f_warnings() {
    let served = Served::start("api-bad", two_flows(), ServerOptions::default());
    let mut s = served.connect();
    let mut bad_magic = Query::new(ip("10.77.0.1"));
    bad_magic.magic = 0x1234_5678;
    s.write_all(&bad_magic.encode()).unwrap();
    let r = read_response(&mut s);
    assert_eq!(r, Response::empty(Status::BadQuery));
    let mut bad_type = Query::new(ip("10.77.0.1"));
    bad_type.addr_type = 5;
    s.write_all(&bad_type.encode()).unwrap();
    assert_eq!(read_response(&mut s).status, Status::BadQuery);
    // Garbage does not end the conversation.
    s.write_all(&Query::new(ip("10.77.0.1")).encode()).unwrap();
    assert_eq!(read_response(&mut s).status, Status::Ok);
    assert_eq!(
        served.warnings(),
        [
            "Query with bad magic (0x12345678).",
            "Query with unknown address type 5.\n"
        ]
    );
    // The bytes on the wire: magic, then 228 zero bytes.
    s.write_all(&[0u8; QUERY_LEN]).unwrap();
    let mut raw = [0u8; RESPONSE_LEN];
    s.read_exact(&mut raw).unwrap();
    assert_eq!(raw[..4], 0x5030_4602u32.to_ne_bytes());
    assert!(raw[4..].iter().all(|&b| b == 0));
}

#[test]
fn unknown_host_gets_0x20_and_nothing_else() {
    let served = Served::start("api-unknown", two_flows(), ServerOptions::default());
    for addr in ["192.0.2.99", "fd77::99", "10.77.0.3"] {
        let r = Client::connect(&served.sock)
            .unwrap()
            .query(ip(addr))
            .unwrap();
        assert_eq!(r, Response::empty(Status::NoMatch), "{addr}");
    }
}

#[test]
fn known_host_fields_are_p0f_s() {
    let served = Served::start("api-known", two_flows(), ServerOptions::default());
    let mut client = Client::connect(&served.sock).unwrap();
    // The spec's worked example (§12.3), checked against p0f 3.09b.
    let r = client.query(ip("10.77.0.1")).unwrap();
    assert_eq!(r.status, Status::Ok);
    assert_eq!(r.total_conn, 2);
    assert_eq!((r.distance, r.bad_sw, r.os_match_q), (0, 0, 2));
    assert_eq!(r.os_name.as_bytes(), b"Linux");
    assert_eq!(r.os_flavor.as_bytes(), b"2.2.x-3.x");
    assert_eq!(r.http_name.as_bytes(), b"Firefox");
    assert_eq!(r.http_flavor.as_bytes(), b"10.x or newer");
    assert_eq!(r.link_type.as_bytes(), b"Ethernet or modem");
    assert_eq!(r.language.as_bytes(), b"German");
    assert_eq!(r.up_mod_days, 49);
    assert_ne!(r.uptime_min, 0);
    assert_eq!((r.last_nat, r.last_chg), (0, 0));
    assert!(r.first_seen != 0 && r.first_seen <= r.last_seen);
    // The server side: its SYN+ACKs matched nothing, so no OS; the distance is known.
    let srv = client.query(ip("10.77.0.2")).unwrap();
    assert_eq!(
        (srv.status, srv.total_conn, srv.distance),
        (Status::Ok, 2, 0)
    );
    assert!(srv.os_name.is_empty() && srv.http_name.is_empty());
}

#[test]
fn host_change_and_ipv6_queries() {
    let engine = engine_from("local/local-linux-veth-uptime-hostchange.pcap", |_| false);
    let served = Served::start("api-v6", engine, ServerOptions::default());
    let mut client = Client::connect(&served.sock).unwrap();
    let v6 = client.query(ip("fd77::1")).unwrap();
    assert_eq!(v6.status, Status::Ok);
    assert_eq!(v6.total_conn, 2);
    assert!(v6.os_name.is_empty(), "IPv6 SYNs matched no OS");
    assert_eq!(v6.http_name.as_bytes(), b"Firefox");
    assert_eq!(v6.language.as_bytes(), b"German");
    assert_ne!(v6.last_chg, 0, "host change reason=ua_vs_os was reported");
    assert_eq!(
        v6.bad_sw, 1,
        "the User-Agent names another OS than the one seen"
    );
    let v4 = client.query(ip("10.77.0.1")).unwrap();
    assert_eq!(v4.total_conn, 4);
    assert_ne!(v4.last_chg, 0);
    assert_eq!(
        v4.link_type.as_bytes(),
        b"GIF",
        "the last recognised MTU (1040 is not)"
    );
}

/// An IPv4 SYN with no options, as a raw IP frame (link type 101).
fn syn(src: [u8; 4], dst: [u8; 4]) -> Vec<u8> {
    let mut f = vec![0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0];
    f.extend_from_slice(&src);
    f.extend_from_slice(&dst);
    f.extend_from_slice(&[
        0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x04, 0, 0, 0, 0, 0,
    ]);
    f
}

#[test]
fn a_host_seen_only_as_a_syn_target_has_distance_255() {
    let mut engine = Engine::new(database(), Limits::default());
    let ts = Timestamp {
        sec: 1_700_000_000,
        usec: 0,
    };
    engine
        .process_frame(ts, 101, &syn([192, 0, 2, 10], [192, 0, 2, 20]), &mut |_| {})
        .unwrap();
    let served = Served::start("api-255", engine, ServerOptions::default());
    let r = p0fmod_api::query(&served.sock, ip("192.0.2.20")).unwrap();
    let mut expected = Response::empty(Status::Ok);
    expected.first_seen = 1_700_000_000;
    expected.last_seen = 1_700_000_000;
    expected.total_conn = 1;
    expected.distance = 255;
    assert_eq!(r, expected);
    let mut raw = UnixStream::connect(&served.sock).unwrap();
    raw.write_all(&Query::new(ip("192.0.2.20")).encode())
        .unwrap();
    let mut bytes = [0u8; RESPONSE_LEN];
    raw.read_exact(&mut bytes).unwrap();
    assert_eq!(bytes[36..38], 255i16.to_ne_bytes(), "255, not -1");
}

#[test]
fn pipelined_queries_are_answered_in_order() {
    let served = Served::start("api-pipe", two_flows(), ServerOptions::default());
    let mut s = served.connect();
    let addrs = ["10.77.0.1", "192.0.2.1", "10.77.0.2", "fd77::1"];
    let mut batch = Vec::new();
    for i in 0..200 {
        if i % 7 == 3 {
            batch.extend_from_slice(&[0xee; QUERY_LEN]);
        } else {
            batch.extend_from_slice(&Query::new(ip(addrs[i % addrs.len()])).encode());
        }
    }
    s.write_all(&batch).unwrap();
    for i in 0..200 {
        let r = read_response(&mut s);
        let expected = if i % 7 == 3 {
            Status::BadQuery
        } else {
            match addrs[i % addrs.len()] {
                "10.77.0.1" | "10.77.0.2" => Status::Ok,
                _ => Status::NoMatch,
            }
        };
        assert_eq!(r.status, expected, "answer {i}");
        if expected == Status::Ok {
            let want: u8 = if addrs[i % addrs.len()] == "10.77.0.1" {
                2
            } else {
                0
            };
            assert_eq!(r.os_match_q, want, "answer {i} is for its own query");
        }
    }
    // A query split over several writes is answered once complete.
    let q = Query::new(ip("10.77.0.1")).encode();
    for chunk in q.chunks(4) {
        s.write_all(chunk).unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(read_response(&mut s).total_conn, 2);
}

/// True when the server has closed `s` (end-of-file or reset), waiting up to 10 s.
fn closed_by_server(s: &mut UnixStream) -> bool {
    let mut buf = [0u8; RESPONSE_LEN];
    match s.read(&mut buf) {
        Ok(0) => true,
        Err(e) => e.kind() == ErrorKind::ConnectionReset,
        Ok(_) => false,
    }
}

#[test]
fn the_101st_client_takes_the_oldest_idle_slot_and_the_99_others_keep_working() {
    let options = ServerOptions {
        max_clients: 100,
        ..ServerOptions::default()
    };
    let served = Served::start("api-limit", two_flows(), options);
    let query = Query::new(ip("10.77.0.1")).encode();
    let mut clients: Vec<UnixStream> = (0..100).map(|_| served.connect()).collect();
    for c in &mut clients {
        c.write_all(&query).unwrap();
        assert_eq!(read_response(c).status, Status::Ok);
    }
    // Client 0 has been idle the longest once the others have queried again.
    for c in &mut clients[1..] {
        c.write_all(&query).unwrap();
        assert_eq!(read_response(c).status, Status::Ok);
    }
    let mut extra = served.connect();
    extra.write_all(&query).unwrap();
    assert_eq!(read_response(&mut extra).status, Status::Ok);
    assert!(
        closed_by_server(&mut clients[0]),
        "the oldest idle client kept its slot"
    );
    assert!(served.warnings().contains(
        &"Too many API connections; the longest idle one was dropped for a new one.".to_string()
    ));
    for c in &mut clients[1..] {
        c.write_all(&query).unwrap();
        assert_eq!(read_response(c).status, Status::Ok);
    }
}

#[test]
fn a_client_is_refused_only_when_every_slot_is_owed_answers() {
    let options = ServerOptions {
        max_clients: 2,
        ..ServerOptions::default()
    };
    let served = Served::start("api-refuse", two_flows(), options);
    let query = Query::new(ip("10.77.0.1")).encode();
    // Two clients that send many queries and read no answers: both are owed answers.
    let greedy: Vec<UnixStream> = (0..2).map(|_| served.connect()).collect();
    for g in &greedy {
        g.set_nonblocking(true).unwrap();
        let until = Instant::now() + Duration::from_millis(300);
        while Instant::now() < until {
            match (&*g).write(&query) {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Err(e) => panic!("{e}"),
            }
        }
    }
    let mut extra = served.connect();
    let _ = extra.write_all(&query);
    assert!(closed_by_server(&mut extra), "a third client was served");
    assert!(
        served
            .warnings()
            .contains(&"Too many API connections (use -S to adjust).\n".to_string())
    );
}

#[test]
fn silent_and_half_query_clients_do_not_lock_out_real_ones() {
    let options = ServerOptions {
        max_clients: 3,
        query_timeout: Duration::from_millis(400),
        ..ServerOptions::default()
    };
    let served = Served::start("api-idle", two_flows(), options);
    let query = Query::new(ip("10.77.0.1")).encode();
    let mut attackers: Vec<UnixStream> = Vec::new();
    let start = Instant::now();
    for round in 0..30 {
        // The attackers fill every slot again: silent clients and half queries.
        attackers.retain_mut(|a| {
            a.set_nonblocking(true).unwrap();
            let mut b = [0u8; 1];
            !matches!(a.read(&mut b), Ok(0))
        });
        while attackers.len() < 3 {
            let mut a = served.connect();
            if attackers.len() % 2 == round % 2 {
                a.write_all(&query[..10]).unwrap();
            }
            attackers.push(a);
        }
        std::thread::sleep(Duration::from_millis(20));
        let answer = Client::connect(&served.sock)
            .and_then(|mut c| c.query(ip("10.77.0.1")))
            .unwrap_or_else(|e| panic!("round {round}: a real client was refused: {e}"));
        assert_eq!(answer.status, Status::Ok);
    }
    assert!(start.elapsed() < Duration::from_secs(10));
    // Alone, a half query is dropped at its deadline.
    drop(attackers);
    let mut slow = served.connect();
    slow.write_all(&query[..20]).unwrap();
    let sent = Instant::now();
    assert!(closed_by_server(&mut slow), "the half query was kept");
    assert!(sent.elapsed() >= Duration::from_millis(350));
    assert!(
        served
            .warnings()
            .iter()
            .any(|w| w == "API client sent an incomplete query; connection dropped.")
    );
}

#[test]
fn a_client_that_never_reads_stalls_nobody_and_is_dropped() {
    let options = ServerOptions {
        stall_timeout: Duration::from_millis(500),
        ..ServerOptions::default()
    };
    let served = Served::start("api-stall", two_flows(), options);
    let query = Query::new(ip("10.77.0.1")).encode();
    // The greedy client writes queries until its socket refuses more, and never reads.
    let greedy = served.connect();
    greedy.set_nonblocking(true).unwrap();
    let mut sent = 0usize;
    let flood_until = Instant::now() + Duration::from_millis(300);
    while Instant::now() < flood_until {
        match (&greedy).write(&query) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5))
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(
        sent > 100 * QUERY_LEN,
        "the greedy client got {sent} bytes out"
    );
    // Meanwhile others are answered at once.
    let mut polite = served.connect();
    for _ in 0..50 {
        let start = Instant::now();
        polite.write_all(&query).unwrap();
        assert_eq!(read_response(&mut polite).status, Status::Ok);
        assert!(start.elapsed() < Duration::from_secs(1));
    }
    // Past the stall timeout, the greedy client is dropped with a warning.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !served
        .warnings()
        .iter()
        .any(|w| w.contains("stopped reading"))
    {
        assert!(
            Instant::now() < deadline,
            "the stalled client was never dropped"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    polite.write_all(&query).unwrap();
    assert_eq!(read_response(&mut polite).status, Status::Ok);
}

#[test]
fn a_client_that_hangs_up_mid_answer_does_not_kill_the_server() {
    let served = Served::start("api-epipe", two_flows(), ServerOptions::default());
    for _ in 0..20 {
        let mut s = served.connect();
        let mut batch = Vec::new();
        for _ in 0..100 {
            batch.extend_from_slice(&Query::new(ip("10.77.0.1")).encode());
        }
        s.write_all(&batch).unwrap();
        drop(s);
    }
    let r = Client::connect(&served.sock)
        .unwrap()
        .query(ip("10.77.0.1"))
        .unwrap();
    assert_eq!(r.status, Status::Ok);
}

#[test]
fn a_listening_socket_with_a_full_queue_is_in_use_and_the_check_does_not_block() {
    let dir = scratch("api-fullq");
    let sock = dir.join("api.sock");
    let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    // Fill the listener's queue (non-blocking connects until EAGAIN): a blocking connect
    // would now wait until something is accepted.
    use nix::sys::socket::{AddressFamily, SockFlag, SockType, UnixAddr, connect, socket};
    use std::os::fd::AsRawFd;
    let addr = UnixAddr::new(&sock).unwrap();
    let mut queued = Vec::new();
    loop {
        let probe = socket(
            AddressFamily::Unix,
            SockType::Stream,
            SockFlag::SOCK_NONBLOCK,
            None,
        )
        .unwrap();
        match connect(probe.as_raw_fd(), &addr) {
            Ok(()) => queued.push(probe),
            Err(nix::errno::Errno::EAGAIN) => break,
            Err(e) => panic!("{e}"),
        }
        assert!(queued.len() < 100_000, "the queue never filled");
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let sock2 = sock.clone();
    std::thread::spawn(move || {
        let _ = tx.send(ApiServer::bind(&sock2, ServerOptions::default()).map(|_| ()));
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(Err(BindError::InUse(_))) => {}
        Ok(other) => panic!("expected 'in use', got {other:?}"),
        Err(_) => panic!("the in-use check blocked on a full queue"),
    }
    drop(listener);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn socket_file_rules() {
    let dir = scratch("api-bind");
    let options = ServerOptions::default();
    // Too long for sockaddr_un.
    let long = dir.join("x".repeat(120));
    let e = ApiServer::bind(&long, options).unwrap_err();
    assert!(matches!(e, BindError::PathTooLong(_)));
    assert_eq!(
        e.message(),
        "API socket filename is too long for sockaddr_un (blame Unix)."
    );
    // An existing regular file is not replaced.
    let file = dir.join("file");
    std::fs::write(&file, b"keep me").unwrap();
    let e = ApiServer::bind(&file, options).unwrap_err();
    assert_eq!(
        e.message(),
        format!("'{}' exists but is not a socket.", file.display())
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
    // Mode 0666 as p0f; a socket in use is not stolen; a stale one is replaced.
    let sock = dir.join("api.sock");
    let first = ApiServer::bind(&sock, options).unwrap();
    let mode = std::fs::metadata(&sock).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o666);
    let e = ApiServer::bind(&sock, options).unwrap_err();
    assert_eq!(
        e.message(),
        format!("'{}' is being used by another process.", sock.display())
    );
    drop(first);
    assert!(sock.exists(), "p0f leaves the socket file behind");
    let second = ApiServer::bind(&sock, options).unwrap();
    assert_eq!(second.path(), sock);
    drop(second);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn client_binary(sock: &Path, addr: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_p0fmod-client"))
        .env("TZ", "UTC")
        .arg(sock)
        .arg(addr)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn p0fmod_client_prints_what_p0f_client_prints() {
    let engine = engine_from("local/local-linux-veth-uptime-hostchange.pcap", |_| false);
    let served = Served::start("api-client", engine, ServerOptions::default());
    let (code, out, err) = client_binary(&served.sock, "10.77.0.1");
    assert_eq!(code, 0, "{err}");
    let r = p0fmod_api::query(&served.sock, ip("10.77.0.1")).unwrap();
    let m = r.uptime_min;
    let expected = format!(
        "First seen    = 2026/11/28 20:16:03\n\
         Last update   = 2026/11/28 20:16:08\n\
         Total flows   = 4\n\
         Detected OS   = Linux 2.2.x-3.x [generic]\n\
         HTTP software = Firefox 10.x or newer (ID seems legit)\n\
         Network link  = GIF\n\
         Language      = German\n\
         Distance      = 0\n\
         Sys change    = 2026/11/28 20:16:08\n\
         Uptime        = {} days {} hrs {} min (modulo 49 days)\n",
        m / 60 / 24,
        (m / 60) % 24,
        m % 60
    );
    assert_eq!(out, expected);
    // IPv6, abbreviated or fully expanded.
    let (code, short, _) = client_binary(&served.sock, "fd77::1");
    assert_eq!(code, 0);
    let (_, long, _) = client_binary(&served.sock, "fd77:0:0:0:0:0:0:1");
    assert_eq!(short, long);
    assert!(
        short.contains("Detected OS   = ???\n") && short.contains("(ID OS mismatch)"),
        "{short}"
    );
    let (code, none, _) = client_binary(&served.sock, "192.0.2.1");
    assert_eq!(
        (code, none.as_str()),
        (0, "No matching host in p0f cache. That's all we know.\n")
    );
    let (code, _, err) = client_binary(&served.sock, "10.77.0");
    assert_eq!(code, 1);
    assert!(
        err.contains("[-] PROGRAM ABORT : Malformed IPv4 address."),
        "{err}"
    );
    let (code, _, err) = client_binary(&served.dir.join("nope.sock"), "10.77.0.1");
    assert_eq!(code, 1);
    assert!(
        err.contains("Can't connect to API socket.") && err.contains("OS message"),
        "{err}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_p0fmod-client"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Usage: p0fmod-client [--json] /path/to/socket host_ip\n"
    );
}

/// One JSON line read from a stream (without its newline).
fn read_json_line(s: &mut UnixStream) -> serde_json::Value {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while byte[0] != b'\n' {
        s.read_exact(&mut byte).unwrap();
        line.push(byte[0]);
    }
    serde_json::from_slice(&line).unwrap()
}

/// Observations per subject address and kind, counted from the engine's output stream.
fn observations_by_host(capture: &str) -> std::collections::HashMap<(IpAddr, String), u64> {
    let mut counts = std::collections::HashMap::new();
    engine_from(capture, |o| {
        let subject = match o.subject {
            p0fmod::Subject::Client => o.client.ip(),
            p0fmod::Subject::Server => o.server.ip(),
        };
        *counts
            .entry((subject, o.kind.keyword().to_string()))
            .or_insert(0) += 1;
        false
    });
    counts
}

#[test]
fn json_query_answers_the_host_record_for_ipv4_and_ipv6() {
    let capture = "local/local-linux-veth-uptime-hostchange.pcap";
    let engine = engine_from(capture, |_| false);
    let served = Served::start("api-json", engine, ServerOptions::default());
    let mut s = served.connect();
    s.write_all(b"{\"addr\":\"10.77.0.1\"}\n").unwrap();
    let v4 = read_json_line(&mut s);
    assert_eq!(v4["status"], "ok", "{v4}");
    let h = &v4["host"];
    // The values p0f's own answer has for this host (p0fmod_client_prints_what_p0f_client_prints).
    assert_eq!(h["addr"], "10.77.0.1");
    assert_eq!(h["total_conn"], 4);
    assert_eq!(
        h["os"],
        serde_json::json!({"name": "Linux", "flavor": "2.2.x-3.x", "class": "unix",
                           "generic": true, "fuzzy": false})
    );
    assert_eq!(h["http_app"]["name"], "Firefox");
    assert_eq!(h["http_app"]["flavor"], "10.x or newer");
    assert_eq!(h["http_app"]["class"], serde_json::Value::Null);
    assert_eq!(h["http_honesty"], "legit");
    assert_eq!(
        (&h["link"], &h["language"], &h["distance"]),
        (&"GIF".into(), &"German".into(), &0.into())
    );
    assert_eq!(h["uptime"]["modulo_days"], 49);
    assert_eq!(h["ip_sharing"], serde_json::Value::Null);
    assert!(h["host_change"]["count"].as_u64().unwrap() >= 1);
    for field in ["tls_client", "tls_server"] {
        assert!(h[field].is_null(), "{field}");
    }
    // Plain HTTP, no TLS: the cross-layer verdict compares the User-Agent's OS with the
    // SYN's, which p0f found to agree (http_honesty legit: the OS the User-Agent names is
    // the host's).
    assert_eq!(h["verdict"]["status"], "consistent", "{h}");
    assert_eq!(h["verdict"]["reasons"][0]["code"], "ua_os_fits_syn", "{h}");
    assert_eq!(h["verdict"]["reasons"].as_array().unwrap().len(), 1, "{h}");

    // The same connection then asks with p0f's binary query: the answer agrees.
    s.write_all(&Query::new(ip("10.77.0.1")).encode()).unwrap();
    let bin = read_response(&mut s);
    assert_eq!(u64::from(bin.first_seen), h["first_seen"].as_u64().unwrap());
    assert_eq!(u64::from(bin.last_seen), h["last_seen"].as_u64().unwrap());
    assert_eq!(
        u64::from(bin.uptime_min),
        h["uptime"]["minutes"].as_u64().unwrap()
    );
    assert_eq!(
        u64::from(bin.last_chg),
        h["host_change"]["last"].as_u64().unwrap()
    );

    // IPv6: asked in full form, answered in RFC 5952 text.
    s.write_all(b"{\"addr\": \"fd77:0:0:0:0:0:0:1\"}\n")
        .unwrap();
    let v6 = read_json_line(&mut s);
    assert_eq!(v6["status"], "ok", "{v6}");
    let h6 = &v6["host"];
    assert_eq!(h6["addr"], "fd77::1");
    assert!(h6["os"].is_null(), "IPv6 SYNs matched no OS");
    assert_eq!(h6["http_app"]["name"], "Firefox");
    assert_eq!(h6["http_honesty"], "os_mismatch");
    assert_eq!(h6["total_conn"], 2);

    // Observation counts equal those counted from the engine's own output stream.
    let counted = observations_by_host(capture);
    for (addr, host) in [("10.77.0.1", h), ("fd77::1", h6)] {
        let obs = host["observations"].as_object().unwrap();
        assert!(!obs.is_empty());
        for (kind, n) in obs {
            assert_eq!(
                Some(&n.as_u64().unwrap()),
                counted.get(&(ip(addr), kind.clone())),
                "{addr} {kind}"
            );
        }
        let total: u64 = counted
            .iter()
            .filter(|((a, _), _)| *a == ip(addr))
            .map(|(_, n)| n)
            .sum();
        assert_eq!(
            total,
            obs.values().map(|n| n.as_u64().unwrap()).sum::<u64>()
        );
    }

    // Unknown hosts, bad requests, and a last request without its newline.
    s.write_all(b"{\"addr\":\"2001:DB8::0:1\"}\n{\"addr\":\"10.77.0\"}\n")
        .unwrap();
    assert_eq!(
        read_json_line(&mut s),
        serde_json::json!({"status": "no_match", "addr": "2001:db8::1"})
    );
    let bad = read_json_line(&mut s);
    assert_eq!(bad["status"], "bad_query");
    s.write_all(b"{\"addr\":\"10.77.0.2\"}").unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(read_json_line(&mut s)["host"]["addr"], "10.77.0.2");
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
    assert!(served.warnings().is_empty(), "{:?}", served.warnings());
}

#[test]
fn binary_answers_are_unchanged_between_json_queries() {
    let served = Served::start("api-json-mixed", two_flows(), ServerOptions::default());
    let raw = |s: &mut UnixStream, addr: &str| {
        s.write_all(&Query::new(ip(addr)).encode()).unwrap();
        let mut b = [0u8; RESPONSE_LEN];
        s.read_exact(&mut b).unwrap();
        b
    };
    let mut plain = served.connect();
    let before: Vec<_> = ["10.77.0.1", "fd77::1", "192.0.2.1"]
        .iter()
        .map(|a| raw(&mut plain, a))
        .collect();
    let mut mixed = served.connect();
    for (i, addr) in ["10.77.0.1", "fd77::1", "192.0.2.1"].iter().enumerate() {
        mixed
            .write_all(format!("{{\"addr\":\"{addr}\"}}\n").as_bytes())
            .unwrap();
        let _ = read_json_line(&mut mixed);
        assert_eq!(raw(&mut mixed, addr), before[i], "{addr}");
    }
    // An overlong JSON request is refused without disturbing what follows.
    let mut long = b"{\"addr\":\"".to_vec();
    long.extend(std::iter::repeat_n(b' ', 5000));
    long.extend_from_slice(b"10.77.0.1\"}\n");
    mixed.write_all(&long).unwrap();
    let refused = read_json_line(&mut mixed);
    assert!(
        refused["error"].as_str().unwrap().contains("longer than"),
        "{refused}"
    );
    assert_eq!(raw(&mut mixed, "10.77.0.1"), before[0]);
}

#[test]
fn p0fmod_client_json() {
    let engine = engine_from("local/local-linux-veth-uptime-hostchange.pcap", |_| false);
    let served = Served::start("api-client-json", engine, ServerOptions::default());
    let run = |addr: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_p0fmod-client"))
            .args(["--json".as_ref(), served.sock.as_os_str(), addr.as_ref()])
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let (code, out) = run("fd77::1");
    assert_eq!(code, Some(0));
    assert_eq!(out.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["host"]["addr"], "fd77::1");
    let (code, out) = run("192.0.2.1");
    assert_eq!(code, Some(0));
    assert_eq!(out, "{\"status\":\"no_match\",\"addr\":\"192.0.2.1\"}\n");
}
