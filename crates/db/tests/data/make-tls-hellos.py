#!/usr/bin/env python3
"""Writes tls-hellos.tsv: the exact p0fmod TLS signature of every hello in the labelled
local captures (tests/data/tls/local), for crates/db/tests/tls_local.rs.

Independent of p0fmod's code on purpose: TCP hellos are read here with a small pcap
reader, TCP reassembly by sequence number and a ClientHello/ServerHello parser; QUIC
hellos (encrypted Initial packets) are taken from the oracle's columns (JA3 string for
ciphers, extensions and groups in wire order, ja4_r for the signature algorithms in wire
order, the ALPN text), with no GREASE flag. The test checks every TCP row against the
oracle's JA3 string and ja4_r, so a mistake here fails there.

    python3 crates/db/tests/data/make-tls-hellos.py > crates/db/tests/data/tls-hellos.tsv
"""
import csv
import glob
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LOCAL = os.path.join(HERE, "../../../../tests/data/tls/local")
GREASE = {0x0A0A + 0x1010 * i for i in range(16)}
CODES = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3"}


def packets(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(e + "I", data[off + 8 : off + 12])[0]
        off += 16
        yield link, data[off : off + incl]
        off += incl


def tcp_streams(path):
    """(first frame, payload bytes in sequence order) of each TCP direction."""
    streams = {}
    for n, (link, frame) in enumerate(packets(path), 1):
        if link == 1:
            frame = frame[14:]
        if not frame or frame[0] >> 4 != 4 or frame[9] != 6:
            continue
        ihl = (frame[0] & 15) * 4
        total = struct.unpack(">H", frame[2:4])[0]
        tcp = frame[ihl:total]
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        payload = tcp[(tcp[12] >> 4) * 4 :]
        if payload:
            key = (frame[12:16], sport, frame[16:20], dport)
            first, segs = streams.setdefault(key, (n, {}))
            segs.setdefault(seq, payload)
    out = []
    for first, segs in streams.values():
        start = min(segs)
        data = b""
        for seq in sorted(segs):
            if seq - start == len(data):
                data += segs[seq]
        out.append((first, data))
    return sorted(out)


def handshakes(stream):
    body = b""
    i = 0
    while i + 5 <= len(stream) and stream[i] == 22:
        length = struct.unpack(">H", stream[i + 3 : i + 5])[0]
        body += stream[i + 5 : i + 5 + length]
        i += 5 + length
    j = 0
    while j + 4 <= len(body):
        kind, length = body[j], int.from_bytes(body[j + 1 : j + 4], "big")
        if kind in (1, 2):
            yield kind, body[j + 4 : j + 4 + length]
        j += 4 + length


def u16s(b):
    return [struct.unpack(">H", b[i : i + 2])[0] for i in range(0, len(b) - 1, 2)]


def signature(kind, b):
    legacy = struct.unpack(">H", b[:2])[0]
    p = 35 + b[34]
    if kind == 1:
        n = struct.unpack(">H", b[p : p + 2])[0]
        ciphers = u16s(b[p + 2 : p + 2 + n])
        p += 2 + n
        p += 1 + b[p]
    else:
        ciphers = [struct.unpack(">H", b[p : p + 2])[0]]
        p += 3
    exts, groups, sigalgs, alpn, versions, shares = [], [], [], [], [], []
    if p + 2 <= len(b):
        end = p + 2 + struct.unpack(">H", b[p : p + 2])[0]
        p += 2
        while p + 4 <= end:
            t, n = struct.unpack(">HH", b[p : p + 4])
            d = b[p + 4 : p + 4 + n]
            p += 4 + n
            exts.append(t)
            if t == 10:
                groups = u16s(d[2:])
            elif t == 13:
                sigalgs = u16s(d[2:])
            elif t == 16:
                q = 2
                while q < len(d):
                    alpn.append(d[q + 1 : q + 1 + d[q]])
                    q += 1 + d[q]
            elif t == 43:
                versions = u16s(d[1:]) if kind == 1 else u16s(d)
            elif t == 51 and kind == 2:
                groups = u16s(d[:2])
            elif t == 51:
                q = 2
                while q + 4 <= len(d):
                    g, n = struct.unpack(">HH", d[q : q + 4])
                    shares.append(g)
                    q += 4 + n
    grease = any(v in GREASE for v in ciphers + exts + groups + sigalgs + versions + shares)
    clean = lambda values: [v for v in values if v not in GREASE]
    version = legacy
    if clean(versions):
        version = max(clean(versions)) if kind == 1 else clean(versions)[0]
    hexes = lambda values: ",".join("%04x" % v for v in clean(values))
    return "t:%s:%s:%s:%s:%s:%s:%s" % (
        CODES.get(version, "%04x" % version),
        hexes(ciphers),
        hexes(exts),
        hexes(groups),
        hexes(sigalgs),
        "grease" if grease else "",
        ",".join(name.decode("ascii") for name in alpn),
    )


def quic_rows(path):
    """QUIC hellos from the oracle: (frame, message, signature)."""
    for row in csv.DictReader(open(os.path.join(LOCAL, "oracle.tsv")), delimiter="\t"):
        if row["file"] != os.path.basename(path) or row["transport"] != "quic":
            continue
        ja3 = row["ja3_string"] or row["ja3s_string"]
        fields = ja3.split(",")
        hexes = lambda text: ",".join("%04x" % int(v) for v in text.split("-") if v)
        if row["message"] == "client_hello":
            sigalgs = row["ja4_r"].split("_")[3] if row["ja4_r"].count("_") == 3 else ""
            sig = "q:13:%s:%s:%s:%s::%s" % (
                hexes(fields[1]), hexes(fields[2]), hexes(fields[3]), sigalgs, row["alpn"])
        else:
            sig = "q:13:%s:%s::::" % (hexes(fields[1]), hexes(fields[2]))
        yield int(row["frame"]), row["message"], sig


print("file\tmessage\traw_sig")
for path in sorted(glob.glob(os.path.join(LOCAL, "*.pcap"))):
    name = os.path.basename(path)
    rows = list(quic_rows(path))
    for first, stream in tcp_streams(path):
        for kind, body in handshakes(stream):
            rows.append((first, "client_hello" if kind == 1 else "server_hello", signature(kind, body)))
    for _, message, sig in sorted(rows):
        print("%s\t%s\t%s" % (name, message, sig))
