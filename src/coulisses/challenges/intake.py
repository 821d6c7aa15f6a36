"""Public intake of a challenge's entries: opening a challenge of a campaign file, the terms an
entrant is shown, the checks of a submission, the parent's confirmation and withdrawal.

No HTTP here: the public and team routes map these calls to pages. Entrants are not accounts:
their contact is kept only until the entry is purged (``ChallengeContact``); everything else is
a salted digest. Links in messages are signed with the challenge's secret, one purpose each.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coulisses.campaign.schema import Challenge
from coulisses.challenges import consent
from coulisses.challenges.entry import challenge_folder, new_entry_id
from coulisses.challenges.intake_tables import ChallengeContact
from coulisses.challenges.tables import ChallengeConsent, ChallengeEntry, ChallengeRow
from coulisses.errors import (
    ConflictError,
    NotFoundError,
    RateLimitError,
    RightsError,
    UploadError,
    UsageError,
)
from coulisses.settings import Settings
from coulisses.studio.board_tables import MailOutbox
from coulisses.studio.tables import Campaign, utcnow
from coulisses.studio.uploads import UploadStore

UPLOAD_GRACE = timedelta(hours=24)  # an upload begun before the end may finish within it
HARD_CAP = 4 * 1024**3  # bytes: an entry of 4 GiB or more is refused at its declared size
PER_ENTRANT = 10  # entries one entrant (one contact address) may send to one challenge
PER_ADDRESS_DAY = 20  # entries one network address may send to one challenge in a day
EMAIL_MAX = 320
PARENT_LINK_DAYS = 14  # a parent's confirmation link works this long
WITHDRAW, PARENT = "withdraw", "parent"
_EMAIL = (1, EMAIL_MAX)

TERMS: dict[str, dict[str, str]] = {
    "en": {
        "data": ("I agree that {owner} processes the data of this entry (the video, the age "
                 "band, country and city I declare, my contact address) to run the challenge "
                 "\"{title}\", until I withdraw it."),
        "release": ("I allow {owner} to use my image and my voice as they appear in this "
                    "video, for the challenge \"{title}\"."),
        "scope": ("Scope of use: {platforms}; {paid}; for {months} months from today."),
        "paid_yes": "paid media (ads) included", "paid_no": "no paid media (no ads)",
        "all_platforms": "every platform of the campaign",
        "parent": ("As the parent or legal guardian of the entrant, I give my consent jointly "
                   "with them to each item above for the challenge \"{title}\"."),
    },
    "fr": {
        "data": ("J'accepte que {owner} traite les données de cette participation (la vidéo, "
                 "la tranche d'âge, le pays et la ville que je déclare, mon adresse de contact) "
                 "pour organiser le défi « {title} », jusqu'à ce que je la retire."),
        "release": ("J'autorise {owner} à utiliser mon image et ma voix telles qu'elles "
                    "paraissent dans cette vidéo, pour le défi « {title} »."),
        "scope": ("Étendue de l'utilisation : {platforms} ; {paid} ; pendant {months} mois à "
                  "compter d'aujourd'hui."),
        "paid_yes": "publicité payante comprise", "paid_no": "sans publicité payante",
        "all_platforms": "toutes les plateformes de la campagne",
        "parent": ("En tant que parent ou tuteur légal du participant, je donne mon "
                   "consentement conjointement avec lui à chacun des points ci-dessus pour le "
                   "défi « {title} »."),
    },
}


ITEM_NAMES = {"data": "data processing", "release": "image and voice release",
              "scope": "scope of use"}


@dataclass(frozen=True)
class Submission:
    """What an entrant fills in on the public page (the file comes separately)."""

    email: str
    age_band: str
    country: str
    answers: dict[str, bool]  # consent item -> ticked
    city: str = ""
    name: str = ""
    link: str = ""
    parent_email: str = ""
    face_matching: bool = False
    lang: str = "en"
    extra: dict[str, str] = field(default_factory=dict)


class EntryUploads(UploadStore):
    """The studio's resumable uploads, kept in a challenge's folder (``uploads/`` while
    partial, ``entries/`` once checked): the store's "workspace" is the challenge's id."""

    def partial_dir(self, workspace_id: int) -> Path:
        return challenge_folder(self.root, workspace_id) / "uploads"

    def media_dir(self, workspace_id: int) -> Path:
        return challenge_folder(self.root, workspace_id) / "entries"

    def state_files(self) -> list[Path]:
        return sorted((self.root / "challenges").glob("*/uploads/*.json"))


def digest(salt: str, text: str) -> str:
    """A salted SHA-256 of ``text`` (entrant, address and agent digests)."""
    return hashlib.sha256(f"{salt}:{text}".encode()).hexdigest()


def rules_of(row: ChallengeRow) -> Challenge:
    """The challenge as last synced from the campaign file."""
    return Challenge.model_validate_json(row.rules)


def challenge_of(campaign: Campaign, key: str) -> Challenge:
    """The challenge ``key`` of a studio campaign's file.

    Raises:
        NotFoundError: the file has no such challenge.
        CampaignError: the file does not load.
    """
    from coulisses.campaign.load import loads_campaign

    parsed = loads_campaign(campaign.source, campaign.filename)
    for challenge in parsed.challenges:
        if challenge.id == key:
            return challenge
    raise NotFoundError(f"No challenge {key} in this campaign.",
                        hint="add it to the campaign file's challenges section")


def sync(db: Session, campaign: Campaign, key: str) -> ChallengeRow:
    """The ``ChallengeRow`` of a studio campaign's challenge, created on first use (with a new
    unguessable slug, secret and salt) and its rules refreshed from the file. The caller
    commits.

    Raises:
        NotFoundError: the campaign file has no such challenge.
    """
    from coulisses.campaign.load import loads_campaign

    challenge = challenge_of(campaign, key)
    campaign_key = loads_campaign(campaign.source, campaign.filename).id
    row = db.scalars(select(ChallengeRow).where(
        ChallengeRow.workspace_id == campaign.workspace_id,
        ChallengeRow.campaign_key == campaign_key, ChallengeRow.key == key)).first()
    if row is None:
        row = ChallengeRow(workspace_id=campaign.workspace_id, campaign_key=campaign_key,
                           key=key, slug=secrets.token_urlsafe(16),
                           secret=secrets.token_hex(32), salt=secrets.token_hex(16), open=False)
        db.add(row)
    row.campaign_id = campaign.id
    row.title = challenge.title[:300]
    row.rules = challenge.model_dump_json()
    db.flush()
    return row


def mail_ready(settings: Settings, what: str) -> None:
    """Check that the studio can e-mail working links (an SMTP server and the public address
    links start with) before ``what`` depends on them.

    Raises:
        UsageError: ``smtp_host`` or ``public_url`` is not set.
    """
    missing = [name for name, value in (("smtp_host", settings.smtp_host),
                                        ("public_url", settings.public_url)) if not value]
    if missing:
        raise UsageError(f"{what} needs e-mail: set {', '.join(missing)} first",
                         hint="in the settings file or as COULISSES_SMTP_HOST and "
                              "COULISSES_PUBLIC_URL (docs/settings.md); without them nobody "
                              "receives their link")


def set_open(db: Session, row: ChallengeRow, is_open: bool) -> None:
    """Open or close a challenge for public submissions. The caller commits."""
    row.open = is_open
    db.flush()


def taking(db: Session, slug: str, *, now: datetime | None = None,
           grace: timedelta = timedelta(0)) -> ChallengeRow:
    """The challenge whose public page is ``slug``, while it takes entries: opened by the team
    and within its dates (from ``opens`` to the end of ``closes``, in the campaign's time zone;
    ``grace`` after the end lets an upload begun in time finish).

    Raises:
        NotFoundError: unknown or not opened by the team, the same as any unknown address.
        ConflictError: before its first day or after its last, with the day.
    """
    row = by_slug(db, slug)
    if not row.open:
        raise NotFoundError("No such page.", hint="check the link")
    first, after = window(db, row)
    moment = now or utcnow()
    if moment < first:
        raise ConflictError(f"Entries open on {_day(first, db, row)}.",
                            hint="come back on that day")
    if moment >= after + grace:
        raise ConflictError(f"Entries closed on {_day(after - timedelta(days=1), db, row)}.",
                            hint="thank you for your interest")
    return row


def window(db: Session, row: ChallengeRow) -> tuple[datetime, datetime]:
    """When the challenge takes entries: the start of ``opens`` and the start of the day after
    ``closes``, in the campaign's time zone (UTC when the campaign is gone or unreadable)."""
    rules = rules_of(row)
    tz = _zone(db, row)
    start = datetime.combine(rules.opens, datetime.min.time(), tz)
    end = datetime.combine(rules.closes + timedelta(days=1), datetime.min.time(), tz)
    return start, end


