//! Why a frame gave no TCP packet, with the layer and offset where decoding stopped.

/// Why a frame gave no [`crate::TcpPacket`]. Apart from
/// [`DecodeError::UnsupportedLinkType`], these are the silent drops of p0f (spec §3): the
/// engine counts them and moves on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The link type is not one this crate decodes.
    UnsupportedLinkType(u32),
    /// The frame carries something other than IPv4/IPv6 (ARP, LLDP, ...), or an IP header
    /// whose version is neither 4 nor 6.
    NotIp,
    /// The IP packet does not carry TCP (or carries IPv6 extension headers, as p0f).
    NotTcp,
    /// [`crate::decode_udp`]: the IP packet does not carry UDP (or carries IPv6 extension
    /// headers).
    NotUdp,
    /// An IPv4 fragment (p0f does not reassemble).
    Fragment,
    /// A header is cut short or its length fields are impossible.
    Truncated {
        /// Which header.
        layer: Layer,
        /// Byte offset of that header in the frame.
        offset: usize,
    },
    /// A flag combination p0f ignores (no SYN/ACK/FIN/RST, SYN with FIN or RST, FIN with RST).
    IgnoredFlags(u8),
}

/// A protocol layer, for error context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// The link-layer header.
    Link,
    /// The IPv4 header.
    Ipv4,
    /// The IPv6 header.
    Ipv6,
    /// The TCP header.
    Tcp,
    /// The UDP header.
    Udp,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::UnsupportedLinkType(l) => write!(f, "unsupported link type {l}"),
            DecodeError::NotIp => write!(f, "not an IP packet"),
            DecodeError::NotTcp => write!(f, "not a TCP packet"),
            DecodeError::NotUdp => write!(f, "not a UDP packet"),
            DecodeError::Fragment => write!(f, "IPv4 fragment"),
            DecodeError::Truncated { layer, offset } => {
                write!(
                    f,
                    "{layer:?} header truncated or inconsistent at byte {offset}"
                )
            }
            DecodeError::IgnoredFlags(fl) => write!(f, "TCP flags 0x{fl:02x} ignored"),
        }
    }
}

impl std::error::Error for DecodeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_cause() {
        let e = DecodeError::Truncated {
            layer: Layer::Tcp,
            offset: 34,
        };
        assert_eq!(
            e.to_string(),
            "Tcp header truncated or inconsistent at byte 34"
        );
        assert_eq!(
            DecodeError::IgnoredFlags(0x03).to_string(),
            "TCP flags 0x03 ignored"
        );
        assert_eq!(
            DecodeError::UnsupportedLinkType(147).to_string(),
            "unsupported link type 147"
        );
    }
}
