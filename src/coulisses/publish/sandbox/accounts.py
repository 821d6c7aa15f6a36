"""Sandbox routes of the account lookups that follow a sign-in: Meta's ``GET /me/accounts``
(each Page, its own Page token, its Instagram professional account) and LinkedIn's OpenID
``userinfo`` and ``organizationAcls`` (the pages a member administers).

A sandbox person ``NAME`` manages one Page whose id (and Instagram account id) is ``NAME``, and
administers one LinkedIn organization whose number is derived from ``NAME``.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from coulisses.publish.sandbox.context import Sandbox


def organization_of(member: str) -> str:
    """The URN of the one organization the sandbox member ``member`` administers."""
    number = int(hashlib.sha256(member.encode()).hexdigest()[:7], 16) + 10_000_000
    return f"urn:li:organization:{number}"


def may_post_as(urn: str, member: str) -> bool:
    """Whether ``member`` may author as ``urn``: themself, or the organization they run."""
    return urn in (f"urn:li:person:{member}", organization_of(member))


def meta(sb: Sandbox, platform: str) -> APIRouter:
    r = APIRouter(prefix=f"/{platform}")
    version = sb.apis[platform].api_version.value

    @r.get(f"/{version}/me/accounts")
    def me_accounts(request: Request, fields: str = "") -> JSONResponse:
        sb.gate(platform)
        person = sb.account_of(platform, request)
        wanted = {f.split("{", 1)[0].strip() for f in fields.split(",") if f.strip()}
        page: dict[str, object] = {"id": person, "name": f"{person} (sandbox Page)",
                                   "category": "Media", "tasks": ["CREATE_CONTENT", "MANAGE"]}
        if "access_token" in wanted:  # a Page token, issued for the same person: one read
            # with a long-lived user token does not expire, one read with a short-lived does
            lasting = sb.check_signed(sb.bearer(request)) or ["", "", "", ""]
            page["access_token"] = sb.issue(platform, person, kind="P", seconds=0 if lasting[3]
                                            .startswith("L") else None)["access_token"]
        if "instagram_business_account" in wanted:
            page["instagram_business_account"] = {"id": person, "username": person}
        keep = wanted | {"id"}
        return JSONResponse({"data": [{k: v for k, v in page.items() if k in keep}],
                             "paging": {"cursors": {"before": "MA", "after": "MA"}}})

    return r


def linkedin(sb: Sandbox) -> APIRouter:
    P = "linkedin"
    r = APIRouter(prefix=f"/{P}")
    api = sb.apis[P]

    @r.get("/v2/userinfo")
    def userinfo(request: Request) -> JSONResponse:
        sb.gate(P)
        member = sb.account_of(P, request)
        return JSONResponse({"sub": member, "name": f"{member} (sandbox member)",
                             "given_name": member, "family_name": "Sandbox",
                             "locale": {"country": "FR", "language": "fr"},
                             "email_verified": False})

    @r.get("/rest/organizationAcls")
    def acls(request: Request, q: str = "", role: str = "", state: str = "") -> JSONResponse:
        sb.gate(P)
        if request.headers.get(api.api_version.header or "LinkedIn-Version") is None:
            raise sb.fail(P, 400, "VERSION_MISSING", "LinkedIn-Version header is required")
        member = sb.account_of(P, request)
        if q != "roleAssignee":
            raise sb.fail(P, 400, "ILLEGAL_ARGUMENT", "q must be roleAssignee")
        elements = [{"organization": organization_of(member), "role": "ADMINISTRATOR",
                     "state": "APPROVED", "roleAssignee": f"urn:li:person:{member}"}]
        elements = [e for e in elements if (not role or e["role"] == role)
                    and (not state or e["state"] == state)]
        return JSONResponse({"elements": elements, "paging": {"count": 10, "start": 0,
                                                              "total": len(elements)}})

    return r
