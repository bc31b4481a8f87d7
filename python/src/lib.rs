//! The `p0fmod` Python module: the seed API's functions (module-level settings,
//! `start_p0f`, `mk_query`, `ck_response`), the `P0f` class that raises exceptions, and
//! the query client `query`.
//!
//! Everything runs through `p0fmod-session`, the run path of the Rust API: the settings
//! are [`Config`]'s setters with their codes and p0f's messages, and a run is a
//! [`Session`]. Runs happen on a worker thread with the GIL released; the calling thread
//! waits, re-acquiring the GIL every 50 ms to check for signals, and raises the stop flag
//! on `KeyboardInterrupt` (or when a callback raises).

#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::Duration;

use p0fmod::{Config, ConfigError as Refusal, OutputFormat, OwnedObservation};
use p0fmod_api::proto::{QUERY_LEN, RESPONSE_LEN};
use p0fmod_api::{ClientError, Query, Response, Status, client_report, parse_address};
use p0fmod_session::{Notice, Session, StartError, Started, Summary};
use pyo3::exceptions::{PyException, PyUserWarning, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyInt, PyList};

pyo3::create_exception!(
    p0fmod,
    P0fError,
    PyException,
    "Base of p0fmod's exceptions; `code` is the seed API's return code, or None."
);
pyo3::create_exception!(
    p0fmod,
    ConfigError,
    P0fError,
    "A refused setting or combination; `code` is the seed API's code (-1 repeated setting, -2 outlandish value; -1 to -4 for start_p0f's combinations, -7 and -8 for the other combinations p0f refuses)."
);
pyo3::create_exception!(
    p0fmod,
    RunError,
    P0fError,
    "A run could not start or had to stop (a missing file, a refused database, a capture error); p0f's message; `code` is None."
);
pyo3::create_exception!(
    p0fmod,
    QueryError,
    P0fError,
    "A query failed; `code` is ck_response's code (-1 bad magic, -2 bad query), or None when the socket could not be used."
);
pyo3::create_exception!(
    p0fmod,
    P0fWarning,
    PyUserWarning,
    "p0f's notes that do not stop a run (the seed's start_p0f codes -5 and -6) and run-time warnings."
);

/// How often a waiting thread looks for signals.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);
/// Frames per step of an observation iterator.
const STEP_FRAMES: usize = 256;

/// An exception of `kind` with p0f's message and `code`.
fn p0f_error<E: pyo3::PyTypeInfo>(py: Python<'_>, message: String, code: Option<i32>) -> PyErr {
    let err = PyErr::from_type(py.get_type::<E>(), message);
    if let Err(e) = err.value(py).setattr("code", code) {
        return e;
    }
    err
}

fn config_error(py: Python<'_>, e: &Refusal) -> PyErr {
    p0f_error::<ConfigError>(py, e.message().to_string(), Some(e.code()))
}

fn run_error(py: Python<'_>, e: &StartError) -> PyErr {
    match e {
        StartError::Config(e) => config_error(py, e),
        StartError::Database(errors) => p0f_error::<RunError>(py, format!("{e}\n{errors}"), None),
        StartError::Filter { libpcap, message } => {
            p0f_error::<RunError>(py, format!("{message} (pcap_compile: {libpcap})"), None)
        }
        other => p0f_error::<RunError>(py, other.to_string(), None),
    }
}

/// Writes to `sys.stdout` or `sys.stderr`.
fn py_write(py: Python<'_>, stream: &str, text: &str) -> PyResult<()> {
    let stream = py.import("sys")?.getattr(stream)?;
    stream.call_method1("write", (text,))?;
    stream.call_method0("flush")?;
    Ok(())
}

/// Flushes Python's own stdout and stderr, so that what Rust prints comes after it.
fn flush_python(py: Python<'_>) {
    if let Ok(sys) = py.import("sys") {
        for name in ["stdout", "stderr"] {
            if let Ok(stream) = sys.getattr(name) {
                let _ = stream.call_method0("flush");
            }
        }
    }
}

