//! The facts of a hello for outputs and signature matching: versions, lists without
//! GREASE, key shares, post-quantum key exchange, size. Filled into caller-owned vectors
//! that are reused from hello to hello, so that nothing is allocated once they have grown.

use crate::hello::{ClientHello, ServerHello};
use crate::is_grease;

/// Whether a named group is a post-quantum (ML-KEM or Kyber) key exchange: the hybrids
/// X25519MLKEM768 (0x11ec), SecP256r1MLKEM768 (0x11eb), SecP384r1MLKEM1024 (0x11ed) of
/// draft-ietf-tls-ecdhe-mlkem, pure ML-KEM-512/768/1024 (0x0200-0x0202) of
/// draft-ietf-tls-mlkem, and the pre-standard X25519Kyber768Draft00 (0x6399, and 0x636d
/// as first assigned).
pub fn is_post_quantum_group(group: u16) -> bool {
    matches!(
        group,
        0x11eb | 0x11ec | 0x11ed | 0x0200 | 0x0201 | 0x0202 | 0x6399 | 0x636d
    )
}

/// Facts of one ClientHello or ServerHello, in wire order with GREASE removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HelloFacts {
    /// Versions offered (client: supported_versions, else `legacy_version`) or chosen
    /// (server: supported_versions, else `legacy_version`; one entry).
    pub versions: Vec<u16>,
    /// Cipher suites offered, or the one chosen.
    pub ciphers: Vec<u16>,
    /// Extension types.
    pub extensions: Vec<u16>,
    /// supported_groups (client only).
    pub groups: Vec<u16>,
    /// signature_algorithms (client only).
    pub signature_algorithms: Vec<u16>,
    /// Groups of the key shares sent (server: the one chosen, or asked for by a
    /// HelloRetryRequest).
    pub key_share_groups: Vec<u16>,
    /// Whether GREASE appeared anywhere in the lists above (client only).
    pub grease: bool,
    /// Whether a post-quantum key share was sent ([`is_post_quantum_group`]).
    pub post_quantum: bool,
    /// Length of the handshake body (after the 4-byte header; tshark's
    /// `tls.handshake.length`).
    pub hello_len: usize,
}

impl HelloFacts {
    /// Empty facts (allocates nothing until filled).
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the facts with those of a ClientHello.
    pub fn fill_client(&mut self, hello: &ClientHello<'_>) {
        let mut grease = false;
        let mut keep = |v: &u16| {
            let g = is_grease(*v);
            grease |= g;
            !g
        };
        refill(
            &mut self.versions,
            hello.supported_versions().filter(&mut keep),
        );
        if self.versions.is_empty() {
            self.versions.push(hello.legacy_version);
        }
        refill(&mut self.ciphers, hello.cipher_suites().filter(&mut keep));
        refill(
            &mut self.extensions,
            hello.extensions().map(|e| e.typ).filter(&mut keep),
        );
        refill(&mut self.groups, hello.supported_groups().filter(&mut keep));
        refill(
            &mut self.signature_algorithms,
            hello.signature_algorithms().filter(&mut keep),
        );
        refill(
            &mut self.key_share_groups,
            hello.key_share_groups().filter(&mut keep),
        );
        self.finish(grease, hello.len());
    }

    /// Replaces the facts with those of a ServerHello.
    pub fn fill_server(&mut self, hello: &ServerHello<'_>) {
        refill(&mut self.versions, std::iter::once(hello.version()));
        refill(&mut self.ciphers, std::iter::once(hello.cipher_suite));
        refill(
            &mut self.extensions,
            hello.extensions().map(|e| e.typ).filter(|&t| !is_grease(t)),
        );
        self.groups.clear();
        self.signature_algorithms.clear();
        refill(&mut self.key_share_groups, hello.key_share_group());
        self.finish(false, hello.len());
    }

    /// The flags and size, once the lists are filled.
    fn finish(&mut self, grease: bool, hello_len: usize) {
        self.grease = grease;
        self.post_quantum = self
            .key_share_groups
            .iter()
            .any(|&g| is_post_quantum_group(g));
        self.hello_len = hello_len;
    }
}

fn refill(v: &mut Vec<u16>, values: impl IntoIterator<Item = u16>) {
    v.clear();
    let values = values.into_iter();
    // A filtered list's lower bound is 0: reserve its upper bound (the wire list's length)
    // at once instead of growing 4, 8, 16, 32... entries at a time.
    let (low, high) = values.size_hint();
    v.reserve(high.unwrap_or(low).min(1024));
    v.extend(values);
}
