//! The cross-layer verdict (`host verdict`, HostInfo.verdict) on scenarios built from real
//! clients: the labelled captures of tests/data/tls/local (programs run between two
//! network namespaces; LABELS.tsv says which program made each), whose HTTP is encrypted,
//! plus plaintext HTTP requests crafted in code from the same client address (the
//! User-Agent layer), or the real hello bytes of a capture carried in a connection whose
//! SYN is crafted (a host behind a NAT or proxy).
//!
//! Expected reasons follow from the database and the families file, not from p0fmod's
//! output: each capture's TLS label is the one its [tls:request] comment cites it for
//! (crates/db/data/p0fmod.fp), its SYN is Linux (LABELS.tsv: Debian 12, kernel 6.18) and
//! the User-Agents are each program's or browser's.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use common::{Conn, DLT_EN10MB, stack};
use p0fmod::host::Verdict;
use p0fmod::output::json::to_json;
use p0fmod::output::p0f::{TimeStamper, format_console, format_log_line};
use p0fmod::{Database, Details, Engine, Kind, Limits, OwnedObservation, Timestamp};
use p0fmod_capture::FileCapture;
use p0fmod_wire::{LinkType, decode};

/// The client and server of every local capture.
const CLIENT: &str = "10.231.0.1";
const SERVER: &str = "10.231.0.2";

fn local(name: &str) -> PathBuf {
    common::workspace_root()
        .join("tests/data/tls/local")
        .join(name)
}

/// The frames of a capture with their times.
fn capture(name: &str) -> Vec<(Timestamp, u32, Vec<u8>)> {
    let mut c = FileCapture::open(&local(name)).unwrap();
    let mut out = Vec::new();
    while let Some(p) = c.next_packet().unwrap() {
        out.push((p.ts, p.link_type, p.data.to_vec()));
    }
    out
}

/// The bytes the client and the server of a capture's first TLS connection sent first:
/// each side's first TLS record (the ClientHello, the ServerHello record).
fn hellos(name: &str) -> (Vec<u8>, Vec<u8>) {
    let mut client = None;
    let (mut cli, mut srv) = (Vec::new(), Vec::new());
    for (_, link, frame) in capture(name) {
        let Ok(pkt) = decode(LinkType(link), &frame) else {
            continue;
        };
        if client.is_none() && pkt.payload.first() == Some(&0x16) {
            client = Some((pkt.src, pkt.src_port));
        }
        if pkt.payload.is_empty() || client.is_none() {
            continue;
        }
        let buf = if Some((pkt.src, pkt.src_port)) == client {
            &mut cli
        } else {
            &mut srv
        };
        buf.extend_from_slice(pkt.payload);
    }
    let first = |s: &[u8]| s[..5 + usize::from(u16::from_be_bytes([s[3], s[4]]))].to_vec();
    (first(&cli), first(&srv))
}

/// A plaintext HTTP connection from `client` to `SERVER:80`: a Linux SYN, a Linux SYN+ACK,
/// the request, and a response when given.
fn http(client: &str, request: &str, response: Option<&str>) -> Vec<Vec<u8>> {
    let mut c = Conn::new(client, &format!("{SERVER}:80"));
    let mut frames = vec![
        c.linux_syn(1000).frame(),
        c.linux_synack(2000, 1000).frame(),
        c.client_sends("").frame(),
        c.client_sends(request).frame(),
    ];
    if let Some(r) = response {
        frames.push(c.server_sends(r).frame());
    }
    frames
}

/// Feeds timed frames, then `crafted` frames one millisecond apart from `at`, to one engine
/// in the order given by `crafted_first`; returns every observation.
struct Run {
    engine: Engine,
    seen: Vec<OwnedObservation>,
}

impl Run {
    fn new() -> Run {
        Run {
            engine: Engine::new(Arc::new(Database::embedded()), Limits::default()),
            seen: Vec::new(),
        }
    }

    fn feed(&mut self, ts: Timestamp, link: u32, frame: &[u8]) {
        let seen = &mut self.seen;
        let _ = self
            .engine
            .process_frame(ts, link, frame, &mut |o| seen.push(o.clone().into_owned()));
    }

    fn capture(&mut self, name: &str) -> &mut Run {
        for (ts, link, frame) in capture(name) {
            self.feed(ts, link, &frame);
        }
        self
    }

    /// Crafted frames at `sec` (Unix seconds), one millisecond apart.
    fn crafted(&mut self, sec: i64, frames: &[Vec<u8>]) -> &mut Run {
        for (i, f) in frames.iter().enumerate() {
            let ts = Timestamp {
                sec,
                usec: i as u32 * 1000,
            };
            self.feed(ts, DLT_EN10MB, f);
        }
        self
    }

