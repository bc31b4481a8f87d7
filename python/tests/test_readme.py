"""The README's Python snippets ("Using p0fmod from Python"), run as written.

Each ```python block runs in a child Python, in a fresh directory holding a link to the
repository's samples/, inside a network namespace whose interface is called eth0 (a veth
pair, both ends in the namespace), with the user of the README's `useradd` recipe (made by
that recipe when missing, and removed again afterwards). The seed snippet runs until
Ctrl-C: it gets SIGINT once p0f's log file is open, and must end with KeyboardInterrupt.
Root only (namespaces, capture, useradd); skips otherwise.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO

NS = "p0fpy-readme"


def section():
    text = (REPO / "README.md").read_text()
    start = text.index("## Using p0fmod from Python")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def blocks(kind):
    return re.findall(rf"```{kind}\n(.*?)```", section(), re.S)


def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


@pytest.fixture(scope="module")
def eth0_namespace():
    if os.geteuid() != 0:
        pytest.skip("the README's snippets need root (capture, namespaces, useradd)")
    for tool in ("ip", "useradd", "userdel"):
        if shutil.which(tool) is None:
            pytest.skip(f"the README test needs `{tool}`")
    sh("ip", "netns", "del", NS, check=False)
    made = sh("ip", "netns", "add", NS, check=False)
    if made.returncode != 0:
        pytest.skip(f"`ip netns add` failed: {made.stderr.strip()}")
    try:
        sh("ip", "-n", NS, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1")
        for dev in ("eth0", "eth1", "lo"):
            sh("ip", "-n", NS, "link", "set", dev, "up")
        yield NS
    finally:
        sh("ip", "netns", "del", NS, check=False)


@pytest.fixture(scope="module")
def readme_user(eth0_namespace):
    """The user of the README's recipe: made by the recipe itself when missing."""
    recipe = next(b for b in blocks("sh") if "useradd" in b)
    user = re.search(r"useradd .* (\S+)\n", recipe).group(1)
    home = re.search(r"--home-dir (\S+)", recipe).group(1)
    existed = sh("id", user, check=False).returncode == 0
    if not existed:
        subprocess.run(["sh", "-e", "-c", recipe], check=True)
    try:
        yield user
    finally:
        if not existed:
            sh("userdel", user, check=False)
            shutil.rmtree(home, ignore_errors=True)


def run_snippet(code, cwd, until_ctrl_c=False):
    (cwd / "samples").symlink_to(REPO / "samples")
    argv = ["ip", "netns", "exec", NS, sys.executable, "-c",
            # As a user's terminal: Ctrl-C raises KeyboardInterrupt even when this test
            # runs with SIGINT ignored (a background job of a shell without job control).
            "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
            + code]
    proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        if until_ctrl_c:
            deadline = time.monotonic() + 30
            while not (cwd / "p0f.log").exists() or not (cwd / "p0f.sock").exists():
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "the snippet never opened its log"
                time.sleep(0.05)
            time.sleep(0.5)
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, err


def test_the_section_has_its_snippets():
    assert len(blocks("python")) == 3


def test_seed_snippet(readme_user, tmp_path):
    code = blocks("python")[0]
    assert f'switch_user("{readme_user}")' in code
    status, out, err = run_snippet(code, tmp_path, until_ctrl_c=True)
    assert "KeyboardInterrupt" in err, (status, out, err)
    assert status != 0  # ended by Ctrl-C, as the comment says
    assert "[+] Intercepting traffic on interface 'eth0'." in out
    assert "[+] Listening on API socket 'p0f.sock'" in out
    assert "Privileges dropped" in out, out
    assert "User-initiated shutdown." in err


def test_file_snippet(tmp_path):
    status, out, err = run_snippet(blocks("python")[1], tmp_path)
    assert status == 0, err
    lines = out.splitlines()
    assert "10.77.0.2 Linux 4.19 and newer" in lines
    assert lines[-1].startswith("Linux unix {'name': 'curl'")
    assert (tmp_path / "p0f.log").read_text()


def test_live_snippet(eth0_namespace, tmp_path):
    started = time.monotonic()
    status, out, err = run_snippet(blocks("python")[2], tmp_path)
    assert status == 0, err
    assert out.splitlines()[-1] == "None"  # 192.0.2.7 was never seen
    assert time.monotonic() - started < 20
