//! A live service's statistics: the engine's counters, the kernel's capture counters and
//! the query server's, as one record ([`ServiceStats`]), printed as text (SIGUSR1 and the
//! end of a run) and encoded in Prometheus' text format ([`ServiceStats::prometheus`])
//! for `--metrics`.

use std::time::{Duration, Instant};

use p0fmod::output::resilient::LogHealth;
use p0fmod::stats::EngineStats;
use p0fmod::{Engine, Kind};
use p0fmod_api::{ApiServer, ApiStats};
use p0fmod_capture::live::{CaptureStats, LiveCapture};
use prometheus::{IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder};

/// Everything a live run counts, at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServiceStats {
    /// Time since the event loop started.
    pub uptime: Duration,
    /// The engine's counters (frames, bytes, packets, observations, tables).
    pub engine: EngineStats,
    /// The kernel's capture counters, when they could be read.
    pub capture: Option<CaptureStats>,
    /// The query server's counters, with `-s`.
    pub api: Option<ApiStats>,
    /// Query clients connected now, with `-s`.
    pub api_clients: Option<u64>,
    /// With `-o`: log lines that could not be written (a full or failing disk), and whether
    /// the log refuses writes now.
    pub log: Option<LogStats>,
}

/// The `-o` log's write failures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogStats {
    /// Lines dropped because the file refused them, since the start.
    pub lines_lost: u64,
    /// The file refuses writes now.
    pub failing: bool,
}

impl ServiceStats {
    /// The statistics now, from their sources (reads the kernel's counters).
    pub fn collect(
        started: Instant,
        engine: &Engine,
        capture: &mut LiveCapture,
        api: Option<&ApiServer>,
        log: Option<&LogHealth>,
    ) -> ServiceStats {
        ServiceStats {
            uptime: started.elapsed(),
            engine: engine.stats(),
            capture: capture.stats().ok(),
            api: api.map(ApiServer::stats),
            api_clients: api.map(|a| a.client_count() as u64),
            log: log.map(|h| LogStats {
                lines_lost: h.lost_lines(),
                failing: h.failing(),
            }),
        }
    }

    /// The statistics as status lines (`[+] ...`, one per line, no final newline): the
    /// engine's end-of-run summary ([`EngineStats::summary_lines`]), the tables now, the
    /// kernel's counters and the query server's.
    pub fn report(&self) -> String {
        let e = &self.engine;
        let mut lines = vec![format!(
            "[+] Statistics after {} s of capture:",
            self.uptime.as_secs()
        )];
        lines.extend(e.summary_lines(self.uptime));
        lines.push(format!(
            "[+] In the tables now: {} hosts, {} connections.",
            e.hosts.current, e.flows.current
        ));
        if let Some(k) = &self.capture {
            lines.push(format!(
                "[+] Kernel capture statistics: {} packets received, {} dropped by the kernel, {} dropped by the interface.",
                k.received, k.dropped, k.if_dropped
            ));
        }
        if let Some(a) = &self.api {
            lines.push(format!(
                "[+] API: {} clients connected, {} accepted, {} refused, {} dropped for not reading; {} answers, {} JSON answers, {} bad queries.",
                self.api_clients.unwrap_or(0),
                a.clients_accepted,
                a.clients_refused,
                a.clients_stalled,
                a.answers,
                a.json_answers,
                a.bad_queries
            ));
        }
        if let Some(l) = self.log.filter(|l| l.lines_lost > 0 || l.failing) {
            lines.push(format!(
                "[+] Log: {} lines could not be written{}.",
                l.lines_lost,
                if l.failing {
                    "; it refuses writes now"
                } else {
                    ""
                }
            ));
        }
        lines.join("\n")
    }

