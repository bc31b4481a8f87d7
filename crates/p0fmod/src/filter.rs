//! BPF filter expressions (tcpdump syntax) for capture files, compiled by libpcap.
//!
//! p0f wraps a user rule R as `(tcp and (R)) or (vlan and tcp and (R))` on Ethernet and
//! `tcp and (R)` elsewhere (spec §2.7); p0fmod compiles the same expression, once per link
//! type met in the file (a pcapng file can mix them).

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

/// The expression p0f compiles for a user rule on a link type.
pub fn wrapped_expression(rule: &str, link_type: u32) -> String {
    if link_type == 1 {
        format!("(tcp and ({rule})) or (vlan and tcp and ({rule}))")
    } else {
        format!("tcp and ({rule})")
    }
}

#[cfg(feature = "bpf")]
mod imp {
    use super::{FilterError, wrapped_expression};

    /// A user filter, compiled per link type on first use.
    pub struct PacketFilter {
        rule: String,
        programs: Vec<(u32, Option<pcap::BpfProgram>)>,
    }

    impl PacketFilter {
        /// Checks that the rule compiles for `link_type` and keeps it.
        pub fn new(rule: &str, link_type: u32) -> Result<PacketFilter, FilterError> {
            let mut filter = PacketFilter {
                rule: rule.to_string(),
                programs: Vec::new(),
            };
            filter.program(link_type)?;
            Ok(filter)
        }

        fn program(&mut self, link_type: u32) -> Result<Option<&pcap::BpfProgram>, FilterError> {
            if let Some(i) = self.programs.iter().position(|(l, _)| *l == link_type) {
                return Ok(self.programs[i].1.as_ref());
            }
            let compiled = compile(&self.rule, link_type)?;
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

    fn compile(rule: &str, link_type: u32) -> Result<Option<pcap::BpfProgram>, FilterError> {
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
        let expression = wrapped_expression(rule, link_type);
        match dead.compile(&expression, true) {
            Ok(program) => Ok(Some(program)),
            Err(first) if link_type == 1 => {
                // As p0f: if the VLAN form fails, retry without it.
                let plain = format!("tcp and ({rule})");
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
            wrapped_expression("port 80", 1),
            "(tcp and (port 80)) or (vlan and tcp and (port 80))"
        );
        assert_eq!(wrapped_expression("port 80", 113), "tcp and (port 80)");
    }

    #[cfg(feature = "bpf")]
    #[test]
    fn bad_rule_is_refused_with_libpcap_text() {
        let e = PacketFilter::new("port eighty", 1).err().expect("refused");
        assert!(!e.message.is_empty());
    }
}
