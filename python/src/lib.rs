//! The `p0fmod` Python module: the seed API's functions (module-level settings,
//! `start_p0f`, `mk_query`, `ck_response`), the `P0f` class that raises exceptions, and
//! the query client `query`.
//!
//! Everything runs through `p0fmod-session`, the run path of the Rust API: the settings
//! are [`Config`]'s setters with their codes and p0f's messages, and a run is a
//! [`Session`]. Runs happen on a worker thread with the GIL released; the calling thread
//! waits, re-acquiring the GIL every 50 ms to check for signals and to write what the run
//! printed meanwhile to `sys.stdout` / `sys.stderr` (a [`Relay`]: so that Jupyter and
//! redirected streams see it), and raises the stop flag on `KeyboardInterrupt` (or when a
//! callback raises).

#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::io;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::Duration;

use p0fmod::output::p0f::format_console;
use p0fmod::{Config, ConfigError as Refusal, Observation, OutputFormat, OwnedObservation};
use p0fmod_api::proto::{QUERY_LEN, RESPONSE_LEN};
use p0fmod_api::{Client, ClientError, Query, Response, Status, client_report, parse_address};
use p0fmod_session::{Notice, Session, StartError, Started, Summary};
use pyo3::exceptions::{PyException, PyUserWarning, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyInt, PyList, PyTuple, PyType};

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
    "A refused setting or combination; `code` is the seed API's code (-1 repeated setting, -2 outlandish value; -1 to -4 for start_p0f's combinations, -7 and -8 for the other combinations p0f refuses), or None for a setting this build cannot honour."
);
pyo3::create_exception!(
    p0fmod,
    RunError,
    P0fError,
    "A run could not start or had to stop (a missing file, a refused database, a capture error), or was asked for at the wrong moment; p0f's message; `code` is None. Files that cannot be opened raise its subclass RunFileError, which is also an OSError."
);
pyo3::create_exception!(
    p0fmod,
    QueryError,
    P0fError,
    "A query failed; `code` is ck_response's code (-1 bad magic, -2 bad query), or None when the socket could not be used or did not answer in time."
);
pyo3::create_exception!(
    p0fmod,
    P0fWarning,
    PyUserWarning,
    "p0f's notes that do not stop a run (the seed's start_p0f codes -5 and -6) and run-time warnings."
);

/// `RunFileError(RunError, OSError)` and its two subclasses for `FileNotFoundError` and
/// `PermissionError`, made at module import (a class with two bases).
struct FileErrors {
    base: Py<PyType>,
    not_found: Py<PyType>,
    permission: Py<PyType>,
}

static FILE_ERRORS: PyOnceLock<FileErrors> = PyOnceLock::new();

/// Makes `name(bases)` with `doc`, a class of module `p0fmod`.
fn new_class<'py>(
    py: Python<'py>,
    name: &str,
    bases: Bound<'py, PyTuple>,
    doc: &str,
) -> PyResult<Bound<'py, PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__doc__", doc)?;
    namespace.set_item("__module__", "p0fmod")?;
    // str() is p0f's message, not OSError's "[Errno N] ..." built from the attributes.
    namespace.set_item(
        "__str__",
        py.import("builtins")?
            .getattr("BaseException")?
            .getattr("__str__")?,
    )?;
    let class = py
        .get_type::<PyType>()
        .call1((name, bases, namespace))?
        .cast_into::<PyType>()?;
    Ok(class)
}

fn file_errors(py: Python<'_>) -> PyResult<&FileErrors> {
    FILE_ERRORS.get_or_try_init(py, || {
        let builtins = py.import("builtins")?;
        let base = new_class(
            py,
            "RunFileError",
            PyTuple::new(
                py,
                [
                    py.get_type::<RunError>().into_any(),
                    builtins.getattr("OSError")?,
                ],
            )?,
            "A file could not be opened (the capture file, the log): a RunError that is also an OSError, with `errno`, `strerror` and `filename`; str() is p0f's message.",
        )?;
        let sub = |name: &str, os: &str, doc: &str| -> PyResult<Py<PyType>> {
            let bases = PyTuple::new(py, [base.clone().into_any(), builtins.getattr(os)?])?;
            Ok(new_class(py, name, bases, doc)?.unbind())
        };
        Ok(FileErrors {
            not_found: sub(
                "RunFileNotFoundError",
                "FileNotFoundError",
                "A RunFileError that is also a FileNotFoundError (ENOENT).",
            )?,
            permission: sub(
                "RunPermissionError",
                "PermissionError",
                "A RunFileError that is also a PermissionError (EACCES, EPERM).",
            )?,
            base: base.unbind(),
        })
    })
}

/// How often a waiting thread looks for signals and writes what the run printed.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);
/// Frames per step of an observation iterator.
const STEP_FRAMES: usize = 256;
/// Observations a live iterator holds before the capture waits for the reader.
const LIVE_QUEUE: usize = 1 << 16;

/// The message for live features in a build without them.
#[cfg(not(feature = "live"))]
const NO_LIVE: &str = "this build of p0fmod has no live capture (HAS_LIVE is False; it was built without libpcap). Reinstall it with live capture, BPF filters, the query socket, daemon mode and switch_user: `apt-get install libpcap-dev && pip install --force-reinstall ./python` (in the p0fmod repository), or install a wheel built with `maturin build --release`";

