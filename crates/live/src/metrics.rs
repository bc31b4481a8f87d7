//! `--metrics ADDR`: the service's statistics in the Prometheus text format over HTTP, on a
//! thread of its own (tiny_http), from the latest [`ServiceStats`] the event loop
//! published.
//!
//! `GET /metrics` answers the statistics (Prometheus' text format, version 0.0.4, which
//! Prometheus scrapes and `promtool check metrics` checks); `GET /` a line that points
//! there; anything else 404.
//! The thread never touches the engine: the loop copies its counters into the shared
//! record a few times a second ([`MetricsServer::publisher`]).
//!
//! ```no_run
//! use p0fmod_live::metrics::MetricsListener;
//!
//! let listener = MetricsListener::bind("127.0.0.1:9811")?; // before -u and -d
//! let server = listener.start()?; // after -d
//! server.publisher().lock().unwrap().engine.packets = 42;
//! # Ok::<(), p0fmod_live::metrics::MetricsError>(())
//! ```

use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use tiny_http::{Header, Method, Response, Server};

use crate::stats::ServiceStats;

/// The content type of the answer: Prometheus' text format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The shared record the event loop writes and the metrics thread reads.
pub type Published = Arc<Mutex<ServiceStats>>;

/// The metrics listener and its thread; dropping it stops the thread.
pub struct MetricsServer {
    server: Arc<Server>,
    addr: SocketAddr,
    published: Published,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for MetricsServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetricsServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Why the metrics listener could not be opened.
#[derive(Debug)]
pub struct MetricsError {
    /// The address asked for.
    pub addr: String,
    /// What went wrong.
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl fmt::Display for MetricsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Cannot listen for metrics on '{}' ({}).",
            self.addr, self.source
        )
    }
}

impl std::error::Error for MetricsError {}

/// The metrics socket, bound but not yet served: bind it before dropping privileges (a low
/// port) and forking, start it after (threads do not survive a fork).
#[derive(Debug)]
pub struct MetricsListener {
    listener: TcpListener,
    addr: SocketAddr,
    asked: String,
}

impl MetricsListener {
    /// Listens on `addr` (`HOST:PORT`; port 0 picks a free one).
    pub fn bind(addr: &str) -> Result<MetricsListener, MetricsError> {
        let err = |e: io::Error| MetricsError {
            addr: addr.to_string(),
            source: Box::new(e),
        };
        let listener = TcpListener::bind(addr).map_err(err)?;
        let local = listener.local_addr().map_err(err)?;
        Ok(MetricsListener {
            listener,
            addr: local,
            asked: addr.to_string(),
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Starts serving on a thread of its own.
    pub fn start(self) -> Result<MetricsServer, MetricsError> {
        let err = |source| MetricsError {
            addr: self.asked.clone(),
            source,
        };
        let server = Arc::new(Server::from_listener(self.listener, None).map_err(err)?);
        let published = Published::default();
        let thread = {
            let server = Arc::clone(&server);
            let published = Arc::clone(&published);
            std::thread::Builder::new()
                .name("p0fmod-metrics".into())
                .spawn(move || serve(&server, &published))
                .map_err(|e| err(Box::new(e)))?
        };
        Ok(MetricsServer {
            server,
            addr: self.addr,
            published,
            thread: Some(thread),
        })
    }
}

impl MetricsServer {
    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The record to publish statistics into.
    pub fn publisher(&self) -> Published {
        Arc::clone(&self.published)
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(server: &Server, published: &Mutex<ServiceStats>) {
    for request in server.incoming_requests() {
        let path = request.url().split('?').next().unwrap_or("");
        let response = match (request.method(), path) {
            (Method::Get | Method::Head, "/metrics") => {
                let stats = *published.lock().unwrap_or_else(PoisonError::into_inner);
                with_type(Response::from_string(stats.prometheus()), CONTENT_TYPE)
            }
            (Method::Get | Method::Head, "/") => with_type(
                Response::from_string("p0fmod: metrics at /metrics\n"),
                "text/plain; charset=utf-8",
            ),
            _ => with_type(
                Response::from_string("not found\n").with_status_code(404),
                "text/plain; charset=utf-8",
            ),
        };
        // A client that went away is its own problem.
        let _ = request.respond(response);
    }
}

fn with_type<R: io::Read>(response: Response<R>, content_type: &str) -> Response<R> {
    match Header::from_bytes("Content-Type", content_type) {
        Ok(h) => response.with_header(h),
        Err(()) => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    fn get(addr: SocketAddr, path: &str) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn serves_what_was_published() {
        let server = MetricsListener::bind("127.0.0.1:0")
            .unwrap()
            .start()
            .unwrap();
        let addr = server.local_addr();
        server.publisher().lock().unwrap().engine.packets = 42;
        let answer = get(addr, "/metrics");
        assert!(answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200"));
        assert!(answer.contains("Content-Type: text/plain; version=0.0.4"));
        assert!(answer.contains("\np0fmod_packets_total 42\n"), "{answer}");
        assert!(get(addr, "/nope").contains(" 404 "));
        drop(server);
    }

    #[test]
    fn a_bad_address_is_a_clear_error() {
        let e = MetricsListener::bind("not an address").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Cannot listen for metrics on 'not an address'")
        );
    }
}