def _day(moment: datetime, db: Session, row: ChallengeRow) -> str:
    return moment.astimezone(_zone(db, row)).strftime("%Y-%m-%d")


def _zone(db: Session, row: ChallengeRow) -> tzinfo:
    from coulisses.campaign.calendar import text_zone

    campaign = db.get(Campaign, row.campaign_id) if row.campaign_id is not None else None
    return UTC if campaign is None else text_zone(campaign.source, campaign.filename)


def by_slug(db: Session, slug: str) -> ChallengeRow:
    """The challenge of a public slug, open or not (links in messages outlive the call).

    Raises:
        NotFoundError: no such challenge.
    """
    row = db.scalars(select(ChallengeRow).where(ChallengeRow.slug == slug[:40])).first()
    if row is None or row.workspace_id is None:
        raise NotFoundError("No such page.", hint="check the link")
    return row


def terms(challenge: Challenge, owner: str, lang: str) -> dict[str, str]:
    """The exact text of each consent item the page shows (and records), in ``lang``;
    ``parent`` is the parent's joint consent."""
    words = TERMS.get(lang, TERMS["en"])
    scope = challenge.scope
    values = {"owner": owner, "title": challenge.title, "months": scope.months,
              "platforms": ", ".join(scope.platforms) or words["all_platforms"],
              "paid": words["paid_yes"] if scope.paid_media else words["paid_no"]}
    items = [*challenge.consents, PARENT]
    return {item: words[item].format(**values) for item in items}