fn warn(py: Python<'_>, message: &str) -> PyResult<()> {
    let text = std::ffi::CString::new(message.replace('\0', " ")).unwrap_or_default();
    PyErr::warn(py, &py.get_type::<P0fWarning>(), &text, 2)
}

/// A JSON value as Python objects (None, bool, int, float, str, list, dict).
fn to_py<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => (*b).into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            (None, None) => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// Anything serializable as a Python dict (through its JSON form).
fn to_dict<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value).map_err(|e| PyValueError::new_err(e.to_string()))?;
    to_py(py, &json)
}

fn summary_dict<'py>(py: Python<'py>, s: &Summary) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("frames", s.frames)?;
    d.set_item("packets", s.packets)?;
    d.set_item("observations", s.observations)?;
    d.set_item("interrupted", s.interrupted)?;
    d.set_item("damaged", s.damaged)?;
    d.set_item("daemon_pid", s.daemon_pid)?;
    Ok(d)
}

fn response_dict<'py>(py: Python<'py>, r: &Response) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("status", r.status.code())?;
    for (k, v) in [
        ("first_seen", r.first_seen),
        ("last_seen", r.last_seen),
        ("total_conn", r.total_conn),
        ("uptime_min", r.uptime_min),
        ("up_mod_days", r.up_mod_days),
        ("last_nat", r.last_nat),
        ("last_chg", r.last_chg),
    ] {
        d.set_item(k, v)?;
    }
    d.set_item("distance", r.distance)?;
    d.set_item("bad_sw", r.bad_sw)?;
    d.set_item("os_match_q", r.os_match_q)?;
    for (k, v) in [
        ("os_name", &r.os_name),
        ("os_flavor", &r.os_flavor),
        ("http_name", &r.http_name),
        ("http_flavor", &r.http_flavor),
        ("link_type", &r.link_type),
        ("language", &r.language),
    ] {
        d.set_item(k, (!v.is_empty()).then(|| v.to_string_lossy()))?;
    }
    Ok(d)
}

fn parse_ip(text: &str) -> PyResult<IpAddr> {
    text.parse()
        .map_err(|_| PyValueError::new_err(format!("not an IPv4 or IPv6 address: {text:?}")))
}

/// A value for a numeric setting: one that does not fit in 32 bits becomes 0, which every
/// numeric setting refuses as outlandish (after the check for a repeated setting).
fn setting_value(value: &Bound<'_, PyAny>) -> PyResult<u32> {
    match value.extract::<i128>() {
        Ok(n) => Ok(u32::try_from(n).unwrap_or(0)),
        Err(_) if value.is_instance_of::<PyInt>() => Ok(0),
        Err(e) => Err(e),
    }
}

/// Runs `work` on a worker thread with the GIL released; the calling thread checks for
/// signals every [`SIGNAL_CHECK`] and raises `stop` when a handler raises; that handler's
/// exception (KeyboardInterrupt) comes back with the result.
fn detached<T: Send>(
    py: Python<'_>,
    stop: &AtomicBool,
    work: impl FnOnce() -> T + Send,
) -> (T, Option<PyErr>) {
    flush_python(py);
    py.detach(|| {
        std::thread::scope(|scope| {
            let (done_tx, done_rx) = mpsc::channel::<()>();
            let worker = scope.spawn(move || {
                let result = work();
                let _ = done_tx.send(());
                result
            });
            let mut interrupted = None;
            while let Err(RecvTimeoutError::Timeout) = done_rx.recv_timeout(SIGNAL_CHECK) {
                if interrupted.is_none()
                    && let Err(e) = Python::attach(|py| py.check_signals())
                {
                    stop.store(true, Ordering::Relaxed);
                    interrupted = Some(e);
                }
            }
            let result = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (result, interrupted)
        })
    })
}

