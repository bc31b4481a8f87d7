"""p0fmod: passive OS and device fingerprinting compatible with p0f 3.09b.

The seed API: configure p0f with the set_* functions (each returns 0, -1 for a
repeated setting, -2 for an outlandish value; a refused call changes nothing),
then start_p0f(). mk_query() and ck_response() speak p0f's query API.

Beyond the seed: the P0f class (settings at once, exceptions instead of codes,
observations as dicts, the host table in process, stop() from any thread, `with`),
query() and parse_response().
"""

import os
from types import TracebackType
from typing import Callable, Dict, Iterator, List, Optional, Type, TypedDict, Union

_Path = Union[str, "os.PathLike[str]"]

# An observation, as P0f.observations() and run()'s callback give it: the JSON output's
# fields (docs/json.md). `match` of the syn / syn+ack / http mods:
Match = TypedDict(
    "Match",
    {
        "kind": str,  # "os" or "app"
        "name": str,
        "flavor": Optional[str],
        "class": Optional[str],  # "unix", "win", "!" (a user application), ... or None
        "generic": bool,
        "fuzzy": bool,
    },
)

class VerdictReason(TypedDict):
    """One reason of a cross-layer verdict: a code (`ua_vs_tls`, ...) and its text."""

    code: str
    text: str

class _ObservationFields(TypedDict):
    time: float
    """Packet time, Unix seconds with microseconds."""
    mod: str
    """syn, syn+ack, mtu, uptime, http request, http response, host change, ip sharing,
    tls request, tls response, host verdict."""
    cli_ip: str
    cli_port: int
    srv_ip: str
    srv_port: int
    subj: str
    """"cli" or "srv": which end the observation is about."""
    subj_ip: str
    """The address of that end (RFC 5952 for IPv6)."""

class Observation(_ObservationFields, total=False):
    """One observation; which of these fields are there depends on `mod`."""

    match: Optional[Match]
    dist: int
    dist_exact: bool
    params: List[str]
    raw_sig: Optional[str]
    link: Optional[str]
    raw_mtu: int
    uptime_min: int
    modulo_days: int
    raw_freq: float
    lang: Optional[str]
    reason: List[str]
    raw_hits: List[int]
    source: str
    """Only when the run reads several captures: the capture it comes from."""
    # tls request / tls response (docs/json.md; the hello's fields are None when
    # `complete` is False)
    complete: bool
    missing: Optional[Dict[str, object]]
    transport: str
    segments: int
    retransmits: int
    dropped_segments: int
    records: int
    sslv2: bool
    tfo: bool
    starttls: Optional[str]
    retry: bool
    openvpn: bool
    version: Optional[str]
    legacy_version: Optional[int]
    versions: Optional[List[int]]
    ciphers: Optional[List[int]]
    extensions: Optional[List[int]]
    groups: Optional[List[int]]
    signature_algorithms: Optional[List[int]]
    key_share_groups: Optional[List[int]]
    post_quantum: Optional[bool]
    grease: Optional[bool]
    hello_len: Optional[int]
    sni: Optional[str]
    alpn: Optional[List[str]]
    ja4: Optional[str]
    ja4_r: Optional[str]
    ja4_o: Optional[str]
    ja4_ro: Optional[str]
    ja3: Optional[str]
    ja3_string: Optional[str]
    cipher: Optional[int]
    ja3s: Optional[str]
    ja3s_string: Optional[str]
    hello_retry_request: Optional[bool]
    quic: Optional[Dict[str, object]]
    """QUIC hellos only: version, connection ID lengths, datagrams, packets and CRYPTO
    frames of the hello, transport parameter ids (docs/json.md)."""
    # host verdict (docs/json.md; `reason` holds the reasons' codes)
    verdict: str
    """consistent or contradiction."""
    reasons: List[VerdictReason]
    summary: str

class KernelStats(TypedDict):
    """libpcap's counters at the end of a live run."""

    received: int
    dropped: int
    if_dropped: int

class RunSummary(TypedDict):
    """What P0f.run() returns: this run's counts."""

    frames: int
    packets: int
    observations: int
    interrupted: bool
    damaged: bool
    kernel: Optional[KernelStats]
    daemon_pid: Optional[int]

class Interface(TypedDict):
    name: str
    description: Optional[str]
    address: Optional[str]
    loopback: bool

class Response(TypedDict):
    """A p0f API answer (232 bytes) with p0f's field names; empty strings are None."""

    status: int
    first_seen: int
    last_seen: int
    total_conn: int
    uptime_min: int
    up_mod_days: int
    last_nat: int
    last_chg: int
    distance: int
    bad_sw: int
    os_match_q: int
    os_name: Optional[str]
    os_flavor: Optional[str]
    http_name: Optional[str]
    http_flavor: Optional[str]
    link_type: Optional[str]
    language: Optional[str]

