"""Which account to post as, found after the sign-in by each platform's documented lookup:
Meta's ``GET /me/accounts`` (a Page and its Page token; a Page's Instagram professional
account), LinkedIn's OpenID ``userinfo`` (the member) and ``organizationAcls`` (their pages)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx

from coulisses.errors import AuthenticationError, PlatformError, TransientError, UsageError
from coulisses.publish.api import PlatformApi
from coulisses.publish.connectors.base import Endpoints
from coulisses.publish.connectors.http import ApiClient, Backoff
from coulisses.publish.oauth import TokenSet


@dataclass(frozen=True)
class Choice:
    """An account the signed-in person may post as."""

    id: str  # what the connector puts in its calls: a Page id, an IG user id, a member or URN
    name: str
    kind: str  # page, instagram, member, organization
    token: str = ""  # its own access token (a Facebook Page's), else the person's is used
    default: bool = False  # taken when the person names none (a LinkedIn member)


Renew = Callable[[TokenSet], TokenSet]


class _Held:
    """The tokens of the sign-in just made, renewed if the platform says they expired."""

    def __init__(self, api: PlatformApi, tokens: TokenSet, renew: Renew | None) -> None:
        self.api = api
        self.tokens = tokens
        self.renew = renew

    def access(self) -> str:
        return self.tokens.access_token

    def refresh(self) -> str:
        if self.renew is None:
            raise AuthenticationError(f"{self.api.name} refused the new sign-in's token",
                                      hint="connect the account again")
        self.tokens = self.renew(self.tokens)
        return self.tokens.access_token


def _get(api: PlatformApi, url: str, held: _Held, client: httpx.Client,
         params: dict[str, str] | None = None,
         headers: dict[str, str] | None = None) -> dict[str, Any]:
    """One lookup call, retried by the platform's rules (5xx, 429 and ``Retry-After``)."""
    calls = ApiClient(api.id, held, client=client, max_tries=6,
                      backoff=Backoff(base_s=0.2, cap_s=5.0), deadline_s=30.0)
    try:
        r = calls.call("GET", url, params=params, headers=headers)
    except (PlatformError, TransientError) as exc:
        raise AuthenticationError(f"{api.name} refused the account lookup ({exc.one_line()})",
                                  hint="check the permissions the app asks for, then connect "
                                       "the account again") from None
    body: dict[str, Any] = r.json()
    return body


def _meta_pages(api: PlatformApi, where: Endpoints, token: _Held,
                client: httpx.Client) -> list[Choice]:
    body = _get(api, where.url("me_accounts"), token, client,
                params={"fields": "id,name,access_token"})
    return [Choice(str(p["id"]), str(p.get("name") or p["id"]), "page",
                   token=str(p.get("access_token") or ""))
            for p in body.get("data", [])]


def _meta_instagram(api: PlatformApi, where: Endpoints, token: _Held,
                    client: httpx.Client) -> list[Choice]:
    body = _get(api, where.url("me_accounts"), token, client,
                params={"fields": "id,name,instagram_business_account{id,username}"})
    found = []
    for page in body.get("data", []):
        ig = page.get("instagram_business_account") or {}
        if ig.get("id"):
            found.append(Choice(str(ig["id"]), str(ig.get("username") or ig["id"]),
                                "instagram"))
    return found


def _linkedin(api: PlatformApi, where: Endpoints, token: _Held,
              client: httpx.Client) -> list[Choice]:
    me = _get(api, where.url("userinfo"), token, client)
    found = [Choice(str(me["sub"]), str(me.get("name") or me["sub"]), "member", default=True)]
    headers = {api.api_version.header or "LinkedIn-Version": api.api_version.value,
               "X-Restli-Protocol-Version": "2.0.0"}
    acls = _get(api, where.url("organization_acls"), token, client, headers=headers,
                params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"})
    found += [Choice(str(e["organization"]), str(e["organization"]).rsplit(":", 1)[-1],
                     "organization") for e in acls.get("elements", [])]
    return found


LOOKUPS: dict[str, Callable[[PlatformApi, Endpoints, _Held, httpx.Client], list[Choice]]] = {
    "meta-pages": _meta_pages, "meta-instagram": _meta_instagram, "linkedin": _linkedin}


def choices(api: PlatformApi, sandbox_url: str, tokens: TokenSet, client: httpx.Client,
            renew: Renew | None = None) -> tuple[list[Choice], TokenSet]:
    """The accounts the signed-in person may post as (one for platforms that name it), and
    the tokens (renewed if they expired meanwhile).

    Raises:
        AuthenticationError: the lookup was refused or the platform cannot be reached.
    """
    lookup = LOOKUPS.get(api.auth.lookup)
    if lookup is None:
        return [Choice(tokens.account, tokens.account, "account", default=True)], tokens
    held = _Held(api, tokens, renew)
    return lookup(api, Endpoints(api, sandbox_url), held, client), held.tokens


def pick(api: PlatformApi, found: list[Choice], wanted: str) -> Choice:
    """The account named ``wanted`` (id or name), the only one, or the default one.

    Raises:
        UsageError: none found, none matches, or several and none named.
    """
    if not found:
        what = {"meta-instagram": "no Page with an Instagram professional account",
                "meta-pages": "no Facebook Page"}.get(api.auth.lookup, "no account")
        raise UsageError(f"{api.name}: this sign-in manages {what}",
                         hint="sign in as a person who manages one, with the permissions "
                              "the app asks for")
    listed = ", ".join(f"{c.id} ({c.kind} {c.name})" for c in found)
    if wanted:
        for choice in found:
            if wanted in (choice.id, choice.name, choice.id.rsplit(":", 1)[-1]):
                return choice
        raise UsageError(f"{api.name}: no account {wanted!r} in this sign-in",
                         hint=f"pick one of: {listed}")
    defaults = [c for c in found if c.default]
    if len(found) == 1 or len(defaults) == 1:
        return found[0] if len(found) == 1 else defaults[0]
    raise UsageError(f"{api.name}: this sign-in can post as {len(found)} accounts",
                     hint=f"say which with --account: {listed}")


def settle(api: PlatformApi, sandbox_url: str, tokens: TokenSet, client: httpx.Client,
           wanted: str = "", renew: Renew | None = None) -> TokenSet:
    """The token set of the account picked after the sign-in: its id, and its own token when
    it has one (a Facebook Page's).

    Raises:
        AuthenticationError: the lookup was refused.
        UsageError: no account, or several and none named.
    """
    if not api.auth.needs_account or api.auth.lookup == "token":
        if wanted and wanted != tokens.account:
            raise UsageError(f"{api.name} signed in as {tokens.account}, not {wanted}",
                             hint="sign in as that account, or leave --account out")
        return tokens
    found, tokens = choices(api, sandbox_url, tokens, client, renew)
    chosen = pick(api, found, wanted)
    if chosen.token and api.auth.long_lived:  # a Page token read with a long-lived user token
        return replace(tokens, account=chosen.id, access_token=chosen.token, expires_at=None)
    return replace(tokens, account=chosen.id, access_token=chosen.token or tokens.access_token)
