#!/usr/bin/env python3
"""Runs p0f on eth0 (or the interface given) through p0fmod, as `p0f -i eth0` would:
p0f's console blocks on stdout until Ctrl-C.

usage: sudo run.py [interface]

Live capture is in the default install (`pip install ./python`); it needs root (or
CAP_NET_RAW and CAP_NET_ADMIN).
"""

import signal
import sys

import p0fmod


def main():
    iface = sys.argv[1] if len(sys.argv) > 1 else "eth0"
    # Ctrl-C stops the run, even when this script was started with SIGINT ignored (a
    # background job of a shell without job control).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if p0fmod.set_iface(iface) != 0:
        return 1
    try:
        code = p0fmod.start_p0f()
    except KeyboardInterrupt:
        return 0  # p0f has already said "User-initiated shutdown."
    except p0fmod.P0fError as e:
        print(f"[-] PROGRAM ABORT : {e}", file=sys.stderr)
        return 1
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
