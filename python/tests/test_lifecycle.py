"""The P0f class's lifecycle: stop() from another thread, `with`, second runs, the host
table before a run, live observations, kernel statistics, file errors that are OSErrors,
query() timeouts, console output through sys.stdout, BPF filters, the docstrings.

The live checks capture on the loopback interface (root only; they skip otherwise) with
TCP connections made here to a listener on 127.0.0.1.
"""

import contextlib
import errno
import io
import os
import socket
import threading
import time

import pytest

import p0fmod


def needs_root():
    if os.geteuid() != 0:
        pytest.skip("live capture on lo needs root")


def connect_loopback(times=3):
    """TCP connections to a listener on 127.0.0.1 (SYN and SYN+ACK on lo)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        for _ in range(times):
            with socket.create_connection(server.getsockname(), timeout=2):
                server.accept()[0].close()


def test_stop_from_another_thread_ends_a_live_run_within_a_second():
    needs_root()
    p = p0fmod.P0f(iface="lo")
    result = {}
    worker = threading.Thread(target=lambda: result.update(p.run()))
    worker.start()
    time.sleep(0.5)
    connect_loopback()
    time.sleep(0.3)
    asked = time.monotonic()
    p.stop()
    worker.join(timeout=5)
    assert not worker.is_alive()
    assert time.monotonic() - asked < 1.0
    assert result["interrupted"] is True
    assert result["observations"] > 0
    kernel = result["kernel"]
    assert set(kernel) == {"received", "dropped", "if_dropped"}
    assert kernel["received"] >= result["packets"] > 0
    # The host table answers once the run has returned, and the capture can run again.
    assert p.host("127.0.0.1")["total_conn"] >= 1
    threading.Timer(0.3, p.stop).start()
    again = p.run()
    assert again["interrupted"] is True and again["kernel"] is not None


def test_a_stop_before_the_run_stops_it_at_once():
    needs_root()
    p = p0fmod.P0f(iface="lo")
    p.stop()
    started = time.monotonic()
    assert p.run()["interrupted"] is True
    assert time.monotonic() - started < 1.0


def test_with_block_stops_and_closes(tmp_path):
    needs_root()
    sock = tmp_path / "api.sock"
    with p0fmod.P0f(iface="lo", api_sock=sock) as p:
        worker = threading.Thread(target=p.run)
        worker.start()
        deadline = time.monotonic() + 5
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert p0fmod.query(sock, "192.0.2.1", timeout=2) is None
    worker.join(timeout=1)
    assert not worker.is_alive()
    with pytest.raises(p0fmod.RunError, match="closed"):
        p.run()
    with pytest.raises(p0fmod.RunError, match="closed"):
        p.hosts()


def test_live_observations_wait_with_the_gil_released():
    needs_root()
    p = p0fmod.P0f(iface="lo")
    ticks = []
    ticking = threading.Event()

    def tick():
        while not ticking.is_set():
            ticks.append(1)
            time.sleep(0.01)

    ticker = threading.Thread(target=tick)
    ticker.start()
    threading.Timer(0.5, connect_loopback).start()
    seen = []
    try:
        for obs in p.observations():
            seen.append(obs)
            if obs["mod"] == "syn+ack":
                p.stop()
    finally:
        ticking.set()
        ticker.join()
    assert any(o["mod"] == "syn" and o["cli_ip"] == "127.0.0.1" for o in seen)
    # The other thread ran while the iterator waited for the first packet (0.5 s).
    assert len(ticks) >= 10
    assert p.hosts()


def test_a_capture_file_runs_once(capture):
    p = p0fmod.P0f(read_file=capture)
    first = p.run()
    assert first["observations"] > 0 and first["kernel"] is None
    with pytest.raises(p0fmod.RunError, match="read to its end"):
        p.run()
    with pytest.raises(p0fmod.RunError, match="read to its end"):
        p.observations()
    assert p.hosts()  # still there

    p = p0fmod.P0f(read_file=capture)
    assert len(list(p.observations())) == first["observations"]
    assert p.hosts()
    with pytest.raises(p0fmod.RunError, match="read to its end"):
        p.run()


def test_a_stopped_file_run_goes_on_from_where_it_stopped(capture):
    p = p0fmod.P0f(read_file=capture)
    total = p0fmod.P0f(read_file=capture).run()["observations"]
    p.stop()  # before the run: it stops at once
    first = p.run()
    assert first["interrupted"] is True and first["observations"] == 0
    second = p.run()
    assert second["interrupted"] is False
    assert second["observations"] == total


def test_file_errors_are_oserrors(tmp_path, capture):
    missing = tmp_path / "missing.pcap"
    with pytest.raises(FileNotFoundError) as e:
        p0fmod.P0f(read_file=missing).run()
    err = e.value
    assert isinstance(err, p0fmod.RunFileNotFoundError)
    assert isinstance(err, p0fmod.RunFileError) and isinstance(err, p0fmod.RunError)
    assert isinstance(err, OSError) and isinstance(err, p0fmod.P0fError)
    assert err.errno == errno.ENOENT and err.filename == str(missing)
    assert err.code is None
    assert str(missing) in str(err)
    with pytest.raises(p0fmod.RunFileNotFoundError) as e:
        p0fmod.P0f(read_file=capture, log_file=tmp_path / "no" / "dir" / "log").run()
    assert "Cannot open" in str(e.value)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    if os.geteuid() != 0:  # root opens anything
        with pytest.raises(PermissionError):
            p0fmod.P0f(read_file=capture, log_file=locked / "log").run()
    with pytest.raises(OSError):
        p0fmod.set_read_file(str(missing))
        p0fmod.start_p0f()


def test_query_timeout_is_documented_and_clear(tmp_path):
    sock_path = tmp_path / "silent.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock_path))
        server.listen()
        started = time.monotonic()
        with pytest.raises(p0fmod.QueryError, match="No answer from API socket .* within 0.3 s") as e:
            p0fmod.query(sock_path, "192.0.2.1", timeout=0.3)
        assert 0.25 < time.monotonic() - started < 2
        assert e.value.code is None
    with pytest.raises(ValueError):
        p0fmod.query(sock_path, "192.0.2.1", timeout=0)
    assert "timeout" in p0fmod.query.__doc__


def test_console_output_goes_through_sys_stdout(capture):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        p0fmod.P0f(read_file=capture, console=True).run()
    text = out.getvalue()
    assert text.startswith("--- p0fmod ") and ".-[ 10.77.0.2/" in text
    assert "All done. Processed" in text

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for _ in p0fmod.P0f(read_file=capture, console=True, json=True).observations():
            pass
    assert '"mod":"syn"' in out.getvalue()

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert p0fmod.set_read_file(str(capture)) == 0
        assert p0fmod.start_p0f() == 0
    assert ".-[ 10.77.0.2/" in out.getvalue()


def test_bpf_filter_on_a_capture_file(capture):
    everything = list(p0fmod.P0f(read_file=capture).observations())
    port80 = list(p0fmod.P0f(read_file=capture, filter="tcp port 80").observations())
    assert port80 == everything
    assert list(p0fmod.P0f(read_file=capture, filter="tcp port 9").observations()) == []
    syns = list(p0fmod.P0f(read_file=capture,
                           filter="tcp[tcpflags] & tcp-syn != 0").observations())
    assert {o["mod"] for o in syns} >= {"syn", "syn+ack"}
    with pytest.raises(p0fmod.RunError, match="Syntax error"):
        p0fmod.P0f(read_file=capture, filter="no such filter ((").run()


def test_every_keyword_is_documented():
    import inspect

    doc = p0fmod.P0f.__doc__
    keywords = ["fp_file", "iface", "read_file", "log_file", "api_sock", "daemon", "user",
                "promisc", "api_max_conn", "max_conn", "max_hosts", "conn_max_age",
                "host_idle_limit", "filter", "json", "console"]
    for keyword in keywords:
        assert f"`{keyword}`" in doc, keyword
    assert list(inspect.signature(p0fmod.P0f).parameters) == keywords
    for method in ("run", "stop", "close", "observations", "host", "hosts"):
        assert getattr(p0fmod.P0f, method).__doc__, method


def test_live_features_are_in_the_default_install():
    assert p0fmod.HAS_LIVE is True


def test_the_stubs_name_everything_the_module_exports():
    import ast
    from pathlib import Path

    stub = ast.parse((Path(__file__).parents[1] / "p0fmod.pyi").read_text())
    names = set()
    for node in stub.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets)
    # (p0fmod.p0fmod is the compiled module that the package re-exports.)
    exported = {n for n in dir(p0fmod) if not n.startswith("_") or n == "__version__"}
    exported.discard("p0fmod")
    assert exported - names == set()


def test_the_observation_typeddict_names_every_field():
    import ast
    from pathlib import Path

    from conftest import DATA

    stub = ast.parse((Path(__file__).parents[1] / "p0fmod.pyi").read_text())
    declared = set()
    for node in stub.body:
        if isinstance(node, ast.ClassDef) and node.name in ("_ObservationFields", "Observation"):
            declared |= {n.target.id for n in node.body if isinstance(n, ast.AnnAssign)}
    seen = set()
    captures = [p for p in sorted((DATA / "local").iterdir()) if p.suffix in (".pcap", ".pcapng")]
    captures += sorted((DATA / "tls" / "local").glob("*.pcap"))[:3]
    for capture in captures:
        for obs in p0fmod.P0f(read_file=capture).observations():
            seen |= set(obs)
    assert {"mod", "cli_ip", "raw_sig", "ja4"} <= seen
    assert seen - declared == set()


def test_close_from_the_callback_is_refused_instead_of_hanging(capture):
    p = p0fmod.P0f(read_file=capture)
    with pytest.raises(p0fmod.RunError, match="call stop"):
        p.run(lambda obs: p.close())
    p.close()  # from here it works
    with pytest.raises(p0fmod.RunError, match="closed"):
        p.host("10.77.0.2")
