//! Printing signatures and whole databases back as p0f.fp text.
//!
//! The output parses back to an equivalent database: the same classes, labels, signatures
//! (in the same order), MTU and `ua_os` entries. Comments and blank-line layout of the
//! original file are not kept.

use std::fmt::{self, Display, Write as _};

use p0fmod_wire::IpVersion;

use crate::{
    Database, Direction, HeaderTable, HttpSignature, LabelId, PayloadClass, SysEntry, TcpSignature,
    WindowSpec,
};

/// Prints the `sig =` value of a TCP signature:
/// `ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass`.
///
/// A `+N` distance is folded into the TTL. After a bad TTL (`N-`) a non-zero option length
/// gets a leading `0`, because p0f's parser drops the first character there (spec §11.4).
impl Display for TcpSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.version {
            Some(IpVersion::V4) => f.write_str("4:")?,
            Some(IpVersion::V6) => f.write_str("6:")?,
            None => f.write_str("*:")?,
        }
        if self.bad_ttl {
            write!(f, "{}-:", self.ttl)?;
            if self.ip_opt_len != 0 {
                f.write_char('0')?;
            }
        } else {
            write!(f, "{}:", self.ttl)?;
        }
        write!(f, "{}:", self.ip_opt_len)?;
        match self.mss {
            Some(mss) => write!(f, "{mss}:")?,
            None => f.write_str("*:")?,
        }
        match self.window {
            WindowSpec::Any => f.write_char('*')?,
            WindowSpec::Literal(w) => write!(f, "{w}")?,
            WindowSpec::Modulo(n) => write!(f, "%{n}")?,
            WindowSpec::MssMultiple(n) => write!(f, "mss*{n}")?,
            WindowSpec::MtuMultiple(n) => write!(f, "mtu*{n}")?,
        }
        match self.wscale {
            Some(scale) => write!(f, ",{scale}:")?,
            None => f.write_str(",*:")?,
        }
        let last = self.opt_layout.len().wrapping_sub(1);
        for (i, &kind) in self.opt_layout.iter().enumerate() {
            if i > 0 {
                f.write_char(',')?;
            }
            match kind {
                0 if i == last => write!(f, "eol+{}", self.eol_pad)?,
                1 => f.write_str("nop")?,
                2 => f.write_str("mss")?,
                3 => f.write_str("ws")?,
                4 => f.write_str("sok")?,
                5 => f.write_str("sack")?,
                8 => f.write_str("ts")?,
                _ => write!(f, "?{kind}")?,
            }
        }
        write!(f, ":{}:", self.quirks)?;
        f.write_str(match self.payload_class {
            PayloadClass::Any => "*",
            PayloadClass::Zero => "0",
            PayloadClass::NonZero => "+",
        })
    }
}

impl HttpSignature {
    /// The `sig =` value of this signature, `ver:horder:habsent:expsw`, with header names
    /// taken from `headers` (the table of the database the signature belongs to).
    pub fn display<'a>(&'a self, headers: &'a HeaderTable) -> HttpSigDisplay<'a> {
        HttpSigDisplay { sig: self, headers }
    }
}

/// An HTTP signature printed as p0f.fp text, from [`HttpSignature::display`].
#[derive(Clone, Copy, Debug)]
pub struct HttpSigDisplay<'a> {
    sig: &'a HttpSignature,
    headers: &'a HeaderTable,
}

impl Display for HttpSigDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sig = self.sig;
        match sig.version {
            Some(v) => write!(f, "{v}:")?,
            None => f.write_str("*:")?,
        }
        for (i, h) in sig.headers.iter().enumerate() {
            if i > 0 {
                f.write_char(',')?;
            }
            if h.optional {
                f.write_char('?')?;
            }
            f.write_str(self.headers.name(h.id))?;
            if let Some(value) = &h.value {
                write!(f, "=[{value}]")?;
            }
        }
        f.write_char(':')?;
        for (i, &id) in sig.absent.iter().enumerate() {
            if i > 0 {
                f.write_char(',')?;
            }
            f.write_str(self.headers.name(id))?;
        }
        f.write_char(':')?;
        if let Some(sw) = &sig.expected_sw {
            f.write_str(sw)?;
        }
        Ok(())
    }
}

