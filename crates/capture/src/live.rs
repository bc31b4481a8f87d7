//! Live capture through libpcap (feature `live`).
//!
//! [`LiveCapture::open`] opens an interface (or `any`) the way p0fmod needs it: snaplen
//! 65535 as p0f, the promiscuous flag, a **32 MiB kernel ring** in libpcap's packed mode
//! (TPACKET_V3 on Linux: packets are packed by their real size, so the ring holds tens of
//! thousands of them; immediate mode would give every packet a 64 KiB slot, about 500 in
//! all, and drop on bursts) with a **1 ms delivery timeout** (a partly filled block is
//! handed over after 1 ms, so packets still arrive at once in practice), and
//! **non-blocking** reads, so that the capture descriptor ([`AsFd`]) can share one
//! `poll()` loop with other descriptors. Measured: no kernel drops at 200,000 packets/s
//! on a veth (scripts/bench-live); immediate mode dropped about 0.2 % there.
//! [`LiveCapture::next_packet`] then yields [`RawPacket`]s exactly like
//! [`FileCapture`](crate::FileCapture) does, or `None` when nothing is waiting.
//!
//! ```no_run
//! use p0fmod_capture::live::LiveCapture;
//!
//! let mut capture = LiveCapture::open("eth0", false)?;
//! capture.set_filter("tcp")?;
//! while let Some(packet) = capture.next_packet()? {
//!     println!("{} bytes", packet.data.len());
//! }
//! # Ok::<(), p0fmod_capture::live::LiveError>(())
//! ```

use std::fmt;
use std::io;
use std::net::IpAddr;
use std::os::fd::{AsFd, BorrowedFd};

use crate::{RawPacket, Timestamp};

/// Bytes captured per packet (p0f's SNAPLEN).
pub const SNAPLEN: i32 = 65535;

/// Kernel capture buffer: 32 MiB (no drops at 200,000 packets/s, scripts/bench-live).
pub const BUFFER_SIZE: i32 = 32 << 20;

/// What went wrong with live capture. Each variant carries libpcap's own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveError {
    /// The interface could not be opened (p0f: `pcap_open_live: %s`).
    Open {
        /// The interface.
        iface: String,
        /// The text `pcap_open_live()` would give: the device, libpcap's status text and
        /// its detail, as in `eth9: No such device exists (No such device exists)`.
        message: String,
    },
    /// A filter expression did not compile (p0f: `pcap_compile: %s`).
    Compile {
        /// The expression given to libpcap.
        expression: String,
        /// libpcap's message.
        message: String,
    },
    /// A compiled filter could not be attached to the capture.
    SetFilter(String),
    /// Reading from the capture failed (the interface went away, for instance).
    Read(String),
    /// Kernel statistics could not be read.
    Stats(String),
    /// `/sys/class/net` exists but cannot be read (libpcap would crash listing devices).
    SysClassNetUnreadable,
    /// Listing the interfaces failed (p0f: `pcap_findalldevs: %s`).
    List(String),
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveError::Open { message, .. } => write!(f, "cannot open the capture: {message}"),
            LiveError::Compile {
                expression,
                message,
            } => write!(f, "cannot compile filter '{expression}': {message}"),
            LiveError::SetFilter(m) => write!(f, "cannot set the capture filter: {m}"),
            LiveError::Read(m) => write!(f, "capture read failed: {m}"),
            LiveError::Stats(m) => write!(f, "cannot read capture statistics: {m}"),
            LiveError::SysClassNetUnreadable => {
                f.write_str("/sys/class/net exists but cannot be read")
            }
            LiveError::List(m) => write!(f, "cannot list interfaces: {m}"),
        }
    }
}

impl std::error::Error for LiveError {}

/// libpcap's own text for an error (without the crate's "libpcap error: " prefix).
fn pcap_text(e: pcap::Error) -> String {
    match e {
        pcap::Error::PcapError(text) => text,
        other => other.to_string(),
    }
}

/// Kernel counters of a live capture, from the start of the capture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureStats {
    /// Packets that passed the kernel filter.
    pub received: u32,
    /// Packets dropped because the capture buffer was full.
    pub dropped: u32,
    /// Packets dropped by the interface or its driver.
    pub if_dropped: u32,
}

/// A live capture on one interface, non-blocking.
pub struct LiveCapture {
    capture: pcap::Capture<pcap::Active>,
    iface: String,
    link_type: u32,
}

impl fmt::Debug for LiveCapture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveCapture")
            .field("iface", &self.iface)
            .field("link_type", &self.link_type)
            .finish_non_exhaustive()
    }
}

/// `IFF_UP` in `/sys/class/net/*/flags`.
const IFF_UP: u32 = 0x1;

/// The error text `pcap_open_live()` gives, rebuilt from libpcap's detail message (the pcap
/// crate keeps the detail but not the status code, so the status is told from the state of
/// the interface): `DEVICE: STATUS (DETAIL)` for a missing device or a permission problem,
/// `DEVICE: That device is not up` for a device that is down, else `DEVICE: DETAIL`.
fn open_live_text(iface: &str, detail: &str) -> String {
    let sys = std::path::Path::new("/sys/class/net").join(iface);
    let missing = iface != "any" && !sys.exists();
    let denied = [
        "CAP_NET_RAW",
        "Operation not permitted",
        "Permission denied",
    ]
    .iter()
    .any(|t| detail.contains(t));
    let down = std::fs::read_to_string(sys.join("flags"))
        .ok()
        .and_then(|f| u32::from_str_radix(f.trim().trim_start_matches("0x"), 16).ok())
        .is_some_and(|flags| flags & IFF_UP == 0);
    if missing {
        format!("{iface}: No such device exists ({detail})")
    } else if denied {
        format!(
            "{iface}: You don't have permission to perform this capture on that device ({detail})"
        )
    } else if down {
        format!("{iface}: That device is not up")
    } else {
        format!("{iface}: {detail}")
    }
}

