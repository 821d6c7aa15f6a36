"""The studio's interface text in English and French, and how a request picks its language.

Order: ``?lang=`` (remembered in a cookie), the signed-in user's preference, the browser's
``Accept-Language``, then the ``lang`` setting. A key missing from a table is a bug: ``t``
raises, so the page test that renders every page in both languages catches it.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

LANGS = ("en", "fr")
LANG_COOKIE = "coulisses_lang"

EN: dict[str, str] = {
    "app.name": "coulisses studio",
    "nav.campaigns": "Campaigns", "nav.rushes": "Rushes", "nav.cuts": "Cuts",
    "nav.jobs": "Jobs", "nav.results": "Results", "nav.members": "Members",
    "nav.workspaces": "Workspaces", "nav.signout": "Sign out", "nav.signin": "Sign in",
    "nav.signup": "Create an account", "nav.language": "Language", "nav.main": "Main",
    "nav.skip": "Skip to content", "nav.account": "Account",
    "auth.email": "Email", "auth.password": "Password", "auth.name": "Your name",
    "auth.workspace": "Workspace name (your brand or client)",
    "auth.signin_title": "Sign in", "auth.signup_title": "Create your account",
    "auth.signin": "Sign in", "auth.signup": "Create account",
    "auth.no_account": "No account yet?", "auth.have_account": "Already have an account?",
    "auth.bad_credentials": "Wrong email or password.",
    "auth.rate_limited": "Too many failed sign-ins: wait 15 minutes, then try again.",
    "auth.password_short": "Choose a password of at least {n} characters.",
    "auth.email_bad": "Enter a valid email address.",
    "auth.email_taken": "An account with this email already exists: sign in instead.",
    "auth.name_missing": "Enter a name.",
    "auth.password_help": "At least {n} characters.",
    "auth.signed_out": "You are signed out.",
    "account.title": "Your account", "account.language": "Interface language",
    "account.save": "Save",
    "ws.title": "Your workspaces", "ws.new": "New workspace", "ws.create": "Create",
    "ws.name": "Name", "ws.role": "Your role", "ws.none": "You are in no workspace yet.",
    "ws.dashboard": "Overview", "ws.campaigns_count": "{n} campaign(s)",
    "ws.jobs_running": "{n} job(s) queued or running",
    "ws.members_title": "Members", "ws.add_member": "Add a member",
    "ws.add": "Add", "ws.member_email": "Their email (they sign up first)",
    "ws.member_added": "Member added.", "ws.member_unknown":
        "No account uses this email: ask them to create one, then add them.",
    "ws.member_exists": "This person is already a member.",
    "ws.change_role": "Change role", "ws.remove": "Remove",
    "ws.last_owner": "A workspace keeps at least one owner.",
    "ws.permissions": "What each role may do", "ws.action": "Action",
    "role.owner": "Owner", "role.editor": "Editor", "role.reviewer": "Reviewer",
    "role.client": "Client (view only)",
    "camp.title": "Campaigns", "camp.none": "No campaign yet: import a campaign file.",
    "camp.import": "Import a campaign", "camp.file": "Campaign file (YAML)",
    "camp.paste": "…or paste its text", "camp.import_button": "Import",
    "camp.export": "Download the file", "camp.edit": "Edit", "camp.save": "Save",
    "camp.delete": "Delete", "camp.plan": "Plan", "camp.calendar": "Calendar",
    "camp.health": "Health", "camp.results": "Results", "camp.overview": "Overview",
    "camp.version": "Version {n}", "camp.updated": "Updated {when}",
    "camp.ics": "Download the calendar (ICS)",
    "camp.valid": "The campaign file is valid.",
    "camp.invalid": "This file does not validate: {error}",
    "camp.unavailable": "The campaign tools are not installed in this build yet.",
    "camp.findings_none": "No finding: this campaign looks healthy.",
    "camp.line": "Line", "camp.severity": "Severity", "camp.rule": "Rule",
    "camp.message": "Finding", "camp.deliverables": "Deliverables",
    "camp.capture": "Capture lists", "camp.no_entries": "Nothing to show.",
    "camp.conflict_title": "Someone else saved this campaign meanwhile",
    "camp.conflict_text": "Nothing was overwritten. Theirs is saved (version {n}); yours is "
                          "below: copy what you need, then edit again.",
    "camp.theirs": "Saved version", "camp.yours": "Your version",
    "camp.edit_again": "Edit the saved version", "camp.text": "Campaign file",
    "camp.deleted": "Campaign deleted.",
    "jobs.title": "Jobs", "jobs.none": "No job yet.", "jobs.kind": "Kind",
    "jobs.status": "Status", "jobs.progress": "Progress", "jobs.created": "Created",
    "jobs.attempts": "Attempts", "jobs.error": "Error", "jobs.result": "Result",
    "jobs.retry": "Run again", "jobs.message": "Now",
    "status.queued": "queued", "status.running": "running", "status.done": "done",
    "status.failed": "failed",
    "results.title": "Results", "results.none":
        "No analytics imported yet: import your platforms' exports below (or with "
        "`coulisses kpi import`).",
    "results.import": "Import analytics exports",
    "results.files": "Export files (CSV, XLSX or XLS, as the platform gave them)",
    "results.files_help": "Up to {n} files of {mb} MB each, from TikTok, Instagram, "
        "Facebook, YouTube or LinkedIn. Posts are matched to this campaign by its "
        "deliverables' captions and publish times. A file that cannot be imported changes "
        "nothing.",
    "results.as_of": "Day the exports were downloaded (default: today)",
    "results.import_button": "Import",
    "results.mapping_title": "{file} is no export coulisses knows: check the guessed mapping",
    "results.mapping_intro": "Each column of the file, with what coulisses guessed it holds "
        "and why. Change what is wrong, then import.",
    "results.mapping_missing": "Not found: {what}",
    "results.mapping_platform": "Whose numbers these are",
    "results.mapping_decimal": "Decimal mark",
    "results.mapping_date_format": "Date format, when dates are day first in a file with a "
        "decimal point (e.g. %d/%m/%Y)",
    "results.mapping_column": "Column", "results.mapping_field": "Imported as",
    "results.mapping_kind": "Read as", "results.mapping_why": "Why",
    "results.mapping_skip": "(not imported)", "results.mapping_check": "Check:",
    "results.mapping_button": "Import with this mapping",
    "results.field.post_id": "the post's id", "results.field.url": "the post's link",
    "results.field.caption": "the caption", "results.field.published_at": "publication date",
    "results.field.day": "day of the numbers",
    "results.imported": "{file} ({export}): {rows} rows, {new} new values, {changed} "
        "updated, {posts} posts ({matched} matched to a campaign).",
    "results.already": "{file}: already imported, nothing changed.",
    "results.warning": "Note:",
    "results.unavailable": "The KPI report is not installed in this build yet.",
    "results.for": "Results for {name}", "results.open": "Open the full report",
    "error.title": "Something went wrong", "error.back": "Back",
    "error.signin": "Sign in", "error.not_found": "This page does not exist here.",
    "error.method": "This action is not available here.",
    "error.invalid": "The request is not valid: {detail}",
    "common.cancel": "Cancel", "common.actions": "Actions",
}

FR: dict[str, str] = {
    "app.name": "studio coulisses",
    "nav.campaigns": "Campagnes", "nav.rushes": "Rushes", "nav.cuts": "Montages",
    "nav.jobs": "Tâches", "nav.results": "Résultats", "nav.members": "Membres",
    "nav.workspaces": "Espaces", "nav.signout": "Se déconnecter", "nav.signin": "Se connecter",
    "nav.signup": "Créer un compte", "nav.language": "Langue", "nav.main": "Principal",
    "nav.skip": "Aller au contenu", "nav.account": "Compte",
    "auth.email": "E-mail", "auth.password": "Mot de passe", "auth.name": "Votre nom",
    "auth.workspace": "Nom de l'espace (votre marque ou client)",
    "auth.signin_title": "Connexion", "auth.signup_title": "Créer votre compte",
    "auth.signin": "Se connecter", "auth.signup": "Créer le compte",
    "auth.no_account": "Pas encore de compte ?", "auth.have_account": "Déjà un compte ?",
    "auth.bad_credentials": "E-mail ou mot de passe incorrect.",
    "auth.rate_limited": "Trop d'échecs de connexion : attendez 15 minutes puis réessayez.",
    "auth.password_short": "Choisissez un mot de passe d'au moins {n} caractères.",
    "auth.email_bad": "Saisissez une adresse e-mail valide.",
    "auth.email_taken": "Un compte existe déjà avec cet e-mail : connectez-vous.",
    "auth.name_missing": "Saisissez un nom.",
    "auth.password_help": "Au moins {n} caractères.",
    "auth.signed_out": "Vous êtes déconnecté.",
    "account.title": "Votre compte", "account.language": "Langue de l'interface",
    "account.save": "Enregistrer",
    "ws.title": "Vos espaces", "ws.new": "Nouvel espace", "ws.create": "Créer",
    "ws.name": "Nom", "ws.role": "Votre rôle", "ws.none": "Vous n'êtes dans aucun espace.",
    "ws.dashboard": "Vue d'ensemble", "ws.campaigns_count": "{n} campagne(s)",
    "ws.jobs_running": "{n} tâche(s) en attente ou en cours",
    "ws.members_title": "Membres", "ws.add_member": "Ajouter un membre",
    "ws.add": "Ajouter", "ws.member_email": "Son e-mail (il crée son compte d'abord)",
    "ws.member_added": "Membre ajouté.", "ws.member_unknown":
        "Aucun compte n'utilise cet e-mail : demandez-lui d'en créer un, puis ajoutez-le.",
    "ws.member_exists": "Cette personne est déjà membre.",
    "ws.change_role": "Changer le rôle", "ws.remove": "Retirer",
    "ws.last_owner": "Un espace garde au moins un propriétaire.",
    "ws.permissions": "Ce que chaque rôle peut faire", "ws.action": "Action",
    "role.owner": "Propriétaire", "role.editor": "Éditeur", "role.reviewer": "Relecteur",
    "role.client": "Client (lecture seule)",
    "camp.title": "Campagnes", "camp.none": "Aucune campagne : importez un fichier de campagne.",
    "camp.import": "Importer une campagne", "camp.file": "Fichier de campagne (YAML)",
    "camp.paste": "…ou collez son texte", "camp.import_button": "Importer",
    "camp.export": "Télécharger le fichier", "camp.edit": "Modifier", "camp.save": "Enregistrer",
    "camp.delete": "Supprimer", "camp.plan": "Plan", "camp.calendar": "Calendrier",
    "camp.health": "Santé", "camp.results": "Résultats", "camp.overview": "Vue d'ensemble",
    "camp.version": "Version {n}", "camp.updated": "Modifiée le {when}",
    "camp.ics": "Télécharger le calendrier (ICS)",
    "camp.valid": "Le fichier de campagne est valide.",
    "camp.invalid": "Ce fichier n'est pas valide : {error}",
    "camp.unavailable": "Les outils de campagne ne sont pas encore installés ici.",
    "camp.findings_none": "Aucun constat : cette campagne semble saine.",
    "camp.line": "Ligne", "camp.severity": "Gravité", "camp.rule": "Règle",
    "camp.message": "Constat", "camp.deliverables": "Livrables",
    "camp.capture": "Listes de tournage", "camp.no_entries": "Rien à afficher.",
    "camp.conflict_title": "Quelqu'un a enregistré cette campagne entre-temps",
    "camp.conflict_text": "Rien n'a été écrasé. Sa version est enregistrée (version {n}) ; la "
                          "vôtre est ci-dessous : copiez ce qu'il vous faut, puis modifiez "
                          "à nouveau.",
    "camp.theirs": "Version enregistrée", "camp.yours": "Votre version",
    "camp.edit_again": "Modifier la version enregistrée", "camp.text": "Fichier de campagne",
    "camp.deleted": "Campagne supprimée.",
    "jobs.title": "Tâches", "jobs.none": "Aucune tâche.", "jobs.kind": "Type",
    "jobs.status": "État", "jobs.progress": "Avancement", "jobs.created": "Créée",
    "jobs.attempts": "Essais", "jobs.error": "Erreur", "jobs.result": "Résultat",
    "jobs.retry": "Relancer", "jobs.message": "En cours",
    "status.queued": "en attente", "status.running": "en cours", "status.done": "terminée",
    "status.failed": "échouée",
    "results.import": "Importer des statistiques",
    "results.files": "Fichiers d'export (CSV, XLSX ou XLS, tels que la plateforme les donne)",
    "results.files_help": "Jusqu'à {n} fichiers de {mb} Mo chacun, de TikTok, Instagram, "
        "Facebook, YouTube ou LinkedIn. Les publications sont rattachées à cette campagne "
        "par les légendes et heures de publication de ses livrables. Un fichier qui ne "
        "peut pas être importé ne change rien.",
    "results.as_of": "Jour du téléchargement des exports (par défaut : aujourd'hui)",
    "results.import_button": "Importer",
    "results.mapping_title": "{file} n'est pas un export connu de coulisses : vérifiez la "
        "correspondance devinée",
    "results.mapping_intro": "Chaque colonne du fichier, avec ce que coulisses pense qu'elle "
        "contient et pourquoi. Corrigez ce qui est faux, puis importez.",
    "results.mapping_missing": "Introuvable : {what}",
    "results.mapping_platform": "Plateforme de ces chiffres",
    "results.mapping_decimal": "Séparateur décimal",
    "results.mapping_date_format": "Format des dates, si elles commencent par le jour dans un "
        "fichier à point décimal (ex. %d/%m/%Y)",
    "results.mapping_column": "Colonne", "results.mapping_field": "Importée comme",
    "results.mapping_kind": "Lue comme", "results.mapping_why": "Pourquoi",
    "results.mapping_skip": "(non importée)", "results.mapping_check": "À vérifier :",
    "results.mapping_button": "Importer avec cette correspondance",
    "results.field.post_id": "l'identifiant de la publication",
    "results.field.url": "le lien de la publication", "results.field.caption": "la légende",
    "results.field.published_at": "date de publication",
    "results.field.day": "jour des chiffres",
    "results.imported": "{file} ({export}) : {rows} lignes, {new} valeurs nouvelles, "
        "{changed} mises à jour, {posts} publications ({matched} rattachées à une "
        "campagne).",
    "results.already": "{file} : déjà importé, rien n'a changé.",
    "results.warning": "À noter :",
    "results.title": "Résultats", "results.none":
        "Aucune statistique importée : importez les exports des plateformes ci-dessous "
        "(ou avec `coulisses kpi import`).",
    "results.unavailable": "Le rapport KPI n'est pas encore installé ici.",
    "results.for": "Résultats de {name}", "results.open": "Ouvrir le rapport complet",
    "error.title": "Un problème est survenu", "error.back": "Retour",
    "error.signin": "Se connecter", "error.not_found": "Cette page n'existe pas ici.",
    "error.method": "Cette action n'est pas disponible ici.",
    "error.invalid": "La requête n'est pas valide : {detail}",
    "common.cancel": "Annuler", "common.actions": "Actions",
}

MESSAGES: dict[str, dict[str, str]] = {"en": EN, "fr": FR}


def register(lang: str, messages: dict[str, str]) -> None:
    """Add a module's own keys (e.g. the media pages') to a language's table."""
    MESSAGES[lang].update(messages)


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)`` for ``lang``.

    Raises:
        KeyError: ``key`` is in no table (a bug the page tests catch).
    """
    table = MESSAGES.get(lang, EN)

    def t(key: str, **values: object) -> str:
        template = table.get(key)
        if template is None:
            raise KeyError(f"interface text {key!r} is missing in {lang!r}")
        return template.format(**values) if values else template

    return t


def pick_lang(request: Request, user_lang: str = "", default: str = "en") -> str:
    """The language of this response (see the module docstring for the order)."""
    asked = request.query_params.get("lang", "")
    if asked in LANGS:
        request.state.set_lang = asked
        return asked
    cookie = request.cookies.get(LANG_COOKIE, "")
    if cookie in LANGS:
        return cookie
    if user_lang in LANGS:
        return user_lang
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return default if default in LANGS else "en"
