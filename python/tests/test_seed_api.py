"""The seed API: every function, every return code, p0f's messages on stderr."""

import warnings

import pytest

import p0fmod
from conftest import response_bytes

PATH_SETTINGS = [
    (p0fmod.set_fp_file, "Multiple -f options not supported."),
    (p0fmod.set_read_file, "Multiple -r options not supported."),
    (p0fmod.set_log_file, "Multiple -o options not supported."),
    (p0fmod.set_api_sock, "Multiple -s options not supported."),
]


@pytest.mark.parametrize("setter,message", PATH_SETTINGS)
def test_path_settings_return_0_then_minus_1(setter, message, capfd):
    assert setter("/tmp/first") == 0
    assert setter("/tmp/second") == -1
    assert capfd.readouterr().err == f"[-] {message}\n"


def test_set_iface_and_switch_user_take_their_argument(capfd):
    assert p0fmod.set_iface("eth0") == 0
    assert p0fmod.set_iface("eth1") == -1
    assert p0fmod.switch_user("nobody") == 0
    assert p0fmod.switch_user("root") == -1
    err = capfd.readouterr().err
    assert "Multiple -i options not supported (try '-i any')." in err
    assert "Split personality mode not supported." in err
    with pytest.raises(TypeError):
        p0fmod.switch_user()  # the old wrapper took no argument


@pytest.mark.parametrize("toggle,message", [
    (p0fmod.en_daemon_mode, "Double werewolf mode not supported yet."),
    (p0fmod.en_promisc_mode, "Even more promiscuous? People will start talking!"),
])
def test_toggles_return_0_then_minus_1(toggle, message, capfd):
    assert toggle() == 0
    assert toggle() == -1
    assert message in capfd.readouterr().err


NUMERIC = [
    # setter, smallest, largest, p0f's option
    (p0fmod.set_api_max_conn, 1, 100, "-S"),
    (p0fmod.set_max_conn, 1, 100_000, "-m"),
    (p0fmod.set_max_hosts, 1, 500_000, "-m"),
    (p0fmod.set_conn_max_age, 1, 1_000_000, "-t"),
    (p0fmod.set_host_idle_limit, 1, 1_000_000, "-t"),
]


@pytest.mark.parametrize("setter,low,high,option", NUMERIC)
def test_numeric_settings_codes_and_limits(setter, low, high, option, capfd):
    for bad in (low - 1, high + 1, -5, 2**40, 2**200):
        assert setter(bad) == -2, bad
    assert f"Outlandish value specified for {option}." in capfd.readouterr().err
    # A refused call changes nothing: a corrected one succeeds, then repeats are refused.
    assert setter(high) == 0
    assert setter(low) == -1
    assert setter(high + 1) == -1  # repeated is checked before range, as in p0f
    assert f"Multiple {option} options not supported." in capfd.readouterr().err
    with pytest.raises(TypeError):
        setter("10")


def test_numeric_limits_are_independent():
    assert p0fmod.set_max_conn(10) == 0
    assert p0fmod.set_max_hosts(10) == 0
    assert p0fmod.set_conn_max_age(10) == 0
    assert p0fmod.set_host_idle_limit(10) == 0


@pytest.mark.parametrize("settings,code,message", [
    ([("set_read_file", "x.pcap"), ("set_api_sock", "/tmp/s")], -1,
     "API mode looks down on ofline captures."),
    ([("set_api_max_conn", 5)], -2, "Option -S makes sense only with -s."),
    ([("en_daemon_mode",), ("set_read_file", "x.pcap")], -3,
     "Daemon mode and offline captures don't mix."),
    ([("en_daemon_mode",)], -4, "Daemon mode requires -o or -s."),
    ([("set_read_file", "x.pcap"), ("en_promisc_mode",)], -7,
     "Dude, how am I supposed to make a file promiscuous?"),
    ([("set_read_file", "x.pcap"), ("set_iface", "eth0")], -8,
     "Options -i and -r are mutually exclusive."),
])
def test_start_p0f_refuses_combinations(settings, code, message, capfd):
    for name, *args in settings:
        assert getattr(p0fmod, name)(*args) == 0
    assert p0fmod.start_p0f() == code
    assert capfd.readouterr().err == f"[-] {message}\n"
    # The settings were reset: the same calls succeed again.
    for name, *args in settings:
        assert getattr(p0fmod, name)(*args) == 0


