"""Shared fixtures for the p0fmod module's tests.

The tests run against the installed module (`pip install ./python`). Captures and
p0f's reference logs come from the repository's tests/data; the CLI, where a test
compares with it, is target/release/p0fmod (built by scripts/test before pytest).
"""

import os
import struct
from pathlib import Path

import pytest

import p0fmod

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
CLI = REPO / "target" / "release" / "p0fmod"


def stock_fp():
    """p0f 3.09b's stock database: ../shared/reference/p0f.fp or Debian's."""
    for path in (REPO.parent / "shared" / "reference" / "p0f.fp", Path("/etc/p0f/p0f.fp")):
        if path.is_file():
            return path
    return None


@pytest.fixture(autouse=True)
def fresh_module_settings():
    """Every test starts and ends with the module-level settings at their defaults."""
    p0fmod.reset()
    yield
    p0fmod.reset()


@pytest.fixture
def capture():
    """A small capture: an HTTP exchange between two Linux hosts over IPv4."""
    return DATA / "local" / "local-linux-ipv4-http.pcap"


@pytest.fixture
def cli():
    """The p0fmod command, or a skip when it has not been built."""
    if not CLI.is_file():
        pytest.skip(f"{CLI} is not built (cargo build --release)")
    return CLI


def response_bytes(status, os_name=b"", first_seen=0, magic=0x50304602, distance=0):
    """A 232-byte API response as p0f sends it (host byte order)."""
    head = struct.pack("=IIIIIIIIIhBB", magic, status, first_seen, first_seen, 3, 0, 0, 0, 0,
                       distance, 0, 0)
    strings = os_name.ljust(32, b"\0") + b"\0" * 32 * 5
    data = head + strings
    assert len(data) == p0fmod.RESPONSE_SIZE
    return data


def log_lines(path):
    """The lines of a p0f log as a sorted list (p0f writes some lines of a packet in an
    order of its own; the parity tests compare multisets too)."""
    return sorted(Path(path).read_text().splitlines())


# Log lines carry local time: the same zone for the module, the CLI and the p0f oracle logs.
os.environ["TZ"] = "UTC"
