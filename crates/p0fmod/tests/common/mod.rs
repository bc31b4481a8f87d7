//! Shared helpers of the engine scenario tests: a packet builder (Ethernet, IPv4/IPv6,
//! TCP with options), a classic-pcap writer, a runner that feeds a packet sequence to the
//! [`Engine`] and renders p0f log lines, and a runner for the reference p0f 3.09b binary.
//!
//! Every scenario asserts hard-coded reference lines: what p0f 3.09b logged for that
//! exact packet sequence. [`Trace::check`] asserts the engine's lines against them, and,
//! when the reference binary is installed (`/usr/sbin/p0f`, Debian's `p0f` package, or
//! `$P0FMOD_REFERENCE_P0F`), also runs it on the same packets written as a pcap and asserts
//! that it still writes exactly those lines. Lines are compared without their
//! `[YYYY/MM/DD HH:MM:SS] ` prefix, so the local time zone does not matter.

#![allow(dead_code)]

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use p0fmod::output::p0f::{TimeStamper, format_log_line};
use p0fmod::{Database, Engine, Limits, Timestamp};

/// Packet times are offsets from this instant (2023-11-14 22:13:20 UTC).
pub const BASE_SEC: i64 = 1_700_000_000;

/// Ethernet link type.
pub const DLT_EN10MB: u32 = 1;

// TCP flags.
pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;
pub const URG: u8 = 0x20;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The stock p0f.fp: `../shared/reference/p0f.fp` next to the workspace, or Debian's
/// `/etc/p0f/p0f.fp`. Panics, naming both, when neither exists.
pub fn stock_fp_path() -> PathBuf {
    let shared = workspace_root().join("../shared/reference/p0f.fp");
    let debian = PathBuf::from("/etc/p0f/p0f.fp");
    [shared.clone(), debian.clone()]
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "the stock p0f 3.09b database is needed: neither {} nor {} exists \
             (install Debian's p0f package, or provide ../shared/reference/p0f.fp)",
                shared.display(),
                debian.display()
            )
        })
}

/// The stock database, loaded once per test binary.
pub fn stock_db() -> Arc<Database> {
    static DB: OnceLock<Arc<Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let path = stock_fp_path();
        let db =
            Database::load(&path).unwrap_or_else(|e| panic!("loading {}: {e:?}", path.display()));
        Arc::new(db)
    })
    .clone()
}

/// `Limits` from p0f's `-m c,h` and `-t c,h`.
pub fn limits(max_conn: u32, max_hosts: u32, conn_max_age: u32, host_idle_limit: u32) -> Limits {
    Limits {
        max_conn,
        max_hosts,
        conn_max_age,
        host_idle_limit,
    }
}

/// A socket address from text, e.g. `"192.0.2.10:40000"` or `"[2001:db8::1]:80"`.
pub fn sa(text: &str) -> SocketAddr {
    text.parse()
        .unwrap_or_else(|_| panic!("bad socket address {text}"))
}

/// One TCP option, as it goes on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opt {
    /// End of options (kind 0, one byte).
    Eol,
    /// No-operation (kind 1).
    Nop,
    /// Maximum segment size (kind 2, length 4).
    Mss(u16),
    /// Window scale (kind 3, length 3).
    Ws(u8),
    /// SACK permitted (kind 4, length 2).
    SackOk,
    /// Timestamps (kind 8, length 10): own value, echoed value.
    Ts(u32, u32),
    /// Raw bytes.
    Raw(Vec<u8>),
}

