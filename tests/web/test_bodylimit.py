"""Request bodies are capped per route before anything parses them (audit M3, I5).

Over a real socket: a declared length over the cap is refused before one byte of body is
sent, and a chunked body is cut off once it passes the cap, long before its end.
"""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from coulisses.settings import Settings
from coulisses.web.bodylimit import ANONYMOUS_CAP, MB

BOUNDARY = "xXxBoundaryxXx"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", lang="en",
                    upload_max_mb=2)


def _session(app: FastAPI, user_id: int) -> tuple[str, str]:
    """A signed-in session's cookie token and CSRF token, made as sign-in makes them."""
    from coulisses.studio.tables import LoginSession, User
    from coulisses.web.security import _digest, create_session

    with app.state.sessions() as db:
        user = db.get(User, user_id)
        assert user is not None
        token = create_session(db, user)
        db.commit()
        row = db.get(LoginSession, _digest(token))
        assert row is not None
        return token, row.csrf_token


def _exchange(address: tuple[str, int], head: str, chunks: Iterator[bytes], *,
              wait: float = 0.0) -> tuple[int, int]:
    """Send ``head``, give the server ``wait`` seconds to answer, then send ``chunks`` until
    it does; (status, body bytes sent)."""
    sent = 0
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(head.encode("latin-1"))
        select.select([sock], [], [], wait)
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break  # it answered: stop sending
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        except ConnectionResetError:
            pass
    return int(answer.split(b" ", 2)[1]), sent


def _chunked(total: int, prefix: bytes = b"") -> Iterator[bytes]:
    """A chunked-encoded multipart file field of ``total`` bytes, 64 kB at a time."""
    piece = 64 * 1024
    first = prefix + (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
                      f'filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n').encode()
    yield f"{len(first):x}\r\n".encode() + first + b"\r\n"
    for _ in range(total // piece):
        yield f"{piece:x}\r\n".encode() + b"\0" * piece + b"\r\n"
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    yield f"{len(tail):x}\r\n".encode() + tail + b"\r\n0\r\n\r\n"


def _head(method: str, path: str, headers: dict[str, str]) -> str:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return "\r\n".join(lines) + "\r\n\r\n"


@pytest.mark.parametrize("path", ["/login", "/signup"])
def test_anonymous_multipart_is_refused_before_any_byte(live: tuple[str, int],
                                                        path: str) -> None:
    head = _head("POST", path, {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                                "Content-Length": str(60 * MB)})
    status, sent = _exchange(live, head, iter([b"\0" * 1024] * 100), wait=5)
    assert status == 415
    assert sent == 0  # answered on the headers alone, not after 60 MB


def test_an_anonymous_body_over_the_small_cap_is_refused_by_its_length(
        live: tuple[str, int]) -> None:
    head = _head("POST", "/login", {"Content-Type": "application/x-www-form-urlencoded",
                                    "Content-Length": str(ANONYMOUS_CAP + 1)})
    status, _ = _exchange(live, head, iter([]))
    assert status == 413


@pytest.mark.parametrize("token_in", ["header", "form"])
def test_a_chunked_upload_is_cut_off_at_the_cap(live: tuple[str, int], app: FastAPI,
                                                make_user: Any, token_in: str) -> None:
    made = make_user("ed@example.org", role="editor")
    cookie, token = _session(app, made.user_id)
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
               "Transfer-Encoding": "chunked", "Cookie": f"coulisses_session={cookie}"}
    prefix = b""
    if token_in == "header":
        headers["X-CSRF-Token"] = token
    else:
        prefix = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                  f"{token}\r\n").encode()
    total = 60 * MB
    status, sent = _exchange(live, _head("POST", f"/w/{made.workspace_id}/rushes/upload",
                                         headers), _chunked(total, prefix))
    assert status == 413
    # the cap is 2 MB + 1 MB of form; what sat in socket buffers when it answered comes on top
    assert sent < 20 * MB


def test_a_file_to_a_page_that_takes_none_is_refused(client: TestClient, make_user: Any,
                                                     login: Any, csrf: Any) -> None:
    made = make_user("owner@example.org")
    login(client, made.email)
    response = client.post("/workspaces", data={"csrf_token": csrf(client), "name": "X"},
                           files={"junk": ("a.bin", b"\0" * 1000)})
    assert response.status_code == 415
    assert "takes no files" in response.text


def test_a_campaign_file_over_its_cap_is_refused_by_its_declared_length(
        client: TestClient, make_user: Any, login: Any, csrf: Any) -> None:
    made = make_user("owner@example.org")
    login(client, made.email)
    response = client.post(f"/w/{made.workspace_id}/campaigns",
                           data={"csrf_token": csrf(client)},
                           files={"file": ("c.yaml", b"#" * (10 * MB))})
    assert response.status_code == 413
    assert "MB this page accepts" in response.text


def test_the_refusals_speak_french_too(client: TestClient, make_user: Any, login: Any,
                                       csrf: Any) -> None:
    made = make_user("owner@example.org")
    login(client, made.email)
    response = client.post("/workspaces?lang=fr", data={"csrf_token": csrf(client)},
                           files={"junk": ("a.bin", b"\0" * 10)})
    assert response.status_code == 415 and "ne prend pas de fichiers" in response.text
    big = client.post(f"/w/{made.workspace_id}/campaigns?lang=fr",
                      data={"csrf_token": csrf(client)},
                      files={"file": ("c.yaml", b"#" * (10 * MB))})
    assert big.status_code == 413 and "3 MB que cette page accepte" in big.text
