"""Roles and what each may do, as data: the one place that answers "may this member ...?".

Routes ask for an action (``deps.require("campaign.edit")``), never for a role by name, so a
role's powers change here only.
"""

from __future__ import annotations

ROLES: tuple[str, ...] = ("owner", "editor", "reviewer", "client")

_VIEW = {"workspace.view", "campaign.view", "rush.view", "cut.view", "job.view",
         "results.view", "comment.view", "post.view",
         "backstage.preview"}  # backstage: everyone previews, editors publish and moderate
# publishing: a client approves a post's caption and options but edits nothing
_APPROVE = _VIEW | {"post.approve"}
# challenge.judge: reviewers and up sit on a challenge's jury (editors set blind mode)
_REVIEW = _APPROVE | {"comment.create", "comment.edit_own", "cut.approve", "challenge.judge"}
# a client reviews too: comments and approves cuts and posts; the team shares and tags
_CLIENT = _REVIEW
_EDIT = _REVIEW | {"campaign.import", "campaign.edit", "campaign.delete", "rush.upload",
                   "rush.edit", "rush.delete", "cut.create", "cut.render", "job.submit",
                   "results.import", "cut.share", "rush.tag", "cut.delete",
                   "comment.delete_any", "trash.restore", "post.edit", "account.connect",
                   "backstage.publish", "backstage.moderate", "challenge.jury",
                   "challenge.manage"}  # challenges (issue 15): open, close, consent log
_OWN = _EDIT | {"member.manage", "workspace.manage"}

PERMISSIONS: dict[str, frozenset[str]] = {
    "owner": frozenset(_OWN),
    "editor": frozenset(_EDIT),
    "reviewer": frozenset(_REVIEW),
    "client": frozenset(_CLIENT),
}

ACTIONS: frozenset[str] = frozenset().union(*PERMISSIONS.values())


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` (unknown roles may do nothing)."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return action in PERMISSIONS.get(role, frozenset())