def scope_json(challenge: Challenge) -> str:
    """The scope of use agreed to, as stored with each consent item."""
    return json.dumps({"platforms": list(challenge.scope.platforms),
                       "paid_media": challenge.scope.paid_media,
                       "months": challenge.scope.months}, sort_keys=True)


def clean_email(raw: str, *, parent: bool = False) -> str:
    """A plausible e-mail address (the entrant's, or with ``parent`` a parent's), trimmed and
    lower-cased.

    Raises:
        UsageError: empty, too long or without ``@`` and a dot after it.
    """
    text = (raw or "").strip().lower()
    local, at, domain = text.rpartition("@")
    if not (_EMAIL[0] <= len(text) <= _EMAIL[1]) or not at or not local or "." not in domain \
            or any(c.isspace() or c in "<>\"," for c in text):
        raise UsageError("The parent's e-mail is not an e-mail address." if parent else
                         "The contact e-mail is not an e-mail address.",
                         hint="write it as name@example.org")
    return text


def check(challenge: Challenge, form: Submission) -> Submission:
    """Refuse a submission whose declarations or consent are incomplete, before its file is
    taken; the cleaned submission otherwise.

    Raises:
        UsageError: a missing or malformed field, or an age band or country the challenge does
            not accept.
        RightsError: a consent item is not ticked (the first one missing is named), or an
            entrant under 15 gave no parent's address.
    """
    from typing import get_args

    from coulisses.campaign.schema import AgeBand

    if form.age_band not in get_args(AgeBand):
        raise UsageError("Choose your age band.", hint="pick one in the list")
    accepted = challenge.eligibility.age_bands
    if accepted and form.age_band not in accepted:
        raise UsageError(f"This challenge does not take entries from the {form.age_band} age "
                         "band.", hint="read the rules above the form")
    country = form.country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise UsageError("Choose your country.", hint="pick one in the list")
    countries = challenge.eligibility.countries
    if countries and country not in {c.upper() for c in countries}:
        raise UsageError(f"This challenge does not take entries from {country}.",
                         hint="read the rules above the form")
    email = clean_email(form.email)
    missing = [item for item in challenge.consents if not form.answers.get(item)]
    if missing:
        raise RightsError(f"Consent is incomplete: {ITEM_NAMES[missing[0]]} is not ticked.",
                          reasons=missing, hint="tick each consent item to send your entry")
    parent = ""
    if consent.needs_parent(form.age_band):
        if not form.parent_email.strip():
            raise RightsError("Under 15, a parent's e-mail address is needed.",
                              hint="a parent confirms the entry from a link we send them")
        parent = clean_email(form.parent_email, parent=True)
        if parent == email:
            raise RightsError("The parent's address must not be the entrant's.",
                              hint="a parent confirms the entry from a link we send them")
    link = form.link.strip()[:500]
    if link and not link.startswith("https://"):
        raise UsageError("The link to a public post must start with https://.",
                         hint="copy the post's address from your browser")
    return Submission(email=email, age_band=form.age_band, country=country,
                      answers={k: bool(v) for k, v in form.answers.items()},
                      city=form.city.strip()[:100], name=form.name.strip()[:200], link=link,
                      parent_email=parent, face_matching=form.face_matching,
                      lang=form.lang if form.lang in TERMS else "en")


