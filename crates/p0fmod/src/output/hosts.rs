//! The per-host summary of a run (`--hosts`): one row per host of the host table, as an
//! aligned text table or as JSON lines of the host record ([`HostInfo`], docs/json.md).

use chrono::{Datelike, Local, TimeZone, Timelike};

use super::push_uint;
use crate::host::{HostInfo, LabelMatch};

/// The hosts in the summary's order: IPv4 addresses first, each family in address order.
pub fn sorted(hosts: Vec<HostInfo>) -> Vec<HostInfo> {
    // The order is found on indices, so that the (large) records move once.
    let mut order: Vec<usize> = (0..hosts.len()).collect();
    order.sort_unstable_by_key(|&i| (hosts[i].addr.is_ipv6(), hosts[i].addr));
    let mut slots: Vec<Option<HostInfo>> = hosts.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// `name flavor` of a match, `-` for none.
pub fn label_text(m: Option<&LabelMatch>) -> String {
    match m {
        None => "-".into(),
        Some(m) => match &m.flavor {
            Some(flavor) => {
                let mut text = String::with_capacity(m.name.len() + 1 + flavor.len());
                text.push_str(&m.name);
                text.push(' ');
                text.push_str(flavor);
                text
            }
            None => m.name.clone(),
        },
    }
}

/// p0f's match-quality words for an OS match: `exact`, `generic`, `fuzzy` or both.
pub fn quality_text(m: &LabelMatch) -> &'static str {
    match (m.generic, m.fuzzy) {
        (false, false) => "exact",
        (true, false) => "generic",
        (false, true) => "fuzzy",
        (true, true) => "generic fuzzy",
    }
}

/// A packet time as p0f's log prints it (`YYYY/MM/DD HH:MM:SS`, local time).
pub fn time_text(sec: i64) -> String {
    let Some(t) = Local.timestamp_opt(sec, 0).single() else {
        return "????/??/?? ??:??:??".into();
    };
    let mut out = String::with_capacity(19);
    let two = |out: &mut String, n: u32| {
        if n < 10 {
            out.push('0');
        }
        push_uint(out, n);
    };
    let year = t.year();
    if (0..1000).contains(&year) {
        out.push_str(match year {
            0..10 => "000",
            10..100 => "00",
            _ => "0",
        });
    }
    push_uint(&mut out, year);
    out.push('/');
    two(&mut out, t.month());
    out.push('/');
    two(&mut out, t.day());
    out.push(' ');
    two(&mut out, t.hour());
    out.push(':');
    two(&mut out, t.minute());
    out.push(':');
    two(&mut out, t.second());
    out
}

/// The column titles of [`host_table`].
pub const COLUMNS: [&str; 15] = [
    "address",
    "os",
    "class",
    "quality",
    "dist",
    "link",
    "http app",
    "tls client",
    "tls server",
    "ip sharing",
    "host change",
    "verdict",
    "first seen",
    "last seen",
    "observations",
];

/// The cells of one host's row, in [`COLUMNS`]' order.
pub fn row(h: &HostInfo) -> [String; 15] {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let count =
        |e: Option<crate::host::EventHistory>| e.map_or("-".into(), |e| e.count.to_string());
    [
        h.addr.to_string(),
        label_text(h.os.as_ref()),
        opt(h.os.as_ref().and_then(|m| m.class.clone())),
        h.os.as_ref().map_or("-".into(), |m| quality_text(m).into()),
        opt(h.distance.map(|d| d.to_string())),
        opt(h.link.clone()),
        label_text(h.http_app.as_ref()),
        label_text(h.tls_client.as_ref()),
        label_text(h.tls_server.as_ref()),
        count(h.ip_sharing),
        count(h.host_change),
        opt(h.verdict.as_ref().map(|v| v.status.clone())),
        time_text(h.first_seen),
        time_text(h.last_seen),
        h.observations.values().sum::<u32>().to_string(),
    ]
}

/// The hosts as an aligned text table with a title row, one line per host (sorted as
/// [`sorted`] does), `-` for what is unknown.
pub fn host_table(hosts: &[HostInfo]) -> String {
    let rows: Vec<[String; 15]> = hosts.iter().map(row).collect();
    let mut widths = COLUMNS.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::with_capacity((rows.len() + 1) * (widths.iter().sum::<usize>() + 30));
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let start = out.len();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            out.push_str(cell);
            let pad = widths[i].saturating_sub(cell.chars().count());
            out.extend(std::iter::repeat_n(' ', pad));
        }
        let end = out[start..].trim_end().len() + start;
        out.truncate(end);
        out.push('\n');
    };
    line(&mut COLUMNS.iter().copied());
    for r in &rows {
        line(&mut r.iter().map(String::as_str));
    }
    out
}

/// The hosts as JSON lines of the host record (docs/json.md).
pub fn host_json_lines(hosts: &[HostInfo]) -> String {
    let mut out = String::new();
    for h in hosts {
        if let Ok(text) = serde_json::to_string(h) {
            out.push_str(&text);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(addr: &str) -> HostInfo {
        HostInfo::bare(addr, 0, 60)
    }

    #[test]
    fn times_read_as_chrono_formats_them() {
        for sec in [
            0,
            59,
            1_700_000_000,
            1_795_897_213,
            -86_400 * 365 * 1000,
            253_402_300_799,
        ] {
            let expected = Local
                .timestamp_opt(sec, 0)
                .single()
                .unwrap()
                .format("%Y/%m/%d %H:%M:%S")
                .to_string();
            assert_eq!(time_text(sec), expected, "{sec}");
        }
    }

    #[test]
    fn table_is_aligned_and_sorted() {
        let mut a = host("10.0.0.2");
        a.os = Some(LabelMatch {
            name: "Windows".into(),
            flavor: Some("7 or 8".into()),
            class: Some("win".into()),
            generic: false,
            fuzzy: true,
        });
        a.distance = Some(3);
        a.observations.insert("syn", 2);
        a.observations.insert("mtu", 1);
        let hosts = sorted(vec![host("2001:db8::1"), a, host("10.0.0.10")]);
        assert_eq!(
            hosts.iter().map(|h| h.addr.to_string()).collect::<Vec<_>>(),
            ["10.0.0.2", "10.0.0.10", "2001:db8::1"]
        );
        let table = host_table(&hosts);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("address      os              class  quality  dist  link"));
        assert!(lines[1].starts_with("10.0.0.2     Windows 7 or 8  win    fuzzy    3     -"));
        assert!(lines[1].trim_end().ends_with("  3"), "{}", lines[1]);
        // Every column starts at the same place on every line.
        let start = lines[0].find("dist").unwrap();
        for l in &lines[1..] {
            assert_eq!(&l[start - 2..start], "  ", "{l}");
        }
        let json: Vec<serde_json::Value> = host_json_lines(&hosts)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(json[0]["os"]["name"], "Windows");
        assert_eq!(json[2]["addr"], "2001:db8::1");
    }
}