impl Database {
    /// The `label =` value of a TCP, HTTP or TLS label: `s|g:class|!:name:flavor`.
    pub fn label_text(&self, id: LabelId) -> String {
        let label = self.label(id);
        format!(
            "{}:{}:{}:{}",
            if label.generic { 'g' } else { 's' },
            label
                .class
                .map_or("!", |c| self.classes[c as usize].as_str()),
            self.name(label.name),
            label.flavor.as_deref().unwrap_or(""),
        )
    }

    /// The whole database as p0f.fp text that parses back to an equivalent database:
    /// `classes`, then `[mtu]`, `[tcp:request]`, `[tcp:response]`, `[http:request]` (with
    /// `ua_os` first), `[http:response]`, `[tls:request]` and `[tls:response]`, each signature under its label and in file
    /// order. Labels without signatures and all comments are left out.
    pub fn to_fp_text(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = self.write_fp_text(&mut out);
        out
    }

    fn write_fp_text(&self, out: &mut String) -> fmt::Result {
        if !self.classes.is_empty() {
            writeln!(out, "classes = {}", self.classes.join(","))?;
        }
        if !self.mtu.is_empty() {
            writeln!(out, "\n[mtu]")?;
            let mut link = None;
            for entry in &self.mtu {
                if link != Some(&entry.link) {
                    writeln!(out, "\nlabel = {}", entry.link)?;
                    link = Some(&entry.link);
                }
                writeln!(out, "sig = {}", entry.mtu)?;
            }
        }
        for direction in [Direction::Request, Direction::Response] {
            let sigs = self.tcp(direction);
            if sigs.is_empty() {
                continue;
            }
            writeln!(out, "\n[tcp:{}]", direction_name(direction))?;
            self.write_sigs(out, sigs.iter().map(|s| (s.label, s as &dyn Display)))?;
        }
        for direction in [Direction::Request, Direction::Response] {
            let sigs = self.http(direction);
            let with_ua_os = direction == Direction::Request && !self.ua_os.is_empty();
            if sigs.is_empty() && !with_ua_os {
                continue;
            }
            writeln!(out, "\n[http:{}]", direction_name(direction))?;
            if with_ua_os {
                out.push_str("\nua_os = ");
                for (i, entry) in self.ua_os.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let name = self.name(entry.name);
                    out.push_str(name);
                    if entry.pattern != name {
                        write!(out, "=[{}]", entry.pattern)?;
                    }
                }
                out.push('\n');
            }
            let shown: Vec<_> = sigs.iter().map(|s| s.display(&self.headers)).collect();
            self.write_sigs(
                out,
                sigs.iter()
                    .zip(&shown)
                    .map(|(s, d)| (s.label, d as &dyn Display)),
            )?;
        }
        for direction in [Direction::Request, Direction::Response] {
            let sigs = self.tls(direction);
            if sigs.is_empty() {
                continue;
            }
            writeln!(out, "\n[tls:{}]", direction_name(direction))?;
            self.write_sigs(out, sigs.iter().map(|s| (s.label, s as &dyn Display)))?;
        }
        Ok(())
    }

    /// Signatures of one section, each group under its `label` (and `sys`) line.
    fn write_sigs<'a>(
        &self,
        out: &mut String,
        sigs: impl Iterator<Item = (LabelId, &'a dyn Display)>,
    ) -> fmt::Result {
        let mut current = None;
        for (label, sig) in sigs {
            if current != Some(label) {
                current = Some(label);
                writeln!(out, "\nlabel = {}", self.label_text(label))?;
                let l = self.label(label);
                if l.is_userland() {
                    out.push_str("sys = ");
                    for (i, entry) in l.sys.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        match *entry {
                            SysEntry::Class(c) => write!(out, "@{}", self.classes[c as usize])?,
                            SysEntry::Name(n) => out.push_str(self.name(n)),
                        }
                    }
                    out.push('\n');
                }
            }
            writeln!(out, "sig = {sig}")?;
        }
        Ok(())
    }
}

/// `request` / `response`, as in section headers.
fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Request => "request",
        Direction::Response => "response",
    }
}