def check_budget(db: Session, row: ChallengeRow, entrant_key: str, address_hash: str,
                 now: datetime | None = None) -> None:
    """Refuse a flood: too many entries from one entrant, or from one address in a day.

    Raises:
        RateLimitError: over either budget.
    """
    mine = db.scalar(select(func.count(ChallengeEntry.id)).where(
        ChallengeEntry.challenge_id == row.id, ChallengeEntry.entrant_key == entrant_key)) or 0
    if mine >= PER_ENTRANT:
        raise RateLimitError(f"You have already sent {mine} entries to this challenge.",
                             hint="withdraw one before sending another")
    since = (now or utcnow()) - timedelta(days=1)
    recent = db.scalar(select(func.count(func.distinct(ChallengeConsent.entry_id))).join(
        ChallengeEntry, ChallengeEntry.id == ChallengeConsent.entry_id).where(
        ChallengeEntry.challenge_id == row.id, ChallengeConsent.address_hash == address_hash,
        ChallengeConsent.by == "entrant", ChallengeConsent.at >= since)) or 0
    if recent >= PER_ADDRESS_DAY:
        raise RateLimitError("Too many entries from this network today.",
                             hint="try again tomorrow")


def check_repeat(db: Session, row: ChallengeRow, entrant_key: str, sha256: str) -> None:
    """Refuse the same file sent again by the same entrant (any state but purged).

    Raises:
        ConflictError: this entrant already sent this very file to this challenge.
    """
    found = db.scalars(select(ChallengeEntry.public_id).where(
        ChallengeEntry.challenge_id == row.id, ChallengeEntry.entrant_key == entrant_key,
        ChallengeEntry.sha256 == sha256, ChallengeEntry.status != "purged")).first()
    if found is not None:
        raise ConflictError("You have already sent this video to this challenge.",
                            hint="one entry per video: send another video or keep this one")


DURATION_SLACK_S = 5.0  # past the rules' longest by more than this, an entry is refused at once