/// Starts a session, runs it and, in a daemon, exits the process when the run ends.
fn start_and_run(
    config: &Config,
    console: bool,
    stop: &AtomicBool,
    observer: &mut (dyn FnMut(&p0fmod::Observation<'_>) + Send),
    notice: &mut (dyn FnMut(Notice) + Send),
) -> Result<Summary, StartError> {
    match Session::start(config, console, notice)? {
        Started::Parent { pid, message } => {
            notice(Notice::Status(message));
            Ok(Summary {
                daemon_pid: Some(pid),
                ..Summary::default()
            })
        }
        Started::Running(mut session) => {
            let result = session.run(stop, observer, notice);
            if session.is_daemon() {
                if let Err(e) = &result {
                    p0fmod_session::print_error(e);
                }
                std::process::exit(i32::from(result.is_err()));
            }
            result
        }
    }
}

/// The module-level configuration of the seed's functions.
static SEED_CONFIG: Mutex<Option<Config>> = Mutex::new(None);

fn seed_config() -> MutexGuard<'static, Option<Config>> {
    SEED_CONFIG.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Applies one seed setting: 0, or the refusal's code after printing p0f's message on
/// stderr. A refused call changes nothing.
fn seed_set(py: Python<'_>, set: impl FnOnce(&mut Config) -> Result<(), Refusal>) -> PyResult<i32> {
    let result = set(seed_config().get_or_insert_with(Config::new));
    match result {
        Ok(()) => Ok(0),
        Err(e) => {
            py_write(py, "stderr", &format!("[-] {}\n", e.message()))?;
            Ok(e.code())
        }
    }
}

/// The `p0fmod` module.
#[pymodule(name = "p0fmod")]
mod p0fmod_module {
    use super::*;

    #[pymodule_export]
    use super::{ConfigError, P0fError, P0fWarning, QueryError, RunError};

    /// True when this build captures live (cargo feature `live`, which links libpcap):
    /// interfaces, the query socket server, daemon mode and switch_user.
    #[pymodule_export]
    const HAS_LIVE: bool = cfg!(feature = "live");

    /// p0fmod's version.
    #[pymodule_export]
    #[allow(non_upper_case_globals)]
    const __version__: &str = p0fmod::VERSION;

    /// Reads the signature database from `fname` instead of the built-in one (p0f's
    /// `-f`). Returns 0, or -1 when a database file was already set.
    #[pyfunction]
    fn set_fp_file(py: Python<'_>, fname: PathBuf) -> PyResult<i32> {
        seed_set(py, |c| c.set_fp_file(fname))
    }

    /// Listens on network interface `iface` (p0f's `-i`; `"any"` for all). Returns 0, or
    /// -1 when an interface was already set.
    #[pyfunction]
    fn set_iface(py: Python<'_>, iface: String) -> PyResult<i32> {
        seed_set(py, |c| c.set_iface(iface))
    }

    /// Prints the capture interfaces as p0f's `-L` does and returns 0. Raises RunError
    /// when they cannot be listed or this build has no live capture (see HAS_LIVE).
    #[pyfunction]
    fn list_interfaces(py: Python<'_>) -> PyResult<i32> {
        #[cfg(feature = "live")]
        {
            let list = p0fmod_session::list_interfaces().map_err(|e| run_error(py, &e))?;
            let text = p0fmod_session::interface_listing(&list);
            py_write(py, "stdout", &text)?;
            Ok(0)
        }
        #[cfg(not(feature = "live"))]
        Err(p0f_error::<RunError>(py, NO_LIVE.into(), None))
    }

    /// The capture interfaces as dicts: `name`, `description`, `address`, `loopback`.
    /// Raises RunError like list_interfaces().
    #[pyfunction]
    fn interfaces(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
        #[cfg(feature = "live")]
        {
            let list = p0fmod_session::list_interfaces().map_err(|e| run_error(py, &e))?;
            list.iter()
                .map(|i| {
                    let d = PyDict::new(py);
                    d.set_item("name", &i.name)?;
                    d.set_item("description", &i.description)?;
                    d.set_item("address", i.address.map(|a| a.to_string()))?;
                    d.set_item("loopback", i.loopback)?;
                    Ok(d)
                })
                .collect()
        }
        #[cfg(not(feature = "live"))]
        Err(p0f_error::<RunError>(py, NO_LIVE.into(), None))
    }

    /// Reads packets from the capture file `fname` (pcap, pcapng, gzip) instead of an
    /// interface (p0f's `-r`). Returns 0, or -1 when a file was already set.
    #[pyfunction]
    fn set_read_file(py: Python<'_>, fname: PathBuf) -> PyResult<i32> {
        seed_set(py, |c| c.set_read_file(fname))
    }

    /// Appends p0f's grep-friendly log lines to `fname` (p0f's `-o`). Returns 0, or -1
    /// when a log file was already set.
    #[pyfunction]
    fn set_log_file(py: Python<'_>, fname: PathBuf) -> PyResult<i32> {
        seed_set(py, |c| c.set_log_file(fname))
    }

    /// Answers queries on the unix socket `fname` (p0f's `-s`). Returns 0, or -1 when a
    /// socket was already set.
    #[pyfunction]
    fn set_api_sock(py: Python<'_>, fname: PathBuf) -> PyResult<i32> {
        seed_set(py, |c| c.set_api_sock(fname))
    }

    /// Runs in the background (p0f's `-d`): start_p0f() forks, returns 0 in this process
    /// and the daemon goes on. Needs a log file or an API socket. Returns 0, or -1 when
    /// already enabled.
    #[pyfunction]
    fn en_daemon_mode(py: Python<'_>) -> PyResult<i32> {
        seed_set(py, Config::en_daemon_mode)
    }

    /// Drops privileges to `user` and chroots to its home when a live run starts (p0f's
    /// `-u`). Returns 0, or -1 when a user was already set.
    #[pyfunction]
    fn switch_user(py: Python<'_>, user: String) -> PyResult<i32> {
        seed_set(py, |c| c.switch_user(user))
    }

    /// Puts the interface in promiscuous mode (p0f's `-p`). Returns 0, or -1 when already
    /// enabled.
    #[pyfunction]
    fn en_promisc_mode(py: Python<'_>) -> PyResult<i32> {
        seed_set(py, Config::en_promisc_mode)
    }

    /// Most simultaneous API connections, 1 to 100 (p0f's `-S`; default 20). Returns 0,
    /// -1 when already set, -2 for a value out of range.
    #[pyfunction]
    fn set_api_max_conn(py: Python<'_>, num: &Bound<'_, PyAny>) -> PyResult<i32> {
        let n = setting_value(num)?;
        seed_set(py, |c| c.set_api_max_conn(n))
    }

    /// Most connections tracked, 1 to 100000 (p0f's `-m c,h`; default 1000). Returns 0,
    /// -1 when already set, -2 for a value out of range.
    #[pyfunction]
    fn set_max_conn(py: Python<'_>, c: &Bound<'_, PyAny>) -> PyResult<i32> {
        let n = setting_value(c)?;
        seed_set(py, |cfg| cfg.set_max_conn(n))
    }

    /// Most hosts tracked, 1 to 500000 (p0f's `-m c,h`; default 10000). Returns 0, -1
    /// when already set, -2 for a value out of range.
    #[pyfunction]
    fn set_max_hosts(py: Python<'_>, h: &Bound<'_, PyAny>) -> PyResult<i32> {
        let n = setting_value(h)?;
        seed_set(py, |c| c.set_max_hosts(n))
    }

    /// Seconds a connection is tracked, 1 to 1000000 (p0f's `-t c,h`; default 30).
    /// Returns 0, -1 when already set, -2 for a value out of range.
    #[pyfunction]
    fn set_conn_max_age(py: Python<'_>, c: &Bound<'_, PyAny>) -> PyResult<i32> {
        let n = setting_value(c)?;
        seed_set(py, |cfg| cfg.set_conn_max_age(n))
    }

    /// Minutes an idle host is kept, 1 to 1000000 (p0f's `-t c,h`; default 120).
    /// Returns 0, -1 when already set, -2 for a value out of range.
    #[pyfunction]
    fn set_host_idle_limit(py: Python<'_>, h: &Bound<'_, PyAny>) -> PyResult<i32> {
        let n = setting_value(h)?;
        seed_set(py, |c| c.set_host_idle_limit(n))
    }

    /// Forgets every module-level setting (start_p0f() does it too).
    #[pyfunction]
    fn reset() {
        seed_config().take();
    }

    /// Runs p0f with the module-level settings, as p0f does on the command line: status
    /// lines and console blocks on stdout, the log and the query socket as set, until the
    /// capture file ends or Ctrl-C. The GIL is released meanwhile.
    ///
    /// Returns 0, or for a refused combination (after printing p0f's message on stderr):
    /// -1 an API socket with a capture file, -2 set_api_max_conn without an API socket,
    /// -3 daemon mode with a capture file, -4 daemon mode without a log file or API
    /// socket (-7 promiscuous mode and -8 an interface with a capture file, beyond the
    /// seed). The note -6 (daemon mode without switch_user) is a P0fWarning; -5 is
    /// Cygwin's and never happens here.
    ///
    /// The settings are reset when it returns. Raises KeyboardInterrupt after a clean stop
    /// on Ctrl-C, and RunError for what p0f treats as fatal (a missing file, ...).
    #[pyfunction]
    fn start_p0f(py: Python<'_>) -> PyResult<i32> {
        let config = seed_config().take().unwrap_or_default();
        match config.validate() {
            Err(e) => {
                py_write(py, "stderr", &format!("[-] {}\n", e.message()))?;
                return Ok(e.code());
            }
            Ok(notes) => {
                for note in notes {
                    warn(
                        py,
                        &format!("[!] {} (code {})", note.message(), note.code()),
                    )?;
                }
            }
        }
        let stop = AtomicBool::new(false);
        let (result, interrupted) = detached(py, &stop, || {
            let mut notice = |n: Notice| {
                if !matches!(n, Notice::Note(_)) {
                    p0fmod_session::print_notice(n);
                }
            };
            start_and_run(&config, true, &stop, &mut |_| {}, &mut notice)
        });
        if let Some(e) = interrupted {
            return Err(e);
        }
        result.map(|_| 0).map_err(|e| run_error(py, &e))
    }

    /// The 21-byte query p0f's API expects for `ip_addr` (IPv4 or IPv6 text; IPv6 in any
    /// standard form). Raises ValueError for anything else.
    #[pyfunction]
    fn mk_query<'py>(py: Python<'py>, ip_addr: &str) -> PyResult<Bound<'py, PyBytes>> {
        let addr = parse_address(ip_addr).map_err(|e| PyValueError::new_err(e.message()))?;
        Ok(PyBytes::new(py, &Query::new(addr).encode()))
    }

    /// Prints a 232-byte answer as p0f-client does and returns 0; or -1 for a bad magic
    /// number, -2 when p0f did not understand the query (status 0x00), -3 when the host is
    /// unknown (status 0x20), after printing p0f-client's message. Raises ValueError when
    /// `response_data` is not 232 bytes.
    #[pyfunction]
    fn ck_response(py: Python<'_>, response_data: &[u8]) -> PyResult<i32> {
        let bytes: &[u8; RESPONSE_LEN] = response_data.try_into().map_err(|_| {
            PyValueError::new_err(format!(
                "a response is {RESPONSE_LEN} bytes, got {}",
                response_data.len()
            ))
        })?;
        let response = match Response::decode(bytes) {
            Ok(r) => r,
            Err(e) => {
                py_write(py, "stderr", &format!("[-] {e}\n"))?;
                return Ok(-1);
            }
        };
        match client_report(&response) {
            Err(e) => {
                py_write(py, "stderr", &format!("[-] {}\n", e.message()))?;
                Ok(-2)
            }
            Ok(text) => {
                py_write(py, "stdout", &text)?;
                Ok(if response.status == Status::NoMatch {
                    -3
                } else {
                    0
                })
            }
        }
    }

    /// A 232-byte answer as a dict with p0f's field names (`status`, `first_seen`, ...,
    /// `os_name`, ..., `language`; empty strings as None). Raises QueryError (code -1) for
    /// a bad magic number and ValueError when it is not 232 bytes.
    #[pyfunction]
    fn parse_response<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyDict>> {
        let bytes: &[u8; RESPONSE_LEN] = data.try_into().map_err(|_| {
            PyValueError::new_err(format!(
                "a response is {RESPONSE_LEN} bytes, got {}",
                data.len()
            ))
        })?;
        let response = Response::decode(bytes)
            .map_err(|e| p0f_error::<QueryError>(py, e.to_string(), Some(-1)))?;
        response_dict(py, &response)
    }

    /// Asks the p0f or p0fmod listening on `socket_path` about `ip` (the GIL is released
    /// while waiting). Returns a dict as parse_response() does, or None when the host is
    /// unknown. Raises QueryError: code -1 bad magic, -2 query not understood, None when
    /// the socket cannot be used.
    #[pyfunction]
    fn query<'py>(
        py: Python<'py>,
        socket_path: PathBuf,
        ip: &str,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let addr = parse_address(ip).map_err(|e| PyValueError::new_err(e.message()))?;
        let result = py.detach(|| p0fmod_api::query(&socket_path, addr));
        match result {
            Ok(r) if r.status == Status::NoMatch => Ok(None),
            Ok(r) if r.status == Status::BadQuery => Err(p0f_error::<QueryError>(
                py,
                ClientError::NotUnderstood.message(),
                Some(-2),
            )),
            Ok(r) => response_dict(py, &r).map(Some),
            Err(e @ ClientError::BadMagic(_)) => {
                Err(p0f_error::<QueryError>(py, e.message(), Some(-1)))
            }
            Err(e) => Err(p0f_error::<QueryError>(py, e.to_string(), None)),
        }
    }

    #[pymodule_export]
    use super::{Observations, P0f};

    /// The lengths of the query and the response.
    #[pymodule_export]
    const QUERY_SIZE: usize = QUERY_LEN;

    /// The length of a response.
    #[pymodule_export]
    const RESPONSE_SIZE: usize = RESPONSE_LEN;
}