__version__: str
HAS_LIVE: bool
"""True when this build captures live (the default install: it links libpcap)."""
QUERY_SIZE: int
"""21: the length of a query."""
RESPONSE_SIZE: int
"""232: the length of a response."""

class P0fError(Exception):
    """Base of p0fmod's exceptions."""

    code: Optional[int]
    """The seed API's return code, or None."""

class ConfigError(P0fError):
    """A refused setting or combination; code is the seed's code."""

class RunError(P0fError):
    """A run could not start or had to stop, or was asked for at the wrong moment;
    p0f's message; code is None."""

class RunFileError(RunError, OSError):
    """A file could not be opened (the capture file, the log): also an OSError with
    errno, strerror and filename; str() is p0f's message."""

class RunFileNotFoundError(RunFileError, FileNotFoundError):
    """A RunFileError that is also a FileNotFoundError."""

class RunPermissionError(RunFileError, PermissionError):
    """A RunFileError that is also a PermissionError."""

class QueryError(P0fError):
    """A query failed: code -1 bad magic, -2 bad query, None for socket errors and
    for no answer within query()'s timeout."""

class P0fWarning(UserWarning):
    """p0f's notes (start_p0f's -6) and run-time warnings."""

def set_fp_file(fname: _Path) -> int:
    """Reads signatures from fname (p0f's -f). 0, or -1 when already set."""

def set_iface(iface: str) -> int:
    """Listens on iface (p0f's -i). 0, or -1 when already set."""

def list_interfaces() -> int:
    """Prints the capture interfaces as p0f -L; 0. RunError without live capture."""

def interfaces() -> List[Interface]:
    """The capture interfaces: name, description, address, loopback."""

def set_read_file(fname: _Path) -> int:
    """Reads a capture file (p0f's -r). 0, or -1 when already set."""

def set_log_file(fname: _Path) -> int:
    """Appends p0f's log lines to fname (p0f's -o). 0, or -1 when already set."""

def set_api_sock(fname: _Path) -> int:
    """Answers queries on the unix socket fname (p0f's -s). 0, or -1."""

def en_daemon_mode() -> int:
    """Runs in the background (p0f's -d). 0, or -1 when already enabled."""

def switch_user(user: str) -> int:
    """Drops privileges to user and chroots (p0f's -u). 0, or -1."""

def en_promisc_mode() -> int:
    """Promiscuous mode (p0f's -p). 0, or -1 when already enabled."""

def set_api_max_conn(num: int) -> int:
    """Simultaneous API clients, 1..100 (default 20). 0, -1 or -2."""

def set_max_conn(c: int) -> int:
    """Connections tracked, 1..100000 (default 1000). 0, -1 or -2."""

def set_max_hosts(h: int) -> int:
    """Hosts tracked, 1..500000 (default 10000). 0, -1 or -2."""

def set_conn_max_age(c: int) -> int:
    """Seconds a connection is tracked, 1..1000000 (default 30). 0, -1 or -2."""

def set_host_idle_limit(h: int) -> int:
    """Minutes an idle host is kept, 1..1000000 (default 120). 0, -1 or -2."""

def reset() -> None:
    """Forgets the module-level settings (start_p0f() does it too)."""

def start_p0f() -> int:
    """Runs p0f with the module-level settings, the GIL released.

    0, or -1 API socket with a capture file, -2 set_api_max_conn without an API
    socket, -3 daemon mode with a capture file, -4 daemon mode without a log file
    or API socket (-7, -8: promiscuous mode / an interface with a capture file).
    The note -6 is a P0fWarning. The settings are reset when it returns. Raises
    KeyboardInterrupt after a clean stop on Ctrl-C, RunError for fatal errors.
    """

def mk_query(ip_addr: str) -> bytes:
    """The 21-byte query for an IPv4 or IPv6 address. ValueError otherwise."""

def ck_response(response_data: bytes) -> int:
    """Prints a 232-byte answer as p0f-client; 0, or -1 bad magic, -2 bad query,
    -3 no match. ValueError when it is not 232 bytes."""

def parse_response(data: bytes) -> Response:
    """A 232-byte answer as a dict with p0f's field names (status, first_seen,
    last_seen, total_conn, uptime_min, up_mod_days, last_nat, last_chg, distance,
    bad_sw, os_match_q, os_name, os_flavor, http_name, http_flavor, link_type,
    language; empty strings as None). QueryError(-1) for a bad magic number."""

def query(socket_path: _Path, ip: str, timeout: Optional[float] = 10.0) -> Optional[Host]:
    """Asks the p0fmod on socket_path about ip with the JSON query: the host record
    (the same dict as P0f.host()), or None for an unknown host. timeout: seconds to wait
    for the answer (None: no limit). Raises QueryError (-2: not understood; None and
    "No answer from API socket ... within N s" when the answer does not come in time).
    p0f 3.09b answers query_p0f() only."""