/// Refuses, at once, a setting this build cannot honour.
#[cfg(not(feature = "live"))]
fn needs_live(py: Python<'_>, what: &str) -> PyResult<()> {
    Err(p0f_error::<ConfigError>(
        py,
        format!("{what}: {NO_LIVE}."),
        None,
    ))
}

/// Every setting can be honoured in a build with live capture.
#[cfg(feature = "live")]
fn needs_live(_py: Python<'_>, _what: &str) -> PyResult<()> {
    Ok(())
}

/// An exception of `kind` with p0f's message and `code`.
fn p0f_error<E: pyo3::PyTypeInfo>(py: Python<'_>, message: String, code: Option<i32>) -> PyErr {
    with_code(py, PyErr::from_type(py.get_type::<E>(), message), code)
}

fn with_code(py: Python<'_>, err: PyErr, code: Option<i32>) -> PyErr {
    if let Err(e) = err.value(py).setattr("code", code) {
        return e;
    }
    err
}

fn config_error(py: Python<'_>, e: &Refusal) -> PyErr {
    p0f_error::<ConfigError>(py, e.message().to_string(), Some(e.code()))
}

/// A RunFileError (or its FileNotFoundError / PermissionError subclass) for `source`.
fn file_error(
    py: Python<'_>,
    message: String,
    path: &std::path::Path,
    source: &io::Error,
) -> PyErr {
    let errors = match file_errors(py) {
        Ok(errors) => errors,
        Err(e) => return e,
    };
    let class = match source.kind() {
        io::ErrorKind::NotFound => &errors.not_found,
        io::ErrorKind::PermissionDenied => &errors.permission,
        _ => &errors.base,
    };
    let err = PyErr::from_type(class.bind(py).clone(), message);
    let value = err.value(py);
    let strerror = source.to_string();
    let strerror = strerror
        .split(" (os error")
        .next()
        .unwrap_or_default()
        .to_string();
    let set = || -> PyResult<()> {
        value.setattr("errno", source.raw_os_error())?;
        value.setattr("strerror", strerror)?;
        value.setattr("filename", path.to_string_lossy())?;
        Ok(())
    };
    if let Err(e) = set() {
        return e;
    }
    with_code(py, err, None)
}

