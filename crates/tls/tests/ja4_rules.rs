//! JA4, JA3 and JA3S on hellos built in code: one test per rule of the JA4 spec
//! (`../shared/spec/tls-quic-fingerprinting.md` §2.2) and the spec's verified vectors,
//! plus published fingerprints of real browsers.

mod support;

use p0fmod_tls::{ClientHello, Transport, ja3, ja4, ja4_r, ja4_ro};
use support::*;

/// Chrome 143 as browserleaks.com reported it (JA4 in all four forms and JA3, computed by
/// that service, not by us), rebuilt field by field, with GREASE added where Chrome sends it.
fn chrome_143() -> Vec<u8> {
    let mut ciphers = vec![0x2a2a];
    ciphers.extend(hex_list(
        "1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035",
    ));
    let mut exts: Vec<(u16, Vec<u8>)> = vec![(0x0a0a, vec![])];
    for t in
        hex_list("002d,0033,0010,fe0d,0017,44cd,0000,000b,000a,002b,ff01,0023,0012,0005,000d,001b")
    {
        let data = match t {
            0x0000 => sni("tls.browserleaks.com"),
            0x0010 => alpn(&[b"h2", b"http/1.1"]),
            0x000a => list16(&[0x3a3a, 0x11ec, 0x001d, 0x0017, 0x0018]),
            0x000b => vec![1, 0],
            0x000d => list16(&hex_list("0403,0804,0401,0503,0805,0501,0806,0601")),
            0x002b => versions(&[0x7a7a, 0x0304, 0x0303]),
            0x0033 => vec![0, 10, 0x3a, 0x3a, 0, 1, 0, 0x00, 0x1d, 0, 1, 9],
            _ => vec![],
        };
        exts.push((t, data));
    }
    exts.push((0xfafa, vec![0]));
    client_hello(0x0303, &ciphers, &exts)
}

#[test]
fn chrome_143_all_forms_and_ja3() {
    let body = chrome_143();
    let hello = ClientHello::parse(&body).unwrap();
    let h = ja4(&hello, Transport::Tcp);
    assert_eq!(h.ja4.as_str(), "t13d1516h2_8daaf6152771_d8a2da3f94cd");
    assert_eq!(h.ja4_o.as_str(), "t13d1516h2_acb858a92679_f96a17c57971");
    let mut s = String::new();
    ja4_r(&hello, Transport::Tcp, &mut s);
    assert_eq!(
        s,
        "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0017,001b,0023,002b,002d,0033,44cd,fe0d,ff01_0403,0804,0401,0503,0805,0501,0806,0601"
    );
    ja4_ro(&hello, Transport::Tcp, &mut s);
    assert_eq!(
        s,
        "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_002d,0033,0010,fe0d,0017,44cd,0000,000b,000a,002b,ff01,0023,0012,0005,000d,001b_0403,0804,0401,0503,0805,0501,0806,0601"
    );
    let md5 = ja3(&hello, &mut s).unwrap();
    assert_eq!(
        s,
        "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0"
    );
    assert_eq!(md5.as_str(), "98487aa16281980e7d1120d399efb6a4");
}