def query_p0f(socket_path: _Path, ip: str, timeout: Optional[float] = 10.0) -> Optional[Response]:
    """Asks the p0f or p0fmod on socket_path about ip with p0f's binary query: a dict
    as parse_response(), or None for an unknown host. Raises QueryError as query()."""

# The host record's matches: {name, flavor, class, generic, fuzzy}.
HostMatch = TypedDict(
    "HostMatch",
    {"name": str, "flavor": Optional[str], "class": Optional[str], "generic": bool,
     "fuzzy": bool},
)

class Uptime(TypedDict):
    minutes: int
    modulo_days: int

class History(TypedDict):
    count: int
    last: int

class Verdict(TypedDict):
    status: str
    """consistent, contradiction or unknown."""
    reasons: List[VerdictReason]
    summary: str

class Host(TypedDict):
    """The host record (docs/json.md): P0f.host(), P0f.hosts() and query() give it.
    IPv6 addresses in RFC 5952 text."""

    addr: str
    first_seen: int
    last_seen: int
    total_conn: int
    os: Optional[HostMatch]
    http_app: Optional[HostMatch]
    http_honesty: str
    language: Optional[str]
    distance: Optional[int]
    link: Optional[str]
    uptime: Optional[Uptime]
    ip_sharing: Optional[History]
    host_change: Optional[History]
    observations: Dict[str, int]
    tls_client: Optional[HostMatch]
    tls_server: Optional[HostMatch]
    verdict: Optional[Verdict]

class Observations(Iterator[Observation]):
    """The iterator of P0f.observations()."""

    def __iter__(self) -> "Observations": ...
    def __next__(self) -> Observation: ...

class P0f:
    """p0fmod with its settings given as keywords; raises P0fError's subclasses.

    Keywords (each as the seed function of the same name; all optional): fp_file
    (-f), iface (-i; "any" for all), read_file (-r), log_file (-o), api_sock (-s),
    daemon (-d), user (-u: drop privileges and chroot), promisc (-p), api_max_conn
    (-S, 1..100), max_conn / max_hosts (-m), conn_max_age (-t, seconds),
    host_idle_limit (-t, minutes), filter (a BPF expression), json (JSON lines in the
    log, or on the console without a log), console (p0f's status lines and console
    blocks on sys.stdout; without it warnings are P0fWarnings).

    Nothing is opened until the first run() or observations(). stop() ends a run from
    any thread; `with P0f(...) as p:` closes it at the end of the block. A capture file
    is read once; an interface can be captured on again and again.
    """

    def __init__(
        self,
        *,
        fp_file: Optional[_Path] = None,
        iface: Optional[str] = None,
        read_file: Optional[_Path] = None,
        log_file: Optional[_Path] = None,
        api_sock: Optional[_Path] = None,
        daemon: bool = False,
        user: Optional[str] = None,
        promisc: bool = False,
        api_max_conn: Optional[int] = None,
        max_conn: Optional[int] = None,
        max_hosts: Optional[int] = None,
        conn_max_age: Optional[int] = None,
        host_idle_limit: Optional[int] = None,
        filter: Optional[str] = None,
        json: bool = False,
        console: bool = False,
    ) -> None:
        """Checks the settings; ConfigError with the seed's code when refused (code
        None for a setting this build cannot honour)."""

    def run(self, callback: Optional[Callable[[Observation], object]] = None) -> RunSummary:
        """Runs to the end of the capture file, or on an interface until stop(),
        Ctrl-C (KeyboardInterrupt after a clean stop) or the end of the `with` block;
        the GIL released. callback gets each observation and may raise to stop the run.
        Returns this run's counts, with libpcap's `kernel` counters for live runs.
        A second run() goes on (an interface; a file stopped before its end); a file
        read to its end raises RunError."""

    def stop(self) -> None:
        """Stops the run in progress from any thread (it returns with interrupted
        True); when nothing runs, the next run stops at once."""

    def close(self) -> None:
        """Stops any run, waits for it and closes the capture, log and socket."""

    def __enter__(self) -> "P0f": ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> bool: ...

    def observations(self) -> Observations:
        """The observations as dicts (docs/json.md). A capture file in capture order
        (RunError if already read to its end); an interface: the capture runs on a
        thread of its own, the iterator waits with the GIL released and ends on
        stop()."""

    def host(self, ip: str) -> Optional[Host]:
        """The host table's record for ip, or None. RunError before anything was
        read and while a run works."""

    def hosts(self) -> List[Host]:
        """Every record of the host table (RunError as host())."""
