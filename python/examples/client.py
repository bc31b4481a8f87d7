#!/usr/bin/env python3
"""Asks a running p0f (or p0fmod) what it knows about a host, through its query socket,
and prints the answer as p0f-client does.

usage: sudo client.py /path/to/socket host_ip
"""

import socket
import sys

import p0fmod


def main():
    if len(sys.argv) != 3:
        print("usage: client.py /path/to/socket host_ip", file=sys.stderr)
        return 1
    sock_path, host_ip = sys.argv[1:]
    try:
        query = p0fmod.mk_query(host_ip)
    except ValueError as e:
        print(f"[-] {e}", file=sys.stderr)
        return 1
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        try:
            s.connect(sock_path)
            s.sendall(query)
            answer = b""
            while len(answer) < p0fmod.RESPONSE_SIZE:
                chunk = s.recv(p0fmod.RESPONSE_SIZE - len(answer))
                if not chunk:
                    break
                answer += chunk
        except OSError as e:
            print(f"[-] Can't query API socket: {e}", file=sys.stderr)
            return 1
    if len(answer) != p0fmod.RESPONSE_SIZE:
        print("[-] Short read from API socket.", file=sys.stderr)
        return 1
    code = p0fmod.ck_response(answer)
    # As p0f-client: an unknown host is an answer too (-3); a bad magic number (-1) or
    # a query p0f did not understand (-2) is a failure.
    return 0 if code in (0, -3) else 1


if __name__ == "__main__":
    sys.exit(main())
