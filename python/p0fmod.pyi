"""p0fmod: passive OS and device fingerprinting compatible with p0f 3.09b.

The seed API: configure p0f with the set_* functions (each returns 0, -1 for a
repeated setting, -2 for an outlandish value; a refused call changes nothing),
then start_p0f(). mk_query() and ck_response() speak p0f's query API.

Beyond the seed: the P0f class (settings at once, exceptions instead of codes,
observations as dicts, the host table in process), query() and parse_response().
"""

import os
from typing import Any, Callable, Dict, Iterator, List, Optional, Union

_Path = Union[str, "os.PathLike[str]"]

__version__: str
HAS_LIVE: bool
"""True when this build captures live (it links libpcap)."""
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
    """A run could not start or had to stop; p0f's message; code is None."""

class QueryError(P0fError):
    """A query failed: code -1 bad magic, -2 bad query, None for socket errors."""

class P0fWarning(UserWarning):
    """p0f's notes (start_p0f's -6) and run-time warnings."""

def set_fp_file(fname: _Path) -> int:
    """Reads signatures from fname (p0f's -f). 0, or -1 when already set."""

def set_iface(iface: str) -> int:
    """Listens on iface (p0f's -i). 0, or -1 when already set."""

def list_interfaces() -> int:
    """Prints the capture interfaces as p0f -L; 0. RunError without live capture."""

def interfaces() -> List[Dict[str, Any]]:
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

def parse_response(data: bytes) -> Dict[str, Any]:
    """A 232-byte answer as a dict with p0f's field names (status, first_seen,
    last_seen, total_conn, uptime_min, up_mod_days, last_nat, last_chg, distance,
    bad_sw, os_match_q, os_name, os_flavor, http_name, http_flavor, link_type,
    language; empty strings as None). QueryError(-1) for a bad magic number."""

def query(socket_path: _Path, ip: str) -> Optional[Dict[str, Any]]:
    """Asks the p0f or p0fmod on socket_path about ip: a dict as parse_response(),
    or None for an unknown host. Raises QueryError."""

class Observations(Iterator[Dict[str, Any]]):
    """The iterator of P0f.observations()."""

    def __iter__(self) -> "Observations": ...
    def __next__(self) -> Dict[str, Any]: ...

class P0f:
    """p0fmod with its settings given at once; raises P0fError's subclasses.

    Nothing is opened until the first run(), observations(), host() or hosts().
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
        """Checks the settings; ConfigError with the seed's code when refused."""

    def run(
        self, callback: Optional[Callable[[Dict[str, Any]], object]] = None
    ) -> Dict[str, Any]:
        """Runs to the end of the capture (or until Ctrl-C on an interface), the GIL
        released; callback gets each observation as a dict. Returns the counts
        frames, packets, observations, interrupted, damaged, daemon_pid."""

    def observations(self) -> Observations:
        """Each observation of the capture file as a dict with the JSON output's
        field names (docs/json.md), in capture order."""

    def host(self, ip: str) -> Optional[Dict[str, Any]]:
        """The host table's record for ip (the host record of docs/json.md), or None."""

    def hosts(self) -> List[Dict[str, Any]]:
        """Every record of the host table."""