fn run_error(py: Python<'_>, e: &StartError) -> PyErr {
    match e {
        StartError::Config(e) => config_error(py, e),
        StartError::Database(errors) => p0f_error::<RunError>(py, format!("{e}\n{errors}"), None),
        StartError::Filter { libpcap, message } => {
            p0f_error::<RunError>(py, format!("{message} (pcap_compile: {libpcap})"), None)
        }
        StartError::File { path, source, .. } => file_error(py, e.to_string(), path, source),
        other => p0f_error::<RunError>(py, other.to_string(), None),
    }
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

/// Writes to `sys.stdout` or `sys.stderr`.
fn py_write(py: Python<'_>, stream: &str, text: &str) -> PyResult<()> {
    let stream = py.import("sys")?.getattr(stream)?;
    stream.call_method1("write", (text,))?;
    stream.call_method0("flush")?;
    Ok(())
}

fn warn(py: Python<'_>, message: &str) -> PyResult<()> {
    let text = std::ffi::CString::new(message.replace('\0', " ")).unwrap_or_default();
    PyErr::warn(py, &py.get_type::<P0fWarning>(), &text, 2)
}

/// What a run says while the GIL is released, kept until a thread holding the GIL writes
/// it to `sys.stdout` and `sys.stderr` (or raises the warnings as P0fWarning).
#[derive(Default)]
struct Pending {
    out: String,
    err: String,
    /// Raised when the run ends: a warning raised meanwhile could swallow a Ctrl-C
    /// (CPython's C warning printer clears any exception its write raises).
    warnings: Vec<String>,
    /// Warnings beyond [`MAX_WARNINGS`], counted only.
    dropped: usize,
}

/// Warnings a run keeps for the P0fWarnings raised at its end.
const MAX_WARNINGS: usize = 100;

/// A run's console: status lines, console blocks (or JSON lines) and warnings, relayed to
/// Python's streams. Shared by the run's thread and the thread that waits for it.
#[derive(Clone)]
struct Relay {
    pending: Arc<Mutex<Pending>>,
    /// Print status lines and console blocks; without it, warnings become P0fWarnings.
    console: bool,
    /// Observations as JSON lines instead of console blocks.
    json: bool,
}

impl Relay {
    fn new(console: bool, json: bool) -> Relay {
        Relay {
            pending: Arc::new(Mutex::new(Pending::default())),
            console,
            json,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a notice as p0f would print it: status lines and notes on stdout, warnings
    /// on stderr (or as P0fWarnings when the console is off).
    fn notice(&self, notice: Notice) {
        let mut p = self.lock();
        match notice {
            Notice::Status(line) if self.console => {
                p.out.push_str(&line);
                p.out.push('\n');
            }
            Notice::Warning(text) if self.console => {
                p.err.push_str(&format!("[!] WARNING: {text}\n"));
            }
            // stop() and Ctrl-C are the caller's own doing; `interrupted` says it.
            Notice::Warning(text) if text == "User-initiated shutdown." => {}
            Notice::Warning(_) if p.warnings.len() >= MAX_WARNINGS => p.dropped += 1,
            Notice::Warning(text) => p.warnings.push(text),
            // Notes were raised as P0fWarnings when the settings were checked.
            Notice::Status(_) | Notice::Note(_) => {}
        }
    }

    /// Takes an observation for the console (p0f's block, or a JSON line).
    fn observation(&self, obs: &Observation<'_>) {
        if !self.console {
            return;
        }
        let mut p = self.lock();
        if self.json {
            p.out
                .push_str(&p0fmod::output::json::to_json(obs).to_string());
            p.out.push('\n');
        } else {
            format_console(obs, &mut p.out);
        }
    }

    /// Writes what is pending to `sys.stdout` / `sys.stderr`.
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        let (out, err) = {
            let mut p = self.lock();
            (std::mem::take(&mut p.out), std::mem::take(&mut p.err))
        };
        if !out.is_empty() {
            py_write(py, "stdout", &out)?;
        }
        if !err.is_empty() {
            py_write(py, "stderr", &err)?;
        }
        Ok(())
    }

    /// Writes what is pending and raises the warnings, when a run has ended (or between
    /// two steps of a capture file).
    fn finish(&self, py: Python<'_>) -> PyResult<()> {
        self.drain(py)?;
        let (warnings, dropped) = {
            let mut p = self.lock();
            (
                std::mem::take(&mut p.warnings),
                std::mem::take(&mut p.dropped),
            )
        };
        for w in warnings {
            warn(py, &w)?;
        }
        if dropped > 0 {
            warn(py, &format!("{dropped} more warnings were dropped."))?;
        }
        Ok(())
    }
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
    match &s.kernel {
        Some(k) => {
            let kernel = PyDict::new(py);
            kernel.set_item("received", k.received)?;
            kernel.set_item("dropped", k.dropped)?;
            kernel.set_item("if_dropped", k.if_dropped)?;
            d.set_item("kernel", kernel)?;
        }
        None => d.set_item("kernel", py.None())?,
    }
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
/// signals and relays the run's output every [`SIGNAL_CHECK`], and raises `stop` when a
/// handler raises; that handler's exception (KeyboardInterrupt) comes back with the
/// result.
fn detached<T: Send>(
    py: Python<'_>,
    stop: &AtomicBool,
    relay: &Relay,
    work: impl FnOnce() -> T + Send,
) -> (T, Option<PyErr>) {
    flush_python(py);
    let (result, mut interrupted) = py.detach(|| {
        std::thread::scope(|scope| {
            let (done_tx, done_rx) = mpsc::channel::<()>();
            let worker = scope.spawn(move || {
                let result = work();
                let _ = done_tx.send(());
                result
            });
            let mut interrupted = None;
            while let Err(RecvTimeoutError::Timeout) = done_rx.recv_timeout(SIGNAL_CHECK) {
                // Signal handlers may run inside the writes (and raise there), or after.
                let checked =
                    Python::attach(|py| relay.drain(py).and_then(|()| py.check_signals()));
                if interrupted.is_none()
                    && let Err(e) = checked
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
    });
    if let Err(e) = relay.finish(py) {
        interrupted.get_or_insert(e);
    }
    (result, interrupted)
}

/// Starts a session, runs it and, in a daemon, exits the process when the run ends.
fn start_and_run(
    config: &Config,
    stop: &AtomicBool,
    observer: &mut (dyn FnMut(&Observation<'_>) + Send),
    relay: &Relay,
) -> Result<Summary, StartError> {
    let mut notice = |n: Notice| relay.notice(n);
    match Session::start(config, false, &mut notice)? {
        Started::Parent { pid, message } => {
            notice(Notice::Status(message));
            Ok(Summary {
                daemon_pid: Some(pid),
                ..Summary::default()
            })
        }
        Started::Running(mut session) if session.is_daemon() => {
            // The daemon: nobody relays its output any more (its stdout is /dev/null).
            let result = session.run(stop, observer, &mut p0fmod_session::print_notice);
            if let Err(e) = &result {
                p0fmod_session::print_error(e);
            }
            std::process::exit(i32::from(result.is_err()));
        }
        Started::Running(mut session) => session.run(stop, observer, &mut notice),
    }
}

/// query()'s `timeout` as a read timeout; ValueError for nonsense.
fn query_timeout(timeout: Option<f64>) -> PyResult<Option<Duration>> {
    match timeout {
        None => Ok(None),
        Some(t) if t.is_finite() && t > 0.0 && t < 1e9 => Ok(Some(Duration::from_secs_f64(t))),
        Some(t) => Err(PyValueError::new_err(format!(
            "timeout must be a positive number of seconds or None, got {t}"
        ))),
    }
}

/// A failed query as QueryError: -1 for a bad magic number, None otherwise; a timeout
/// says so.
fn query_error(
    py: Python<'_>,
    e: ClientError,
    socket_path: &std::path::Path,
    timeout: Option<f64>,
) -> PyErr {
    match e {
        ClientError::BadMagic(_) => p0f_error::<QueryError>(py, e.message(), Some(-1)),
        ClientError::ShortRead(os)
            if matches!(
                os.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            p0f_error::<QueryError>(
                py,
                format!(
                    "No answer from API socket '{}' within {} s (the query's timeout).",
                    socket_path.display(),
                    timeout.unwrap_or_default()
                ),
                None,
            )
        }
        e => p0f_error::<QueryError>(py, e.to_string(), None),
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

    /// Adds RunFileError and its subclasses (classes with two bases, made at import).
    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        let errors = file_errors(m.py())?;
        m.add("RunFileError", errors.base.bind(m.py()))?;
        m.add("RunFileNotFoundError", errors.not_found.bind(m.py()))?;
        m.add("RunPermissionError", errors.permission.bind(m.py()))?;
        Ok(())
    }

    /// True when this build captures live (the default: it links libpcap): interfaces,
    /// BPF filters, the query socket server, daemon mode and switch_user.
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
        needs_live(py, "set_iface()")?;
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
        Err(p0f_error::<RunError>(
            py,
            format!("list_interfaces(): {NO_LIVE}."),
            None,
        ))
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
        Err(p0f_error::<RunError>(
            py,
            format!("interfaces(): {NO_LIVE}."),
            None,
        ))
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
        needs_live(py, "set_api_sock()")?;
        seed_set(py, |c| c.set_api_sock(fname))
    }

    /// Runs in the background (p0f's `-d`): start_p0f() forks, returns 0 in this process
    /// and the daemon goes on. Needs a log file or an API socket. Returns 0, or -1 when
    /// already enabled.
    #[pyfunction]
    fn en_daemon_mode(py: Python<'_>) -> PyResult<i32> {
        needs_live(py, "en_daemon_mode()")?;
        seed_set(py, Config::en_daemon_mode)
    }

    /// Drops privileges to `user` and chroots to its home when a live run starts (p0f's
    /// `-u`). Returns 0, or -1 when a user was already set.
    #[pyfunction]
    fn switch_user(py: Python<'_>, user: String) -> PyResult<i32> {
        needs_live(py, "switch_user()")?;
        seed_set(py, |c| c.switch_user(user))
    }

    /// Puts the interface in promiscuous mode (p0f's `-p`). Returns 0, or -1 when already
    /// enabled.
    #[pyfunction]
    fn en_promisc_mode(py: Python<'_>) -> PyResult<i32> {
        needs_live(py, "en_promisc_mode()")?;
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
        // The note -6 was a P0fWarning above; p0f's other lines go to sys.stdout.
        let relay = Relay::new(true, false);
        let daemon = config.daemon();
        let (result, interrupted) = detached(py, &stop, &relay, || {
            let mut observer = |obs: &Observation<'_>| {
                if !daemon {
                    relay.observation(obs);
                }
            };
            start_and_run(&config, &stop, &mut observer, &relay)
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

    /// Asks the p0fmod listening on `socket_path` about `ip` with the JSON query (the GIL
    /// is released while waiting). Returns the host record, the same dict as
    /// P0f.host() (docs/json.md, "The host record"), or None when the host is unknown.
    /// `timeout` is how long to wait for the answer, in seconds (None: no limit). Raises
    /// QueryError: code -2 when the server did not understand the query, None when the
    /// socket cannot be used or gave no answer within `timeout` ("No answer from API
    /// socket ... within N s"). p0f 3.09b answers p0f's binary query only: query_p0f().
    #[pyfunction]
    #[pyo3(signature = (socket_path, ip, timeout=10.0))]
    fn query<'py>(
        py: Python<'py>,
        socket_path: PathBuf,
        ip: &str,
        timeout: Option<f64>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let addr = parse_address(ip).map_err(|e| PyValueError::new_err(e.message()))?;
        let limit = query_timeout(timeout)?;
        let result = py.detach(|| {
            let mut client = Client::connect(&socket_path)?;
            client.set_timeout(limit)?;
            client.query_json(addr)
        });
        let line = match result {
            Ok(line) => line,
            Err(ClientError::ShortRead(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                return Err(p0f_error::<QueryError>(
                    py,
                    format!(
                        "The server on '{}' closed the connection without a JSON answer (p0f 3.09b answers query_p0f() only).",
                        socket_path.display()
                    ),
                    None,
                ));
            }
            Err(e) => return Err(query_error(py, e, &socket_path, timeout)),
        };
        let answer: serde_json::Value = serde_json::from_str(&line).map_err(|e| {
            p0f_error::<QueryError>(py, format!("Not a JSON answer ({e}): {line:?}"), None)
        })?;
        match answer.get("status").and_then(serde_json::Value::as_str) {
            Some("ok") => match answer.get("host") {
                Some(host) => to_py(py, host).map(Some),
                None => Err(p0f_error::<QueryError>(
                    py,
                    format!("A JSON answer without its host: {line}"),
                    None,
                )),
            },
            Some("no_match") => Ok(None),
            Some("bad_query") => Err(p0f_error::<QueryError>(
                py,
                format!(
                    "The server did not understand the query: {}",
                    answer
                        .get("error")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default()
                ),
                Some(-2),
            )),
            _ => Err(p0f_error::<QueryError>(
                py,
                format!("An unknown JSON answer: {line}"),
                None,
            )),
        }
    }

    /// Asks the p0f or p0fmod listening on `socket_path` about `ip` with p0f's binary
    /// query (the GIL is released while waiting). Returns a dict as parse_response()
    /// does, or None when the host is unknown; `timeout` as for query(). Raises
    /// QueryError: code -1 bad magic, -2 query not understood, None when the socket cannot
    /// be used or gave no answer in time.
    #[pyfunction]
    #[pyo3(signature = (socket_path, ip, timeout=10.0))]
    fn query_p0f<'py>(
        py: Python<'py>,
        socket_path: PathBuf,
        ip: &str,
        timeout: Option<f64>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let addr = parse_address(ip).map_err(|e| PyValueError::new_err(e.message()))?;
        let limit = query_timeout(timeout)?;
        let result = py.detach(|| {
            let mut client = Client::connect(&socket_path)?;
            client.set_timeout(limit)?;
            client.query(addr)
        });
        match result {
            Ok(r) if r.status == Status::NoMatch => Ok(None),
            Ok(r) if r.status == Status::BadQuery => Err(p0f_error::<QueryError>(
                py,
                ClientError::NotUnderstood.message(),
                Some(-2),
            )),
            Ok(r) => response_dict(py, &r).map(Some),
            Err(e) => Err(query_error(py, e, &socket_path, timeout)),
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

/// Where a P0f's session is.
#[derive(Default)]
enum Slot {
    /// Nothing opened yet.
    #[default]
    NotStarted,
    /// Started, ready to run (again: a live capture, or a capture file not read to its
    /// end).
    Ready(Session),
    /// A capture file read to its end: the host table can be read, nothing more can run.
    Finished(Session),
    /// Closed by close() or the end of a `with` block.
    Closed,
}

/// p0fmod with its settings given as keywords; refusals and failures raise P0fError's
/// subclasses. Nothing is opened until the first run() or observations().
///
/// Keywords (each as the seed function of the same name; all optional):
///
/// - `fp_file`: the signature database file (p0f's `-f`; default: the embedded one).
/// - `iface`: the network interface to capture on (p0f's `-i`; `"any"` for all; default:
///   libpcap's first). Not with `read_file`.
/// - `read_file`: a capture file (pcap, pcapng, gzip) instead of an interface (`-r`).
/// - `log_file`: appends p0f's log lines (JSON lines with `json=True`) to this file (`-o`).
/// - `api_sock`: answers queries on this unix socket while it runs (`-s`; live only).
/// - `daemon`: run() forks into the background and returns the daemon's pid (`-d`; needs
///   `log_file` or `api_sock`).
/// - `user`: drops privileges to this user and chroots to its home once the capture is
///   open (`-u`; live only; see the README for a user made for it).
/// - `promisc`: promiscuous mode (`-p`).
/// - `api_max_conn`: simultaneous API clients, 1 to 100 (`-S`; default 20).
/// - `max_conn`, `max_hosts`: connections (1 to 100000, default 1000) and hosts (1 to
///   500000, default 10000) tracked (`-m c,h`).
/// - `conn_max_age`: seconds a connection is tracked, 1 to 1000000 (`-t c,h`; default 30).
/// - `host_idle_limit`: minutes an idle host is kept, 1 to 1000000 (default 120).
/// - `filter`: a BPF expression (tcpdump's syntax), on interfaces and capture files.
/// - `json`: the log (or, without a log, the console) gets JSON lines (docs/json.md).
/// - `console`: prints p0f's status lines and console blocks on `sys.stdout`, warnings on
///   `sys.stderr` (without it, warnings are P0fWarnings).
///
/// Raises ConfigError with the seed's code for a refused setting or combination (code
/// None for a setting this build cannot honour); warns (P0fWarning) for the note -6.
///
/// A run is stopped by stop() (from any thread), by Ctrl-C, or by leaving a `with` block.
/// A capture file can be read once (a run stopped before its end goes on from there the
/// next time); an interface can be captured on again and again.
#[pyclass(module = "p0fmod", frozen)]
struct P0f {
    config: Config,
    console: bool,
    /// Raised by stop(); cleared when a run ends.
    stop: Arc<AtomicBool>,
    session: Arc<Mutex<Slot>>,
    /// The capture file's counts at the end of the previous run (they accumulate).
    counted: Mutex<Summary>,
    /// The thread running run()'s callback, while it does: close() there would wait for
    /// the run that waits for it.
    callback_thread: Mutex<Option<std::thread::ThreadId>>,
}

/// The message for a host-table read before anything was read.
const NOT_STARTED: &str = "Nothing has been read yet: the host table fills as run() or observations() go (call one of them first).";
/// The message for a P0f that is busy.
const RUNNING: &str = "This P0f is running: its host table and observations can be read once the run returns (stop() ends it).";
/// The message for a closed P0f.
const CLOSED: &str =
    "This P0f is closed (close(), or the end of its `with` block): make a new one.";

impl P0f {
    fn relay(&self) -> Relay {
        Relay::new(
            self.console && !self.config.daemon(),
            self.config.output_format() == OutputFormat::Json && self.config.log_file().is_none(),
        )
    }

    fn finished_error(&self, py: Python<'_>) -> PyErr {
        let file = self
            .config
            .read_file()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        p0f_error::<RunError>(
            py,
            format!(
                "The capture file '{file}' has been read to its end: make a new P0f to read it again (host() and hosts() still answer)."
            ),
            None,
        )
    }

    /// The session slot, or RunError while another run holds it.
    fn slot<'a>(&'a self, py: Python<'_>) -> PyResult<MutexGuard<'a, Slot>> {
        match self.session.try_lock() {
            Ok(guard) => Ok(guard),
            Err(TryLockError::Poisoned(e)) => Ok(e.into_inner()),
            Err(TryLockError::WouldBlock) => Err(p0f_error::<RunError>(py, RUNNING.into(), None)),
        }
    }
}

/// Starts the session of `slot` if needed; the session, or RunError (finished, closed).
fn ready<'s>(
    py: Python<'_>,
    owner: &P0f,
    slot: &'s mut Slot,
    relay: &Relay,
) -> PyResult<&'s mut Session> {
    if matches!(slot, Slot::NotStarted) {
        let mut notice = |n: Notice| relay.notice(n);
        match Session::start(&owner.config, false, &mut notice) {
            Ok(Started::Running(s)) => *slot = Slot::Ready(s),
            Ok(Started::Parent { .. }) => {
                return Err(p0f_error::<RunError>(
                    py,
                    "Daemon mode is for run(), not for observations().".into(),
                    None,
                ));
            }
            Err(e) => return Err(run_error(py, &e)),
        }
    }
    match slot {
        Slot::Ready(session) => Ok(session),
        Slot::Finished(_) => Err(owner.finished_error(py)),
        Slot::Closed => Err(p0f_error::<RunError>(py, CLOSED.into(), None)),
        Slot::NotStarted => unreachable!("started above"),
    }
}

/// Marks a capture file read to its end.
fn finish(slot: &mut Slot) {
    if let Slot::Ready(session) = std::mem::take(slot) {
        *slot = Slot::Finished(session);
    }
}

#[pymethods]
impl P0f {
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
            needs_live(py, "iface=")?;
            check(c.set_iface(v))?;
        }
        if let Some(v) = read_file {
            check(c.set_read_file(v))?;
        } else {
            needs_live(py, "a P0f without read_file= (live capture)")?;
        }
        if let Some(v) = log_file {
            check(c.set_log_file(v))?;
        }
        if let Some(v) = api_sock {
            needs_live(py, "api_sock=")?;
            check(c.set_api_sock(v))?;
        }
        if daemon {
            needs_live(py, "daemon=True")?;
            check(c.en_daemon_mode())?;
        }
        if let Some(v) = user {
            needs_live(py, "user=")?;
            check(c.switch_user(v))?;
        }
        if promisc {
            needs_live(py, "promisc=True")?;
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
            needs_live(py, "filter= (BPF filters)")?;
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
            stop: Arc::new(AtomicBool::new(false)),
            session: Arc::new(Mutex::new(Slot::NotStarted)),
            counted: Mutex::new(Summary::default()),
            callback_thread: Mutex::new(None),
        })
    }

    /// Runs to the end of the capture file, or on an interface until stop() (from any
    /// thread), Ctrl-C (then raises KeyboardInterrupt after a clean stop) or the end of a
    /// `with` block, writing the log and answering the query socket as configured. The GIL
    /// is released meanwhile; `callback`, if given, is called with each observation as a
    /// dict (see observations()) and may raise to stop the run.
    ///
    /// Returns this run's counts: `frames`, `packets`, `observations`, `interrupted`
    /// (stopped before the end), `damaged` (a capture file damaged after some point),
    /// `kernel` (live runs: `received`, `dropped`, `if_dropped`, libpcap's counters; None
    /// for files) and `daemon_pid` (daemon mode, in this process: the daemon's pid).
    ///
    /// A second run() goes on where the first stopped: on an interface, capturing again;
    /// in a capture file stopped before its end, from there. A capture file read to its
    /// end raises RunError.
    #[pyo3(signature = (callback=None))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        callback: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let stop: &AtomicBool = &self.stop;
        let relay = self.relay();
        let callback_error: Mutex<Option<PyErr>> = Mutex::new(None);
        let mut observer = |obs: &Observation<'_>| {
            relay.observation(obs);
            let Some(cb) = &callback else { return };
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let in_callback = |thread| {
                *self
                    .callback_thread
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = thread;
            };
            Python::attach(|py| {
                in_callback(Some(std::thread::current().id()));
                let result = to_py(py, &p0fmod::output::json::to_json(obs))
                    .and_then(|d| cb.call1(py, (d,)).map(drop));
                in_callback(None);
                if let Err(e) = result {
                    stop.store(true, Ordering::Relaxed);
                    callback_error
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .get_or_insert(e);
                }
            });
        };
        let (result, interrupted) = if self.config.daemon() {
            let config = &self.config;
            let mut slot = self.slot(py)?;
            if matches!(*slot, Slot::Closed) {
                return Err(p0f_error::<RunError>(py, CLOSED.into(), None));
            }
            let out = detached(py, stop, &relay, || {
                start_and_run(config, stop, &mut observer, &relay)
            });
            if out.0.is_ok() {
                // This process's part is over: the daemon runs on in the background.
                *slot = Slot::Closed;
            }
            out
        } else {
            let mut slot = self.slot(py)?;
            let session = ready(py, self, &mut slot, &relay)?;
            let (result, interrupted) = detached(py, stop, &relay, || {
                session.run(stop, &mut observer, &mut |n| relay.notice(n))
            });
            let result = result.map(|total| {
                if session.is_live() {
                    return total;
                }
                let mut counted = self.counted.lock().unwrap_or_else(PoisonError::into_inner);
                let this_run = Summary {
                    frames: total.frames - counted.frames,
                    packets: total.packets - counted.packets,
                    observations: total.observations - counted.observations,
                    ..total
                };
                *counted = total;
                this_run
            });
            if matches!(&result, Ok(s) if !session.is_live() && !s.interrupted) {
                finish(&mut slot);
            }
            (result, interrupted)
        };
        self.stop.store(false, Ordering::Relaxed);
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

    /// Stops the run in progress (run(), or a live observations() iterator) from any
    /// thread, within a fraction of a second; the run returns normally with
    /// `interrupted` True. When nothing runs, the next run stops at once.
    fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Stops any run, waits for it to end (the GIL released) and closes the capture, the
    /// log and the query socket. The host table is gone; run() and observations() raise
    /// RunError afterwards. `with P0f(...) as p:` calls it at the end of the block.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let here = Some(std::thread::current().id());
        if *self
            .callback_thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            == here
        {
            return Err(p0f_error::<RunError>(
                py,
                "close() from run()'s callback would wait for the run that waits for the callback: call stop() there (run() then returns), and close() after.".into(),
                None,
            ));
        }
        self.stop.store(true, Ordering::Relaxed);
        let session = Arc::clone(&self.session);
        let old = py.detach(move || {
            let mut slot = session.lock().unwrap_or_else(PoisonError::into_inner);
            std::mem::replace(&mut *slot, Slot::Closed)
        });
        drop(old);
        self.stop.store(false, Ordering::Relaxed);
        Ok(())
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    /// The observations, one dict each, with the field names of p0fmod's JSON output
    /// (`time`, `mod`, `cli_ip`, `cli_port`, `srv_ip`, `srv_port`, `subj`, then by `mod`:
    /// `match`, `dist`, `raw_sig`, ...; see docs/json.md and the stubs' TypedDicts). The
    /// log is written and the query socket answered as they go by.
    ///
    /// A capture file is read in capture order (a capture file already read to its end
    /// raises RunError here). On an interface the capture runs on a thread of its own and
    /// the iterator waits for the next observation with the GIL released; it ends when
    /// stop() is called (from another thread, or from the loop) and raises
    /// KeyboardInterrupt on Ctrl-C.
    fn observations(slf: Bound<'_, Self>) -> PyResult<Observations> {
        let py = slf.py();
        let owner = slf.get();
        let relay = owner.relay();
        let live = if owner.config.read_file().is_some() {
            let mut slot = owner.slot(py)?;
            ready(py, owner, &mut slot, &relay)?;
            None
        } else {
            Some(LiveFeed::start(py, owner, &relay)?)
        };
        relay.finish(py)?;
        Ok(Observations {
            owner: slf.unbind(),
            relay,
            queue: Mutex::new(VecDeque::new()),
            live: Mutex::new(live),
        })
    }

    /// What the host table says about `ip`: a dict with the fields of the host record
    /// (`addr`, `first_seen`, `last_seen`, `total_conn`, `os`, `http_app`, `http_honesty`,
    /// `language`, `distance`, `link`, `uptime`, `ip_sharing`, `host_change`,
    /// `observations`, `tls_client`, `tls_server`, `verdict`; docs/json.md, "The host
    /// record", the same as query()'s), or None when the host is unknown. Raises RunError
    /// before anything was read (run() or observations() first) and while a run works.
    fn host<'py>(&self, py: Python<'py>, ip: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let addr = parse_ip(ip)?;
        let slot = self.slot(py)?;
        match &*slot {
            Slot::Ready(s) | Slot::Finished(s) => match s.host(addr) {
                Some(h) => to_dict(py, &h).map(Some),
                None => Ok(None),
            },
            Slot::NotStarted => Err(p0f_error::<RunError>(py, NOT_STARTED.into(), None)),
            Slot::Closed => Err(p0f_error::<RunError>(py, CLOSED.into(), None)),
        }
    }

    /// Every host in the table, as host() gives them. Raises RunError like host().
    fn hosts<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let slot = self.slot(py)?;
        match &*slot {
            Slot::Ready(s) | Slot::Finished(s) => {
                s.hosts().iter().map(|h| to_dict(py, h)).collect()
            }
            Slot::NotStarted => Err(p0f_error::<RunError>(py, NOT_STARTED.into(), None)),
            Slot::Closed => Err(p0f_error::<RunError>(py, CLOSED.into(), None)),
        }
    }
}

/// What a live capture thread sends to its iterator.
enum Feed {
    /// An observation (boxed: an observation is large, an end small).
    Observation(Box<OwnedObservation>),
    /// The run ended.
    End(Result<Summary, StartError>),
}

/// The capture thread of a live observations() iterator.
struct LiveFeed {
    rx: mpsc::Receiver<Feed>,
    worker: Option<std::thread::JoinHandle<()>>,
    ended: bool,
}

impl LiveFeed {
    /// Starts the capture on a thread of its own, which holds the session until the run
    /// ends; returns once the session has started (or raises why it could not).
    fn start(py: Python<'_>, owner: &P0f, relay: &Relay) -> PyResult<LiveFeed> {
        if owner.config.daemon() {
            return Err(p0f_error::<RunError>(
                py,
                "Daemon mode is for run(), not for observations().".into(),
                None,
            ));
        }
        // Refuse at once when another run holds the session.
        drop(owner.slot(py)?);
        let (tx, rx) = mpsc::sync_channel::<Feed>(LIVE_QUEUE);
        let (started_tx, started_rx) = mpsc::channel::<Result<(), StartError>>();
        let session = Arc::clone(&owner.session);
        let stop = Arc::clone(&owner.stop);
        let config = owner.config.clone();
        let feed_relay = relay.clone();
        let worker = std::thread::spawn(move || {
            let relay = feed_relay;
            let mut slot = session.lock().unwrap_or_else(PoisonError::into_inner);
            if matches!(*slot, Slot::NotStarted) {
                match Session::start(&config, false, &mut |n| relay.notice(n)) {
                    Ok(Started::Running(s)) => *slot = Slot::Ready(s),
                    Ok(Started::Parent { .. }) => {
                        let _ = started_tx.send(Err(StartError::Unsupported(
                            "Daemon mode is for run(), not for observations().",
                        )));
                        return;
                    }
                    Err(e) => {
                        let _ = started_tx.send(Err(e));
                        return;
                    }
                }
            }
            let Slot::Ready(session) = &mut *slot else {
                let _ = started_tx.send(Err(StartError::Unsupported(CLOSED)));
                return;
            };
            let _ = started_tx.send(Ok(()));
            let result = session.run(
                &stop,
                &mut |obs| {
                    relay.observation(obs);
                    if tx.send(Feed::Observation(Box::new(obs.into()))).is_err() {
                        // The iterator is gone: nobody reads any more.
                        stop.store(true, Ordering::Relaxed);
                    }
                },
                &mut |n| relay.notice(n),
            );
            stop.store(false, Ordering::Relaxed);
            drop(slot);
            let _ = tx.send(Feed::End(result));
        });
        let started = py.detach(move || started_rx.recv());
        relay.finish(py)?;
        match started {
            Ok(Ok(())) => Ok(LiveFeed {
                rx,
                worker: Some(worker),
                ended: false,
            }),
            Ok(Err(StartError::Unsupported(CLOSED))) => {
                Err(p0f_error::<RunError>(py, CLOSED.into(), None))
            }
            Ok(Err(e)) => Err(run_error(py, &e)),
            Err(_) => Err(p0f_error::<RunError>(
                py,
                "The capture thread ended before it started.".into(),
                None,
            )),
        }
    }
}

/// The iterator of P0f.observations().
#[pyclass(module = "p0fmod", frozen)]
struct Observations {
    owner: Py<P0f>,
    relay: Relay,
    queue: Mutex<VecDeque<OwnedObservation>>,
    live: Mutex<Option<LiveFeed>>,
}

impl Observations {
    /// The next observation of a live capture, waiting with the GIL released.
    fn next_live<'py>(
        &self,
        py: Python<'py>,
        feed: &mut LiveFeed,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        if feed.ended {
            return Ok(None);
        }
        loop {
            let rx = &mut feed.rx;
            let got = py.detach(move || rx.recv_timeout(SIGNAL_CHECK));
            if let Err(e) = self.relay.drain(py).and_then(|()| py.check_signals()) {
                self.owner.get().stop.store(true, Ordering::Relaxed);
                return Err(e);
            }
            match got {
                Ok(Feed::Observation(obs)) => return to_dict(py, &*obs).map(Some),
                Ok(Feed::End(result)) => {
                    feed.ended = true;
                    if let Some(worker) = feed.worker.take() {
                        let _ = py.detach(|| worker.join());
                    }
                    self.relay.finish(py)?;
                    return match result {
                        Ok(_) => Ok(None),
                        Err(e) => Err(run_error(py, &e)),
                    };
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    feed.ended = true;
                    return Ok(None);
                }
            }
        }
    }
}

#[pymethods]
impl Observations {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let mut live = match self.live.try_lock() {
            Ok(live) => live,
            Err(TryLockError::Poisoned(e)) => e.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return Err(p0f_error::<RunError>(
                    py,
                    "This iterator is being read by another thread.".into(),
                    None,
                ));
            }
        };
        if let Some(feed) = live.as_mut() {
            return self.next_live(py, feed);
        }
        drop(live);
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let owner = self.owner.get();
        while queue.is_empty() {
            let mut slot = owner.slot(py)?;
            if matches!(*slot, Slot::Finished(_)) {
                return Ok(None);
            }
            let session = ready(py, owner, &mut slot, &self.relay)?;
            let relay = &self.relay;
            let step = session.step(
                STEP_FRAMES,
                &mut |obs| {
                    relay.observation(obs);
                    queue.push_back(obs.into());
                },
                &mut |n| relay.notice(n),
            );
            if matches!(step, Ok(0)) {
                finish(&mut slot);
            }
            drop(slot);
            self.relay.finish(py)?;
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

impl Drop for Observations {
    /// A live iterator dropped before its end stops its capture.
    fn drop(&mut self) {
        let live = self.live.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(feed) = live.as_ref()
            && !feed.ended
        {
            self.owner.get().stop.store(true, Ordering::Relaxed);
        }
    }
}
