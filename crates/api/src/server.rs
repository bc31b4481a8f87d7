//! The unix-socket query server, non-blocking, for a `poll()` loop it shares with capture.
//!
//! [`ApiServer::bind`] opens the socket as p0f does (spec §12.1): a path of 108 bytes or
//! more is refused, an existing file that is not a socket is refused, a stale socket is
//! replaced, the socket gets mode **0666** (as p0f, so that any local user may query; put it
//! in a directory whose permissions restrict who can reach it), the listen backlog is the
//! client limit, and everything is non-blocking. One deliberate difference: p0f unlinks an
//! existing socket unconditionally, which silently steals the name from a running instance;
//! p0fmod first connects to it and refuses when something still answers.
//!
//! Serving (spec §12.3): each client's bytes are cut into 21-byte queries, each answered
//! at once from the host table (a snapshot), in order, so pipelined queries work. Answers
//! are written with `MSG_NOSIGNAL`, and a client that goes away is simply dropped: nothing a
//! client does can stop the server. Where p0f differs, p0fmod chooses:
//!
//! * **Extra clients** beyond `max_clients` are accepted and closed at once, with p0f's
//!   warning. (p0f leaves them in the listen backlog and repeats the warning on every loop
//!   iteration, which also keeps its `poll()` from sleeping.) The refused client reads
//!   end-of-file; the connected ones are not affected.
//! * **Flow control**: a client's pending answers are bounded by
//!   [`ServerOptions::max_pending`]; beyond it the server stops reading that client's queries
//!   until it reads its answers. A client whose answers stay unread for
//!   [`ServerOptions::stall_timeout`] is dropped, freeing its slot. (p0f keeps one answer per
//!   client and waits forever.)
//! * **Idle and slow clients**: a query (binary or JSON line) must arrive whole within
//!   [`ServerOptions::query_timeout`] of its first byte, or the client is dropped. When
//!   `max_clients` clients are connected, a new client takes the slot of the client idle
//!   the longest (one that is owed no answer), which is dropped; only when every client is
//!   owed answers is the new one refused. (In p0f, clients that send nothing or half a
//!   query keep their slots forever and lock everyone else out.)
//! * A read or write error on a client drops that client. (In p0f it is fatal.)

use std::fmt;
use std::io::{self, Read};
use std::net::IpAddr;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::socket::{
    AddressFamily, Backlog, MsgFlags, SockFlag, SockType, UnixAddr, bind, connect, listen, send,
    socket,
};
use nix::sys::stat::{Mode, umask};
use p0fmod::HostInfo;

use crate::json::{JSON_START, MAX_JSON_REQUEST, answer_json};
use crate::proto::{QUERY_LEN, QueryError, RESPONSE_LEN, answer};

/// Bytes read at a time from a client sending a JSON request (its answers are larger than
/// its requests; reading little keeps a client's pending answers near the bound).
const JSON_READ_CHUNK: usize = 256;

/// Longest socket path, in bytes (`sizeof(sockaddr_un.sun_path)` on Linux, NUL included).
pub const SUN_PATH_LEN: usize = 108;

/// Permissions of the socket file (p0f's API_MODE).
pub const SOCKET_MODE: u32 = 0o666;

/// Tunables of the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerOptions {
    /// Most clients connected at once (p0f's `-S`, 1 to 100, default 20); also the listen
    /// backlog.
    pub max_clients: u32,
    /// Bytes of unread answers kept per client before the server stops reading its queries.
    pub max_pending: usize,
    /// A client whose answers stay unread this long is dropped.
    pub stall_timeout: Duration,
    /// A client that has sent part of a query and not the rest this long after its first
    /// byte is dropped.
    pub query_timeout: Duration,
}

impl Default for ServerOptions {
    fn default() -> ServerOptions {
        ServerOptions {
            max_clients: 20,
            max_pending: 64 * RESPONSE_LEN,
            stall_timeout: Duration::from_secs(30),
            query_timeout: Duration::from_secs(5),
        }
    }
}

/// The server's counters since it was bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ApiStats {
    /// Clients accepted.
    pub clients_accepted: u64,
    /// Clients refused because `max_clients` were connected.
    pub clients_refused: u64,
    /// Clients dropped for leaving their answers unread.
    pub clients_stalled: u64,
    /// p0f binary queries answered (refused ones included).
    pub answers: u64,
    /// JSON queries answered (refused ones included).
    pub json_answers: u64,
    /// Queries refused as malformed (binary status 0x00, or JSON `bad_query`).
    pub bad_queries: u64,
}