/// The message for live features in a build without them.
#[cfg(not(feature = "live"))]
const NO_LIVE: &str = "This build of p0fmod has no live capture (HAS_LIVE is False): rebuild it with the cargo feature `live`.";

/// p0fmod with its settings given at once; refusals and failures raise P0fError's
/// subclasses. Nothing is opened until the first run(), observations() or host().
#[pyclass(module = "p0fmod", frozen)]
struct P0f {
    config: Config,
    console: bool,
    session: Mutex<Option<Session>>,
}

impl P0f {
    /// The session, started on first use. Raises RunError while run() works (from a
    /// callback, or another thread).
    fn session<'a>(&'a self, py: Python<'_>) -> PyResult<MutexGuard<'a, Option<Session>>> {
        let mut guard = match self.session.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(e)) => e.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return Err(p0f_error::<RunError>(
                    py,
                    "This P0f is running: its host table and observations can be read once run() returns.".into(),
                    None,
                ));
            }
        };
        if guard.is_none() {
            let mut warnings = Vec::new();
            let console = self.console;
            let mut notice = |n: Notice| match n {
                Notice::Warning(w) => warnings.push(w),
                other if console => p0fmod_session::print_notice(other),
                _ => {}
            };
            match Session::start(&self.config, console, &mut notice) {
                Ok(Started::Running(s)) => *guard = Some(s),
                Ok(Started::Parent { .. }) => {
                    return Err(p0f_error::<RunError>(
                        py,
                        "Daemon mode is for run(), not for observations() or host().".into(),
                        None,
                    ));
                }
                Err(e) => return Err(run_error(py, &e)),
            }
            for w in warnings {
                warn(py, &w)?;
            }
        }
        Ok(guard)
    }
}