fn encode_options(opts: &[Opt]) -> Vec<u8> {
    let mut out = Vec::new();
    for opt in opts {
        match opt {
            Opt::Eol => out.push(0),
            Opt::Nop => out.push(1),
            Opt::Mss(m) => out.extend_from_slice(&[2, 4, (m >> 8) as u8, *m as u8]),
            Opt::Ws(s) => out.extend_from_slice(&[3, 3, *s]),
            Opt::SackOk => out.extend_from_slice(&[4, 2]),
            Opt::Ts(a, b) => {
                out.extend_from_slice(&[8, 10]);
                out.extend_from_slice(&a.to_be_bytes());
                out.extend_from_slice(&b.to_be_bytes());
            }
            Opt::Raw(bytes) => out.extend_from_slice(bytes),
        }
    }
    out
}

/// A TCP segment over IPv4 or IPv6 in an Ethernet frame, built field by field.
#[derive(Clone, Debug)]
pub struct Tcp {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub win: u16,
    pub urg_ptr: u16,
    pub ttl: u8,
    /// IPv4 identification.
    pub ip_id: u16,
    /// IPv4 don't-fragment flag.
    pub df: bool,
    /// The whole IPv4 TOS / IPv6 traffic-class byte (DSCP << 2 | ECN).
    pub tos: u8,
    /// IPv6 flow label.
    pub flow_label: u32,
    pub options: Vec<Opt>,
    pub payload: Vec<u8>,
}

impl Tcp {
    /// A segment with no options: TTL 64, DF set, IP ID 1, window 8192.
    pub fn new(src: SocketAddr, dst: SocketAddr, flags: u8) -> Tcp {
        Tcp {
            src,
            dst,
            seq: 1,
            ack: 0,
            flags,
            win: 8192,
            urg_ptr: 0,
            ttl: 64,
            ip_id: 1,
            df: true,
            tos: 0,
            flow_label: 0,
            options: Vec::new(),
            payload: Vec::new(),
        }
    }

    pub fn seq(mut self, seq: u32) -> Tcp {
        self.seq = seq;
        self
    }
    pub fn ack(mut self, ack: u32) -> Tcp {
        self.ack = ack;
        self
    }
    pub fn flags(mut self, flags: u8) -> Tcp {
        self.flags = flags;
        self
    }
    pub fn win(mut self, win: u16) -> Tcp {
        self.win = win;
        self
    }
    pub fn ttl(mut self, ttl: u8) -> Tcp {
        self.ttl = ttl;
        self
    }
    pub fn ip_id(mut self, id: u16) -> Tcp {
        self.ip_id = id;
        self
    }
    pub fn df(mut self, df: bool) -> Tcp {
        self.df = df;
        self
    }
    pub fn tos(mut self, tos: u8) -> Tcp {
        self.tos = tos;
        self
    }
    pub fn urg_ptr(mut self, ptr: u16) -> Tcp {
        self.urg_ptr = ptr;
        self
    }
    pub fn options(mut self, options: Vec<Opt>) -> Tcp {
        self.options = options;
        self
    }
    pub fn payload(mut self, payload: impl AsRef<[u8]>) -> Tcp {
        self.payload = payload.as_ref().to_vec();
        self
    }

    /// Replaces the own value of the timestamp option, if any.
    pub fn tsval(mut self, value: u32) -> Tcp {
        for opt in &mut self.options {
            if let Opt::Ts(a, _) = opt {
                *a = value;
            }
        }
        self
    }

    /// Replaces the MSS option value, if any.
    pub fn mss(mut self, mss: u16) -> Tcp {
        for opt in &mut self.options {
            if let Opt::Mss(m) = opt {
                *m = mss;
            }
        }
        self
    }