/// Why the socket could not be opened. [`BindError::message`] is p0f's text.
#[derive(Debug)]
pub enum BindError {
    /// The path is 108 bytes or longer.
    PathTooLong(PathBuf),
    /// Something that is not a socket exists at the path.
    NotASocket(PathBuf),
    /// A socket exists at the path and something answers on it.
    InUse(PathBuf),
    /// The stale socket could not be removed.
    Unlink(PathBuf, io::Error),
    /// The socket could not be created.
    Socket(io::Error),
    /// bind() failed.
    Bind(PathBuf, io::Error),
    /// listen() failed.
    Listen(PathBuf, io::Error),
}

impl BindError {
    /// p0f's message (FATAL or PFATAL text).
    pub fn message(&self) -> String {
        match self {
            BindError::PathTooLong(_) => {
                "API socket filename is too long for sockaddr_un (blame Unix).".to_string()
            }
            BindError::NotASocket(p) => format!("'{}' exists but is not a socket.", p.display()),
            BindError::InUse(p) => {
                format!("'{}' is being used by another process.", p.display())
            }
            BindError::Unlink(p, _) => format!("unlink('{}') failed.", p.display()),
            BindError::Socket(_) => "socket(PF_UNIX) failed.".to_string(),
            BindError::Bind(p, _) => format!("bind() on '{}' failed.", p.display()),
            BindError::Listen(p, _) => format!("listen() on '{}' failed.", p.display()),
        }
    }

    /// The system error behind it, when there is one (p0f's PFATAL cases).
    pub fn os_error(&self) -> Option<&io::Error> {
        match self {
            BindError::PathTooLong(_) | BindError::NotASocket(_) | BindError::InUse(_) => None,
            BindError::Unlink(_, e)
            | BindError::Socket(e)
            | BindError::Bind(_, e)
            | BindError::Listen(_, e) => Some(e),
        }
    }
}

impl fmt::Display for BindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())?;
        if let Some(e) = self.os_error() {
            write!(f, " ({e})")?;
        }
        Ok(())
    }
}

impl std::error::Error for BindError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.os_error().map(|e| e as _)
    }
}

/// Something worth a warning that does not stop the server. `Display` gives p0f's text
/// (without the `[!] WARNING: ` prefix; some texts end in a newline, as in p0f).
#[derive(Debug)]
pub enum ServerEvent {
    /// A query was refused and answered with status 0x00.
    BadQuery(QueryError),
    /// A client was refused because `max_clients` clients are connected.
    TooManyClients,
    /// accept() failed.
    AcceptFailed(io::Error),
    /// A client left its answers unread past the stall timeout and was dropped.
    StalledClient,
    /// A client did not complete its query within the query timeout and was dropped.
    SlowQuery,
    /// At the client limit, the client idle the longest was dropped for a new one.
    IdleClientReplaced,
}

impl fmt::Display for ServerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerEvent::BadQuery(e) => write!(f, "{e}"),
            ServerEvent::TooManyClients => {
                f.write_str("Too many API connections (use -S to adjust).\n")
            }
            ServerEvent::AcceptFailed(_) => {
                f.write_str("Unable to handle API connection: accept() fails.")
            }
            ServerEvent::StalledClient => {
                f.write_str("API client stopped reading its answers; connection dropped.")
            }
            ServerEvent::SlowQuery => {
                f.write_str("API client sent an incomplete query; connection dropped.")
            }
            ServerEvent::IdleClientReplaced => f.write_str(
                "Too many API connections; the longest idle one was dropped for a new one.",
            ),
        }
    }
}

/// A failure that stops the server.
#[derive(Debug)]
pub enum ServerError {
    /// The listening socket reported an error or hang-up (p0f: `API socket is down.`).
    ListenerDown,
    /// poll() failed (p0f: `poll() failed.`).
    Poll(Errno),
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerError::ListenerDown => f.write_str("API socket is down."),
            ServerError::Poll(e) => write!(f, "poll() failed. ({e})"),
        }
    }
}

impl std::error::Error for ServerError {}

/// One connected client.
struct Conn {
    stream: UnixStream,
    /// Bytes of the query being received.
    partial: [u8; QUERY_LEN],
    /// How many of them have arrived.
    have: usize,
    /// The JSON request line being received (it started with `{`), if any; bytes past
    /// [`MAX_JSON_REQUEST`] are counted, not kept.
    json: Option<Vec<u8>>,
    /// Answers not yet written, from `sent` on.
    out: Vec<u8>,
    sent: usize,
    /// The client will send nothing more.
    eof: bool,
    /// The last time the client's output made progress (or was first queued).
    progress: Instant,
    /// When the first byte of the query being received arrived.
    query_started: Instant,
    /// The last time the client sent bytes or read answers (or connected).
    active: Instant,
    /// The connection is finished and will be removed.
    closed: bool,
}

