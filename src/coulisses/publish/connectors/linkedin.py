"""LinkedIn Videos and Posts API: initializeUpload, PUT each part to its own URL (keep the
ETags), finalizeUpload, wait until AVAILABLE, then the post; ``LinkedIn-Version`` from data.
A post whose options carry a ``poll`` is a poll post: text and the poll, no video."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from coulisses.errors import PlatformError, TransientError
from coulisses.publish.connectors.base import Context, Journal, Published, Upload, read_piece
from coulisses.publish.failures import UnknownOutcome

P = "linkedin"


class LinkedInConnector:
    def __init__(self, ctx: Context, *, today: date | None = None) -> None:
        self.ctx = ctx
        self.api = ctx.endpoints.api
        self.today = today or date.today()
        version = self.api.api_version
        self.headers = {version.header or "LinkedIn-Version": version.value,
                        "X-Restli-Protocol-Version": "2.0.0"}

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        return self.ctx.client.call(method, url, headers=self.headers, **kwargs)

    def _posted(self, up: Upload, video: str) -> Published | None:
        """The post that carries ``video``, if one exists (asked before posting again)."""
        r = self._call("GET", self.ctx.endpoints.base + "/rest/posts",
                       params={"q": "author", "author": author_urn(up.account)})
        for element in r.json().get("elements") or []:
            if ((element.get("content") or {}).get("media") or {}).get("id") == video:
                urn = str(element["id"])
                return Published(urn, f"https://www.linkedin.com/feed/update/{urn}")
        return None

    def publish(self, up: Upload, journal: Journal) -> Published:
        version = self.api.api_version
        if self.api.retired(self.today):
            raise PlatformError(P, f"LinkedIn-Version {version.value} was retired on "
                                   f"{version.retires}", code="NONEXISTENT_VERSION",
                                hint="set a current version in publish/data/linkedin.yaml")
        if up.options.get("poll"):
            return self._publish_poll(up, journal)
        st = journal.state
        if "video" not in st:
            journal.intent("initialize")
            body = self._call("POST", self.ctx.endpoints.url("initialize"), json={
                "initializeUploadRequest": {"owner": author_urn(up.account),
                                            "fileSizeBytes": up.size, "uploadCaptions": False,
                                            "uploadThumbnail": False}}).json()["value"]
            journal.outcome("initialize", video=body["video"], token=body.get("uploadToken", ""),
                            parts=body["uploadInstructions"], etags={})
        elif st.get("posting"):
            done = self._posted(up, st["video"])
            if done:
                return done
        etags: dict[str, str] = dict(st.get("etags") or {})
        for index, part in enumerate(st["parts"]):
            if str(index) in etags:
                continue
            first, last = int(part["firstByte"]), int(part["lastByte"])
            r = self.ctx.client.call("PUT", part["uploadUrl"], auth=False,
                                     content=read_piece(up.path, first, last - first + 1),
                                     headers={"Content-Type": "application/octet-stream"})
            etags[str(index)] = r.headers["etag"]
            journal.outcome("part", etags=etags)
        if not st.get("finalized"):
            self._call("POST", self.ctx.endpoints.url("finalize"), json={
                "finalizeUploadRequest": {"video": st["video"], "uploadToken": st["token"],
                                          "uploadedPartIds": [etags[k] for k in
                                                              sorted(etags, key=int)]}})
            journal.outcome("finalize", finalized=True)
        video_url = self.ctx.endpoints.url("video", video=quote(st["video"], safe=""))
        for _ in range(self.ctx.max_polls):
            status = self._call("GET", video_url).json().get("status")
            if status == "AVAILABLE":
                break
            if status == "PROCESSING_FAILED":
                raise PlatformError(P, "LinkedIn could not process the video",
                                    code="PROCESSING_FAILED")
            time.sleep(self.ctx.poll_s)
        else:
            raise TransientError("linkedin: the video is still processing")
        body = {"author": author_urn(up.account), "commentary": up.caption,
                "visibility": up.options.get("visibility", "PUBLIC"),
                "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                                 "thirdPartyDistributionChannels": []},
                "content": {"media": {"title": up.options.get("title", ""), "id": st["video"]}},
                "lifecycleState": "PUBLISHED",
                "isReshareDisabledByAuthor": bool(up.options.get("disable_reshare", False))}
        return self._post(body, journal, lambda: self._posted(up, st["video"]))

    def _post(self, body: dict[str, Any], journal: Journal,
              find: Callable[[], Published | None]) -> Published:
        """The one call that makes the post public; an unknown outcome is asked about first."""
        for _ in range(3):
            journal.intent("post", posting=True)
            try:
                r = self._call("POST", self.ctx.endpoints.url("posts"), final=True, json=body)
            except UnknownOutcome:
                done = find()
                if done:
                    return done
                continue  # no such post: it never landed, safe to send again
            urn = r.headers["x-restli-id"]
            return Published(urn, f"https://www.linkedin.com/feed/update/{urn}")
        raise TransientError("linkedin: the post got no answer three times and does not exist")

    def _poll_posted(self, up: Upload) -> Published | None:
        """The poll post already made for this upload (same text, same question), if any."""
        r = self._call("GET", self.ctx.endpoints.base + "/rest/posts",
                       params={"q": "author", "author": author_urn(up.account)})
        question = up.options["poll"]["question"]
        for element in r.json().get("elements") or []:
            poll = (element.get("content") or {}).get("poll") or {}
            if poll.get("question") == question and element.get("commentary") == up.caption:
                urn = str(element["id"])
                return Published(urn, f"https://www.linkedin.com/feed/update/{urn}")
        return None

    def _publish_poll(self, up: Upload, journal: Journal) -> Published:
        """A poll post: text and a poll of 2 to 4 options, no media (LinkedIn takes no
        media with a poll); resumed, it first looks for the post it may already have made."""
        if journal.state.get("posting"):
            done = self._poll_posted(up)
            if done:
                return done
        poll = up.options["poll"]
        body = {"author": author_urn(up.account), "commentary": up.caption,
                "visibility": up.options.get("visibility", "PUBLIC"),
                "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                                 "thirdPartyDistributionChannels": []},
                "content": {"poll": {"question": poll["question"],
                                     "options": [{"text": t} for t in poll["options"]],
                                     "settings": {"duration": poll["duration"]}}},
                "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False}
        return self._post(body, journal, lambda: self._poll_posted(up))


def author_urn(account: str) -> str:
    """The URN a post is authored as: a member's id, or an organization's URN as looked up."""
    return account if account.startswith("urn:li:") else f"urn:li:person:{account}"