def check_media(challenge: Challenge, path: Path, name: str) -> float:
    """Refuse at once an entry far longer than the rules allow (a 3-hour file for a one-minute
    call); its duration in seconds otherwise (triage's QC judges the rest).

    Raises:
        UploadError: longer than ``max_duration_s`` + ``DURATION_SLACK_S`` (422).
        MediaError: the file cannot be read as video.
    """
    from coulisses.media.probe import probe

    seconds = float(probe(path).duration)
    if seconds > challenge.max_duration_s + DURATION_SLACK_S:
        raise UploadError(f"{name}: {seconds:.0f} s long, over the "
                          f"{challenge.max_duration_s:.0f} s this challenge takes",
                          http_status=422, hint="trim your video, then send it again")
    return seconds


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks."""
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1024 * 1024):
            sha.update(block)
    return sha.hexdigest()


def add_entry(db: Session, row: ChallengeRow, form: Submission, *, path: Path, sha256: str,
              original_name: str, address: str, agent: str, owner: str,
              now: datetime | None = None) -> ChallengeEntry:
    """Record a checked submission whose file is in place: the entry, one consent row per
    item with the exact text shown, the contact, and the messages to send (the entrant's
    confirmation with its withdrawal link; the parent's link under 15). The caller commits.

    Raises:
        ConflictError: the same entrant already sent this file.
        RateLimitError: the entrant or the address is over its budget.
    """
    when = now or utcnow()
    challenge = rules_of(row)
    entrant_key = digest(row.salt, form.email)
    address_hash, agent_hash = digest(row.salt, address), digest(row.salt, agent[:500])
    check_repeat(db, row, entrant_key, sha256)
    check_budget(db, row, entrant_key, address_hash, when)
    declared = {"city": form.city, "age_band": form.age_band, "country": form.country,
                **form.extra}
    entry = ChallengeEntry(
        challenge_id=row.id, public_id=new_entry_id(), source="upload",
        path=str(path), original_name=original_name[:255], sha256=sha256,
        size_bytes=path.stat().st_size, link=form.link, entrant=form.name,
        entrant_key=entrant_key, declared=json.dumps(declared, ensure_ascii=False),
        age_band=form.age_band, country=form.country, consent=consent.MISSING,
        minor_cleared=False, face_matching=form.face_matching, status="received",
        created_at=when, updated_at=when)
    db.add(entry)
    db.flush()
    shown = terms(challenge, owner, form.lang)
    for item in challenge.consents:
        consent.record(db, entry, {item: form.answers.get(item, False)},
                       required=challenge.consents, terms_text=shown[item], by="entrant",
                       scope_json=scope_json(challenge), address_hash=address_hash,
                       agent_hash=agent_hash, at=when)
    db.add(ChallengeContact(entry_id=entry.id, email=form.email,
                            parent_email=form.parent_email, lang=form.lang))
    queue_mail(db, form.email, *confirmation(row, entry, form.lang))
    if form.parent_email:
        queue_mail(db, form.parent_email, *parent_request(row, entry, form.lang, when))
    return entry


# --- signed links ---------------------------------------------------------------------------
def sign(row: ChallengeRow, purpose: str, public_id: str, expires: int = 0) -> str:
    """A link token for one purpose and one entry (``expires``: a UNIX time, 0 for never)."""
    body = f"{purpose}:{public_id}:{expires}"
    mac = hmac.new(row.secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:40]
    return f"{expires}.{mac}"


def entry_by_link(db: Session, row: ChallengeRow, purpose: str, public_id: str, token: str,
                  now: datetime | None = None) -> ChallengeEntry:
    """The entry a signed link names, once its signature, purpose and age are checked.

    Raises:
        NotFoundError: a forged, altered, expired or other-purpose link, or no such entry
            (all alike: nothing tells an entry exists).
    """
    gone = NotFoundError("No such page.", hint="check the link")
    expires_text, _, _mac = (token or "").partition(".")
    if not expires_text.isdigit() or len(expires_text) > 12:
        raise gone
    expires = int(expires_text)
    if not hmac.compare_digest(sign(row, purpose, public_id, expires), token):
        raise gone
    if expires and (now or utcnow()).timestamp() > expires:
        raise gone
    entry = db.scalars(select(ChallengeEntry).where(
        ChallengeEntry.public_id == public_id[:24],
        ChallengeEntry.challenge_id == row.id)).first()
    if entry is None:
        raise gone
    return entry


def withdraw_url(row: ChallengeRow, entry: ChallengeEntry) -> str:
    """The entry's withdrawal page (no expiry), below the public address."""
    return f"/b/c/{row.slug}/withdraw/{entry.public_id}?t={sign(row, WITHDRAW, entry.public_id)}"


def parent_url(row: ChallengeRow, entry: ChallengeEntry, now: datetime) -> str:
    """The parent's confirmation page, valid ``PARENT_LINK_DAYS``."""
    expires = int((now + timedelta(days=PARENT_LINK_DAYS)).timestamp())
    token = sign(row, PARENT, entry.public_id, expires)
    return f"/b/c/{row.slug}/parent/{entry.public_id}?t={token}"


def confirm_parent(db: Session, row: ChallengeRow, entry: ChallengeEntry, *, answer: bool,
                   address: str, agent: str, lang: str, owner: str,
                   now: datetime | None = None) -> bool:
    """Record the parent's joint consent (or refusal, which withdraws the entry) once; True
    when this call recorded it, False when it was already given (a replayed link changes
    nothing). The caller commits.

    Raises:
        ConflictError: the entry was withdrawn, or needs no parent.
    """
    if entry.consent == consent.WITHDRAWN or entry.status in ("withdrawn", "purged"):
        raise ConflictError("This entry was withdrawn.", hint="nothing more to confirm")
    if not consent.needs_parent(entry.age_band):
        raise ConflictError("This entry needs no parent's confirmation.")
    if PARENT in consent.granted_now(db, entry.id):
        return False
    challenge = rules_of(row)
    consent.record(db, entry, {PARENT: answer}, required=challenge.consents,
                   terms_text=terms(challenge, owner, lang)[PARENT], by="parent",
                   scope_json=scope_json(challenge), address_hash=digest(row.salt, address),
                   agent_hash=digest(row.salt, agent[:500]), at=now)
    if not answer:  # a parent's refusal withdraws the entry, and its purge follows
        withdraw(db, row, entry, now)
    return True


def withdraw(db: Session, row: ChallengeRow, entry: ChallengeEntry,
             now: datetime | None = None) -> bool:
    """Take the entry out at once (gallery, shortlist, public vote) and queue its purge; True
    when this call withdrew it, False when it was already withdrawn (a replayed link). The
    caller commits."""
    if entry.status in ("withdrawn", "purged"):
        return False
    consent.withdraw(entry, at=now)
    from coulisses.challenges.vote import remove_entry

    remove_entry(db, entry)  # out of any public vote at once, its votes with it
    db.flush()
    if row.workspace_id is not None:
        from coulisses.studio.jobs import submit

        submit(db, row.workspace_id, "challenge_purge",
               {"entry_id": entry.id, "challenge_id": row.id, "public_id": entry.public_id,
                "path": entry.path},
               dedupe_key=f"challenge-purge-{entry.public_id}")
    return True


# --- messages -------------------------------------------------------------------------------
MAIL: dict[str, dict[str, str]] = {
    "en": {
        "confirm.subject": "Your entry to \"{title}\" is in",
        "confirm.body": ("We have your entry to \"{title}\" (entry {id}).\n\n{waiting}"
                         "To withdraw it at any time, in one click:\n{base}{withdraw}\n\n"
                         "Withdrawing takes it out at once; its data is deleted within the "
                         "day and you receive a deletion receipt."),
        "confirm.waiting": ("Because you are under 15, it waits for your parent's "
                            "confirmation: we have sent them a link.\n\n"),
        "parent.subject": "Your child's entry to \"{title}\" needs your confirmation",
        "parent.body": ("Your child has sent an entry to \"{title}\" (entry {id}). Under 15, "
                        "it is seen by no one until you confirm it. Read the terms and "
                        "answer here (the link works {days} days):\n{base}{parent}\n\n"
                        "To withdraw it at any time:\n{base}{withdraw}"),
        "receipt.subject": "Deletion receipt {receipt} for your entry to \"{title}\"",
        "receipt.body": ("Your entry {id} to \"{title}\" was withdrawn and its data deleted "
                         "on {when} (UTC).\nReceipt: {receipt}\nDeleted: {deleted}\n"
                         "Kept: the consent log (what you agreed to and when), as the law "
                         "requires, and this receipt."),
    },
    "fr": {
        "confirm.subject": "Votre participation à « {title} » est bien arrivée",
        "confirm.body": ("Nous avons reçu votre participation à « {title} » (participation "
                         "{id}).\n\n{waiting}Pour la retirer à tout moment, en un clic :\n"
                         "{base}{withdraw}\n\nLe retrait est immédiat ; ses données sont "
                         "effacées dans la journée et vous recevez un reçu d'effacement."),
        "confirm.waiting": ("Comme vous avez moins de 15 ans, elle attend la confirmation de "
                            "votre parent : nous lui avons envoyé un lien.\n\n"),
        "parent.subject": "La participation de votre enfant à « {title} » attend votre accord",
        "parent.body": ("Votre enfant a envoyé une participation à « {title} » (participation "
                        "{id}). Avant 15 ans, personne ne la voit tant que vous ne l'avez pas "
                        "confirmée. Lisez les conditions et répondez ici (le lien vaut {days} "
                        "jours) :\n{base}{parent}\n\nPour la retirer à tout moment :\n"
                        "{base}{withdraw}"),
        "receipt.subject": "Reçu d'effacement {receipt} de votre participation à « {title} »",
        "receipt.body": ("Votre participation {id} à « {title} » a été retirée et ses données "
                         "effacées le {when} (UTC).\nReçu : {receipt}\nEffacé : {deleted}\n"
                         "Conservé : le registre des consentements (ce que vous avez accepté "
                         "et quand), comme la loi l'exige, et ce reçu."),
    },
}


def queue_mail(db: Session, to: str, subject: str, body: str) -> None:
    """Put one message in the outbox (``{base}`` becomes the studio's public address)."""
    db.add(MailOutbox(notification_id=None, to_addr=to[:EMAIL_MAX], subject=subject[:300],
                      body=body, status="pending", attempts=0, error="", due_at=utcnow()))


def confirmation(row: ChallengeRow, entry: ChallengeEntry, lang: str) -> tuple[str, str]:
    """The entrant's confirmation: subject and body, with the withdrawal link."""
    words = MAIL.get(lang, MAIL["en"])
    waiting = words["confirm.waiting"] if consent.needs_parent(entry.age_band) else ""
    values = {"title": row.title, "id": entry.public_id, "waiting": waiting,
              "withdraw": withdraw_url(row, entry)}
    return (words["confirm.subject"].format(**values),
            words["confirm.body"].replace("{base}", "\x00").format(**values)
            .replace("\x00", "{base}"))


def parent_request(row: ChallengeRow, entry: ChallengeEntry, lang: str,
                   now: datetime) -> tuple[str, str]:
    """The parent's message: subject and body, with the confirmation and withdrawal links."""
    words = MAIL.get(lang, MAIL["en"])
    values = {"title": row.title, "id": entry.public_id, "days": PARENT_LINK_DAYS,
              "parent": parent_url(row, entry, now), "withdraw": withdraw_url(row, entry)}
    return (words["parent.subject"].format(**values),
            words["parent.body"].replace("{base}", "\x00").format(**values)
            .replace("\x00", "{base}"))
