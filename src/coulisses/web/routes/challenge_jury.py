"""The jury page of a challenge: the shortlisted (else every visible) entries side by side, a
player each, keyboard shortcuts, each juror's score and note, blind mode, and the agreement
between jurors. Members who may judge (``challenge.judge``) of the challenge's workspace only;
blind mode is set by those who run the challenge (``challenge.jury``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from coulisses.challenges import jury
from coulisses.challenges.entry import challenge_folder
from coulisses.challenges.files import located
from coulisses.challenges.tables import ChallengeRow
from coulisses.errors import NotFoundError, UsageError
from coulisses.studio.tables import Membership
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.errors_web import wants_json
from coulisses.web.forms import settings_of
from coulisses.web.playback import for_player
from coulisses.web.roles import allowed

router = APIRouter()
BASE = "/w/{workspace_id}/challenges/{challenge_id}/jury"


def challenge_in(db: SessionDep, workspace_id: int, challenge_id: int) -> ChallengeRow:
    """A challenge of this workspace (the same 404 for another workspace's as for none).

    Raises:
        NotFoundError: no such challenge in the workspace.
    """
    row = db.get(ChallengeRow, challenge_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFoundError("No such challenge.", hint="check the link")
    return row


def _entries(request: Request, db: SessionDep, row: ChallengeRow) -> list[Any]:
    folder = challenge_folder(settings_of(request).data_dir, row.id)
    return jury.jury_entries(db, row, jury.shortlisted_ids(folder))


@router.get(BASE, name="challenge_jury")
def challenge_jury(request: Request, workspace_id: int, challenge_id: int, db: SessionDep,
                   member: Membership = Depends(require("challenge.judge"))) -> Response:
    row = challenge_in(db, workspace_id, challenge_id)
    entries = _entries(request, db, row)
    people = jury.same_person(challenge_folder(settings_of(request).data_dir, row.id))
    cards = jury.cards(db, row, member.user_id, entries, people)
    agreement = jury.agreement(db, row)
    blind = jury.jury_of(db, row).blind
    may_run = allowed(member.role, "challenge.jury")
    db.commit()
    if wants_json(request):
        return JSONResponse({"blind": blind, "entries": [
            {"id": c.public_id, "entrant": c.entrant, "mine": c.mine, "note": c.my_note,
             "others": None if c.others is None else list(c.others),
             "same_person_as": list(c.same_person_as),
             "file_missing": c.file_missing} for c in cards],
            "agreement": {"alpha": agreement.alpha, "method": agreement.method,
                          "jurors": agreement.jurors, "entries": agreement.entries}})
    return render(request, "challenge_jury.html", {
        "challenge": row, "cards": cards, "agreement": agreement, "blind": blind,
        "scores": range(jury.MIN_SCORE, jury.MAX_SCORE + 1), "note_max": jury.NOTE_MAX,
        "base": f"/w/{workspace_id}/challenges/{challenge_id}/jury",
        "may_run": may_run,
        "standings": jury.standings(db, entries) if may_run or not blind else []})


@router.post(BASE + "/{public_id}/score", name="challenge_jury_score")
async def challenge_jury_score(request: Request, workspace_id: int, challenge_id: int,
                               public_id: str, db: SessionDep,
                               member: Membership = Depends(require("challenge.judge"))
                               ) -> Response:
    row = challenge_in(db, workspace_id, challenge_id)
    form = await request.form()
    raw, note = form.get("score"), form.get("note")
    if not isinstance(raw, str) or not raw.strip().isdigit() or len(raw) > 3:
        raise UsageError("choose a score from 1 to 5")
    saved = jury.score(db, row, public_id, member.user_id, int(raw),
                       note if isinstance(note, str) else "")
    db.commit()
    if wants_json(request):
        return JSONResponse({"id": public_id, "score": saved.score, "note": saved.note})
    return RedirectResponse(f"/w/{workspace_id}/challenges/{challenge_id}/jury#{public_id}",
                            status_code=303)


@router.post(BASE + "/blind", name="challenge_jury_blind")
async def challenge_jury_blind(request: Request, workspace_id: int, challenge_id: int,
                               db: SessionDep,
                               member: Membership = Depends(require("challenge.jury"))
                               ) -> Response:
    row = challenge_in(db, workspace_id, challenge_id)
    form = await request.form()
    jury.set_blind(db, row, form.get("blind") == "on")
    db.commit()
    return RedirectResponse(f"/w/{workspace_id}/challenges/{challenge_id}/jury",
                            status_code=303)


@router.get(BASE + "/{public_id}/video", name="challenge_jury_video")
def challenge_jury_video(request: Request, workspace_id: int, challenge_id: int,
                         public_id: str, db: SessionDep,
                         member: Membership = Depends(require("challenge.judge"))
                         ) -> FileResponse:
    row = challenge_in(db, workspace_id, challenge_id)
    entry = jury.entry_of(db, row, public_id)  # a hidden entry is not found
    path = located(entry.path, None)  # named by the row, never by the request
    if not entry.path or not path.is_file():
        raise NotFoundError(f"The video of entry {entry.public_id} is missing on the server.",
                            hint="whoever runs the challenge can put the file back or take "
                                 "it in again")
    shown, kind = for_player(request, path)  # an iPhone's HEVC entry plays as its H.264 copy
    return FileResponse(shown, media_type=kind, filename=None)