impl LiveCapture {
    /// Opens `iface` (`any` for every interface) with snaplen 65535, a 32 MiB packed
    /// kernel ring with a 1 ms delivery timeout, and non-blocking reads; `promisc` puts
    /// the interface in promiscuous mode.
    pub fn open(iface: &str, promisc: bool) -> Result<LiveCapture, LiveError> {
        let open_error = |e: pcap::Error| LiveError::Open {
            iface: iface.to_string(),
            message: open_live_text(iface, &pcap_text(e)),
        };
        let capture = pcap::Capture::from_device(iface)
            .map_err(open_error)?
            .promisc(promisc)
            .snaplen(SNAPLEN)
            .buffer_size(BUFFER_SIZE)
            .timeout(1)
            .open()
            .map_err(open_error)?
            .setnonblock()
            .map_err(open_error)?;
        let link_type = u32::try_from(capture.get_datalink().0).unwrap_or(u32::MAX);
        Ok(LiveCapture {
            capture,
            iface: iface.to_string(),
            link_type,
        })
    }

    /// The interface name.
    pub fn interface(&self) -> &str {
        &self.iface
    }

    /// The link type (DLT) of the interface: 1 for Ethernet, 113 or 276 for `any`, ...
    pub fn link_type(&self) -> u32 {
        self.link_type
    }

    /// Checks that `expression` compiles for this capture (optimised), without setting it.
    pub fn check_filter(&self, expression: &str) -> Result<(), LiveError> {
        self.capture
            .compile(expression, true)
            .map(drop)
            .map_err(|e| LiveError::Compile {
                expression: expression.to_string(),
                message: pcap_text(e),
            })
    }

    /// Compiles `expression` (optimised) and sets it in the kernel.
    pub fn set_filter(&mut self, expression: &str) -> Result<(), LiveError> {
        self.check_filter(expression)?;
        self.capture
            .filter(expression, true)
            .map_err(|e| LiveError::SetFilter(pcap_text(e)))
    }

    /// The next waiting packet, or `None` when none is waiting right now.
    pub fn next_packet(&mut self) -> Result<Option<RawPacket<'_>>, LiveError> {
        let link_type = self.link_type;
        match self.capture.next_packet() {
            Ok(packet) => {
                let ts = packet.header.ts;
                // time_t is 32 bits on some targets.
                #[allow(clippy::useless_conversion)]
                let sec = i64::from(ts.tv_sec);
                Ok(Some(RawPacket {
                    ts: Timestamp {
                        sec,
                        usec: u32::try_from(ts.tv_usec).unwrap_or(0).min(999_999),
                    },
                    link_type,
                    data: packet.data,
                    orig_len: packet.header.len,
                }))
            }
            Err(pcap::Error::TimeoutExpired | pcap::Error::NoMorePackets) => Ok(None),
            Err(e) => Err(LiveError::Read(pcap_text(e))),
        }
    }

    /// The kernel's counters for this capture.
    pub fn stats(&mut self) -> Result<CaptureStats, LiveError> {
        let s = self
            .capture
            .stats()
            .map_err(|e| LiveError::Stats(pcap_text(e)))?;
        Ok(CaptureStats {
            received: s.received,
            dropped: s.dropped,
            if_dropped: s.if_dropped,
        })
    }
}

impl AsFd for LiveCapture {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.capture.as_fd()
    }
}

/// One capture device as libpcap lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// Device name (what `-i` takes).
    pub name: String,
    /// libpcap's description, if any.
    pub description: Option<String>,
    /// The first IPv4 or IPv6 address, in libpcap's order.
    pub address: Option<IpAddr>,
    /// The device is a loopback device.
    pub loopback: bool,
}

/// Refuses when `/sys/class/net` exists but cannot be read, as p0f does: some libpcap
/// releases crash listing devices then.
fn check_sys_class_net() -> Result<(), LiveError> {
    match std::fs::read_dir("/sys/class/net") {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(_) => Err(LiveError::SysClassNetUnreadable),
    }
}

/// Every capture device libpcap knows, in its order (p0f's `-L`).
pub fn list_interfaces() -> Result<Vec<Interface>, LiveError> {
    check_sys_class_net()?;
    let devices = pcap::Device::list().map_err(|e| LiveError::List(pcap_text(e)))?;
    Ok(devices
        .into_iter()
        .map(|d| Interface {
            loopback: d.flags.is_loopback(),
            address: d.addresses.first().map(|a| a.addr),
            name: d.name,
            description: d.desc,
        })
        .collect())
}

/// The interface p0f picks without `-i` (libpcap's `pcap_lookupdev`): the first listed
/// device, unless there is none or it is a loopback device.
pub fn default_interface() -> Result<Option<String>, LiveError> {
    let first = list_interfaces()?.into_iter().next();
    Ok(first.filter(|i| !i.loopback).map(|i| i.name))
}