    /// The statistics in the Prometheus text format (version 0.0.4), every metric named
    /// `p0fmod_...`, counters ending in `_total`, sorted by name.
    pub fn prometheus(&self) -> String {
        let registry = Registry::new();
        // Names and help texts are constants that prometheus accepts, so registering
        // cannot fail; a failure would only leave one metric out.
        let counter = |name: &str, help: &str, value: u64| {
            if let Ok(c) = IntCounter::new(format!("p0fmod_{name}_total"), help) {
                c.inc_by(value);
                let _ = registry.register(Box::new(c));
            }
        };
        let gauge = |name: &str, help: &str, value: u64| {
            if let Ok(g) = IntGauge::new(format!("p0fmod_{name}"), help) {
                g.set(i64::try_from(value).unwrap_or(i64::MAX));
                let _ = registry.register(Box::new(g));
            }
        };
        let e = &self.engine;
        gauge(
            "uptime_seconds",
            "Seconds since the event loop started",
            self.uptime.as_secs(),
        );
        counter("frames", "Frames captured", e.frames);
        counter("captured_bytes", "Bytes of the frames captured", e.bytes);
        counter(
            "packets",
            "Packets processed (frames that carried TCP at the IP level)",
            e.packets,
        );
        if let Ok(family) = IntCounterVec::new(
            Opts::new(
                "p0fmod_observations_total",
                "Observations made, by p0f's mod= keyword",
            ),
            &["kind"],
        ) {
            for kind in Kind::ALL {
                family
                    .with_label_values(&[kind.keyword()])
                    .inc_by(e.observations.get(kind));
            }
            let _ = registry.register(Box::new(family));
        }
        if let Ok(family) = IntCounterVec::new(
            Opts::new(
                "p0fmod_tls_hellos_total",
                "TLS hellos over TCP: complete (fingerprinted) or incomplete",
            ),
            &["outcome"],
        ) {
            for (outcome, n) in [
                ("complete", e.tls.hellos_complete),
                ("incomplete", e.tls.hellos_incomplete),
            ] {
                family.with_label_values(&[outcome]).inc_by(n);
            }
            let _ = registry.register(Box::new(family));
        }
        counter(
            "tls_connections",
            "Connections tracked in the TLS table",
            e.tls.connections,
        );
        counter(
            "tls_connections_evicted",
            "TLS table entries removed to stay within -m",
            e.tls.evicted,
        );
        counter(
            "tls_connections_expired",
            "TLS table entries removed by age (-t)",
            e.tls.expired,
        );
        for (table, t) in [("hosts", &e.hosts), ("flows", &e.flows)] {
            gauge(
                table,
                &format!("Entries in the {table} table now"),
                t.current,
            );
            gauge(
                &format!("{table}_peak"),
                &format!("Most entries the {table} table held at once"),
                t.peak,
            );
            counter(
                &format!("{table}_created"),
                &format!("Entries created in the {table} table"),
                t.created,
            );
            counter(
                &format!("{table}_evicted"),
                &format!("Entries evicted from the {table} table to stay within -m"),
                t.evicted,
            );
            counter(
                &format!("{table}_expired"),
                &format!("Entries of the {table} table expired by age (-t)"),
                t.expired,
            );
        }
        if let Some(k) = &self.capture {
            counter(
                "kernel_received_packets",
                "Packets the kernel passed to the capture (libpcap's ps_recv)",
                u64::from(k.received),
            );
            counter(
                "kernel_dropped_packets",
                "Packets dropped because the capture buffer was full (ps_drop)",
                u64::from(k.dropped),
            );
            counter(
                "interface_dropped_packets",
                "Packets dropped by the interface or its driver (ps_ifdrop)",
                u64::from(k.if_dropped),
            );
        }
        if let Some(a) = &self.api {
            gauge(
                "api_clients",
                "Query clients connected now",
                self.api_clients.unwrap_or(0),
            );
            for (name, help, value) in [
                (
                    "api_clients_accepted",
                    "Query clients accepted",
                    a.clients_accepted,
                ),
                (
                    "api_clients_refused",
                    "Query clients refused (over the -S limit)",
                    a.clients_refused,
                ),
                (
                    "api_clients_stalled",
                    "Query clients dropped for leaving their answers unread",
                    a.clients_stalled,
                ),
                ("api_answers", "p0f binary queries answered", a.answers),
                ("api_json_answers", "JSON queries answered", a.json_answers),
                (
                    "api_bad_queries",
                    "Queries refused as malformed",
                    a.bad_queries,
                ),
            ] {
                counter(name, help, value);
            }
        }
        if let Some(l) = &self.log {
            counter(
                "log_lines_lost",
                "Log lines that could not be written (full or failing disk)",
                l.lines_lost,
            );
            gauge(
                "log_failing",
                "1 while the log refuses writes",
                u64::from(l.failing),
            );
        }
        let mut out = String::new();
        // Encoding gathered metrics into a String cannot fail.
        let _ = TextEncoder::new().encode_utf8(&registry.gather(), &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ServiceStats {
        let mut engine = EngineStats {
            frames: 10,
            bytes: 1500,
            packets: 9,
            ..EngineStats::default()
        };
        engine.observations.add(Kind::Syn);
        engine.observations.add(Kind::Syn);
        engine.observations.add(Kind::HttpRequest);
        engine.hosts.created = 2;
        engine.tls.hellos_complete = 5;
        engine.hosts.current = 2;
        ServiceStats {
            uptime: Duration::from_secs(3),
            engine,
            capture: Some(CaptureStats {
                received: 11,
                dropped: 1,
                if_dropped: 0,
            }),
            api: Some(ApiStats {
                answers: 4,
                ..ApiStats::default()
            }),
            api_clients: Some(1),
            log: Some(LogStats {
                lines_lost: 3,
                failing: true,
            }),
        }
    }

    #[test]
    fn report_lines() {
        let stats = sample();
        let text = stats.report();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "[+] Statistics after 3 s of capture:");
        let engine = stats.engine.summary_lines(stats.uptime);
        assert_eq!(lines[1..=engine.len()], engine[..]);
        let rest = &lines[engine.len() + 1..];
        assert_eq!(rest[0], "[+] In the tables now: 2 hosts, 0 connections.");
        assert_eq!(
            rest[1],
            "[+] Kernel capture statistics: 11 packets received, 1 dropped by the kernel, 0 dropped by the interface."
        );
        assert!(rest[2].contains("1 clients connected") && rest[2].contains("4 answers"));
        assert_eq!(
            rest[3],
            "[+] Log: 3 lines could not be written; it refuses writes now."
        );
        assert_eq!(rest.len(), 4);
    }

    #[test]
    fn prometheus_text() {
        let text = sample().prometheus();
        for line in [
            "# TYPE p0fmod_packets_total counter",
            "p0fmod_packets_total 9",
            "p0fmod_observations_total{kind=\"syn\"} 2",
            "p0fmod_observations_total{kind=\"http request\"} 1",
            "p0fmod_observations_total{kind=\"mtu\"} 0",
            "p0fmod_hosts 2",
            "p0fmod_kernel_dropped_packets_total 1",
            "p0fmod_api_answers_total 4",
            "p0fmod_api_clients 1",
            "p0fmod_log_lines_lost_total 3",
            "p0fmod_log_failing 1",
            "p0fmod_tls_hellos_total{outcome=\"complete\"} 5",
            "p0fmod_tls_hellos_total{outcome=\"incomplete\"} 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        let names: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# TYPE "))
            .collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
