//! The `host verdict` observation: a host's cross-layer verdict changed (see
//! [`crate::state::verdict`]). It carries the verdict, its reasons as a bit set and the
//! evidence of each layer as names, from which its texts are made when it is written.

use std::borrow::Cow;

use p0fmod_db::{Database, Families};

use super::MatchLabel;
use crate::engine::match_label;
use crate::output::Text;
use crate::state::Host;
use crate::state::verdict::{Judgement, VerdictReasons, VerdictStatus};

/// What each layer of a host showed, by name (each `None` when that layer has not).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evidence<'a> {
    /// The OS of the host's last SYN.
    pub syn: Option<MatchLabel<'a>>,
    /// The OS its last User-Agent named.
    pub ua_os: Option<Cow<'a, str>>,
    /// The client family its last User-Agent named (families.fp).
    pub ua_family: Option<Cow<'a, str>>,
    /// Its last TLS client label.
    pub tls_client: Option<MatchLabel<'a>>,
    /// The OS of its last SYN+ACK.
    pub synack: Option<MatchLabel<'a>>,
    /// The server family its last Server header named.
    pub server: Option<Cow<'a, str>>,
    /// Its last TLS server label.
    pub tls_server: Option<MatchLabel<'a>>,
}

fn push_label(out: &mut String, label: Option<&MatchLabel<'_>>) {
    match label {
        Some(l) => l.append_to(out),
        None => out.push_str("???"),
    }
}

fn push_name(out: &mut String, name: Option<&Cow<'_, str>>) {
    out.push_str(name.map_or("???", |n| n.as_ref()));
}

