//! BPF filter expressions (tcpdump syntax) for capture files, compiled by libpcap.
//!
//! p0f wraps a user rule R as `(tcp and (R)) or (vlan and tcp and (R))` on Ethernet and
//! `tcp and (R)` elsewhere (spec §2.7); p0fmod compiles the same expression, once per link
//! type met in the file (a pcapng file can mix them). With TLS fingerprinting on, UDP is
//! let through too (QUIC and DTLS): `tcp` becomes `(tcp or udp)` in those expressions
//! (docs/divergences.md); TCP packets pass exactly as before.

use std::fmt;

/// A filter expression that libpcap refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// The expression.
    pub expression: String,
    /// libpcap's message.
    pub message: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pcap_compile: {} (filter: '{}')",
            self.message, self.expression
        )
    }
}

impl std::error::Error for FilterError {}

/// The protocols a filter lets through: `tcp` as p0f, or `(tcp or udp)` for QUIC and DTLS.
pub fn transport_expression(udp: bool) -> &'static str {
    if udp { "(tcp or udp)" } else { "tcp" }
}

/// The expression p0f compiles for a user rule on a link type (`udp`: UDP too).
pub fn wrapped_expression(rule: &str, link_type: u32, udp: bool) -> String {
    let l4 = transport_expression(udp);
    if link_type == 1 {
        format!("({l4} and ({rule})) or (vlan and {l4} and ({rule}))")
    } else {
        format!("{l4} and ({rule})")
    }
}

#[cfg(feature = "bpf")]
mod imp {
    use super::{FilterError, transport_expression, wrapped_expression};

    /// A user filter, compiled per link type on first use.
    pub struct PacketFilter {
        rule: String,
        udp: bool,
        programs: Vec<(u32, Option<pcap::BpfProgram>)>,
    }

    impl PacketFilter {
        /// Checks that the rule compiles for `link_type` and keeps it; `udp` lets UDP
        /// through too (TLS fingerprinting on).
        pub fn new(rule: &str, link_type: u32, udp: bool) -> Result<PacketFilter, FilterError> {
            let mut filter = PacketFilter {
                rule: rule.to_string(),
                udp,
                programs: Vec::new(),
            };
            filter.program(link_type)?;
            Ok(filter)
        }

        /// Lets UDP through or not from now on (the programs are compiled again).
        pub fn set_udp(&mut self, udp: bool) {
            if udp != self.udp {
                self.udp = udp;
                self.programs.clear();
            }
        }

        fn program(&mut self, link_type: u32) -> Result<Option<&pcap::BpfProgram>, FilterError> {
            if let Some(i) = self.programs.iter().position(|(l, _)| *l == link_type) {
                return Ok(self.programs[i].1.as_ref());
            }
            let compiled = compile(&self.rule, link_type, self.udp)?;
            self.programs.push((link_type, compiled));
            Ok(self.programs.last().and_then(|(_, p)| p.as_ref()))
        }

        /// True when the frame passes. A link type libpcap does not know passes nothing.
        pub fn matches(&mut self, link_type: u32, frame: &[u8]) -> bool {
            match self.program(link_type) {
                Ok(Some(program)) => program.filter(frame),
                _ => false,
            }
        }
    }

    fn compile(
        rule: &str,
        link_type: u32,
        udp: bool,
    ) -> Result<Option<pcap::BpfProgram>, FilterError> {
        let Ok(linktype) = i32::try_from(link_type) else {
            return Ok(None);
        };
        let dead = match pcap::Capture::dead_with_precision(
            pcap::Linktype(linktype),
            pcap::Precision::Micro,
        ) {
            Ok(dead) => dead,
            Err(_) => return Ok(None),
        };
        let expression = wrapped_expression(rule, link_type, udp);
        match dead.compile(&expression, true) {
            Ok(program) => Ok(Some(program)),
            Err(first) if link_type == 1 => {
                // As p0f: if the VLAN form fails, retry without it.
                let plain = format!("{} and ({rule})", transport_expression(udp));
                dead.compile(&plain, true)
                    .map(Some)
                    .map_err(|_| FilterError {
                        expression: rule.to_string(),
                        message: first.to_string(),
                    })
            }
            Err(e) => Err(FilterError {
                expression: rule.to_string(),
                message: e.to_string(),
            }),
        }
    }
}

#[cfg(feature = "bpf")]
pub use imp::PacketFilter;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_rules_like_p0f() {
        assert_eq!(
            wrapped_expression("port 80", 1, false),
            "(tcp and (port 80)) or (vlan and tcp and (port 80))"
        );
        assert_eq!(
            wrapped_expression("port 80", 113, false),
            "tcp and (port 80)"
        );
        assert_eq!(
            wrapped_expression("port 443", 1, true),
            "((tcp or udp) and (port 443)) or (vlan and (tcp or udp) and (port 443))"
        );
        assert_eq!(
            wrapped_expression("port 443", 113, true),
            "(tcp or udp) and (port 443)"
        );
    }

    #[cfg(feature = "bpf")]
    #[test]
    fn udp_passes_only_when_asked() {
        // Ethernet + IPv4 + UDP 443 -> 443.
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x08, 0x00, 0x45, 0, 0, 29, 0, 1, 0x40, 0, 64, 17, 0, 0]);
        frame.extend_from_slice(&[
            192, 0, 2, 1, 198, 51, 100, 7, 0x01, 0xbb, 0x01, 0xbb, 0, 9, 0, 0, 0,
        ]);
        let mut f = PacketFilter::new("port 443", 1, false).unwrap();
        assert!(!f.matches(1, &frame));
        f.set_udp(true);
        assert!(f.matches(1, &frame));
    }

    #[cfg(feature = "bpf")]
    #[test]
    fn bad_rule_is_refused_with_libpcap_text() {
        let e = PacketFilter::new("port eighty", 1, true)
            .err()
            .expect("refused");
        assert!(!e.message.is_empty());
    }
}
