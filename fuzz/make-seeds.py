#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the project's
own test data: the captures of tests/data (crafted and local) and the embedded signature
database (crates/db/data/p0fmod.fp). Each seed is in the input format its target documents.

Run from anywhere: `python3 fuzz/make-seeds.py`. Existing seeds are replaced; the result
is deterministic.
"""

import gzip
import shutil
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
CAPTURES = sorted(
    p for p in (ROOT / "tests" / "data").glob("*/*.pcap*") if not p.name.endswith(".log")
)
DATABASE = ROOT / "crates" / "db" / "data" / "p0fmod.fp"
# Real hellos for tls_parser: these clients' and servers' first TLS records.
TLS_CAPTURES = [
    ROOT / "tests" / "data" / "tls" / "local" / name
    for name in [
        "local-tls-curl-7.88.1-v4-sni-srv-openssl-s_server.pcap",
        "local-tls-openssl-s_client-3.0.19-v4-sni-tls12.pcap",
        "local-tls-java-httpclient-17.0.15+6-Debian-1deb12u1-v4-sni.pcap",
    ]
]

# p0fmod_wire::LinkType::SUPPORTED, in order: a selector byte is an index into it.
SUPPORTED = [0, 1, 9, 12, 14, 50, 51, 101, 104, 105, 108, 113, 117, 119, 127, 163, 228, 229, 239, 276]

# Frames taken from each capture for the per-frame targets.
FRAMES_PER_CAPTURE = 12
# Frames of each capture in one engine seed.
ENGINE_FRAMES = 48


def read_capture(data):
    """(link type, frame) for every packet of a pcap or pcapng file."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        return read_pcapng(data)
    else:
        raise ValueError("not a capture")
    link = struct.unpack(order + "I", data[20:24])[0] & 0x0FFFFFFF
    out, pos = [], 24
    while pos + 16 <= len(data):
        caplen = struct.unpack(order + "I", data[pos + 8 : pos + 12])[0]
        out.append((link, data[pos + 16 : pos + 16 + caplen]))
        pos += 16 + caplen
    return out


def read_pcapng(data):
    order = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    links, out, pos = [], [], 0
    while pos + 12 <= len(data):
        kind, length = struct.unpack(order + "II", data[pos : pos + 8])
        body = data[pos + 8 : pos + length - 4]
        if kind == 1:
            links.append(struct.unpack(order + "H", body[:2])[0])
        elif kind == 6:
            iface, _, _, caplen = struct.unpack(order + "IIII", body[:16])
            out.append((links[iface], body[20 : 20 + caplen]))
        pos += length
    return out


def tcp_payload(link, frame):
    """The TCP payload of an Ethernet, SLL, SLL2, NULL or raw IP frame, or b""."""
    offsets = {0: 4, 1: 14, 101: 0, 12: 0, 113: 16, 276: 20, 228: 0, 229: 0}
    if link not in offsets:
        return b""
    ip = frame[offsets[link] :]
    if not ip:
        return b""
    if ip[0] >> 4 == 4 and len(ip) >= 20 and ip[9] == 6:
        tcp = ip[(ip[0] & 15) * 4 : struct.unpack(">H", ip[2:4])[0]]
    elif ip[0] >> 4 == 6 and len(ip) >= 40 and ip[6] == 6:
        tcp = ip[40 : 40 + struct.unpack(">H", ip[4:6])[0]]
    else:
        return b""
    if len(tcp) < 20:
        return b""
    return tcp[(tcp[12] >> 4) * 4 :]


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def engine_records(frames):
    out = bytearray()
    for link, frame in frames:
        out += bytes([SUPPORTED.index(link), 0x01]) + struct.pack("<H", len(frame)) + frame
    return bytes(out)


