"""Loaded by a test server's Python (this folder is put on its PYTHONPATH): records every attempt
to reach a host other than this machine in the file named by ``DATELINE_NETWORK_LOG``.

Python raises an audit event before every ``socket.connect``, ``socket.getaddrinfo``,
``socket.gethostbyname`` and ``socket.sendto``; the hook writes one line per attempt whose host is
not the loopback interface (or a wildcard bind address, which reaches nothing). Nothing is
blocked: the test reads the file.
"""

from __future__ import annotations

import ipaddress
import os
import sys

_LOG = os.environ.get("DATELINE_NETWORK_LOG")
_LOCAL_NAMES = {"", "localhost", "localhost.localdomain", "ip6-localhost", "0.0.0.0", "::"}
_EVENTS = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto"}


def _host(event: str, args: tuple) -> object:
    if event in ("socket.connect", "socket.sendto"):
        address = args[1]
        return address[0] if isinstance(address, tuple) else None  # a Unix socket's path is local
    return args[0]


def _is_local(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    name = str(host).strip().lower().strip("[]")
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple) -> None:
    if event not in _EVENTS:
        return
    try:
        host = _host(event, args)
    except (IndexError, TypeError):
        host = repr(args)
    if not _is_local(host):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{event} {host!r} {args[1:]!r}\n")


if _LOG:
    sys.addaudithook(_audit)