    fn finish(&mut self) -> &mut Run {
        let seen = &mut self.seen;
        self.engine
            .finish(&mut |o| seen.push(o.clone().into_owned()));
        self
    }

    fn verdict(&self, addr: &str) -> Verdict {
        self.engine
            .host(addr.parse().unwrap())
            .expect("host seen")
            .verdict
            .expect("host judged")
    }

    /// The `host verdict` observations about `addr`.
    fn verdicts(&self, addr: &str) -> Vec<&OwnedObservation> {
        let addr: std::net::IpAddr = addr.parse().unwrap();
        self.seen
            .iter()
            .filter(|o| o.kind == Kind::HostVerdict && o.subject_addr() == addr)
            .collect()
    }
}

/// The time of a capture's first frame, in seconds.
fn start(name: &str) -> i64 {
    capture(name)[0].0.sec
}

fn codes(v: &Verdict) -> Vec<&str> {
    v.reasons.iter().map(|r| r.code.as_str()).collect()
}

fn text<'v>(v: &'v Verdict, code: &str) -> &'v str {
    &v.reasons
        .iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("no reason {code} in {v:#?}"))
        .text
}

const CHROMIUM: &str = "local-tls-chromium-156.0.8078.114-v4-sni.pcap";
const CURL: &str = "local-tls-curl-7.88.1-v4-sni.pcap";
const REQUESTS: &str = "local-tls-python-requests-2.34.2-v4-sni.pcap";
const WGET: &str = "local-tls-wget-1.21.3-v4-sni.pcap";

/// Headless Chromium 156's User-Agent on Linux (what the capture's browser sends).
const CHROME_LINUX_UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";
/// Chrome 131's User-Agent on Windows 10.
const CHROME_WINDOWS_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
/// Firefox 153's User-Agent on Linux.
const FIREFOX_LINUX_UA: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0";

#[test]
fn a_browser_whose_layers_agree_is_consistent() {
    // Chromium's plaintext request (its header order) with its own User-Agent, from the
    // browser's address a second before its TLS connection; the server answers as nginx.
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {SERVER}\r\nConnection: keep-alive\r\nUpgrade-Insecure-Requests: 1\r\nUser-Agent: {CHROME_LINUX_UA}\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Encoding: gzip, deflate\r\nAccept-Language: en-US,en;q=0.9\r\n\r\n"
    );
    let response = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sat, 05 Dec 2026 23:46:03 GMT\r\nContent-Type: text/html\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n";
    let mut run = Run::new();
    run.crafted(
        start(CHROMIUM) - 1,
        &http(&format!("{CLIENT}:50000"), &request, Some(response)),
    )
    .capture(CHROMIUM)
    .finish();

    let v = run.verdict(CLIENT);
    assert_eq!(v.status, "consistent", "{v:#?}");
    assert_eq!(
        codes(&v),
        [
            "ua_os_fits_syn",
            "ua_fits_tls",
            "tls_fits_syn",
            "tls_fits_ua_os"
        ]
    );
    assert_eq!(
        v.summary,
        "User-Agent claims Chrome on Linux; SYN is Linux 4.19 and newer; TLS client is Chrome or Chromium"
    );
    assert_eq!(
        text(&v, "ua_fits_tls"),
        "User-Agent claims Chrome and TLS client is Chrome or Chromium"
    );
    // Every verdict reported about the browser agreed.
    let reported = run.verdicts(CLIENT);
    assert!(!reported.is_empty());
    for o in &reported {
        let Details::Verdict(d) = &o.details else {
            unreachable!()
        };
        assert_eq!(d.status.as_str(), "consistent", "{o:#?}");
    }

    // The server: a SYN+ACK of Linux, an OpenSSL or Go ServerHello, a Server header of nginx.
    let s = run.verdict(SERVER);
    assert_eq!(s.status, "consistent", "{s:#?}");
    assert_eq!(codes(&s), ["srv_tls_fits_synack", "server_fits_tls"]);
    assert_eq!(
        text(&s, "server_fits_tls"),
        "Server header names nginx and TLS server is OpenSSL or Go crypto/tls"
    );
}

/// curl's request layout (p0fmod.fp's curl 7.46-8.5 signature: Host, User-Agent, Accept).
fn curl_request(ua: &str) -> String {
    format!("GET / HTTP/1.1\r\nHost: {SERVER}\r\nUser-Agent: {ua}\r\nAccept: */*\r\n\r\n")
}