def main():
    for target in ["wire_decode", "capture_reader", "http_parser", "fp_parser", "engine", "api_query", "tls_parser", "tls_reassembly"]:
        shutil.rmtree(CORPUS / target, ignore_errors=True)

    seen_frames, seen_payloads = set(), set()
    for path in CAPTURES:
        data = path.read_bytes()
        stem = path.name.split(".")[0]
        write("capture_reader", stem, b"\x00" + data)
        packets = read_capture(data)
        for i, (link, frame) in enumerate(packets):
            if link in SUPPORTED and frame not in seen_frames and i < FRAMES_PER_CAPTURE:
                seen_frames.add(frame)
                write("wire_decode", f"{stem}-{i}", bytes([SUPPORTED.index(link)]) + frame)
            payload = tcp_payload(link, frame)
            if payload[:4] in (b"GET ", b"HEAD", b"HTTP") and payload not in seen_payloads:
                seen_payloads.add(payload)
                kind = 1 if payload.startswith(b"HTTP") else 0
                write("http_parser", f"{stem}-{i}", bytes([kind]) + payload)
                # The same message cut in three places.
                cuts = b"".join(struct.pack("<H", len(payload) * k // 4) for k in (1, 2, 3))
                write("http_parser", f"{stem}-{i}-cut", bytes([kind | 3 << 1]) + cuts + payload)
        usable = [(l, f) for l, f in packets if l in SUPPORTED][:ENGINE_FRAMES]
        if usable:
            # Limits 16,16; age 31 s; idle 121 min; the clock in 2026.
            write("engine", stem, bytes([15, 15, 30, 120, 3]) + engine_records(usable))

    # Capture delivery and damage: tiny reads, gzip, a cut file.
    sample = (ROOT / "tests/data/local/local-linux-ipv4-http.pcap").read_bytes()
    write("capture_reader", "ipv4-http-tiny-reads", b"\x07" + sample)
    write("capture_reader", "ipv4-http-gzip", b"\x00" + gzip.compress(sample, mtime=0))
    write("capture_reader", "ipv4-http-cut", b"\x00" + sample[: len(sample) - 10])
    ng = (ROOT / "tests/data/local/local-linux-dumpcap-http.pcapng").read_bytes()
    write("capture_reader", "dumpcap-http-tiny-reads", b"\x05" + ng)

    # A flood: 64 SYNs, then 64 SYN+ACKs back, then 64 RSTs, with limits 8,8.
    flood = bytes([7, 7, 30, 120, 3])
    for flags in (0x02, 0x12, 0x04):
        flood += bytes([0xBF, 0x01, flags, 0, 0])
    write("engine", "flood", flood)
    write("engine", "flood-v6", bytes([7, 7, 30, 120, 3, 0xFF, 0x01, 0x02, 0, 0]))

    # The database, cut at section and label boundaries into small valid files.
    text = DATABASE.read_text()
    lines = [l for l in text.split("\n") if l and not l.startswith(";")]
    classes, section, chunk, n = lines[0], None, [], 0

    def flush():
        nonlocal chunk, n
        if chunk:
            body = "\n".join([classes, section] + chunk) + "\n"
            write("fp_parser", f"p0fmod-{n:02}", body.encode())
            n += 1
            chunk = []

    for line in lines[1:]:
        if line.startswith("["):
            flush()
            section = line
        elif line.startswith("label") and sum(len(l) + 1 for l in chunk) > 1500:
            flush()
            chunk.append(line)
        else:
            chunk.append(line)
    flush()
    write("fp_parser", "broken-lines", b"classes = win,unix\n[tcp:request]\nlabel = s:unix:Linux:3.x\n"
          b"sig = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0\nsig = 4:64:0:*:mss*20\n"
          b"label = s:beos:X:y\nsig = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0\n[bogus]\n")
    write("fp_parser", "broken-tls", b"classes = win,unix\n[tls:request]\nlabel = s:!:curl:\nsys = @unix\n"
          b"sig = t:13:1302,1303:~?0000,0010:001d:0403:grease:h2,\\xba\\xad\nsig = t:13:1302\n"
          b"sig = q:7f1c:*:?0010,?0010:*:*:*:*\nsig = t:13:*:*:*:*:*:h 2\n[tls:response]\n"
          b"label = g:!:OpenSSL:\nsig = t:12:*:ff01,?0000:*:::*\n[tls:sideways]\n")

    tls_seeds()
    tls_reassembly_seeds()

    # API queries (host byte order: little-endian here).
    def query(addr_type, addr, magic=0x50304601):
        return struct.pack("<IB", magic, addr_type) + addr.ljust(16, b"\x00")

    known4 = query(4, bytes([10, 77, 0, 1]))
    known6 = query(6, bytes.fromhex("fd000077000000000000000000000002"))
    unknown = query(4, bytes([192, 0, 2, 9]))
    write("api_query", "one-ipv4", b"\x3f" + known4)
    write("api_query", "one-ipv6", b"\x3f" + known6)
    write("api_query", "pipelined-cut", b"\x04" + known4 + unknown + known6 + known4[:9])
    write("api_query", "bad-magic-and-type", b"\x14" + query(4, b"", magic=0x50304602) + query(5, b""))
    write("api_query", "hang-up", b"\x7f" + known4 * 8)

    # QUIC: chunks [kind][len u16 LE][bytes] (fuzz_targets/quic_initial.rs). Raw RFC 9001 /
    # RFC 9369 Appendix A Initials, and frames to be protected by the target.
    vectors = ROOT / "crates" / "quic" / "tests" / "vectors"

    def hexfile(name):
        return bytes.fromhex("".join(vectors.joinpath(name).read_text().split()))

    def chunk(kind, data):
        return bytes([kind]) + struct.pack("<H", len(data)) + data

    def varint(v):
        return bytes([v]) if v < 0x40 else struct.pack(">H", 0x4000 | v)

    def crypto(offset, data):
        return b"\x06" + varint(offset) + varint(len(data)) + data

    crypto_frame = hexfile("a2-crypto-frame.hex")
    hello = crypto_frame[4:]
    server = hexfile("a3-server-payload.hex")
    for v, name in ((1, "rfc9001"), (2, "rfc9369")):
        suffix = "-".join([name, ""])
        write("quic_initial", suffix + "client-raw", chunk(0, hexfile(f"{name}-a2-protected.hex")))
        write("quic_initial", suffix + "both-raw",
              chunk(0, hexfile(f"{name}-a2-protected.hex")) + chunk(1, hexfile(f"{name}-a3-protected.hex")))
    for version in range(4):
        k = 2 | (version << 2)
        split = (chunk(k, b"\x01" + crypto(100, hello[100:]) + b"\x00" * 8 + crypto(0, hello[:100]))
                 + chunk(k, crypto(50, hello[50:150])))
        write("quic_initial", f"split-v{version}", split + chunk(k | 1, server))
    write("quic_initial", "retry", chunk(2, crypto(0, hello[:60])) + chunk(0x13, b"\x00") + chunk(2, crypto(0, hello)))
    write("quic_initial", "bad-frames", chunk(2, b"\x01\x08\x00\x06\x00\x05ab"))

    # DTLS: chunks [kind][len u16 LE][datagram] (fuzz_targets/dtls_handshake.rs).
    def hs(msg_type, seq, body, start, end):
        def u24(v):
            return struct.pack(">I", v)[1:]
        return bytes([msg_type]) + u24(len(body)) + struct.pack(">H", seq) + u24(start) + u24(end - start) + body[start:end]

    def record(version, seq, fragments):
        payload = b"".join(fragments)
        return bytes([22]) + struct.pack(">H", version) + b"\x00\x00" + struct.pack(">Q", seq)[2:] + struct.pack(">H", len(payload)) + payload

    body = bytes((i * 31 + 7) & 0xFF for i in range(300))
    write("dtls_handshake", "one-record", chunk(0, record(0xFEFD, 0, [hs(1, 0, body, 0, 300)])))
    write("dtls_handshake", "fragmented",
          chunk(0, record(0xFEFF, 0, [hs(1, 0, body, 120, 300)])) + chunk(0, record(0xFEFF, 1, [hs(1, 0, body, 0, 130)])))
    write("dtls_handshake", "cookie-retry",
          chunk(0, record(0xFEFD, 0, [hs(1, 0, body, 0, 300)]))
          + chunk(1, record(0xFEFF, 0, [hs(3, 0, body[:35], 0, 35)]))
          + chunk(0, record(0xFEFD, 1, [hs(1, 1, body, 0, 150), hs(1, 1, body, 150, 300)])))
    write("dtls_handshake", "server-hello-dtls13",
          chunk(1, record(0xFEFD, 0, [hs(2, 0, body[:90], 0, 90)]) + b"\x2c\x00\x01\x00\x10" + b"\x55" * 16))


def tls_seeds():
    """tls_parser seeds: real hellos as streams (whole, cut, re-split over two records),
    as bodies (TLS, DTLS with a cookie added, ServerHello, QUIC-style bare message), and
    an SSLv2-format ClientHello."""
    for path in TLS_CAPTURES:
        stem = path.name.split("-v4")[0].removeprefix("local-tls-")
        kinds = set()
        for link, frame in read_capture(path.read_bytes()):
            payload = tcp_payload(link, frame)
            if len(payload) < 9 or payload[0] != 22 or payload[5] not in (1, 2) or payload[5] in kinds:
                continue
            kinds.add(payload[5])
            rec_len = struct.unpack(">H", payload[3:5])[0]
            payload = payload[: 5 + rec_len]
            msg = payload[5:]
            body = msg[4 : 4 + int.from_bytes(msg[1:4], "big")]
            which = "client" if payload[5] == 1 else "server"
            write("tls_parser", f"{stem}-{which}-stream", b"\x00" + payload)
            write("tls_parser", f"{stem}-{which}-stream-cut", b"\x08" + struct.pack("<HH", 3, 40) + payload)
            half = len(msg) // 2
            split = b"".join(bytes([22, 3, 1]) + struct.pack(">H", len(p)) + p for p in (msg[:half], msg[half:]))
            write("tls_parser", f"{stem}-{which}-two-records", b"\x00" + split)
            if payload[5] == 1:
                write("tls_parser", f"{stem}-client-body", b"\x01" + body)
                sid_end = 35 + body[34]
                dtls = b"\xfe\xfd" + body[2:sid_end] + b"\x04cook" + body[sid_end:]
                write("tls_parser", f"{stem}-client-dtls-body", b"\x02" + dtls)
                write("tls_parser", f"{stem}-client-bare-message", b"\x03" + msg)
            else:
                write("tls_parser", f"{stem}-server-body", b"\x03" + body)
    v2 = bytes([1, 3, 1, 0, 9, 0, 0, 0, 16]) + bytes.fromhex("000039000035010080") + b"\x42" * 16
    write("tls_parser", "sslv2-client-hello", b"\x00" + bytes([0x80, len(v2)]) + v2)


def tls_reassembly_seeds():
    """tls_reassembly seeds: a real ClientHello and ServerHello as TCP segments of one
    connection, in order, reordered, retransmitted, overlapping, with a gap and a close."""
    def rec(control, offset, payload):
        return bytes([control]) + struct.pack("<HH", offset, len(payload)) + payload

    for path in TLS_CAPTURES + [ROOT / "tests" / "data" / "tls" / "local" / "local-tls-chromium-156.0.8078.114-v4-sni.pcap"]:
        stem = path.name.split("-v4")[0].removeprefix("local-tls-")
        hellos = {}
        for link, frame in read_capture(path.read_bytes()):
            payload = tcp_payload(link, frame)
            if len(payload) >= 9 and payload[0] == 22 and payload[5] in (1, 2) and payload[5] not in hellos:
                hellos[payload[5]] = payload
        if 1 not in hellos:
            continue
        client = hellos[1]
        server = hellos.get(2, b"")
        cut = len(client) // 2
        a, b = client[:cut], client[cut:]
        header = bytes([3, 30])
        write("tls_reassembly", f"{stem}-in-order", header + rec(0, 0, a) + rec(0, cut, b) + rec(4, 0, server))
        write("tls_reassembly", f"{stem}-reordered", header + rec(0, cut, b) + rec(0, 0, a) + rec(4, 0, server))
        write("tls_reassembly", f"{stem}-retransmitted-overlapping",
              header + rec(0x80, 0, a) + rec(0, cut - 10, client[cut - 10:]) + rec(0x80, 0, client))
        write("tls_reassembly", f"{stem}-gap-closed",
              header + rec(0, 0, a[:20]) + rec(0, cut, b) + rec(0x10, len(client), b"") + rec(0x14, 0, b""))
        write("tls_reassembly", f"{stem}-expired", header + rec(0, 0, a) + rec(0x40, 0, b"") + rec(0x41, 0, b""))


if __name__ == "__main__":
    main()