#[pymethods]
impl P0f {
    /// Checks the settings (each as the seed function of the same name; `filter` is a
    /// BPF expression, `json` writes JSON lines instead of p0f's log lines, `console`
    /// prints p0f's status lines and console blocks on stdout). Raises ConfigError with
    /// the seed's code; warns (P0fWarning) for the note -6.
    #[new]
    #[pyo3(signature = (*, fp_file=None, iface=None, read_file=None, log_file=None, api_sock=None, daemon=false, user=None, promisc=false, api_max_conn=None, max_conn=None, max_hosts=None, conn_max_age=None, host_idle_limit=None, filter=None, json=false, console=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        fp_file: Option<PathBuf>,
        iface: Option<String>,
        read_file: Option<PathBuf>,
        log_file: Option<PathBuf>,
        api_sock: Option<PathBuf>,
        daemon: bool,
        user: Option<String>,
        promisc: bool,
        api_max_conn: Option<Bound<'_, PyAny>>,
        max_conn: Option<Bound<'_, PyAny>>,
        max_hosts: Option<Bound<'_, PyAny>>,
        conn_max_age: Option<Bound<'_, PyAny>>,
        host_idle_limit: Option<Bound<'_, PyAny>>,
        filter: Option<String>,
        json: bool,
        console: bool,
    ) -> PyResult<P0f> {
        let mut c = Config::new();
        let check = |r: Result<(), Refusal>| r.map_err(|e| config_error(py, &e));
        if let Some(v) = fp_file {
            check(c.set_fp_file(v))?;
        }
        if let Some(v) = iface {
            check(c.set_iface(v))?;
        }
        if let Some(v) = read_file {
            check(c.set_read_file(v))?;
        }
        if let Some(v) = log_file {
            check(c.set_log_file(v))?;
        }
        if let Some(v) = api_sock {
            check(c.set_api_sock(v))?;
        }
        if daemon {
            check(c.en_daemon_mode())?;
        }
        if let Some(v) = user {
            check(c.switch_user(v))?;
        }
        if promisc {
            check(c.en_promisc_mode())?;
        }
        if let Some(v) = api_max_conn {
            check(c.set_api_max_conn(setting_value(&v)?))?;
        }
        if let Some(v) = max_conn {
            check(c.set_max_conn(setting_value(&v)?))?;
        }
        if let Some(v) = max_hosts {
            check(c.set_max_hosts(setting_value(&v)?))?;
        }
        if let Some(v) = conn_max_age {
            check(c.set_conn_max_age(setting_value(&v)?))?;
        }
        if let Some(v) = host_idle_limit {
            check(c.set_host_idle_limit(setting_value(&v)?))?;
        }
        if let Some(v) = filter {
            check(c.set_filter(v))?;
        }
        if json {
            c.set_output_format(OutputFormat::Json);
        }
        for note in c.validate().map_err(|e| config_error(py, &e))? {
            warn(
                py,
                &format!("[!] {} (code {})", note.message(), note.code()),
            )?;
        }
        Ok(P0f {
            config: c,
            console,
            session: Mutex::new(None),
        })
    }

    /// Runs to the end of the capture file, or on an interface until Ctrl-C (then raises
    /// KeyboardInterrupt after a clean stop), writing the log and answering the query
    /// socket as configured. The GIL is released meanwhile; `callback`, if given, is
    /// called with each observation as a dict (see observations()) and may raise to stop
    /// the run. Returns counts: `frames`, `packets`, `observations`, `interrupted`,
    /// `damaged`, `daemon_pid` (daemon mode, in this process: the daemon's pid).
    #[pyo3(signature = (callback=None))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        callback: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let stop = AtomicBool::new(false);
        let callback_error: Mutex<Option<PyErr>> = Mutex::new(None);
        let mut observer = |obs: &p0fmod::Observation<'_>| {
            let Some(cb) = &callback else { return };
            if stop.load(Ordering::Relaxed) {
                return;
            }
            Python::attach(|py| {
                let result = to_py(py, &p0fmod::output::json::to_json(obs))
                    .and_then(|d| cb.call1(py, (d,)).map(drop));
                if let Err(e) = result {
                    stop.store(true, Ordering::Relaxed);
                    callback_error
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .get_or_insert(e);
                }
            });
        };
        let console = self.console;
        let mut notice = move |n: Notice| {
            if console {
                p0fmod_session::print_notice(n);
            }
        };
        let (result, interrupted) = if self.config.daemon() {
            let config = &self.config;
            detached(py, &stop, || {
                start_and_run(config, console, &stop, &mut observer, &mut notice)
            })
        } else {
            let mut guard = self.session(py)?;
            let session = guard.as_mut().expect("started");
            detached(py, &stop, || session.run(&stop, &mut observer, &mut notice))
        };
        if let Some(e) = callback_error
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
        {
            return Err(e);
        }
        if let Some(e) = interrupted {
            return Err(e);
        }
        let summary = result.map_err(|e| run_error(py, &e))?;
        summary_dict(py, &summary)
    }

    /// The observations of the capture file, one dict each, in capture order, with the
    /// field names of p0fmod's JSON output (`time`, `mod`, `cli_ip`, `cli_port`, `srv_ip`,
    /// `srv_port`, `subj`, then by `mod`: `match`, `dist`, `raw_sig`, ...; see
    /// docs/json.md). The log is written as they go by. Capture files only.
    fn observations(slf: Bound<'_, Self>) -> Observations {
        Observations {
            owner: slf.unbind(),
            queue: Mutex::new(VecDeque::new()),
        }
    }

    /// What the host table says about `ip`: a dict with the fields of the host record
    /// (`addr`, `first_seen`, `last_seen`, `total_conn`, `os`, `http_app`, `http_honesty`,
    /// `language`, `distance`, `link`, `uptime`, `ip_sharing`, `host_change`,
    /// `observations`, `tls_client`, `tls_server`, `verdict`; docs/json.md, "The host
    /// record"), or None when the host is unknown.
    fn host<'py>(&self, py: Python<'py>, ip: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let addr = parse_ip(ip)?;
        let guard = self.session(py)?;
        match guard.as_ref().and_then(|s| s.host(addr)) {
            Some(h) => to_dict(py, &h).map(Some),
            None => Ok(None),
        }
    }

    /// Every host in the table, as host() gives them.
    fn hosts<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let guard = self.session(py)?;
        guard
            .iter()
            .flat_map(Session::hosts)
            .map(|h| to_dict(py, &h))
            .collect()
    }
}

/// The iterator of P0f.observations().
#[pyclass(module = "p0fmod", frozen)]
struct Observations {
    owner: Py<P0f>,
    queue: Mutex<VecDeque<OwnedObservation>>,
}

#[pymethods]
impl Observations {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let owner = self.owner.get();
        let mut warnings = Vec::new();
        while queue.is_empty() {
            let mut guard = owner.session(py)?;
            let session = guard.as_mut().expect("started");
            let console = owner.console;
            let step = session.step(
                STEP_FRAMES,
                &mut |obs| queue.push_back(obs.into()),
                &mut |n| match n {
                    Notice::Warning(w) => warnings.push(w),
                    other if console => p0fmod_session::print_notice(other),
                    _ => {}
                },
            );
            drop(guard);
            for w in warnings.drain(..) {
                warn(py, &w)?;
            }
            match step {
                Ok(0) => return Ok(None),
                Ok(_) => {}
                Err(e) => return Err(run_error(py, &e)),
            }
        }
        match queue.pop_front() {
            Some(obs) => to_dict(py, &obs).map(Some),
            None => Ok(None),
        }
    }
}
