"""The sandbox itself: its documented rules, its faults, and a record that survives restarts."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from publishkit import sandbox_posts, sign_in, start_sandbox

from coulisses.errors import UsageError
from coulisses.publish.api import PlatformApi
from coulisses.publish.oauth import authorize_url, exchange_code, pkce_pair
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.sandbox.faults import parse_faults


def _bearer(api: PlatformApi, url: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {sign_in(api, url).access_token}"}


def test_the_record_survives_a_restart(tmp_path: Path, apis: dict[str, PlatformApi]) -> None:
    server = start_sandbox(tmp_path / "sb")
    try:
        headers = _bearer(apis["youtube"], server.url)
        start = httpx.post(f"{server.url}/youtube/upload/youtube/v3/videos",
                           params={"uploadType": "resumable"}, json={"snippet": {}},
                           headers={**headers, "X-Upload-Content-Length": "5"})
        session = start.headers["location"]
        done = httpx.put(session, content=b"hello", headers={**headers,
                                                            "Content-Range": "bytes 0-4/5"})
        assert done.status_code == 201
    finally:
        server.stop()
    again = start_sandbox(tmp_path / "sb")
    try:
        [post] = sandbox_posts(again.url)
        assert (post["platform"], post["size_bytes"]) == ("youtube", 5)
        assert post["platform_id"] in httpx.get(again.url + "/").text
        query = httpx.put(session.replace(f":{server.port}/", f":{again.port}/"),
                          headers={**_bearer(apis["youtube"], again.url),
                                   "Content-Range": "bytes */5"})
        assert query.status_code == 200 and query.json()["id"] == post["platform_id"]
    finally:
        again.stop()


def test_youtube_refuses_pieces_that_are_not_256_kib_multiples(
        sandbox: SandboxServer, apis: dict[str, PlatformApi]) -> None:
    headers = _bearer(apis["youtube"], sandbox.url)
    size = 600_000
    start = httpx.post(f"{sandbox.url}/youtube/upload/youtube/v3/videos",
                       params={"uploadType": "resumable"}, json={},
                       headers={**headers, "X-Upload-Content-Length": str(size)})
    bad = httpx.put(start.headers["location"], content=b"x" * 300_000,
                    headers={**headers, "Content-Range": f"bytes 0-299999/{size}"})
    assert bad.status_code == 400 and "multiples of 262144" in bad.text
    good = httpx.put(start.headers["location"], content=b"x" * 262_144,
                     headers={**headers, "Content-Range": f"bytes 0-262143/{size}"})
    assert good.status_code == 308 and good.headers["range"] == "bytes=0-262143"


@pytest.mark.parametrize(("size", "chunk", "count", "ok"), [
    (3_000, 3_000, 1, True),
    (70_000_000, 70_000_000, 1, False),      # over 64 MB must be chunked
    (70_000_000, 10_000_000, 7, True),
    (70_000_000, 10_000_000, 6, False),      # count must be floor(size / chunk)
    (70_000_000, 4_000_000, 17, False),      # chunks under 5 MB
])
def test_tiktok_init_checks_the_chunk_plan(size: int, chunk: int, count: int, ok: bool,
                                           sandbox: SandboxServer,
                                           apis: dict[str, PlatformApi]) -> None:
    r = httpx.post(f"{sandbox.url}/tiktok/v2/post/publish/video/init/",
                   headers=_bearer(apis["tiktok"], sandbox.url),
                   json={"post_info": {"privacy_level": "SELF_ONLY"},
                         "source_info": {"source": "FILE_UPLOAD", "video_size": size,
                                         "chunk_size": chunk, "total_chunk_count": count}})
    assert (r.status_code == 200) is ok, r.text
    if not ok:
        assert r.json()["error"]["code"] == "invalid_params"


def test_linkedin_wants_the_active_version(sandbox: SandboxServer,
                                           apis: dict[str, PlatformApi]) -> None:
    headers = _bearer(apis["linkedin"], sandbox.url)
    url = f"{sandbox.url}/linkedin/rest/videos?action=initializeUpload"
    assert httpx.post(url, headers=headers, json={}).status_code == 400
    old = httpx.post(url, headers={**headers, "LinkedIn-Version": "202506"}, json={})
    assert old.status_code == 426 and old.json()["code"] == "NONEXISTENT_VERSION"


def test_a_dropped_answer_closes_the_connection_after_committing(
        tmp_path: Path, apis: dict[str, PlatformApi]) -> None:
    server = start_sandbox(tmp_path / "sb", parse_faults("drop=1"))
    try:
        headers = _bearer(apis["youtube"], server.url)
        start = httpx.post(f"{server.url}/youtube/upload/youtube/v3/videos",
                           params={"uploadType": "resumable"}, json={},
                           headers={**headers, "X-Upload-Content-Length": "3"})
        with pytest.raises(httpx.TransportError):
            httpx.put(start.headers["location"], content=b"abc",
                      headers={**headers, "Content-Range": "bytes 0-2/3"})
        assert len(sandbox_posts(server.url)) == 1
    finally:
        server.stop()


def test_oauth_checks_the_pkce_verifier(sandbox: SandboxServer,
                                        apis: dict[str, PlatformApi]) -> None:
    _verifier, challenge = pkce_pair()
    url = authorize_url(apis["tiktok"], sandbox.url, client_id="c", redirect_uri="http://x/cb",
                        challenge=challenge, state="s")
    code = httpx.get(url).headers["location"].split("code=")[1].split("&")[0]
    from coulisses.errors import AuthenticationError

    with httpx.Client() as client, pytest.raises(AuthenticationError, match="refused"):
        exchange_code(apis["tiktok"], sandbox.url, code=httpx.QueryParams(f"c={code}")["c"],
                      verifier="not-the-verifier", redirect_uri="http://x/cb", client_id="c",
                      client=client)


@pytest.mark.parametrize("spec", ["5xx", "boom=0.1", "5xx=2", "429=x"])
def test_bad_fault_specs_are_refused(spec: str) -> None:
    with pytest.raises(UsageError):
        parse_faults(spec)


def test_fault_specs_set_rates_seed_and_retry_after() -> None:
    faults = parse_faults("all=0.1,drop=0.5,seed=4,retry_after=0")
    assert faults.rates["drop"] == 0.5 and faults.rates["quota"] == 0.1
    assert (faults.seed, faults.retry_after) == (4, 0)


def test_the_loopback_sign_in_gets_tokens_through_a_browser(
        sandbox: SandboxServer, apis: dict[str, PlatformApi]) -> None:
    """The test plays the person's browser: it opens the URL and follows the redirects."""
    from coulisses.publish.oauth import loopback_sign_in

    def browser(url: str) -> None:
        assert "code_challenge_method=S256" in url
        assert httpx.get(url, follow_redirects=True).status_code == 200

    with httpx.Client() as client:
        tokens = loopback_sign_in(apis["tiktok"], sandbox.url, client_id="c",
                                  open_url=browser, login_hint="bob", client=client)
    assert tokens.account == "bob" and tokens.refresh_token