    /// The Ethernet frame.
    pub fn frame(&self) -> Vec<u8> {
        let mut opts = encode_options(&self.options);
        while !opts.len().is_multiple_of(4) {
            opts.push(0);
        }
        assert!(opts.len() <= 40, "TCP options too long");
        let tcp_len = 20 + opts.len();
        let mut tcp = Vec::with_capacity(tcp_len + self.payload.len());
        tcp.extend_from_slice(&self.src.port().to_be_bytes());
        tcp.extend_from_slice(&self.dst.port().to_be_bytes());
        tcp.extend_from_slice(&self.seq.to_be_bytes());
        tcp.extend_from_slice(&self.ack.to_be_bytes());
        tcp.push(((tcp_len / 4) as u8) << 4);
        tcp.push(self.flags);
        tcp.extend_from_slice(&self.win.to_be_bytes());
        tcp.extend_from_slice(&[0, 0]);
        tcp.extend_from_slice(&self.urg_ptr.to_be_bytes());
        tcp.extend_from_slice(&opts);
        tcp.extend_from_slice(&self.payload);

        let mut frame = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01];
        match (self.src.ip(), self.dst.ip()) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                let mut pseudo = Vec::with_capacity(12 + tcp.len());
                pseudo.extend_from_slice(&s.octets());
                pseudo.extend_from_slice(&d.octets());
                pseudo.extend_from_slice(&[0, 6]);
                pseudo.extend_from_slice(&(tcp.len() as u16).to_be_bytes());
                pseudo.extend_from_slice(&tcp);
                let sum = checksum(&pseudo);
                tcp[16..18].copy_from_slice(&sum.to_be_bytes());

                frame.extend_from_slice(&[0x08, 0x00]);
                let total = (20 + tcp.len()) as u16;
                let mut ip = Vec::with_capacity(20);
                ip.push(0x45);
                ip.push(self.tos);
                ip.extend_from_slice(&total.to_be_bytes());
                ip.extend_from_slice(&self.ip_id.to_be_bytes());
                ip.extend_from_slice(&(if self.df { 0x4000u16 } else { 0 }).to_be_bytes());
                ip.push(self.ttl);
                ip.push(6);
                ip.extend_from_slice(&[0, 0]);
                ip.extend_from_slice(&s.octets());
                ip.extend_from_slice(&d.octets());
                let sum = checksum(&ip);
                ip[10..12].copy_from_slice(&sum.to_be_bytes());
                frame.extend_from_slice(&ip);
            }
            (IpAddr::V6(s), IpAddr::V6(d)) => {
                let mut pseudo = Vec::with_capacity(40 + tcp.len());
                pseudo.extend_from_slice(&s.octets());
                pseudo.extend_from_slice(&d.octets());
                pseudo.extend_from_slice(&(tcp.len() as u32).to_be_bytes());
                pseudo.extend_from_slice(&[0, 0, 0, 6]);
                pseudo.extend_from_slice(&tcp);
                let sum = checksum(&pseudo);
                tcp[16..18].copy_from_slice(&sum.to_be_bytes());

                frame.extend_from_slice(&[0x86, 0xdd]);
                let word = (6u32 << 28) | (u32::from(self.tos) << 20) | (self.flow_label & 0xfffff);
                frame.extend_from_slice(&word.to_be_bytes());
                frame.extend_from_slice(&(tcp.len() as u16).to_be_bytes());
                frame.push(6);
                frame.push(self.ttl);
                frame.extend_from_slice(&s.octets());
                frame.extend_from_slice(&d.octets());
            }
            _ => panic!("mixed address families"),
        }
        frame.extend_from_slice(&tcp);
        frame
    }
}