def test_start_p0f_note_minus_6_is_a_warning(tmp_path):
    """Daemon mode without switch_user: p0f's note comes as a P0fWarning (code -6), and the
    run goes on (here it stops at once: this build or this machine has no interface to
    fork a daemon on, which is a RunError, not a code)."""
    assert p0fmod.en_daemon_mode() == 0
    assert p0fmod.set_log_file(str(tmp_path / "log")) == 0
    assert p0fmod.set_iface("p0fmod-no-such-iface") == 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(p0fmod.RunError):
            p0fmod.start_p0f()
    notes = [w for w in caught if issubclass(w.category, p0fmod.P0fWarning)]
    assert len(notes) == 1
    assert "Consider specifying -u in daemon mode" in str(notes[0].message)
    assert "code -6" in str(notes[0].message)


def test_start_p0f_offline_returns_0_and_resets(capture, tmp_path, capfd):
    log = tmp_path / "p0f.log"
    assert p0fmod.set_read_file(str(capture)) == 0
    assert p0fmod.set_log_file(str(log)) == 0
    assert p0fmod.start_p0f() == 0
    out = capfd.readouterr().out
    assert out.startswith("--- p0fmod ")
    assert f"[+] Will read pcap data from file '{capture}'." in out
    assert ".-[ 10.77.0.2/" in out  # p0f's console blocks
    assert "All done. Processed" in out
    assert "mod=syn|cli=10.77.0.2/" in log.read_text()
    # Reset: a read file can be set again, and a run with nothing set is live.
    assert p0fmod.set_read_file(str(capture)) == 0


def test_start_p0f_fatal_errors_raise(tmp_path):
    assert p0fmod.set_read_file(str(tmp_path / "missing.pcap")) == 0
    with pytest.raises(p0fmod.RunError) as e:
        p0fmod.start_p0f()
    assert e.value.code is None
    assert p0fmod.set_fp_file(str(tmp_path / "missing.fp")) == 0  # reset happened


def test_list_interfaces(capfd):
    if p0fmod.HAS_LIVE:
        assert p0fmod.list_interfaces() == 0
        assert "-- Available interfaces --" in capfd.readouterr().out
        assert any(i["name"] == "lo" for i in p0fmod.interfaces())
    else:
        with pytest.raises(p0fmod.RunError, match="no live capture"):
            p0fmod.list_interfaces()
        with pytest.raises(p0fmod.RunError):
            p0fmod.interfaces()


def test_mk_query_ipv4_and_ipv6_keep_every_byte():
    q = p0fmod.mk_query("10.0.0.1")
    assert isinstance(q, bytes) and len(q) == p0fmod.QUERY_SIZE == 21
    assert q[:4] == (0x50304601).to_bytes(4, "little")
    assert q[4] == 4
    assert q[5:9] == bytes([10, 0, 0, 1])  # NUL bytes inside: nothing is cut
    assert q[9:] == bytes(12)
    q6 = p0fmod.mk_query("fd00::1")
    assert len(q6) == 21 and q6[4] == 6
    assert q6[5:] == bytes.fromhex("fd000000000000000000000000000001")
    assert p0fmod.mk_query("fd00:0:0:0:0:0:0:1") == q6
    for bad in ("10.0.0", "fd00:::1", "host.example", ""):
        with pytest.raises(ValueError):
            p0fmod.mk_query(bad)


def test_ck_response_codes_and_text(capfd):
    ok = response_bytes(0x10, os_name=b"Linux", first_seen=0)
    assert p0fmod.ck_response(ok) == 0
    out = capfd.readouterr().out
    assert "First seen    = 1970/01/01 00:00:00\n" in out
    assert "Total flows   = 3\n" in out
    assert "Detected OS   = Linux \n" in out
    assert p0fmod.ck_response(response_bytes(0x10, magic=0x12345678)) == -1
    assert capfd.readouterr().err == "[-] Bad response magic (0x12345678).\n"
    assert p0fmod.ck_response(response_bytes(0x00)) == -2
    assert capfd.readouterr().err == "[-] P0f did not understand the query.\n"
    assert p0fmod.ck_response(response_bytes(0x20)) == -3
    assert capfd.readouterr().out == "No matching host in p0f cache. That's all we know.\n"
    with pytest.raises(ValueError):
        p0fmod.ck_response(b"\x02F0P")


def test_parse_response():
    d = p0fmod.parse_response(response_bytes(0x10, os_name=b"Linux", first_seen=7))
    assert d["status"] == 0x10 and d["first_seen"] == 7 and d["total_conn"] == 3
    assert d["os_name"] == "Linux" and d["os_flavor"] is None
    with pytest.raises(p0fmod.QueryError) as e:
        p0fmod.parse_response(response_bytes(0x10, magic=1))
    assert e.value.code == -1


def test_query_without_a_server_raises(tmp_path):
    with pytest.raises(p0fmod.QueryError) as e:
        p0fmod.query(str(tmp_path / "no-socket"), "10.0.0.1")
    assert e.value.code is None
    assert "Can't connect to API socket." in str(e.value)