impl<'a> Evidence<'a> {
    /// The evidence of a host record.
    pub fn of(db: &'a Database, families: &'a Families, host: &Host) -> Evidence<'a> {
        let tcp = |rec: Option<crate::state::TcpSigRecord>| {
            rec.and_then(|r| r.matched)
                .filter(|m| m.class.is_some())
                .map(|m| match_label(db, db.label(m.label)))
        };
        let v = &host.verdict;
        Evidence {
            syn: tcp(host.last_syn),
            ua_os: v.ua_os.map(|n| Cow::Borrowed(db.name(n))),
            ua_family: v
                .ua_family
                .map(|f| Cow::Borrowed(families.client(f).name.as_str())),
            tls_client: host.tls_client.map(|(id, _)| match_label(db, db.label(id))),
            synack: tcp(host.last_synack),
            server: v
                .server_family
                .map(|f| Cow::Borrowed(families.server(f).name.as_str())),
            tls_server: host.tls_server.map(|(id, _)| match_label(db, db.label(id))),
        }
    }

    /// The same evidence owning its text.
    pub fn into_owned(self) -> Evidence<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        Evidence {
            syn: self.syn.map(MatchLabel::into_owned),
            ua_os: self.ua_os.map(own),
            ua_family: self.ua_family.map(own),
            tls_client: self.tls_client.map(MatchLabel::into_owned),
            synack: self.synack.map(MatchLabel::into_owned),
            server: self.server.map(own),
            tls_server: self.tls_server.map(MatchLabel::into_owned),
        }
    }

    /// One line of what every layer showed, for example `User-Agent claims Chrome on
    /// Windows; SYN is Linux 4.19 and newer; TLS client is Go crypto/tls 1.24 or newer`
    /// (`no layer compared yet` when nothing is known).
    pub fn summary(&self, out: &mut String) {
        let start = out.len();
        let part = |out: &mut String| {
            if out.len() > start {
                out.push_str("; ");
            }
        };
        if self.ua_family.is_some() || self.ua_os.is_some() {
            part(out);
            out.push_str("User-Agent claims ");
            match (&self.ua_family, &self.ua_os) {
                (Some(f), Some(os)) => {
                    out.push_str(f);
                    out.push_str(" on ");
                    out.push_str(os);
                }
                (Some(f), None) => out.push_str(f),
                (None, Some(os)) => out.push_str(os),
                (None, None) => {}
            }
        }
        for (what, label) in [("SYN is ", &self.syn), ("TLS client is ", &self.tls_client)] {
            if let Some(l) = label {
                part(out);
                out.push_str(what);
                l.append_to(out);
            }
        }
        if let Some(s) = &self.server {
            part(out);
            out.push_str("Server header names ");
            out.push_str(s);
        }
        for (what, label) in [
            ("SYN+ACK is ", &self.synack),
            ("TLS server is ", &self.tls_server),
        ] {
            if let Some(l) = label {
                part(out);
                out.push_str(what);
                l.append_to(out);
            }
        }
        if out.len() == start {
            out.push_str("no layer compared yet");
        }
    }

    /// The text of one reason bit: the two facts compared, joined by `but` for a
    /// contradiction and `and` for an agreement.
    pub fn reason_text(&self, bit: u16, out: &mut String) {
        let join = if bit & VerdictReasons::CONTRADICTIONS != 0 {
            " but "
        } else {
            " and "
        };
        type R = VerdictReasons;
        match bit {
            R::UA_OS_VS_SYN | R::UA_OS_FITS_SYN => {
                out.push_str("User-Agent claims ");
                push_name(out, self.ua_os.as_ref());
                out.push_str(join);
                out.push_str("SYN is ");
                push_label(out, self.syn.as_ref());
            }
            R::UA_VS_TLS | R::UA_FITS_TLS => {
                out.push_str("User-Agent claims ");
                push_name(out, self.ua_family.as_ref());
                out.push_str(join);
                out.push_str("TLS client is ");
                push_label(out, self.tls_client.as_ref());
            }
            R::TLS_VS_SYN | R::TLS_FITS_SYN => {
                out.push_str("TLS client is ");
                push_label(out, self.tls_client.as_ref());
                out.push_str(join);
                out.push_str("SYN is ");
                push_label(out, self.syn.as_ref());
                if join == " but " {
                    out.push_str(" (not a system it runs on)");
                }
            }
            R::TLS_VS_UA_OS | R::TLS_FITS_UA_OS => {
                out.push_str("TLS client is ");
                push_label(out, self.tls_client.as_ref());
                out.push_str(join);
                out.push_str("User-Agent claims ");
                push_name(out, self.ua_os.as_ref());
                if join == " but " {
                    out.push_str(" (not a system it runs on)");
                }
            }
            R::HTTP_DISHONEST => {
                out.push_str("the HTTP request's headers are not those of the software its User-Agent names (p0f: dishonest)");
            }
            R::SRV_TLS_VS_SYNACK | R::SRV_TLS_FITS_SYNACK => {
                out.push_str("TLS server is ");
                push_label(out, self.tls_server.as_ref());
                out.push_str(join);
                out.push_str("SYN+ACK is ");
                push_label(out, self.synack.as_ref());
                if join == " but " {
                    out.push_str(" (not a system it runs on)");
                }
            }
            R::SERVER_VS_TLS | R::SERVER_FITS_TLS => {
                out.push_str("Server header names ");
                push_name(out, self.server.as_ref());
                out.push_str(join);
                out.push_str("TLS server is ");
                push_label(out, self.tls_server.as_ref());
            }
            _ => out.push_str("???"),
        }
    }
}

/// A `host verdict` observation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictDetails<'a> {
    /// The new status.
    pub status: VerdictStatus,
    /// Its reasons.
    pub reasons: VerdictReasons,
    /// What each layer showed (boxed: verdicts are rare, and this keeps [`super::Details`]
    /// small for the observations of every packet).
    pub evidence: Box<Evidence<'a>>,
}

impl<'a> VerdictDetails<'a> {
    /// The details of a verdict on a host.
    pub fn of(
        db: &'a Database,
        families: &'a Families,
        host: &Host,
        judgement: Judgement,
    ) -> VerdictDetails<'a> {
        VerdictDetails {
            status: judgement.status,
            reasons: judgement.reasons,
            evidence: Box::new(Evidence::of(db, families, host)),
        }
    }

    /// The same details owning their text.
    pub fn into_owned(self) -> VerdictDetails<'static> {
        VerdictDetails {
            evidence: Box::new(self.evidence.into_owned()),
            ..self
        }
    }

    /// Each reason's code and text, in order.
    pub fn reasons_text(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        self.reasons.bits().map(|bit| {
            let mut text = String::new();
            self.evidence.reason_text(bit, &mut text);
            (VerdictReasons::code(bit), text)
        })
    }

    /// The one-line summary of the evidence ([`Evidence::summary`]).
    pub fn summary(&self) -> String {
        let mut s = String::new();
        self.evidence.summary(&mut s);
        s
    }
}