/// The Internet checksum.
fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for chunk in data.chunks(2) {
        let word = if chunk.len() == 2 {
            u16::from_be_bytes([chunk[0], chunk[1]])
        } else {
            u16::from(chunk[0]) << 8
        };
        sum += u32::from(word);
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Option layouts of common stacks.
pub mod stack {
    use super::Opt;

    /// Linux SYN: `mss,sok,ts,nop,ws`.
    pub fn linux(mss: u16, ts: u32, ws: u8) -> Vec<Opt> {
        vec![
            Opt::Mss(mss),
            Opt::SackOk,
            Opt::Ts(ts, 0),
            Opt::Nop,
            Opt::Ws(ws),
        ]
    }

    /// Linux SYN+ACK: `mss,sok,ts,nop,ws`, echoing the client's timestamp.
    pub fn linux_synack(mss: u16, ts: u32, echo: u32, ws: u8) -> Vec<Opt> {
        vec![
            Opt::Mss(mss),
            Opt::SackOk,
            Opt::Ts(ts, echo),
            Opt::Nop,
            Opt::Ws(ws),
        ]
    }

    /// Windows 7 SYN: `mss,nop,nop,sok`.
    pub fn windows(mss: u16) -> Vec<Opt> {
        vec![Opt::Mss(mss), Opt::Nop, Opt::Nop, Opt::SackOk]
    }

    /// Data segments with timestamps: `nop,nop,ts`.
    pub fn ts(ts: u32, echo: u32) -> Vec<Opt> {
        vec![Opt::Nop, Opt::Nop, Opt::Ts(ts, echo)]
    }
}

/// One TCP connection's endpoints and sequence numbers, to build its segments in order.
#[derive(Clone, Debug)]
pub struct Conn {
    pub client: SocketAddr,
    pub server: SocketAddr,
    /// Client initial sequence number.
    pub cli_isn: u32,
    /// Server initial sequence number.
    pub srv_isn: u32,
    /// Next client sequence number (after the SYN).
    pub cli_next: u32,
    /// Next server sequence number (after the SYN+ACK).
    pub srv_next: u32,
}

impl Conn {
    pub fn new(client: &str, server: &str) -> Conn {
        Conn::with_isn(client, server, 0x1000_0000, 0x5000_0000)
    }

    pub fn with_isn(client: &str, server: &str, cli_isn: u32, srv_isn: u32) -> Conn {
        Conn {
            client: sa(client),
            server: sa(server),
            cli_isn,
            srv_isn,
            cli_next: cli_isn.wrapping_add(1),
            srv_next: srv_isn.wrapping_add(1),
        }
    }

    /// The client's SYN (no options).
    pub fn syn(&self) -> Tcp {
        Tcp::new(self.client, self.server, SYN).seq(self.cli_isn)
    }

    /// A Linux 3.11+ client SYN (`mss*20,7:mss,sok,ts,nop,ws:df,id+`).
    pub fn linux_syn(&self, ts: u32) -> Tcp {
        self.syn().win(29200).options(stack::linux(1460, ts, 7))
    }

    /// The server's SYN+ACK (no options, DF, IP ID 0).
    pub fn synack(&self) -> Tcp {
        Tcp::new(self.server, self.client, SYN | ACK)
            .seq(self.srv_isn)
            .ack(self.cli_next)
            .ip_id(0)
    }

    /// A Linux 3.x server SYN+ACK (`mss*10,7:mss,sok,ts,nop,ws:df`).
    pub fn linux_synack(&self, ts: u32, echo: u32) -> Tcp {
        self.synack()
            .win(14600)
            .options(stack::linux_synack(1460, ts, echo, 7))
    }

    /// A client segment (ACK, plus PSH when it carries data) at the next client
    /// sequence number; advances it by the payload length.
    pub fn client_sends(&mut self, payload: impl AsRef<[u8]>) -> Tcp {
        let payload = payload.as_ref();
        let flags = if payload.is_empty() { ACK } else { ACK | PSH };
        let t = Tcp::new(self.client, self.server, flags)
            .seq(self.cli_next)
            .ack(self.srv_next)
            .win(502)
            .payload(payload);
        self.cli_next = self.cli_next.wrapping_add(payload.len() as u32);
        t
    }

    /// A server segment at the next server sequence number; advances it.
    pub fn server_sends(&mut self, payload: impl AsRef<[u8]>) -> Tcp {
        let payload = payload.as_ref();
        let flags = if payload.is_empty() { ACK } else { ACK | PSH };
        let t = Tcp::new(self.server, self.client, flags)
            .seq(self.srv_next)
            .ack(self.cli_next)
            .win(509)
            .payload(payload);
        self.srv_next = self.srv_next.wrapping_add(payload.len() as u32);
        t
    }
}

/// Log lines (without their time prefix) less p0fmod's own kinds (TLS hellos, cross-layer
/// verdicts): what p0f 3.09b would write.
pub fn p0f_kinds_only(mut lines: Vec<String>) -> Vec<String> {
    lines.retain(|l| {
        !p0fmod::Kind::ALL
            .iter()
            .filter(|k| !k.is_p0f())
            .any(|k| l.starts_with(&format!("mod={}|", k.keyword())))
    });
    lines
}

/// A packet sequence with packet times.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    pub frames: Vec<(Timestamp, Vec<u8>)>,
}