impl Conn {
    fn pending(&self) -> usize {
        self.out.len() - self.sent
    }

    /// Bytes the server may read now without the answers passing `max_pending` (by more
    /// than one answer when nothing is pending).
    fn read_allowance(&self, max_pending: usize) -> usize {
        if self.eof {
            return 0;
        }
        if self.json.is_some() {
            return if self.pending() < max_pending {
                JSON_READ_CHUNK
            } else {
                0
            };
        }
        let queries = max_pending.saturating_sub(self.pending()) / RESPONSE_LEN;
        let queries = if self.pending() == 0 {
            queries.max(1)
        } else {
            queries
        };
        (queries * QUERY_LEN).saturating_sub(self.have)
    }

    fn interest(&self, max_pending: usize) -> PollFlags {
        let mut flags = PollFlags::empty();
        if self.read_allowance(max_pending) > 0 {
            flags |= PollFlags::POLLIN;
        }
        if self.pending() > 0 {
            flags |= PollFlags::POLLOUT;
        }
        flags
    }

    /// Reads what is allowed and answers every complete query.
    fn read_queries(
        &mut self,
        max_pending: usize,
        now: Instant,
        stats: &mut ApiStats,
        lookup: &mut dyn FnMut(IpAddr) -> Option<HostInfo>,
        events: &mut dyn FnMut(ServerEvent),
    ) {
        let mut buf = [0u8; 4096];
        let want = self.read_allowance(max_pending).min(buf.len());
        if want == 0 {
            return;
        }
        let n = match (&self.stream).read(&mut buf[..want]) {
            Ok(0) => {
                self.eof = true;
                // A last JSON request without its newline is answered all the same.
                if let Some(line) = self.json.take() {
                    self.answer_json(&line, now, stats, lookup);
                }
                return;
            }
            Ok(n) => {
                self.active = now;
                n
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) =>
            {
                return;
            }
            Err(_) => {
                self.closed = true;
                return;
            }
        };
        for &byte in &buf[..n] {
            if let Some(line) = &mut self.json {
                if byte == b'\n' {
                    let line = std::mem::take(line);
                    self.json = None;
                    self.answer_json(&line, now, stats, lookup);
                } else if line.len() <= MAX_JSON_REQUEST {
                    line.push(byte);
                }
                continue;
            }
            if self.have == 0 {
                self.query_started = now;
            }
            if self.have == 0 && byte == JSON_START {
                self.json = Some(vec![byte]);
                continue;
            }
            self.partial[self.have] = byte;
            self.have += 1;
            if self.have == QUERY_LEN {
                self.have = 0;
                let (response, refused) = answer(&self.partial, lookup);
                stats.answers += 1;
                if let Some(e) = refused {
                    stats.bad_queries += 1;
                    events(ServerEvent::BadQuery(e));
                }
                self.queue(&response.encode(), now);
            }
        }
    }

    /// Answers one JSON request line.
    fn answer_json(
        &mut self,
        line: &[u8],
        now: Instant,
        stats: &mut ApiStats,
        lookup: &mut dyn FnMut(IpAddr) -> Option<HostInfo>,
    ) {
        let answer = answer_json(line, lookup);
        stats.json_answers += 1;
        if answer.starts_with(br#"{"status":"bad_query""#) {
            stats.bad_queries += 1;
        }
        self.queue(&answer, now);
    }

    /// Appends an answer to the pending output.
    fn queue(&mut self, answer: &[u8], now: Instant) {
        if self.pending() == 0 {
            self.progress = now;
        }
        self.out.extend_from_slice(answer);
    }

    /// Writes as much pending output as the socket takes.
    fn write_answers(&mut self, now: Instant) {
        while self.sent < self.out.len() {
            let flags = MsgFlags::MSG_NOSIGNAL | MsgFlags::MSG_DONTWAIT;
            match send(self.stream.as_raw_fd(), &self.out[self.sent..], flags) {
                Ok(n) => {
                    self.sent += n;
                    self.progress = now;
                    self.active = now;
                }
                Err(Errno::EAGAIN) => break,
                Err(Errno::EINTR) => {}
                Err(_) => {
                    self.closed = true;
                    return;
                }
            }
        }
        if self.sent == self.out.len() {
            self.out.clear();
            self.sent = 0;
        }
    }
}

/// The query server: a listening socket and its clients.
pub struct ApiServer {
    listener: UnixListener,
    path: PathBuf,
    options: ServerOptions,
    clients: Vec<Conn>,
    stats: ApiStats,
}

