"""mk_query / ck_response / query against a live p0fmod API socket.

Two network namespaces joined by a veth pair (10.232.7.x, fd00:232:7::x exist only
there), `python3 -m http.server` in one, curl in the other, and p0fmod listening on the
veth with a query socket: target/release/p0fmod (`-i veth -s sock`), and, when this build
of the module captures live (HAS_LIVE), the module's own P0f(iface=..., api_sock=...).
Skips with a message when not root or when something it needs is missing.
"""

import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

import p0fmod
from conftest import CLI

NS_A, NS_B = "p0fpy-a", "p0fpy-b"
VETH_A, VETH_B = "vp0fpya", "vp0fpyb"
SERVER4, CLIENT4, CLIENT6 = "10.232.7.1", "10.232.7.2", "fd00:232:7::2"
SERVER6 = "fd00:232:7::1"


def p0f_text(addr):
    """An address as p0f prints it: IPv6 with every group, no zero compression."""
    ip = ipaddress.ip_address(addr)
    if ip.version == 4:
        return addr
    return ":".join(format(int(g, 16), "x") for g in ip.exploded.split(":"))


def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


def wait_for(what, cond, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


class Lab:
    """The namespaces, the web server, and whatever runs in namespace A."""

    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.procs = []
        for ns in (NS_A, NS_B):
            sh("ip", "netns", "del", ns, check=False)
        made = sh("ip", "netns", "add", NS_A, check=False)
        if made.returncode != 0:
            pytest.skip(f"`ip netns add` failed: {made.stderr.strip()}")
        sh("ip", "netns", "add", NS_B)
        sh("ip", "link", "add", VETH_A, "type", "veth", "peer", "name", VETH_B)
        sh("ip", "link", "set", VETH_A, "netns", NS_A)
        sh("ip", "link", "set", VETH_B, "netns", NS_B)
        for ns, dev, host in ((NS_A, VETH_A, 1), (NS_B, VETH_B, 2)):
            sh("ip", "-n", ns, "addr", "add", f"10.232.7.{host}/24", "dev", dev)
            sh("ip", "-n", ns, "addr", "add", f"fd00:232:7::{host}/64", "dev", dev, "nodad")
            sh("ip", "-n", ns, "link", "set", dev, "up")
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        www = tmp_path / "www"
        www.mkdir()
        (www / "index.html").write_text("<html>p0fmod</html>\n")
        self.spawn_a([sys.executable, "-m", "http.server", "8080", "--bind", "::",
                      "--directory", str(www)])
        wait_for("the web server", lambda: self.curl(SERVER4))

    def spawn_a(self, argv):
        proc = subprocess.Popen(["ip", "netns", "exec", NS_A, *argv],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        self.procs.append(proc)
        return proc

    def curl(self, server):
        host = f"[{server}]" if ":" in server else server
        return subprocess.run(
            ["ip", "netns", "exec", NS_B, "curl", "-s", "-o", "/dev/null", "--max-time", "2",
             f"http://{host}:8080/"], check=False).returncode == 0

    def close(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        for ns in (NS_A, NS_B):
            sh("ip", "netns", "del", ns, check=False)


@pytest.fixture
def lab(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("live API tests need root (network namespaces and capture)")
    for tool in ("ip", "curl"):
        if shutil.which(tool) is None:
            pytest.skip(f"live API tests need `{tool}`")
    lab = Lab(tmp_path)
    try:
        yield lab
    finally:
        lab.close()


def ask(sock_path, query):
    """Sends raw query bytes and returns the 232-byte answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(str(sock_path))
        s.sendall(query)
        data = b""
        while len(data) < p0fmod.RESPONSE_SIZE:
            chunk = s.recv(p0fmod.RESPONSE_SIZE - len(data))
            if not chunk:
                break
            data += chunk
        return data


def exercise_api(lab, sock, log, capfd):
    """Traffic from both client addresses, then every ck_response code the API gives."""
    wait_for("the query socket", sock.exists)
    lab.curl(SERVER4)
    lab.curl(SERVER6)
    wait_for("the log", lambda: log.exists() and f"cli={p0f_text(CLIENT6)}/" in log.read_text()
             and f"cli={CLIENT4}/" in log.read_text())
    capfd.readouterr()

    for client in (CLIENT4, CLIENT6):
        answer = ask(sock, p0fmod.mk_query(client))
        assert len(answer) == p0fmod.RESPONSE_SIZE
        assert p0fmod.ck_response(answer) == 0
        out = capfd.readouterr().out
        assert "Detected OS   = Linux" in out, out
        assert "Total flows   = " in out

    assert p0fmod.ck_response(ask(sock, p0fmod.mk_query("10.232.7.99"))) == -3
    assert "No matching host in p0f cache" in capfd.readouterr().out

    bad_type = bytearray(p0fmod.mk_query(CLIENT4))
    bad_type[4] = 9
    assert p0fmod.ck_response(ask(sock, bytes(bad_type))) == -2
    assert "P0f did not understand the query." in capfd.readouterr().err

    host = p0fmod.query(sock, CLIENT4)
    assert host["os"]["name"] == "Linux" and host["total_conn"] >= 1
    assert p0fmod.query(sock, "10.232.7.99") is None
    answer = p0fmod.query_p0f(sock, CLIENT4)
    assert answer["os_name"] == "Linux" and answer["total_conn"] == host["total_conn"]
    assert p0fmod.query_p0f(sock, "10.232.7.99") is None


def test_seed_client_functions_against_the_cli_server(lab, tmp_path, capfd):
    if not CLI.is_file():
        pytest.skip(f"{CLI} is not built (cargo build --release)")
    sock, log = tmp_path / "api.sock", tmp_path / "p0f.log"
    lab.spawn_a([str(CLI), "-i", VETH_A, "-s", str(sock), "-o", str(log)])
    exercise_api(lab, sock, log, capfd)


def test_the_module_serves_the_api_itself(lab, tmp_path, capfd):
    if not p0fmod.HAS_LIVE:
        pytest.skip("this build of the module has no live capture (HAS_LIVE is False)")
    sock, log = tmp_path / "api.sock", tmp_path / "p0f.log"
    # The module captures in namespace A through a child Python that enters it.
    script = (
        "import signal\n"
        "import p0fmod\n"
        "# SIGINT may come in ignored (a background job of a shell without job control).\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "try:\n"
        f"    p0fmod.P0f(iface={VETH_A!r}, api_sock={str(sock)!r}, log_file={str(log)!r}).run()\n"
        "except KeyboardInterrupt:\n"
        "    pass\n"
    )
    proc = lab.spawn_a([sys.executable, "-c", script])
    exercise_api(lab, sock, log, capfd)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0, proc.stderr.read().decode()


def test_examples_client_py(lab, tmp_path):
    """python/examples/client.py as the seed describes it: client.py SOCKET HOST_IP."""
    if not CLI.is_file():
        pytest.skip(f"{CLI} is not built (cargo build --release)")
    sock, log = tmp_path / "api.sock", tmp_path / "p0f.log"
    lab.spawn_a([str(CLI), "-i", VETH_A, "-s", str(sock), "-o", str(log)])
    wait_for("the query socket", sock.exists)
    lab.curl(SERVER4)
    wait_for("the log", lambda: log.exists() and f"cli={CLIENT4}/" in log.read_text())
    example = os.path.join(os.path.dirname(__file__), "..", "examples", "client.py")
    out = subprocess.run([sys.executable, example, str(sock), CLIENT4], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "Detected OS   = Linux" in out.stdout
    out = subprocess.run([sys.executable, example, str(sock), "10.232.7.99"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and "No matching host" in out.stdout



def test_examples_run_py(lab, tmp_path):
    """python/examples/run.py as the seed describes it (`sudo run.py [iface]`), from the
    default install: p0f's console output on stdout, live from the veth, until Ctrl-C."""
    example = os.path.join(os.path.dirname(__file__), "..", "examples", "run.py")
    out_path = tmp_path / "run.out"
    with open(out_path, "w") as out:
        proc = subprocess.Popen(["ip", "netns", "exec", NS_A, sys.executable, example, VETH_A],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
    lab.procs.append(proc)
    wait_for("the event loop", lambda: "[+] Entered main event loop." in out_path.read_text())
    lab.curl(SERVER4)
    wait_for("a console block", lambda: f".-[ {CLIENT4}/" in out_path.read_text())
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0, proc.stderr.read().decode()
    text = out_path.read_text()
    assert text.startswith("--- p0fmod ")
    assert f"[+] Intercepting traffic on interface '{VETH_A}'." in text
    assert "| os       = Linux" in text
    assert "| app      = curl" in text
    assert "All done. Processed" in text
    assert "User-initiated shutdown." in proc.stderr.read().decode()


HOST_SCHEMA = """
import json, os, sys, threading, time
import p0fmod

iface, sock, go, report = sys.argv[1:5]
p = p0fmod.P0f(iface=iface, api_sock=sock)
worker = threading.Thread(target=p.run)
worker.start()
deadline = time.monotonic() + 30
while not os.path.exists(go):
    assert time.monotonic() < deadline, "no go"
    time.sleep(0.05)
answers = {
    "q4": p0fmod.query(sock, sys.argv[5]),
    "q6": p0fmod.query(sock, sys.argv[6]),
    "none": p0fmod.query(sock, "10.232.7.99"),
}
p.stop()
worker.join()
answers["h4"] = p.host(sys.argv[5])
answers["h6"] = p.host(sys.argv[7])
answers["hosts"] = p.hosts()
json.dump(answers, open(report, "w"))
"""


def test_one_host_schema_for_host_hosts_and_the_json_query(lab, tmp_path):
    """P0f.host(), P0f.hosts() and query() (the API socket's JSON query) give the same
    record for the same host: the host record of docs/json.md, IPv6 in RFC 5952 text,
    with the OS class. Compared with p0fmod-client --json too when the CLI is built."""
    sock, go, report = tmp_path / "api.sock", tmp_path / "go", tmp_path / "report.json"
    proc = lab.spawn_a([sys.executable, "-c", HOST_SCHEMA, VETH_A, str(sock), str(go),
                        str(report), CLIENT4, CLIENT6, "fd00:232:7:0:0:0:0:2"])
    wait_for("the query socket", sock.exists)
    lab.curl(SERVER4)
    lab.curl(SERVER6)
    time.sleep(0.5)
    if CLI.with_name("p0fmod-client").is_file():
        client = subprocess.run([str(CLI.with_name("p0fmod-client")), "--json", str(sock),
                                 CLIENT4], capture_output=True, text=True, timeout=10)
        cli_answer = json.loads(client.stdout)
    else:
        cli_answer = None
    go.touch()
    assert proc.wait(timeout=30) == 0, proc.stderr.read().decode()
    answers = json.loads(report.read_text())
    assert answers["none"] is None
    assert answers["q4"] == answers["h4"]
    assert answers["q6"] == answers["h6"]
    by_addr = {h["addr"]: h for h in answers["hosts"]}
    assert by_addr[CLIENT4] == answers["h4"] and by_addr[CLIENT6] == answers["h6"]
    h6 = answers["h6"]
    assert h6["addr"] == "fd00:232:7::2"  # RFC 5952, whatever text was asked
    for host in (answers["h4"], h6):
        assert host["os"]["name"] == "Linux" and host["os"]["class"] == "unix"
        assert host["http_app"]["name"] == "curl"
        assert set(host) >= {"addr", "first_seen", "last_seen", "total_conn", "os",
                             "http_app", "http_honesty", "language", "distance", "link",
                             "uptime", "ip_sharing", "host_change", "observations",
                             "tls_client", "tls_server", "verdict"}
    if cli_answer is not None:
        assert cli_answer["status"] == "ok"
        assert set(cli_answer["host"]) == set(answers["q4"])
        assert cli_answer["host"]["addr"] == CLIENT4
        assert cli_answer["host"]["os"] == answers["q4"]["os"]
