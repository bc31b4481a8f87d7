//! Link layers: from a captured frame and its link type to the start of the IP header.

/// A capture's link type (the pcap `LINKTYPE_*` value).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: 4-byte address family in host byte order.
    pub const NULL: LinkType = LinkType(0);
    /// Ethernet II, with any stack of 802.1Q / 802.1ad tags.
    pub const ETHERNET: LinkType = LinkType(1);
}

/// Finds the IP header inside a frame of the given link type.
///
/// Returns the bytes from the first byte of the IPv4 or IPv6 header to the end of the frame,
/// or `None` when the frame carries no IP packet (ARP, a non-data 802.11 frame, ...).
/// `Err` is returned only for a link type this crate cannot decode at all.
pub fn ip_payload(link: LinkType, frame: &[u8]) -> Result<Option<&[u8]>, crate::DecodeError> {
    let _ = (link, frame);
    Err(crate::DecodeError::UnsupportedLinkType(link.0))
}