#[test]
fn curl_sending_a_browser_user_agent_is_named() {
    let mut run = Run::new();
    run.crafted(
        start(CURL) - 1,
        &http(
            &format!("{CLIENT}:50000"),
            &curl_request(CHROME_WINDOWS_UA),
            None,
        ),
    )
    .capture(CURL)
    .finish();
    let v = run.verdict(CLIENT);
    assert_eq!(v.status, "contradiction", "{v:#?}");
    // Windows claimed on a Linux SYN; Chrome claimed with curl's TLS stack; curl's header
    // order under a Chrome User-Agent (p0f's dishonest). Agreements are not listed.
    assert_eq!(codes(&v), ["ua_os_vs_syn", "ua_vs_tls", "http_dishonest"]);
    assert_eq!(
        text(&v, "ua_os_vs_syn"),
        "User-Agent claims Windows but SYN is Linux 4.19 and newer"
    );
    assert_eq!(
        text(&v, "ua_vs_tls"),
        "User-Agent claims Chrome but TLS client is curl or libcurl with OpenSSL"
    );
    assert_eq!(
        v.summary,
        "User-Agent claims Chrome on Windows; SYN is Linux 4.19 and newer; TLS client is curl or libcurl with OpenSSL"
    );

    // The last `host verdict` observation says the same, in p0f's log grammar, as a
    // console block and as JSON.
    let last = *run.verdicts(CLIENT).last().unwrap();
    let mut line = String::new();
    format_log_line(last, &mut TimeStamper::default(), &mut line);
    let line = line.split_once("] ").unwrap().1;
    assert!(
        line.starts_with(&format!("mod=host verdict|cli={CLIENT}/")),
        "{line}"
    );
    assert!(
        line.ends_with(
            "|subj=cli|verdict=contradiction|reason=ua_os_vs_syn ua_vs_tls http_dishonest|summary=User-Agent claims Chrome on Windows; SYN is Linux 4.19 and newer; TLS client is curl or libcurl with OpenSSL\n"
        ),
        "{line}"
    );
    let mut block = String::new();
    format_console(last, &mut block);
    assert!(
        block.contains(" (host verdict) ]-\n|\n| client   = 10.231.0.1/"),
        "{block}"
    );
    assert!(
        block.contains(
            "| verdict  = contradiction\n| reason   = ua_os_vs_syn ua_vs_tls http_dishonest\n| summary  = User-Agent claims Chrome on Windows;"
        ),
        "{block}"
    );
    let json = to_json(last);
    assert_eq!(json["mod"], "host verdict");
    assert_eq!(json["subj"], "cli");
    assert_eq!(json["verdict"], "contradiction");
    assert_eq!(
        json["reason"],
        serde_json::json!(["ua_os_vs_syn", "ua_vs_tls", "http_dishonest"])
    );
    assert_eq!(json["reasons"][1]["code"], "ua_vs_tls");
    assert_eq!(
        json["reasons"][1]["text"],
        "User-Agent claims Chrome but TLS client is curl or libcurl with OpenSSL"
    );
    // The host record as the JSON query sends it.
    let host = serde_json::to_value(run.engine.host(CLIENT.parse().unwrap()).unwrap()).unwrap();
    assert_eq!(host["verdict"]["status"], "contradiction");
    assert_eq!(host["verdict"]["reasons"][0]["code"], "ua_os_vs_syn");

    // p0f's own params on the HTTP line are p0f's: dishonest, as p0f computes it.
    let http = run
        .seen
        .iter()
        .find(|o| o.kind == Kind::HttpRequest)
        .unwrap();
    let Details::Http(h) = &http.details else {
        unreachable!()
    };
    assert!(h.dishonest);
}

#[test]
fn python_requests_sending_a_browser_user_agent_is_named() {
    // python-requests' header layout (p0fmod.fp's python-requests 2.x signature) with
    // Firefox's Linux User-Agent: the OS fits the SYN, the program does not fit the hello.
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {SERVER}\r\nUser-Agent: {FIREFOX_LINUX_UA}\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n"
    );
    let mut run = Run::new();
    run.crafted(
        start(REQUESTS) - 1,
        &http(&format!("{CLIENT}:50000"), &request, None),
    )
    .capture(REQUESTS)
    .finish();
    let v = run.verdict(CLIENT);
    assert_eq!(v.status, "contradiction", "{v:#?}");
    assert_eq!(codes(&v), ["ua_vs_tls", "http_dishonest"]);
    assert_eq!(
        text(&v, "ua_vs_tls"),
        "User-Agent claims Firefox but TLS client is Python ssl with OpenSSL"
    );

    // The same program with its own User-Agent agrees.
    let request = request.replace(FIREFOX_LINUX_UA, "python-requests/2.34.2");
    let mut run = Run::new();
    run.crafted(
        start(REQUESTS) - 1,
        &http(&format!("{CLIENT}:50000"), &request, None),
    )
    .capture(REQUESTS)
    .finish();
    let v = run.verdict(CLIENT);
    assert_eq!(v.status, "consistent", "{v:#?}");
    // python-requests names no OS: only the program and the SYN are compared with the hello.
    assert_eq!(codes(&v), ["ua_fits_tls", "tls_fits_syn"]);
}

