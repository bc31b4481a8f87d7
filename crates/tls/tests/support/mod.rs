//! ClientHello and ServerHello bodies built in code for the tests.

#![allow(dead_code)]

/// A ClientHello body: legacy version, 32-byte random, empty session id, the cipher suites,
/// compression `null`, and the extensions (type, data) in the order given.
pub fn client_hello(version: u16, ciphers: &[u16], exts: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&version.to_be_bytes());
    b.extend_from_slice(&[0x11; 32]);
    b.push(0);
    b.extend_from_slice(&((ciphers.len() * 2) as u16).to_be_bytes());
    for c in ciphers {
        b.extend_from_slice(&c.to_be_bytes());
    }
    b.extend_from_slice(&[1, 0]);
    b.extend_from_slice(&ext_block(exts));
    b
}

/// A ServerHello body.
pub fn server_hello(
    version: u16,
    random: [u8; 32],
    cipher: u16,
    exts: &[(u16, Vec<u8>)],
) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&version.to_be_bytes());
    b.extend_from_slice(&random);
    b.push(0);
    b.extend_from_slice(&cipher.to_be_bytes());
    b.push(0);
    b.extend_from_slice(&ext_block(exts));
    b
}

pub fn ext_block(exts: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut block = Vec::new();
    for (t, d) in exts {
        block.extend_from_slice(&t.to_be_bytes());
        block.extend_from_slice(&(d.len() as u16).to_be_bytes());
        block.extend_from_slice(d);
    }
    let mut b = (block.len() as u16).to_be_bytes().to_vec();
    b.extend_from_slice(&block);
    b
}

/// A list of 16-bit values behind a 2-byte length (supported_groups, signature_algorithms).
pub fn list16(values: &[u16]) -> Vec<u8> {
    let mut b = ((values.len() * 2) as u16).to_be_bytes().to_vec();
    for v in values {
        b.extend_from_slice(&v.to_be_bytes());
    }
    b
}

/// supported_versions of a ClientHello (1-byte length).
pub fn versions(values: &[u16]) -> Vec<u8> {
    let mut b = vec![(values.len() * 2) as u8];
    for v in values {
        b.extend_from_slice(&v.to_be_bytes());
    }
    b
}

/// ALPN data for the protocol names.
pub fn alpn(names: &[&[u8]]) -> Vec<u8> {
    let mut list = Vec::new();
    for n in names {
        list.push(n.len() as u8);
        list.extend_from_slice(n);
    }
    let mut b = (list.len() as u16).to_be_bytes().to_vec();
    b.extend_from_slice(&list);
    b
}

/// server_name data with one host name.
pub fn sni(host: &str) -> Vec<u8> {
    let mut entry = vec![0u8];
    entry.extend_from_slice(&(host.len() as u16).to_be_bytes());
    entry.extend_from_slice(host.as_bytes());
    let mut b = (entry.len() as u16).to_be_bytes().to_vec();
    b.extend_from_slice(&entry);
    b
}

/// A handshake message (type, 24-bit length, body) in one TLS record.
pub fn record(msg_type: u8, body: &[u8]) -> Vec<u8> {
    let mut msg = vec![msg_type, 0, (body.len() >> 8) as u8, body.len() as u8];
    msg[1] = (body.len() >> 16) as u8;
    msg.extend_from_slice(body);
    let mut r = vec![22, 3, 1];
    r.extend_from_slice(&(msg.len() as u16).to_be_bytes());
    r.extend_from_slice(&msg);
    r
}

/// Parses "1301,1302" style hex lists.
pub fn hex_list(s: &str) -> Vec<u16> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(|x| u16::from_str_radix(x, 16).unwrap())
        .collect()
}
