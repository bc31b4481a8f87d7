"""The P0f class: exceptions with codes, observations as dicts, the host table."""

import json
import subprocess
import warnings

import pytest

import p0fmod
from conftest import DATA


def test_settings_are_checked_with_the_seed_codes():
    with pytest.raises(p0fmod.ConfigError) as e:
        p0fmod.P0f(api_max_conn=101, api_sock="/tmp/s")
    assert e.value.code == -2
    assert str(e.value) == "Outlandish value specified for -S."
    with pytest.raises(p0fmod.ConfigError) as e:
        p0fmod.P0f(read_file="x.pcap", api_sock="/tmp/s")
    assert e.value.code == -1
    with pytest.raises(p0fmod.ConfigError) as e:
        p0fmod.P0f(daemon=True)
    assert e.value.code == -4
    assert isinstance(e.value, p0fmod.P0fError)
    with pytest.raises(p0fmod.ConfigError):
        p0fmod.P0f(max_hosts=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p0fmod.P0f(daemon=True, log_file="/tmp/never-opened.log")
    assert any(issubclass(w.category, p0fmod.P0fWarning) for w in caught)


def test_run_returns_counts_and_writes_the_log(capture, tmp_path):
    log = tmp_path / "log"
    p = p0fmod.P0f(read_file=capture, log_file=log)
    summary = p.run()
    assert summary["observations"] > 0 and summary["packets"] > 0
    assert summary["interrupted"] is False and summary["daemon_pid"] is None
    assert len(log.read_text().splitlines()) == summary["observations"]


def test_observations_are_the_json_output(capture, cli, tmp_path):
    """The dicts have the JSON output's field names and values: compared with
    `p0fmod --json` on the same capture."""
    out = tmp_path / "out.json"
    subprocess.run([str(cli), "-r", str(capture), "--json", "-o", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    expected = [json.loads(line) for line in out.read_text().splitlines()]
    got = list(p0fmod.P0f(read_file=capture).observations())
    assert got == expected
    syn = got[0]
    assert syn["mod"] == "syn" and syn["subj"] == "cli"
    assert syn["match"]["name"] == "Linux" and syn["match"]["kind"] == "os"
    assert set(syn) >= {"time", "cli_ip", "cli_port", "srv_ip", "srv_port", "dist", "raw_sig"}


def test_callback_gets_the_same_dicts_and_can_stop_the_run(capture):
    expected = list(p0fmod.P0f(read_file=capture).observations())
    seen = []
    p0fmod.P0f(read_file=capture).run(seen.append)
    assert seen == expected

    class Enough(Exception):
        pass

    def stop_at_second(obs):
        seen2.append(obs)
        if len(seen2) == 2:
            raise Enough

    seen2 = []
    with pytest.raises(Enough):
        p0fmod.P0f(read_file=capture).run(stop_at_second)
    assert len(seen2) == 2  # no call after the one that raised


def test_host_table_in_process(capture):
    p = p0fmod.P0f(read_file=capture)
    with pytest.raises(p0fmod.RunError, match="Nothing has been read yet"):
        p.host("10.77.0.2")
    with pytest.raises(p0fmod.RunError, match="Nothing has been read yet"):
        p.hosts()
    p.run()
    client = p.host("10.77.0.2")
    assert client["addr"] == "10.77.0.2"
    assert client["os"]["name"] == "Linux"
    assert client["total_conn"] >= 1
    assert p.host("192.0.2.99") is None
    assert {h["addr"] for h in p.hosts()} >= {"10.77.0.1", "10.77.0.2"}
    with pytest.raises(ValueError):
        p.host("not an address")


def test_host_table_while_iterating(capture):
    p = p0fmod.P0f(read_file=capture)
    first = next(iter(p.observations()))
    assert p.host(first["cli_ip"]) is not None


def test_host_table_is_busy_during_run(capture):
    p = p0fmod.P0f(read_file=capture)
    errors = []

    def peek(obs):
        try:
            p.host(obs["cli_ip"])
        except p0fmod.RunError as e:
            errors.append(e)
            raise

    with pytest.raises(p0fmod.RunError, match="running"):
        p.run(peek)
    assert errors


def test_run_errors_raise(tmp_path):
    with pytest.raises(p0fmod.RunError) as e:
        p0fmod.P0f(read_file=tmp_path / "missing.pcap").run()
    assert e.value.code is None
    bad_fp = tmp_path / "bad.fp"
    bad_fp.write_text("[tcp:request]\nlabel = s:unix:Linux:x\nsig = nonsense\n")
    with pytest.raises(p0fmod.RunError, match="Signature database refused"):
        p0fmod.P0f(fp_file=bad_fp, read_file=DATA / "local" / "local-linux-ipv4-http.pcap").run()
    with pytest.raises(p0fmod.RunError):
        p0fmod.P0f(read_file=tmp_path / "missing.pcap").observations().__next__()


def test_json_log_and_console(capture, tmp_path, capfd):
    log = tmp_path / "log.json"
    p0fmod.P0f(read_file=capture, log_file=log, json=True, console=True).run()
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines == list(p0fmod.P0f(read_file=capture).observations())
    out = capfd.readouterr().out
    assert out.startswith("--- p0fmod ") and ".-[ 10.77.0.2/" in out
