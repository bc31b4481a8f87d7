//! The TCP options walk of p0f 3.09b (spec §3.6): option layout, MSS, window scale,
//! timestamp, EOL padding and the option quirks, including p0f's `opt+` bug.

use crate::bytes::{be16, be32, u8_at};
use crate::{Quirks, TcpFlags};

/// Most TCP options p0f parses or stores (`MAX_TCP_OPT`).
pub const MAX_TCP_OPT: usize = 24;

/// TCP option kinds p0f names.
const EOL: u8 = 0;
const NOP: u8 = 1;
const MSS: u8 = 2;
const WS: u8 = 3;
const SACKOK: u8 = 4;
const SACK: u8 = 5;
const TS: u8 = 8;

/// Largest window scale that is not the `exws` quirk.
const MAX_WSCALE: u8 = 14;

/// The sequence of TCP option kinds in a SYN or SYN+ACK (EOL included, as p0f records it),
/// at most [`MAX_TCP_OPT`] entries, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OptLayout {
    kinds: [u8; MAX_TCP_OPT],
    len: u8,
}

impl OptLayout {
    /// Appends a kind; returns false (and stores nothing) when the layout is full.
    pub fn push(&mut self, kind: u8) -> bool {
        match self.kinds.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = kind;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// The kinds, in packet order.
    pub fn as_slice(&self) -> &[u8] {
        self.kinds.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Number of kinds stored.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// True when no option is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when [`MAX_TCP_OPT`] kinds are stored.
    pub fn is_full(&self) -> bool {
        self.len() == MAX_TCP_OPT
    }

    /// Builds a layout from a slice (at most [`MAX_TCP_OPT`] kinds are kept).
    pub fn from_slice(kinds: &[u8]) -> OptLayout {
        let mut layout = OptLayout::default();
        for &k in kinds {
            layout.push(k);
        }
        layout
    }
}

impl std::fmt::Debug for OptLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

/// What the options walk found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TcpOptions {
    /// Option kinds in order, EOL included.
    pub layout: OptLayout,
    /// MSS value of the last MSS option, 0 if none.
    pub mss: u16,
    /// Window scale of the last WS option, 0 if none.
    pub wscale: u8,
    /// TSval of the last timestamp option, 0 if none.
    pub ts1: u32,
    /// Bytes after the EOL byte, 0 if no EOL.
    pub eol_pad: u8,
    /// `ts1-`, `ts2+`, `opt+`, `exws` and `bad`.
    pub quirks: Quirks,
}

/// Walks the TCP options area `opts` (bytes 20 to the data offset of the TCP header) of a
/// packet whose p0f type ([`TcpFlags::kind`]) is `tcp_type`, exactly as p0f 3.09b does.
///
/// Every option's kind is recorded before it is decoded; a malformed option stops the walk
/// with `bad` and keeps what was recorded. See spec §3.6 for each rule.
pub fn walk(opts: &[u8], tcp_type: u8) -> TcpOptions {
    let mut out = TcpOptions::default();
    let end = opts.len();
    // `i` always points just past the kind byte of the option being decoded.
    let mut i = 0;
    let mut aborted = false;
    while i < end && !out.layout.is_full() {
        let Some(kind) = u8_at(opts, i) else { break };
        out.layout.push(kind);
        i += 1;
        match kind {
            EOL => {
                let pad = opts.get(i..).unwrap_or(&[]);
                // At most 39 bytes: the options area is at most 40.
                out.eol_pad = pad.len() as u8;
                // p0f's scan steps past the first non-zero byte before comparing with the
                // end, so a non-zero byte that is only in the last position goes unseen.
                if let Some(p) = pad.iter().position(|&b| b != 0)
                    && p + 1 < pad.len()
                {
                    out.quirks.insert(Quirks::OPT_EOL_NZ);
                }
                i = end;
            }
            NOP => {}
            MSS => {
                // Length byte and value, whatever the length byte says.
                let (Some(len), Some(mss)) = (u8_at(opts, i), be16(opts, i + 1)) else {
                    aborted = true;
                    break;
                };
                if len != 4 {
                    out.quirks.insert(Quirks::OPT_BAD);
                }
                out.mss = mss;
                i += 3;
            }
            WS => {
                let (Some(len), Some(scale)) = (u8_at(opts, i), u8_at(opts, i + 1)) else {
                    aborted = true;
                    break;
                };
                if len != 3 {
                    out.quirks.insert(Quirks::OPT_BAD);
                }
                out.wscale = scale;
                if scale > MAX_WSCALE {
                    out.quirks.insert(Quirks::OPT_EXWS);
                }
                i += 2;
            }
            SACKOK => {
                let Some(len) = u8_at(opts, i) else {
                    aborted = true;
                    break;
                };
                if len != 2 {
                    out.quirks.insert(Quirks::OPT_BAD);
                }
                i += 1;
            }
            TS => {
                let (Some(len), Some(ts1), Some(ts2)) =
                    (u8_at(opts, i), be32(opts, i + 1), be32(opts, i + 5))
                else {
                    aborted = true;
                    break;
                };
                if len != 10 {
                    out.quirks.insert(Quirks::OPT_BAD);
                }
                out.ts1 = ts1;
                if ts1 == 0 {
                    out.quirks.insert(Quirks::OPT_ZERO_TS1);
                }
                if tcp_type == TcpFlags::SYN && ts2 != 0 {
                    out.quirks.insert(Quirks::OPT_NZ_TS2);
                }
                i += 9;
            }
            _ => {
                // SACK and unknown kinds: a length byte in range, and the whole option
                // (counted from its kind byte) inside the options area.
                let range = if kind == SACK { 10..=34 } else { 2..=40 };
                let next = u8_at(opts, i)
                    .filter(|len| range.contains(len))
                    .map(|len| i - 1 + usize::from(len))
                    .filter(|&next| next <= end);
                let Some(next) = next else {
                    aborted = true;
                    break;
                };
                i = next;
            }
        }
    }
    if aborted || i < end {
        out.quirks.insert(Quirks::OPT_BAD);
    }
    out
}