#[test]
fn a_host_behind_a_nat_whose_syn_and_tls_stack_differ() {
    // A Windows SYN (what a NAT box or a Windows proxy shows), then wget's real GnuTLS
    // ClientHello and nginx's answer over that connection: GnuTLS runs on unix systems
    // only (its label's sys line), so the SYN and the TLS stack cannot be one machine.
    let (hello, answer) = hellos(WGET);
    let mut c = Conn::new("192.0.2.77:50123", &format!("{SERVER}:443"));
    let windows_syn = c.syn().ttl(128).win(8192).options(stack::windows(1460));
    let frames = vec![
        windows_syn.frame(),
        c.linux_synack(2000, 0).frame(),
        c.client_sends("").frame(),
        c.client_sends(&hello).frame(),
        c.server_sends(&answer).frame(),
    ];
    let mut run = Run::new();
    run.crafted(start(WGET), &frames).finish();
    let syn = run
        .seen
        .iter()
        .find(|o| o.kind == Kind::Syn)
        .expect("the SYN");
    let Details::Tcp(t) = &syn.details else {
        unreachable!()
    };
    assert_eq!(t.label.as_ref().unwrap().name, "Windows");
    let v = run.verdict("192.0.2.77");
    assert_eq!(v.status, "contradiction", "{v:#?}");
    assert_eq!(codes(&v), ["tls_vs_syn"]);
    assert!(
        text(&v, "tls_vs_syn").starts_with("TLS client is GnuTLS but SYN is Windows"),
        "{v:#?}"
    );
    assert!(text(&v, "tls_vs_syn").ends_with("(not a system it runs on)"));

    // A Windows User-Agent over plaintext from the same host adds the User-Agent's side.
    let ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
    let request = format!("GET / HTTP/1.1\r\nHost: {SERVER}\r\nUser-Agent: {ua}\r\n\r\n");
    let mut c = Conn::new("192.0.2.77:50124", &format!("{SERVER}:80"));
    let frames = vec![
        c.syn()
            .ttl(128)
            .win(8192)
            .options(stack::windows(1460))
            .frame(),
        c.linux_synack(3000, 0).frame(),
        c.client_sends("").frame(),
        c.client_sends(&request).frame(),
    ];
    run.crafted(start(WGET) + 1, &frames);
    let v = run.verdict("192.0.2.77");
    assert_eq!(codes(&v), ["ua_vs_tls", "tls_vs_syn", "tls_vs_ua_os"]);
}

#[test]
fn a_host_with_one_layer_is_unknown_and_reported_only_when_it_changes() {
    // Only the browser's TLS connection: SYN and hello agree (consistent) once the hello is
    // read; before it, the SYN alone gave `unknown`, which is never reported first.
    let mut run = Run::new();
    let frames = capture(CHROMIUM);
    let (ts, link, syn) = &frames[0];
    run.feed(*ts, *link, syn);
    let v = run.verdict(CLIENT);
    assert_eq!(v.status, "unknown");
    assert!(v.reasons.is_empty());
    assert_eq!(v.summary, "SYN is Linux 4.19 and newer");
    assert!(run.verdicts(CLIENT).is_empty());
    for (ts, link, frame) in &frames[1..] {
        run.feed(*ts, *link, frame);
    }
    run.finish();
    // The capture holds two connections with the same hello: one report, not two.
    assert_eq!(run.verdicts(CLIENT).len(), 1);
    assert_eq!(codes(&run.verdict(CLIENT)), ["tls_fits_syn"]);
}

#[test]
fn no_verdict_without_tls() {
    let mut run = Run::new();
    run.engine.set_tls(false);
    run.crafted(
        start(CURL) - 1,
        &http(
            &format!("{CLIENT}:50000"),
            &curl_request(CHROME_WINDOWS_UA),
            None,
        ),
    )
    .capture(CURL)
    .finish();
    assert!(run.seen.iter().all(|o| o.kind != Kind::HostVerdict));
    let host = run.engine.host(CLIENT.parse().unwrap()).unwrap();
    assert!(host.verdict.is_none());
}

