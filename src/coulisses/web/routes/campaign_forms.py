"""Campaign forms: the common edits (beats, episodes, BTS items, people and consent, shoot
days, platforms, KPI targets) as forms that write the campaign file itself, through
``coulisses.campaign.edit`` (comments and layout kept), validated by the loader and saved like
the YAML editor's text (``campaigns.store``: version check, conflict page)."""

from __future__ import annotations

from typing import Any, Literal, cast

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from coulisses.campaign import edit
from coulisses.errors import CampaignError, NotFoundError, UsageError
from coulisses.studio.tables import Campaign, Membership
from coulisses.web.bodylimit import FIELD_MAX
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.error_text import error_line
from coulisses.web.routes.campaigns import _lang, campaign_in, located, store
from coulisses.web.routes.trash import CONFIRM, confirm_page

router = APIRouter()
Operation = Literal["save", "add", "remove"]


def _section(name: str) -> edit.Section:
    section = edit.SECTIONS.get(name)
    if section is None:
        raise NotFoundError("No such form.", hint=", ".join(edit.SECTIONS))
    return section


def path_key(path: edit.Path) -> str:
    """A list's path as a form sends it: ``series.0.episodes``."""
    return ".".join(str(p) for p in path)


def _path(raw: str) -> edit.Path:
    return tuple(int(p) if p.isdigit() else p for p in raw.split(".") if p)[:5]


def _page(request: Request, row: Campaign, section: edit.Section, *, text: str | None = None,
          problems: list[str] | None = None, status_code: int = 200,
          lines: list[Any] | None = None) -> Response:
    source = row.source if text is None else text
    try:
        doc = edit.parse(source)
        found = [(path_key(p), label, [
            {f.key: edit.show(item.get(f.key), f.kind) for f in section.fields}
            for item in items if hasattr(item, "get")]) for p, label, items in
            edit.lists(doc, section)]
    except CampaignError as exc:
        found, problems = [], [*(problems or []), error_line(exc, _lang(request))]
    return render(request, "campaigns_forms.html", {
        "campaign": row, "tab": "forms", "section": section, "sections": list(edit.SECTIONS),
        "lists": found, "version": row.version_id, "problems": problems or [],
        "located": lines}, status_code=status_code)


@router.get("/w/{workspace_id}/campaigns/{campaign_id}/forms", name="campaign_forms_index")
def campaign_forms_index(workspace_id: int, campaign_id: int, db: SessionDep,
                         member: Membership = Depends(require("campaign.edit"))) -> Response:
    row = campaign_in(db, workspace_id, campaign_id)
    return RedirectResponse(f"/w/{workspace_id}/campaigns/{row.id}/forms/beats",
                            status_code=303)


@router.get("/w/{workspace_id}/campaigns/{campaign_id}/forms/{section}",
            name="campaign_forms_show")
def campaign_forms_show(request: Request, workspace_id: int, campaign_id: int, section: str,
                        db: SessionDep,
                        member: Membership = Depends(require("campaign.edit"))) -> Response:
    row = campaign_in(db, workspace_id, campaign_id)
    return _page(request, row, _section(section))


@router.post("/w/{workspace_id}/campaigns/{campaign_id}/forms/{section}",
             name="campaign_forms_save")
async def campaign_forms_save(request: Request, workspace_id: int, campaign_id: int,
                              section: str, db: SessionDep,
                              member: Membership = Depends(require("campaign.edit"))
                              ) -> Response:
    """Apply one form (save an item, add one, remove one: asked first) to the file."""
    form = await request.form(max_part_size=FIELD_MAX)
    data = {k: str(form.get(k) or "") for k in form}
    row = campaign_in(db, workspace_id, campaign_id)
    chosen = _section(section)
    op = data.get("op", "save")
    if op not in ("save", "add", "remove"):
        raise UsageError(f"op {op[:20]!r} is not save, add or remove")
    try:
        version = int(data.get("version", ""))
        index = int(data["index"]) if data.get("index", "").strip() else None
    except ValueError:
        raise UsageError("the form does not say which version or item it changes") from None
    here = f"/w/{workspace_id}/campaigns/{row.id}/forms/{chosen.name}"
    if op == "remove" and data.get("confirm") != CONFIRM:
        return confirm_page(request, what="forms.item", name=_item_name(row, chosen, data),
                            action=here, back=here, to_trash=False,
                            hidden={k: v for k, v in data.items() if k != "csrf_token"})
    values = {f.key: data.get(f"f.{f.key}", "") for f in chosen.fields
              if f"f.{f.key}" in data or f.kind == "bool"}
    text = edit.edit(row.source, chosen.name, cast(Operation, op), _path(data.get("list", "")),
                     index, values)
    try:
        return store(request, db, row, text, version, member.user_id, here)
    except CampaignError as exc:
        return _page(request, row, chosen, problems=[error_line(exc, _lang(request))],
                     status_code=422,
                     lines=[x for x in located(exc, text, _lang(request)) if x[2]])


def _item_name(row: Campaign, section: edit.Section, data: dict[str, str]) -> str:
    try:
        for path, _, items in edit.lists(edit.parse(row.source), section):
            if path_key(path) == data.get("list") and data.get("index", "").isdigit():
                item = items[int(data["index"])]
                return str(item.get("id") or item.get("platform") or item.get("name") or "")
    except (CampaignError, IndexError, AttributeError):
        pass
    return ""
