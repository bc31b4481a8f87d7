//! The p0f quirk set: oddities of the IP and TCP headers, as one bit set with p0f's bit
//! values and p0f's print order.

/// A set of p0f quirks. Bit values are p0f 3.09b's (spec §3.7), so sets read from
/// `p0f.fp` and sets computed from packets compare with plain bit operations.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Quirks(pub u32);

impl Quirks {
    /// IP ECN bits set, or TCP ECE, CWR or NS set.
    pub const ECN: Quirks = Quirks(0x0000_0001);
    /// IPv4 "don't fragment" set.
    pub const DF: Quirks = Quirks(0x0000_0002);
    /// IPv4 DF set and IP ID non-zero.
    pub const NZ_ID: Quirks = Quirks(0x0000_0004);
    /// IPv4 DF clear and IP ID zero.
    pub const ZERO_ID: Quirks = Quirks(0x0000_0008);
    /// IPv4 reserved ("must be zero") flag set.
    pub const NZ_MBZ: Quirks = Quirks(0x0000_0010);
    /// IPv6 flow label non-zero.
    pub const FLOW: Quirks = Quirks(0x0000_0020);
    /// TCP sequence number zero.
    pub const ZERO_SEQ: Quirks = Quirks(0x0000_1000);
    /// ACK flag clear but ACK number "set" (p0f's bug: the number's top byte is odd).
    pub const NZ_ACK: Quirks = Quirks(0x0000_2000);
    /// ACK flag set and ACK number zero.
    pub const ZERO_ACK: Quirks = Quirks(0x0000_4000);
    /// URG flag clear and urgent pointer non-zero.
    pub const NZ_URG: Quirks = Quirks(0x0000_8000);
    /// URG flag set.
    pub const URG: Quirks = Quirks(0x0001_0000);
    /// PSH flag set.
    pub const PUSH: Quirks = Quirks(0x0002_0000);
    /// Own timestamp zero.
    pub const OPT_ZERO_TS1: Quirks = Quirks(0x0100_0000);
    /// Pure SYN with a non-zero peer timestamp.
    pub const OPT_NZ_TS2: Quirks = Quirks(0x0200_0000);
    /// Non-zero padding after the EOL option.
    pub const OPT_EOL_NZ: Quirks = Quirks(0x0400_0000);
    /// Window scale above 14.
    pub const OPT_EXWS: Quirks = Quirks(0x0800_0000);
    /// Malformed TCP options.
    pub const OPT_BAD: Quirks = Quirks(0x1000_0000);

    /// Every quirk with its `p0f.fp` token, in the order p0f prints them in `raw_sig`.
    pub const NAMED: [(Quirks, &'static str); 17] = [
        (Quirks::DF, "df"),
        (Quirks::NZ_ID, "id+"),
        (Quirks::ZERO_ID, "id-"),
        (Quirks::ECN, "ecn"),
        (Quirks::NZ_MBZ, "0+"),
        (Quirks::FLOW, "flow"),
        (Quirks::ZERO_SEQ, "seq-"),
        (Quirks::NZ_ACK, "ack+"),
        (Quirks::ZERO_ACK, "ack-"),
        (Quirks::NZ_URG, "uptr+"),
        (Quirks::URG, "urgf+"),
        (Quirks::PUSH, "pushf+"),
        (Quirks::OPT_ZERO_TS1, "ts1-"),
        (Quirks::OPT_NZ_TS2, "ts2+"),
        (Quirks::OPT_EOL_NZ, "opt+"),
        (Quirks::OPT_EXWS, "exws"),
        (Quirks::OPT_BAD, "bad"),
    ];

    /// The empty set.
    pub const fn empty() -> Quirks {
        Quirks(0)
    }

    /// True when every quirk of `other` is in `self`.
    pub const fn contains(self, other: Quirks) -> bool {
        self.0 & other.0 == other.0
    }

    /// True when the set holds no quirk.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Adds the quirks of `other`.
    pub fn insert(&mut self, other: Quirks) {
        self.0 |= other.0;
    }

    /// Removes the quirks of `other`.
    pub const fn without(self, other: Quirks) -> Quirks {
        Quirks(self.0 & !other.0)
    }

    /// The union of two sets.
    pub const fn union(self, other: Quirks) -> Quirks {
        Quirks(self.0 | other.0)
    }

    /// The quirk named by a `p0f.fp` token, if any.
    pub fn from_token(token: &str) -> Option<Quirks> {
        Quirks::NAMED
            .iter()
            .find(|(_, name)| *name == token)
            .map(|(q, _)| *q)
    }

    /// The tokens of the quirks in this set, in p0f's print order.
    pub fn tokens(self) -> impl Iterator<Item = &'static str> {
        Quirks::NAMED
            .iter()
            .filter(move |(q, _)| self.contains(*q))
            .map(|(_, name)| *name)
    }
}

impl std::ops::BitOr for Quirks {
    type Output = Quirks;
    fn bitor(self, rhs: Quirks) -> Quirks {
        self.union(rhs)
    }
}

impl std::fmt::Debug for Quirks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Quirks(")?;
        for (i, token) in self.tokens().enumerate() {
            if i > 0 {
                write!(f, ",")?;
            }
            write!(f, "{token}")?;
        }
        write!(f, ")")
    }
}

/// Prints the set as p0f's `raw_sig` does: comma-separated tokens in p0f's order.
impl std::fmt::Display for Quirks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, token) in self.tokens().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(token)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_follows_p0f_order() {
        let q = Quirks::OPT_BAD | Quirks::DF | Quirks::ECN | Quirks::NZ_ID;
        assert_eq!(q.to_string(), "df,id+,ecn,bad");
    }

    #[test]
    fn tokens_round_trip() {
        for (q, name) in Quirks::NAMED {
            assert_eq!(Quirks::from_token(name), Some(q));
        }
        assert_eq!(Quirks::from_token("nope"), None);
    }
}
