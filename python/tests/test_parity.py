"""An offline run through the module writes the same log as the CLI, and as p0f 3.09b."""

import subprocess

import pytest

import p0fmod
from conftest import DATA, log_lines, stock_fp

CAPTURES = sorted((DATA / "local").glob("*.pcap")) + sorted((DATA / "local").glob("*.pcapng"))


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_start_p0f_log_equals_cli_log(capture, cli, tmp_path):
    ours, theirs = tmp_path / "module.log", tmp_path / "cli.log"
    assert p0fmod.set_read_file(str(capture)) == 0
    assert p0fmod.set_log_file(str(ours)) == 0
    assert p0fmod.start_p0f() == 0
    subprocess.run([str(cli), "-r", str(capture), "-o", str(theirs)], check=True,
                   stdout=subprocess.DEVNULL)
    assert ours.read_text() == theirs.read_text()
    assert ours.read_text()


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_module_log_equals_p0f_oracle_log(capture, tmp_path):
    fp = stock_fp()
    if fp is None:
        pytest.skip("no stock p0f.fp (../shared/reference/p0f.fp or /etc/p0f/p0f.fp)")
    oracle = capture.with_name(capture.name + ".log")
    log = tmp_path / "module.log"
    p0fmod.P0f(fp_file=fp, read_file=capture, log_file=log).run()
    # p0fmod's own kinds (TLS hellos, cross-layer verdicts) are additions p0f does not write.
    additions = ("] mod=tls request|", "] mod=tls response|", "] mod=host verdict|")
    ours = [line for line in log_lines(log) if not any(a in line for a in additions)]
    assert ours == log_lines(oracle)
