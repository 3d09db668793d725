"""No request leaves the machine: the running server under strace.

The first test starts the server as ``streamlit run app.py`` with nothing but the
repository's ``.streamlit/config.toml`` (no ``--server.address`` flag), so the loopback
binding and the absence of start-up lookups must come from the configuration itself.
``strace -f`` records every ``connect``, ``sendto``, ``sendmsg`` and ``bind`` of the
server and its threads while a real browser session loads the calculator, enters a case
and downloads a report (page runs, the report builders, the ``/media`` route). The second
starts it as ``make run`` does and opens a WebSocket from a foreign origin, the one path
on which Streamlit looks up addresses after start-up. Both fail on any connection to an
address that is not loopback, any DNS query (port 53, on any address, or a resolver
socket such as nscd or systemd-resolved), and on a listening socket bound to anything
but 127.0.0.1.

Why strace and not a network namespace: ``unshare -n`` needs privileges a CI runner may
not grant, while ptrace of one's own child works everywhere the tests run; and a namespace
would only show that requests *fail*, where the trace shows that none is *made*.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.support.browser import (
    ARTIFACTS,
    REPO,
    SERVER_START_TIMEOUT_S,
    SESSION_CASES,
    AppServer,
    _health_ok,
    fill_case,
    free_port,
    open_session,
    server_env,
)

pytestmark = pytest.mark.browser

LOOPBACK_V4 = re.compile(r"^127\.")
LOOPBACK_V6 = {"::1", "::ffff:127.0.0.1"}
_INET = re.compile(r'sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)')
_INET6 = re.compile(r'sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"')
_UNIX = re.compile(r'sun_path=(?:@)?"([^"]*)"')
_CALL = re.compile(r"^\d+\s+(connect|sendto|sendmsg|sendmmsg|bind)\(")
RESOLVER_SOCKETS = ("nscd", "resolve", "dns")


def outside_calls(trace: str) -> list[str]:
    """The traced calls that reach beyond the machine, or ask a resolver for a name."""
    bad: list[str] = []
    for line in trace.splitlines():
        call = _CALL.match(line)
        if call is None:
            continue
        for port, address in (*_INET.findall(line), *_INET6.findall(line)):
            loopback = LOOPBACK_V4.match(address) or address in LOOPBACK_V6
            if call.group(1) == "bind":
                # A listening socket on a wildcard or outside address exposes the server;
                # 0.0.0.0 port 0 is an unbound client socket (harmless).
                if not loopback and port != "0":
                    bad.append(line)
            elif not loopback or port == "53":
                bad.append(line)
        for path in _UNIX.findall(line):
            if any(word in path for word in RESOLVER_SOCKETS):
                bad.append(line)
    return bad


def _v4(call: str, port: int, address: str) -> str:
    """A line as strace 6 prints an IPv4 ``connect`` or ``bind``."""
    return (
        f"7 {call}(3, {{sa_family=AF_INET, sin_port=htons({port}), "
        f'sin_addr=inet_addr("{address}")}}, 16) = 0'
    )


def test_outside_calls_are_recognised():
    """The parser itself, on lines strace 6 prints (so a quiet trace is not a blind one)."""
    lines = [
        _v4("connect", 1, "8.8.8.8"),
        _v4("connect", 53, "127.0.0.53"),
        "7 connect(5, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), "
        'inet_pton(AF_INET6, "2600:1f18::1", &sin6_addr), sin6_scope_id=0}, 28) = -1',
        '7 connect(6, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT',
        _v4("bind", 8501, "0.0.0.0"),
    ]
    good = [
        _v4("connect", 8501, "127.0.0.1"),
        _v4("bind", 8501, "127.0.0.1"),
        _v4("bind", 0, "0.0.0.0"),
        '7 connect(4, {sa_family=AF_UNIX, sun_path="/tmp/x.sock"}, 110) = 0',
        '7 sendto(12, "\\x01", 1, 0, NULL, 0) = 1',
    ]
    assert outside_calls("\n".join(lines)) == lines
    assert outside_calls("\n".join(good)) == []


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop strace and the server it traces (one process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


@contextlib.contextmanager
def traced_server(args: list[str], trace_path: Path, name: str) -> Iterator[AppServer]:
    """``python <args> --server.port P`` under ``strace -f``, healthy, until the block ends."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.fail("strace is missing: run `make chromium` (installs it)")
    port = free_port()
    log_path = ARTIFACTS / "logs" / f"{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        strace,
        "-f",
        "-qq",
        "-e",
        "trace=connect,sendto,sendmsg,sendmmsg,bind",
        "-o",
        str(trace_path),
        sys.executable,
        *args,
        "--server.port",
        str(port),
    ]
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=server_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 2 * SERVER_START_TIMEOUT_S
            while not _health_ok(url):
                assert process.poll() is None, log_path.read_text(errors="replace")[-2000:]
                assert time.monotonic() < deadline, "server under strace did not start"
                time.sleep(0.2)
            yield AppServer(url, process, log_path)
        finally:
            _stop(process)


def assert_only_loopback(trace_path: Path, port: int) -> None:
    trace = trace_path.read_text(errors="replace")
    # The trace saw the server: its listening socket is bound to loopback on our port.
    bound = rf"bind\(\d+, \{{sa_family=AF_INET, sin_port=htons\({port}\), "
    assert re.search(bound + r'sin_addr=inet_addr\("127\.0\.0\.1"\)', trace), trace[:2000]
    assert outside_calls(trace) == []


def _port(server: AppServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def test_no_request_leaves_the_machine(browser: Browser, tmp_path: Path):
    trace_path = tmp_path / "server.strace"
    with traced_server(
        ["-m", "streamlit", "run", "app.py"], trace_path, "test_server_isolation"
    ) as server:
        context, app = open_session(browser, server)
        try:
            fill_case(app, SESSION_CASES[0])
            button = app.widget("calc_download_html").get_by_role("button")
            expect(button).to_be_enabled()
            with app.page.expect_download(timeout=60_000) as info:
                button.click()
            assert info.value.failure() is None
        finally:
            context.close()
        port = _port(server)
    assert_only_loopback(trace_path, port)


def _cross_origin_handshake(port: int, origin: str) -> bytes:
    """Open the app's WebSocket as a page from ``origin`` would (as behind a proxy that
    rewrites the Host header); return the server's answer's first line."""
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n"
        f"Origin: {origin}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode("ascii"))
        return sock.recv(4096).split(b"\r\n", 1)[0]


def test_cross_origin_websocket_looks_nothing_up(tmp_path: Path):
    """Before any page has run, a WebSocket from another origin makes Streamlit build its
    allow-list from this machine's addresses (a UDP connect towards 8.8.8.8 and an HTTP
    request to checkip.amazonaws.com). Started as ``make run`` starts it, through
    ``app_pages.server_guard``, the lookups are closed before the first connection, and
    the foreign origin is refused."""
    trace_path = tmp_path / "launcher.strace"
    args = ["-m", "app_pages.server_guard", "run", "app.py", "--server.address", "127.0.0.1"]
    with traced_server(args, trace_path, "test_server_isolation_launcher") as server:
        port = _port(server)
        status = _cross_origin_handshake(port, "http://ward.example.org")
    assert not status.startswith(b"HTTP/1.1 101"), status
    assert_only_loopback(trace_path, port)