/// A packet time `ms` milliseconds after [`BASE_SEC`].
pub fn at_ms(ms: i64) -> Timestamp {
    let total = BASE_SEC * 1000 + ms;
    Timestamp {
        sec: total.div_euclid(1000),
        usec: (total.rem_euclid(1000) * 1000) as u32,
    }
}

impl Trace {
    pub fn new() -> Trace {
        Trace::default()
    }

    /// Adds a packet `ms` milliseconds after [`BASE_SEC`].
    pub fn push(&mut self, ms: i64, tcp: &Tcp) {
        self.frames.push((at_ms(ms), tcp.frame()));
    }

    /// Adds a packet at an exact time.
    pub fn push_at(&mut self, ts: Timestamp, tcp: &Tcp) {
        self.frames.push((ts, tcp.frame()));
    }

    /// The trace as a classic little-endian pcap file (Ethernet, microseconds).
    pub fn pcap_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&4u16.to_le_bytes());
        out.extend_from_slice(&0i32.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&65535u32.to_le_bytes());
        out.extend_from_slice(&DLT_EN10MB.to_le_bytes());
        for (ts, frame) in &self.frames {
            out.extend_from_slice(&(ts.sec as u32).to_le_bytes());
            out.extend_from_slice(&ts.usec.to_le_bytes());
            out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            out.extend_from_slice(frame);
        }
        out
    }

    /// Writes the pcap to `target/tmp/engine-scenarios/<name>.pcap` (kept for inspection).
    pub fn write_pcap(&self, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("engine-scenarios");
        std::fs::create_dir_all(&dir).expect("create the scenario folder");
        let path = dir.join(format!("{name}.pcap"));
        std::fs::write(&path, self.pcap_bytes()).expect("write the pcap");
        path
    }

    /// Runs the engine over the trace; returns it and the log lines it wrote.
    pub fn run_engine(&self, limits: Limits) -> (Engine, Vec<String>) {
        let mut engine = Engine::new(stock_db(), limits);
        let mut lines = Vec::new();
        let mut stamper = TimeStamper::default();
        for (ts, frame) in &self.frames {
            let _ = engine.process_frame(*ts, DLT_EN10MB, frame, &mut |obs| {
                let mut line = String::new();
                format_log_line(obs, &mut stamper, &mut line);
                lines.push(strip_time(line.trim_end_matches('\n')).to_string());
            });
        }
        (engine, lines)
    }

    /// Runs the reference p0f 3.09b on the trace, if it is installed; its log lines
    /// without the time prefix.
    pub fn run_reference(&self, name: &str, limits: Limits) -> Option<Vec<String>> {
        let p0f = reference_p0f()?;
        let pcap = self.write_pcap(name);
        Some(run_p0f(&p0f, &pcap, limits))
    }

    /// Asserts that the engine writes exactly `expected` (p0f 3.09b's lines for this trace,
    /// without the time prefix), and, when the reference binary is installed, that it
    /// still writes them too (leaving `reason=date` lines out, see [`without_date`]).
    /// Returns the engine for further checks.
    pub fn check(&self, name: &str, limits: Limits, expected: &[&str]) -> Engine {
        self.check_filtered(name, limits, None, expected)
    }

    /// Like [`Trace::check`], but compares only the lines whose `mod=` is one of `mods`
    /// with `expected`; when the reference binary is installed, the engine's full output
    /// must also equal the reference's full output.
    pub fn check_mods(
        &self,
        name: &str,
        limits: Limits,
        mods: &[&str],
        expected: &[&str],
    ) -> Engine {
        self.check_filtered(name, limits, Some(mods), expected)
    }

    fn check_filtered(
        &self,
        name: &str,
        limits: Limits,
        mods: Option<&[&str]>,
        expected: &[&str],
    ) -> Engine {
        let keep = |lines: &[String]| -> Vec<String> {
            lines
                .iter()
                .filter(|l| {
                    mods.is_none_or(|mods| mods.iter().any(|m| l.starts_with(&format!("mod={m}|"))))
                })
                .cloned()
                .collect()
        };
        let (engine, ours) = self.run_engine(limits);
        let ours = p0f_kinds_only(ours);
        let reference = self.run_reference(name, limits);
        if std::env::var_os("P0FMOD_PRINT_REFERENCE").is_some() {
            print_lines(name, &keep(reference.as_deref().unwrap_or(&ours)));
        }
        let mut problems = Vec::new();
        if let Some(reference) = &reference {
            if without_date(&keep(reference)) != without_date(expected) {
                problems.push(format!(
                    "the reference p0f 3.09b does not write the expected lines \
                     (reason=date lines left out):\n{}",
                    diff(expected, &keep(reference))
                ));
            }
            if mods.is_some() && without_date(reference) != without_date(&ours) {
                problems.push(format!(
                    "the engine's full output differs from the reference's \
                     (reason=date lines left out):\n{}",
                    diff(reference, &ours)
                ));
            }
        }
        if keep(&ours) != expected {
            problems.push(format!(
                "the engine does not write the expected lines:\n{}",
                diff(expected, &keep(&ours))
            ));
        }
        assert!(
            problems.is_empty(),
            "scenario {name}:\n{}",
            problems.join("\n")
        );
        engine
    }
}

