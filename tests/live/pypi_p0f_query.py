#!/usr/bin/env python3
"""Queries a p0f 3 API socket with the PyPI client `p0f` (pip install p0f), a client that
p0fmod's authors did not write: `P0f(path).get_info(ip)` for each address given.

Usage: pypi_p0f_query.py SOCKET ADDRESS...

Prints one JSON object: address -> the client's answer (its dict, datetimes as text and
bytes as latin-1 text), or {"error": ...} when the client raised. Used by tests/live.rs to
compare p0fmod's answers with p0f 3.09b's for the same traffic.
"""

import json
import sys

from p0f import P0f


def plain(value):
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if value is None or isinstance(value, (int, str)):
        return value
    return str(value)


def main():
    sock, addresses = sys.argv[1], sys.argv[2:]
    answers = {}
    for address in addresses:
        client = P0f(sock, timeout=5)
        try:
            info = client.get_info(address)
            answers[address] = {key: plain(value) for key, value in info.items()}
        except KeyError:
            answers[address] = {"error": "no match"}
        except Exception as e:  # the comparison reports whatever the client raised
            answers[address] = {"error": "%s: %s" % (type(e).__name__, e)}
        finally:
            client.close()
    print(json.dumps(answers, sort_keys=True))


if __name__ == "__main__":
    main()