impl fmt::Debug for ApiServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiServer")
            .field("path", &self.path)
            .field("options", &self.options)
            .field("clients", &self.clients.len())
            .finish_non_exhaustive()
    }
}

/// True when something listens on the socket at `path`. The connection is tried without
/// blocking: a listener whose queue is full (`EAGAIN`) is one that is in use, where a
/// blocking connect would wait for as long as it stays full.
fn socket_answers(path: &Path) -> bool {
    let Ok(fd) = socket(
        AddressFamily::Unix,
        SockType::Stream,
        SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK,
        None,
    ) else {
        return false;
    };
    let Ok(addr) = UnixAddr::new(path) else {
        return false;
    };
    matches!(
        connect(fd.as_raw_fd(), &addr),
        Ok(()) | Err(Errno::EAGAIN | Errno::EINPROGRESS)
    )
}

impl ApiServer {
    /// Opens the socket at `path` (see the module documentation for the rules).
    pub fn bind(path: &Path, options: ServerOptions) -> Result<ApiServer, BindError> {
        let owned = path.to_path_buf();
        if path.as_os_str().len() >= SUN_PATH_LEN {
            return Err(BindError::PathTooLong(owned));
        }
        if let Ok(meta) = std::fs::metadata(path) {
            if !meta.file_type().is_socket() {
                return Err(BindError::NotASocket(owned));
            }
            if socket_answers(path) {
                return Err(BindError::InUse(owned));
            }
        }
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(BindError::Unlink(owned, e)),
        }
        let fd: OwnedFd = socket(
            AddressFamily::Unix,
            SockType::Stream,
            SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK,
            None,
        )
        .map_err(|e| BindError::Socket(e.into()))?;
        let addr = UnixAddr::new(path).map_err(|e| BindError::Bind(owned.clone(), e.into()))?;
        // The socket file is created with its final mode (p0f's umask around bind): a
        // chmod afterwards would follow whatever the path names by then.
        let old_mask = umask(Mode::from_bits_truncate(0o777 & !SOCKET_MODE));
        let bound = bind(fd.as_raw_fd(), &addr);
        umask(old_mask);
        bound.map_err(|e| BindError::Bind(owned.clone(), e.into()))?;
        let backlog = i32::try_from(options.max_clients).unwrap_or(i32::MAX);
        Backlog::new(backlog)
            .and_then(|b| listen(&fd, b))
            .map_err(|e| BindError::Listen(owned.clone(), e.into()))?;
        Ok(ApiServer {
            listener: UnixListener::from(fd),
            path: owned,
            options,
            clients: Vec::new(),
            stats: ApiStats::default(),
        })
    }

    /// The socket path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The options the server runs with.
    pub fn options(&self) -> &ServerOptions {
        &self.options
    }

    /// Clients connected now.
    pub fn client_count(&self) -> usize {
        self.clients.len()
    }

    /// The counters since the socket was bound.
    pub fn stats(&self) -> ApiStats {
        self.stats
    }

    /// The descriptors to poll: the listener first, then one per client, each with the
    /// events it waits for. Pass their `revents`, in the same order, to
    /// [`ApiServer::service`].
    pub fn poll_fds(&self) -> Vec<PollFd<'_>> {
        let mut fds = Vec::with_capacity(1 + self.clients.len());
        fds.push(PollFd::new(self.listener.as_fd(), PollFlags::POLLIN));
        for c in &self.clients {
            fds.push(PollFd::new(
                c.stream.as_fd(),
                c.interest(self.options.max_pending),
            ));
        }
        fds
    }

    /// Handles what `poll()` reported for the descriptors of [`ApiServer::poll_fds`]
    /// (`revents[0]` the listener, then the clients), answering queries through `lookup`.
    /// Call it on every loop iteration, also when nothing was reported: it drops stalled
    /// clients.
    pub fn service(
        &mut self,
        revents: &[PollFlags],
        now: Instant,
        lookup: &mut dyn FnMut(IpAddr) -> Option<HostInfo>,
        events: &mut dyn FnMut(ServerEvent),
    ) -> Result<(), ServerError> {
        let broken = PollFlags::POLLERR | PollFlags::POLLHUP | PollFlags::POLLNVAL;
        let max_pending = self.options.max_pending;
        for (conn, flags) in self.clients.iter_mut().zip(revents.iter().skip(1)) {
            if flags.intersects(broken) {
                conn.closed = true;
                continue;
            }
            if flags.contains(PollFlags::POLLOUT) {
                conn.write_answers(now);
            }
            if flags.contains(PollFlags::POLLIN) && !conn.closed {
                conn.read_queries(max_pending, now, &mut self.stats, lookup, events);
                if !conn.closed {
                    conn.write_answers(now);
                }
            }
        }
        let stall = self.options.stall_timeout;
        let query_timeout = self.options.query_timeout;
        for conn in &mut self.clients {
            if !conn.closed
                && !conn.eof
                && (conn.have > 0 || conn.json.is_some())
                && now.duration_since(conn.query_started) > query_timeout
            {
                conn.closed = true;
                events(ServerEvent::SlowQuery);
            }
            if !conn.closed && conn.pending() > 0 && now.duration_since(conn.progress) > stall {
                conn.closed = true;
                self.stats.clients_stalled += 1;
                events(ServerEvent::StalledClient);
            }
            if conn.eof && conn.pending() == 0 {
                conn.closed = true;
            }
        }
        self.clients.retain(|c| !c.closed);
        let listener = revents.first().copied().unwrap_or(PollFlags::empty());
        if listener.intersects(broken) {
            return Err(ServerError::ListenerDown);
        }
        if listener.contains(PollFlags::POLLIN) {
            self.accept_all(now, events);
        }
        Ok(())
    }

    /// Accepts every waiting connection; those beyond the limit are closed at once.
    fn accept_all(&mut self, now: Instant, events: &mut dyn FnMut(ServerEvent)) {
        let limit = usize::try_from(self.options.max_clients).unwrap_or(usize::MAX);
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if self.clients.len() >= limit {
                        // Clients that hung up since the last poll still hold their slots.
                        self.reap_hung_up();
                    }
                    if self.clients.len() >= limit {
                        if !self.replace_idle() {
                            self.stats.clients_refused += 1;
                            events(ServerEvent::TooManyClients);
                            drop(stream);
                            continue;
                        }
                        events(ServerEvent::IdleClientReplaced);
                    }
                    if stream.set_nonblocking(true).is_err() {
                        continue;
                    }
                    self.stats.clients_accepted += 1;
                    self.clients.push(Conn {
                        stream,
                        partial: [0; QUERY_LEN],
                        have: 0,
                        json: None,
                        out: Vec::new(),
                        sent: 0,
                        eof: false,
                        progress: now,
                        query_started: now,
                        active: now,
                        closed: false,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => {}
                Err(e) => {
                    events(ServerEvent::AcceptFailed(e));
                    return;
                }
            }
        }
    }

    /// Drops the client idle the longest among those owed no answer; false when every
    /// client is owed answers.
    fn replace_idle(&mut self) -> bool {
        let victim = self
            .clients
            .iter()
            .enumerate()
            .filter(|(_, c)| c.pending() == 0)
            .min_by_key(|(_, c)| c.active)
            .map(|(i, _)| i);
        match victim {
            Some(i) => {
                self.clients.remove(i);
                true
            }
            None => false,
        }
    }

    /// Drops the clients that have hung up, without waiting.
    fn reap_hung_up(&mut self) {
        let broken = PollFlags::POLLERR | PollFlags::POLLHUP | PollFlags::POLLNVAL;
        let hung_up: Vec<bool> = {
            let mut fds: Vec<PollFd<'_>> = self
                .clients
                .iter()
                .map(|c| PollFd::new(c.stream.as_fd(), PollFlags::empty()))
                .collect();
            if poll(&mut fds, PollTimeout::ZERO).is_err() {
                return;
            }
            fds.iter()
                .map(|f| f.revents().is_some_and(|r| r.intersects(broken)))
                .collect()
        };
        let mut flags = hung_up.into_iter();
        self.clients.retain(|_| !flags.next().unwrap_or(false));
    }

    /// Polls the server's own descriptors for up to `timeout` and handles what is ready:
    /// for a server that does not share a loop with capture (tests, embedding).
    pub fn poll_once(
        &mut self,
        timeout: Duration,
        lookup: &mut dyn FnMut(IpAddr) -> Option<HostInfo>,
        events: &mut dyn FnMut(ServerEvent),
    ) -> Result<(), ServerError> {
        let timeout = PollTimeout::try_from(timeout).unwrap_or(PollTimeout::MAX);
        let revents: Vec<PollFlags> = {
            let mut fds = self.poll_fds();
            match poll(&mut fds, timeout) {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => return Err(ServerError::Poll(e)),
            }
            fds.iter()
                .map(|f| f.revents().unwrap_or(PollFlags::empty()))
                .collect()
        };
        self.service(&revents, Instant::now(), lookup, events)
    }
}