/// Lines without `reason=date` ones. p0f 3.09b parses the HTTP `Date` header into an
/// uninitialised `struct tm` (spec §9.7), so whether it reports `reason=date` depends on
/// stack contents; the engine's verdicts (UTC, deterministic) are asserted exactly, but
/// the reference's are left out of every comparison with it, as in the corpus parity test.
pub fn without_date(lines: &[impl AsRef<str>]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.as_ref().to_string())
        .filter(|l| !l.contains("|reason=date"))
        .collect()
}

/// Prints lines as Rust string literals (`P0FMOD_PRINT_REFERENCE=1`, while writing a
/// scenario: every line printed is checked by hand against the spec before it is pasted).
pub fn print_lines(name: &str, lines: &[String]) {
    let mut out = format!("--- {name}\n");
    for l in lines {
        out.push_str(&format!("            {l:?},\n"));
    }
    eprint!("{out}");
}

/// A readable listing of expected and actual lines.
pub fn diff(expected: &[impl AsRef<str>], actual: &[impl AsRef<str>]) -> String {
    let mut out = String::from("  expected:\n");
    for l in expected {
        out.push_str(&format!("    {}\n", l.as_ref()));
    }
    out.push_str("  actual:\n");
    for l in actual {
        out.push_str(&format!("    {}\n", l.as_ref()));
    }
    out
}

/// A log line without its `[YYYY/MM/DD HH:MM:SS] ` prefix.
pub fn strip_time(line: &str) -> &str {
    match (line.starts_with('['), line.find("] ")) {
        (true, Some(i)) => &line[i + 2..],
        _ => line,
    }
}