#[test]
fn the_verdict_changes_only_the_verdict_lines() {
    // TLS on minus its own lines (TLS and verdict) is TLS off, line for line.
    let frames = http(
        &format!("{CLIENT}:50000"),
        &curl_request(CHROME_WINDOWS_UA),
        None,
    );
    let lines = |tls: bool| {
        let mut run = Run::new();
        run.engine.set_tls(tls);
        run.crafted(start(CURL) - 1, &frames).capture(CURL).finish();
        run.seen
            .iter()
            .filter(|o| {
                !matches!(
                    o.kind,
                    Kind::TlsRequest | Kind::TlsResponse | Kind::HostVerdict
                )
            })
            .map(|o| {
                let mut s = String::new();
                format_log_line(o, &mut TimeStamper::default(), &mut s);
                s
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(lines(true), lines(false));
}

#[test]
fn a_server_header_that_does_not_fit_the_server_hello_is_named() {
    // Caddy's TLS 1.2 ServerHello is Go's crypto/tls (p0fmod.fp's [tls:response] comment
    // cites this capture); a plaintext answer from the same server naming nginx (an
    // OpenSSL server) cannot be the same program: a load balancer or a front proxy.
    const CADDY: &str = "local-tls-curl-7.88.1-v4-sni-tls12-srv-caddy.pcap";
    let request = curl_request("curl/7.88.1");
    let nginx = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 0\r\n\r\n";
    let mut run = Run::new();
    run.crafted(
        start(CADDY) - 1,
        &http(&format!("{CLIENT}:50000"), &request, Some(nginx)),
    )
    .capture(CADDY)
    .finish();
    let s = run.verdict(SERVER);
    assert_eq!(s.status, "contradiction", "{s:#?}");
    assert_eq!(codes(&s), ["server_vs_tls"]);
    assert_eq!(
        text(&s, "server_vs_tls"),
        "Server header names nginx but TLS server is Go crypto/tls"
    );
    let last = *run.verdicts(SERVER).last().unwrap();
    assert_eq!(last.subject, p0fmod::Subject::Server);

    // Caddy's own Server header fits.
    let caddy = nginx.replace("nginx/1.22.1", "Caddy");
    let mut run = Run::new();
    run.crafted(
        start(CADDY) - 1,
        &http(&format!("{CLIENT}:50000"), &request, Some(&caddy)),
    )
    .capture(CADDY)
    .finish();
    let s = run.verdict(SERVER);
    assert_eq!(s.status, "consistent", "{s:#?}");
    assert_eq!(codes(&s), ["srv_tls_fits_synack", "server_fits_tls"]);
    // And the client, curl with its own User-Agent over plaintext and TLS 1.2 (OpenSSL's
    // hello, which curl's family lists), agrees too.
    let c = run.verdict(CLIENT);
    assert_eq!(c.status, "consistent", "{c:#?}");
    assert_eq!(codes(&c), ["ua_fits_tls", "tls_fits_syn"]);
    assert_eq!(
        c.summary,
        "User-Agent claims curl; SYN is Linux 4.19 and newer; TLS client is OpenSSL"
    );
}

#[test]
fn a_quic_hello_is_a_tls_layer_too() {
    // curl's TCP connection puts the host in p0f's table; then the same address sends
    // aioquic's QUIC Initial (its ClientHello is aioquic's own TLS 1.3), under curl's
    // User-Agent over plaintext: the last TLS client is aioquic, which curl never uses.
    const AIOQUIC: &str = "local-tls-aioquic-http3client-1.7.2-v4-sni.pcap";
    let mut run = Run::new();
    run.crafted(
        start(CURL) - 1,
        &http(
            &format!("{CLIENT}:50000"),
            &curl_request("curl/7.88.1"),
            None,
        ),
    )
    .capture(CURL);
    assert_eq!(run.verdict(CLIENT).status, "consistent");
    run.capture(AIOQUIC).finish();
    let quic = run
        .seen
        .iter()
        .rfind(|o| o.kind == Kind::TlsRequest)
        .expect("the QUIC hello");
    let Details::Tls(t) = &quic.details else {
        unreachable!()
    };
    assert_eq!(t.carriage.transport, "quic");
    let v = run.verdict(CLIENT);
    assert_eq!(v.status, "contradiction", "{v:#?}");
    assert_eq!(codes(&v), ["ua_vs_tls"]);
    assert_eq!(
        text(&v, "ua_vs_tls"),
        "User-Agent claims curl but TLS client is aioquic"
    );
}
