//! Opening a live capture the way p0f does (spec §2.3, §2.6, §2.7): the default interface,
//! p0f's filter wrapping with its quiet VLAN fallback, and the `-L` listing.

use std::fmt::Write as _;

use p0fmod::filter::{transport_expression, wrapped_expression};
use p0fmod::output::P0fAddr;
use p0fmod_capture::live::{self, Interface, LiveCapture, LiveError};

/// DLT_EN10MB, the only link type p0f adds VLAN matching for.
const DLT_EN10MB: u32 = 1;
/// Any link type other than Ethernet: [`wrapped_expression`] then gives the plain form.
const NOT_ETHERNET: u32 = 0;

/// Why no interface was picked without `-i`.
#[derive(Debug)]
pub enum DefaultInterfaceError {
    /// libpcap offers nothing suitable (p0f: `libpcap is out of ideas; use -i to specify
    /// interface.`).
    OutOfIdeas,
    /// Listing the interfaces failed.
    List(LiveError),
}

/// The interface p0f listens on without `-i` (libpcap's `pcap_lookupdev`).
pub fn default_interface() -> Result<String, DefaultInterfaceError> {
    match live::default_interface() {
        Ok(Some(name)) => Ok(name),
        Ok(None) | Err(LiveError::SysClassNetUnreadable) => Err(DefaultInterfaceError::OutOfIdeas),
        Err(e) => Err(DefaultInterfaceError::List(e)),
    }
}

/// A filter that could not be put in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterFailure {
    /// libpcap refused the expression; `message` is its text for the last form tried.
    Compile {
        /// libpcap's message.
        message: String,
    },
    /// The compiled program could not be attached.
    SetFilter(String),
}

/// The expressions p0f tries, in order, each with whether it is the VLAN form: on Ethernet
/// `tcp or (vlan and tcp)` (or the user rule wrapped both ways), then the plain form.
/// With `udp` (TLS fingerprinting on: QUIC and DTLS), `tcp` becomes `(tcp or udp)`.
pub fn filter_candidates(rule: Option<&str>, link_type: u32, udp: bool) -> Vec<(String, bool)> {
    let l4 = transport_expression(udp);
    let plain = match rule {
        Some(r) => wrapped_expression(r, NOT_ETHERNET, udp),
        None => l4.to_string(),
    };
    if link_type != DLT_EN10MB {
        return vec![(plain, false)];
    }
    let vlan = match rule {
        Some(r) => wrapped_expression(r, DLT_EN10MB, udp),
        None => format!("{l4} or (vlan and {l4})"),
    };
    vec![(vlan, true), (plain, false)]
}

/// Compiles and sets p0f's filter for `rule` (or the default), with UDP when `udp`.
/// Returns whether the VLAN form is in use.
pub fn apply_filter(
    capture: &mut LiveCapture,
    rule: Option<&str>,
    udp: bool,
) -> Result<bool, FilterFailure> {
    let mut last_message = String::new();
    for (expression, vlan) in filter_candidates(rule, capture.link_type(), udp) {
        match capture.check_filter(&expression) {
            Ok(()) => {
                return match capture.set_filter(&expression) {
                    Ok(()) => Ok(vlan),
                    Err(LiveError::Compile { message, .. }) => {
                        Err(FilterFailure::Compile { message })
                    }
                    Err(e) => Err(FilterFailure::SetFilter(e.to_string())),
                };
            }
            Err(LiveError::Compile { message, .. }) => last_message = message,
            Err(e) => last_message = e.to_string(),
        }
    }
    Err(FilterFailure::Compile {
        message: last_message,
    })
}

/// p0f's line for a filter in place: `[+] Default packet filtering configured.` or
/// `[+] Custom filtering rule enabled: R`, with ` [+VLAN]` when the VLAN form is used.
pub fn filter_message(rule: Option<&str>, vlan: bool) -> String {
    let tag = if vlan { " [+VLAN]" } else { "" };
    match rule {
        None => format!("[+] Default packet filtering configured{tag}."),
        Some(r) => format!("[+] Custom filtering rule enabled: {r}{tag}"),
    }
}

/// p0f's `-L` listing (spec §2.6), from its `-- Available interfaces --` line on.
pub fn interface_listing(interfaces: &[Interface]) -> String {
    let mut out = String::from("\n-- Available interfaces --\n");
    for (i, iface) in interfaces.iter().enumerate() {
        // p0f counts in a u8.
        let _ = write!(out, "\n{:3}: Name        : {}\n", i % 256, iface.name);
        let _ = writeln!(
            out,
            "     Description : {}",
            iface.description.as_deref().unwrap_or("-")
        );
        match iface.address {
            Some(a) => {
                let _ = writeln!(out, "     IP address  : {}", P0fAddr(a));
            }
            None => out.push_str("     IP address  : (none)\n"),
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_wrapped_as_p0f_wraps_them() {
        assert_eq!(
            filter_candidates(None, 1, false),
            vec![
                ("tcp or (vlan and tcp)".to_string(), true),
                ("tcp".to_string(), false)
            ]
        );
        assert_eq!(
            filter_candidates(None, 113, false),
            vec![("tcp".to_string(), false)]
        );
        assert_eq!(
            filter_candidates(Some("port 80"), 1, false),
            vec![
                (
                    "(tcp and (port 80)) or (vlan and tcp and (port 80))".to_string(),
                    true
                ),
                ("tcp and (port 80)".to_string(), false)
            ]
        );
        assert_eq!(
            filter_candidates(Some("port 80"), 276, false),
            vec![("tcp and (port 80)".to_string(), false)]
        );
        assert_eq!(
            filter_candidates(None, 1, true),
            vec![
                ("(tcp or udp) or (vlan and (tcp or udp))".to_string(), true),
                ("(tcp or udp)".to_string(), false)
            ]
        );
    }

    #[test]
    fn filter_messages() {
        assert_eq!(
            filter_message(None, true),
            "[+] Default packet filtering configured [+VLAN]."
        );
        assert_eq!(
            filter_message(None, false),
            "[+] Default packet filtering configured."
        );
        assert_eq!(
            filter_message(Some("port 80"), true),
            "[+] Custom filtering rule enabled: port 80 [+VLAN]"
        );
    }

    #[test]
    fn listing_is_p0f_text() {
        let list = [
            Interface {
                name: "eth0".into(),
                description: None,
                address: Some("192.0.2.2".parse().unwrap()),
                loopback: false,
            },
            Interface {
                name: "any".into(),
                description: Some("Pseudo-device that captures on all interfaces".into()),
                address: None,
                loopback: false,
            },
            Interface {
                name: "v6".into(),
                description: None,
                address: Some("fd00::1".parse().unwrap()),
                loopback: false,
            },
        ];
        assert_eq!(
            interface_listing(&list),
            "\n-- Available interfaces --\n\
             \n  0: Name        : eth0\n     Description : -\n     IP address  : 192.0.2.2\n\
             \n  1: Name        : any\n     Description : Pseudo-device that captures on all interfaces\n     IP address  : (none)\n\
             \n  2: Name        : v6\n     Description : -\n     IP address  : fd00:0:0:0:0:0:0:1\n\n"
        );
    }
}