/// The reference binary: `$P0FMOD_REFERENCE_P0F` (`none` to skip), else `/usr/sbin/p0f`.
pub fn reference_p0f() -> Option<PathBuf> {
    match std::env::var_os("P0FMOD_REFERENCE_P0F") {
        Some(v) if v == "none" => None,
        Some(v) => Some(PathBuf::from(v)),
        None => Some(PathBuf::from("/usr/sbin/p0f")).filter(|p| p.is_file()),
    }
}

/// Runs p0f on a capture as ../shared/tools/p0f-oracle does (TZ=UTC, address-space
/// randomisation off when `setarch` exists, fresh log), with `-m`/`-t` when they differ
/// from the defaults; returns its log lines without the time prefix.
pub fn run_p0f(p0f: &Path, pcap: &Path, limits: Limits) -> Vec<String> {
    let log = pcap.with_extension("p0f.log");
    let _ = std::fs::remove_file(&log);
    let mut args: Vec<String> = vec![
        "-f".into(),
        stock_fp_path().display().to_string(),
        "-r".into(),
        pcap.display().to_string(),
        "-o".into(),
        log.display().to_string(),
    ];
    let d = Limits::default();
    if (limits.max_conn, limits.max_hosts) != (d.max_conn, d.max_hosts) {
        args.extend([
            "-m".into(),
            format!("{},{}", limits.max_conn, limits.max_hosts),
        ]);
    }
    if (limits.conn_max_age, limits.host_idle_limit) != (d.conn_max_age, d.host_idle_limit) {
        args.extend([
            "-t".into(),
            format!("{},{}", limits.conn_max_age, limits.host_idle_limit),
        ]);
    }
    let arch = Command::new("uname")
        .arg("-m")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let setarch = Path::new("/usr/bin/setarch");
    let mut cmd = match arch {
        Some(arch) if setarch.is_file() && !arch.is_empty() => {
            let mut c = Command::new(setarch);
            c.arg(arch).arg("-R").arg(p0f);
            c
        }
        _ => Command::new(p0f),
    };
    let out = cmd
        .args(&args)
        .env("TZ", "UTC")
        .output()
        .expect("run the reference p0f");
    assert!(
        out.status.success(),
        "reference p0f failed on {}: {}\n{}",
        pcap.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    text.lines().map(|l| strip_time(l).to_string()).collect()
}

/// An HTTP `Date` value (RFC 1123, GMT) for a Unix time.
pub fn http_date(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// A whole HTTP exchange on `c` starting at `ms`: `syn`, `synack` 1 ms later, the request
/// at +2 ms and, if given, the response at +3 ms.
pub fn http_exchange(
    t: &mut Trace,
    c: &mut Conn,
    ms: i64,
    syn: &Tcp,
    synack: &Tcp,
    request: &str,
    response: Option<&str>,
) {
    t.push(ms, syn);
    t.push(ms + 1, synack);
    t.push(ms + 2, &c.client_sends(request));
    if let Some(response) = response {
        t.push(ms + 3, &c.server_sends(response));
    }
}

impl Trace {
    /// `cache_sizes()` (hosts, flows) of the engine after each packet.
    pub fn cache_sizes_after_each(&self, limits: Limits) -> Vec<(usize, usize)> {
        let mut engine = Engine::new(stock_db(), limits);
        self.frames
            .iter()
            .map(|(ts, frame)| {
                let _ = engine.process_frame(*ts, DLT_EN10MB, frame, &mut |_| {});
                engine.cache_sizes()
            })
            .collect()
    }

    /// Number of packets so far.
    pub fn packet_count(&self) -> usize {
        self.frames.len()
    }
}

/// A RST between two addresses that nothing else uses: it is counted (and so moves p0f's
/// every-50-packets expiry along) but touches no flow or host.
pub fn filler(i: u16) -> Tcp {
    Tcp::new(sa("203.0.113.200:1000"), sa("203.0.113.201:80"), RST)
        .seq(u32::from(i))
        .win(0)
}
