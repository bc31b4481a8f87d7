"""start_p0f releases the GIL while it works, and stops on KeyboardInterrupt.

Each check runs in a child Python (stdout to /dev/null: start_p0f prints p0f's console
blocks). start_p0f reads a named pipe that a Python thread of the same process fills with
a large capture: local-linux-sequential-http.pcap's connections again and again, with
shifted addresses and times. Were the GIL held, that thread could not write and the run
could not end; a second thread counts meanwhile.
"""

import json
import os
import struct
import subprocess
import sys
import textwrap

from conftest import DATA

SOURCE = DATA / "local" / "local-linux-sequential-http.pcap"


def child(script, *args, timeout=120):
    """Runs a Python snippet in a child interpreter, its stdout (the module's console
    blocks) to /dev/null; the snippet writes its findings to a JSON file."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout,
    )


RUNNER = r"""
import json, os, signal, struct, sys, threading, time
import p0fmod

source, fifo, log, report, mode = sys.argv[1:6]
FEED_SECONDS = 1.5


def read_pcap(path):
    data = open(path, "rb").read()
    assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4
    pos, packets = 24, []
    while pos + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[pos:pos + 16])
        packets.append((sec, usec, orig, data[pos + 16:pos + 16 + incl]))
        pos += 16 + incl
    return data[:24], packets


def checksum(header):
    total = sum(struct.unpack("!10H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def copy_of(packets, n, span):
    # Both IPv4 addresses moved to 10.(100 + n // 250 % 100).(n % 250), times shifted.
    out = []
    for sec, usec, orig, frame in packets:
        if frame[12:14] == b"\x08\x00" and len(frame) >= 34:
            ip = bytearray(frame[14:34])
            for at in (12, 16):
                ip[at + 1] = 100 + n // 250 % 100
                ip[at + 2] = n % 250
            ip[10:12] = b"\0\0"
            ip[10:12] = struct.pack("!H", checksum(bytes(ip)))
            frame = frame[:14] + bytes(ip) + frame[34:]
        out.append(struct.pack("<IIII", sec + n * span, usec, len(frame), orig) + frame)
    return b"".join(out)


header, packets = read_pcap(source)
span = packets[-1][0] - packets[0][0] + 2
state = {"copies": 0, "counted": 0}
running = threading.Event()
done = threading.Event()


def feed():
    deadline = None
    try:
        # open() returns once the reader has opened the pipe: start_p0f is running.
        with open(fifo, "wb") as out:
            out.write(header)
            if mode == "interrupt":
                # Ctrl-C half a second into the run, never before start_p0f was entered.
                threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
            while mode == "interrupt" or deadline is None or time.monotonic() < deadline:
                if deadline is None:
                    deadline = time.monotonic() + FEED_SECONDS
                out.write(copy_of(packets, state["copies"], span))
                state["copies"] += 1
    except BrokenPipeError:
        pass  # the reader stopped


def count():
    while not done.is_set():
        if running.is_set():
            state["counted"] += 1


# Python leaves SIGINT ignored when it starts with it ignored (a background job of a
# shell without job control, as CI may run): Ctrl-C must raise KeyboardInterrupt here.
signal.signal(signal.SIGINT, signal.default_int_handler)
# Daemon threads: whatever happens, they never keep this interpreter from exiting.
threads = [threading.Thread(target=feed, daemon=True), threading.Thread(target=count, daemon=True)]
for t in threads:
    t.start()
p0fmod.set_read_file(fifo)
p0fmod.set_log_file(log)
running.set()
start = time.monotonic()
outcome, code = "returned", None
try:
    code = p0fmod.start_p0f()
except KeyboardInterrupt:
    outcome = "KeyboardInterrupt"
elapsed = time.monotonic() - start
running.clear()
done.set()
for t in threads:
    t.join(timeout=10)
# The feeder ends on a broken pipe once start_p0f has closed the capture.
state["feeder_alive"] = threads[0].is_alive()
with open(report, "w") as f:
    json.dump(dict(state, code=code, outcome=outcome, elapsed=elapsed), f)
"""


def run_child(tmp_path, mode):
    fifo = tmp_path / "capture.pcap"
    os.mkfifo(fifo)
    log, report = tmp_path / "log", tmp_path / "report.json"
    proc = child(RUNNER, SOURCE, fifo, log, report, mode)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(report.read_text()), log.read_text(), proc.stderr.decode()


def test_other_threads_run_while_start_p0f_works(tmp_path):
    result, log, _ = run_child(tmp_path, "count")
    assert result["code"] == 0 and result["outcome"] == "returned"
    # The feeding thread ran all along (1.5 s of writing), and so did the counter.
    assert result["elapsed"] >= 1.5
    assert result["copies"] >= 20, result
    assert result["counted"] >= 100_000, result
    # Every copy's connections were fingerprinted: 10.100.0.x and onwards.
    clients = {line.split("|cli=")[1].split("/")[0] for line in log.splitlines()}
    assert len(clients) >= result["copies"]


def test_keyboard_interrupt_stops_start_p0f(tmp_path):
    result, log, stderr = run_child(tmp_path, "interrupt")
    assert result["outcome"] == "KeyboardInterrupt", result
    assert result["elapsed"] < 10
    assert not result["feeder_alive"], "the capture was not closed"
    assert "User-initiated shutdown." in stderr
    # A clean stop: complete lines only.
    assert log.endswith("\n") and len(log.splitlines()) > 0
