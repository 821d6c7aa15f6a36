"""The studio's error lines in the page's language.

Errors are raised in English (the CLI and the logs read them so); the web boundary shows each
one in French by its pattern: the English line with ``{name}`` where a value goes, and its
French with the same names. Values are kept as they are, except ``{role}`` and ``{action}``
(a role, a permission), which take their names from the interface tables. A test walks the
web and studio code and fails on a line raised there that has no French here.
"""

from __future__ import annotations

import re
from functools import cache

from coulisses.errors import CoulissesError

# (English, French): messages first, then hints
FR: tuple[tuple[str, str], ...] = (
    # sign-in, sessions, access (web/deps.py, web/csrf.py)
    ("No such item.", "Cet élément n'existe pas."),
    ("Your session has expired.", "Votre session a expiré."),
    ("You are not signed in.", "Vous n'êtes pas connecté."),
    ("No such workspace.", "Cet espace n'existe pas."),
    ("Your role ({role}) cannot do this here.", "Votre rôle ({role}) ne permet pas cela ici."),
    ("Your role ({role}) cannot do this here ({action}).",
     "Votre rôle ({role}) ne permet pas cela ici ({action})."),
    ("This form did not come from this studio page or has expired.",
     "Ce formulaire ne vient pas de cette page du studio, ou il a expiré."),
    ("No such invitation.", "Cette invitation n'existe pas."),
    ("A workspace needs a name.", "Un espace doit avoir un nom."),
    ("Unknown role {value}.", "Rôle inconnu : {value}."),
    ("No such member in this workspace.", "Ce membre n'est pas dans cet espace."),
    ("setting public_url: {value} is not an http(s) URL",
     "réglage public_url : {value} n'est pas une adresse http(s)"),
    # forms and campaigns
    ("{field}: {value} is out of range ({low} to {high} s)",
     "{field} : {value} est hors limites (de {low} à {high} s)"),
    ("{field}: {value} is not a number of seconds",
     "{field} : {value} n'est pas un nombre de secondes"),
    ("{file}: {size} bytes is over the 1 MB a campaign file may be",
     "{file} : {size} octets, plus que le 1 Mo permis pour un fichier de campagne"),
    ("{file}: not UTF-8 text (byte {n})", "{file} : ce n'est pas du texte UTF-8 (octet {n})"),
    ("No such campaign in this workspace.", "Cette campagne n'est pas dans cet espace."),
    ("The campaign file is empty.", "Le fichier de campagne est vide."),
    ("The pasted text is over the 1 MB a campaign file may be.",
     "Le texte collé dépasse le 1 Mo permis pour un fichier de campagne."),
    # analytics imports and results
    ("{file}: not an analytics export (CSV, XLSX or XLS)",
     "{file} : ce n'est pas un export de statistiques (CSV, XLSX ou XLS)"),
    ("{file}: its content is not a {kind} file",
     "{file} : son contenu n'est pas un fichier {kind}"),
    ("no file was chosen", "aucun fichier choisi"),
    ("{n} files at once: at most {most}", "{n} fichiers à la fois : {most} au plus"),
    ("{file}: the file is empty", "{file} : le fichier est vide"),
    ("this guessed mapping is no longer here",
     "cette correspondance devinée n'est plus disponible"),
    ("the mapping: {detail}", "la correspondance : {detail}"),
    ("{file}: over the {mb} MB limit of an export",
     "{file} : plus que les {mb} Mo permis pour un export"),
    ("No analytics imported yet for this workspace.",
     "Aucune statistique importée pour cet espace."),
    ("the upload is over the {mb} MB one import may send",
     "l'envoi dépasse les {mb} Mo permis pour une importation"),
    ("{value} is not a date like 2026-10-03", "{value} n'est pas une date comme 2026-10-03"),
    # jobs
    ("Unknown job kind {value}.", "Type de tâche inconnu : {value}."),
    ("payload must be an object and dedupe_key a string.",
     "payload doit être un objet et dedupe_key un texte."),
    ("No such job.", "Cette tâche n'existe pas."),
    ("No such job in this workspace.", "Cette tâche n'est pas dans cet espace."),
    ("Only a failed job can be run again.", "Seule une tâche en échec peut être relancée."),
    ("This workspace already has {n} jobs waiting or running.",
     "Cet espace a déjà {n} tâches en attente ou en cours."),
    ("stopped after {limit}, the most a {kind} job may run",
     "arrêtée après {limit}, la durée maximale d'une tâche {kind}"),
    ("job payload cannot be stored ({detail})",
     "les données de la tâche ne peuvent pas être enregistrées ({detail})"),
    ("no job is running here", "aucune tâche ne tourne ici"),
    ("no job handler for {kind}", "aucun traitement pour les tâches {kind}"),
    ("unknown analyser {value}", "analyseur inconnu : {value}"),
    ("render folder is outside the workspace", "le dossier de rendu est hors de l'espace"),
    # rushes, uploads and files
    ("{name} is already being analysed.", "{name} est déjà en cours d'analyse."),
    ("the Upload-Offset header is missing", "l'en-tête Upload-Offset manque"),
    ("the upload is over the {mb} MB limit", "l'envoi dépasse la limite de {mb} Mo"),
    ("size must be a number of bytes", "size doit être un nombre d'octets"),
    ("{name} is not a usable file name", "{name} n'est pas un nom de fichier utilisable"),
    ("no such upload", "cet envoi n'existe pas"),
    ("{file}: {n} bytes still missing", "{file} : il manque encore {n} octets"),
    ("{file}: {size} MB is over the {mb} MB limit",
     "{file} : {size} Mo, plus que la limite de {mb} Mo"),
    ("{file}: upload is at byte {at}, not {asked}",
     "{file} : l'envoi en est à l'octet {at}, pas {asked}"),
    ("{file}: more bytes than the {n} declared", "{file} : plus d'octets que les {n} annoncés"),
    ("{file}: not a video file (its content is not a video container)",
     "{file} : ce n'est pas une vidéo (son contenu n'est pas un conteneur vidéo)"),
    ("no such file", "ce fichier n'existe pas"),
    # cuts and review
    ("No version {n} of this cut.", "Ce montage n'a pas de version {n}."),
    ("Choose at least one platform.", "Choisissez au moins une plateforme."),
    ("This cut has no version yet.", "Ce montage n'a pas encore de version."),
    ("Name the rush to cut (rush_id).", "Indiquez le rush à monter (rush_id)."),
    ("end {end} s must come after start {start} s",
     "la fin ({end} s) doit suivre le début ({start} s)"),
    ("quality {value} is not final, master or draft",
     "qualité {value} : ni final, ni master, ni draft"),
    ("Another version of this cut was just started.",
     "Une autre version de ce montage vient d'être lancée."),
    ("the edit does not say which revision it changes (rev)",
     "la modification ne dit pas quelle révision elle change (rev)"),
    ("Write something first.", "Écrivez d'abord quelque chose."),
    ("A comment holds at most {most} characters ({n} given).",
     "Un commentaire compte au plus {most} caractères ({n} ici)."),
    ("the range must end after it starts ({at} s)", "la plage doit finir après son début ({at} s)"),
    ("Only its author can edit a comment.", "Seul son auteur peut modifier un commentaire."),
    ("Someone else changed this comment meanwhile: nothing was overwritten.",
     "Quelqu'un a modifié ce commentaire entre-temps : rien n'a été écrasé."),
    ("decision {value} is not approved or changes", "décision {value} : ni approved, ni changes"),
    ("This version is not rendered yet: review it once it is.",
     "Cette version n'est pas encore rendue : relisez-la une fois prête."),
    ("A reply belongs to the same version as its comment.",
     "Une réponse appartient à la même version que son commentaire."),
    # the database (shown when the studio cannot start)
    ("database URL cannot be used: {detail}", "adresse de base de données inutilisable : {detail}"),
    ("cannot migrate the studio database ({detail})",
     "impossible de migrer la base du studio ({detail})"),
    ("cannot create the database folder ({detail})",
     "impossible de créer le dossier de la base ({detail})"),
    # hints
    ("sign in again", "reconnectez-vous"),
    ("sign in first", "connectez-vous d'abord"),
    ("check the link", "vérifiez le lien"),
    ("check the link, or ask its owner to add you",
     "vérifiez le lien, ou demandez à son propriétaire de vous ajouter"),
    ("ask an owner of the workspace", "demandez à un propriétaire de l'espace"),
    ("reload the page and submit it again", "rechargez la page et envoyez à nouveau"),
    ("campaign files are short YAML", "un fichier de campagne est un YAML court"),
    ("save it as UTF-8 YAML", "enregistrez-le en YAML UTF-8"),
    ("download the export again from the platform",
     "téléchargez à nouveau l'export depuis la plateforme"),
    ("upload the file as the platform exported it",
     "envoyez le fichier tel que la plateforme l'a exporté"),
    ("choose the CSV, XLSX or XLS exports of your platforms",
     "choisissez les exports CSV, XLSX ou XLS de vos plateformes"),
    ("import them in several goes", "importez-les en plusieurs fois"),
    ("upload the file again", "envoyez à nouveau le fichier"),
    ("choose at least one metric, and the post or the day",
     "choisissez au moins une mesure, et la publication ou le jour"),
    ("export a shorter period, or use `coulisses kpi import`",
     "exportez une période plus courte, ou utilisez `coulisses kpi import`"),
    ("import platform exports with `coulisses kpi import`",
     "importez les exports des plateformes avec `coulisses kpi import`"),
    ("e.g. https://studio.example.org", "par exemple https://studio.example.org"),
    ("choose a file or paste its text", "choisissez un fichier ou collez son texte"),
    ("tick one or more platforms", "cochez une ou plusieurs plateformes"),
    ("import fewer or smaller files", "importez moins de fichiers, ou de plus petits"),
    ("wait for it to finish", "attendez qu'elle se termine"),
    ("send the byte offset", "envoyez la position en octets"),
    ("upload fewer or smaller files", "envoyez moins de fichiers, ou de plus petits"),
    ("choose one or more video files", "choisissez un ou plusieurs fichiers vidéo"),
    ("reload the page to see it", "rechargez la page pour la voir"),
    ("wait for some to finish, then try again",
     "attendez que certaines se terminent, puis réessayez"),
    ("known: {list}", "connus : {list}"),
    ("split the work, or ask the administrator",
     "découpez le travail, ou demandez à l'administrateur"),
    ("a comment cannot be empty", "un commentaire ne peut pas être vide"),
    ("reload it (now at revision {n})", "rechargez-le (il en est à la révision {n})"),
    ("reload it and edit again", "rechargez-le et modifiez à nouveau"),
    ("it may have been removed", "il a peut-être été supprimé"),
    ("name the file, e.g. interview.mp4", "nommez le fichier, par exemple interview.mp4"),
    ("start the upload again", "recommencez l'envoi"),
    ("send the rest, then finish", "envoyez la suite, puis terminez"),
    ("trim the rush or raise the upload_max_mb setting",
     "raccourcissez le rush ou augmentez le réglage upload_max_mb"),
    ("ask the offset (HEAD) and resume from it", "demandez la position (HEAD) et reprenez de là"),
    ("upload a video such as MP4 or MOV", "envoyez une vidéo, MP4 ou MOV par exemple"),
    ("e.g. sqlite:///studio.sqlite3 or postgresql+psycopg://user:pass@host/db",
     "par exemple sqlite:///studio.sqlite3 ou postgresql+psycopg://user:pass@host/db"),
    # last: the specific lines above win over this one
    ("No such {thing} in this workspace.", "Introuvable dans cet espace ({thing})."),
    # board, review links, notifications (issue 12, board12)
    ("{a}: {b} is not a number of seconds or a time code (h:mm:ss.mmm)",
     "{a} : {b} n'est ni un nombre de secondes ni un code temporel (h:mm:ss.mmm)"),
    ("Too many requests from here: wait a minute, then reload the page.",
     "Trop de requêtes depuis cette adresse : attendez une minute, puis rechargez la page."),
    ("{a} is not a deliverable of {b}'s plan.", "{a} n'est pas un livrable du plan de {b}."),
    ("reload the page: the plan may have changed",
     "rechargez la page : le plan a peut-être changé"),
    ("Choose an episode or BTS item of this campaign's plan.",
     "Choisissez un épisode ou un élément coulisses du plan de cette campagne."),
    ("No such tag in this campaign.", "Cette étiquette n'est pas dans cette campagne."),
    ("Choose a rush to tag.", "Choisissez un rush à étiqueter."),
    ("Choose a planned deliverable from the list.", "Choisissez un livrable prévu dans la liste."),
    ("A link's password holds at most {n} characters.",
     "Le mot de passe d'un lien compte au plus {n} caractères."),
    ("This link does not open.", "Ce lien ne s'ouvre pas."),
    ("Give your name, so the team knows who wrote.",
     "Indiquez votre nom, pour que l'équipe sache qui a écrit."),
    ("{n} is not a number of days.", "{n} n'est pas un nombre de jours."),
    ("A link lasts 1 to {most} days ({n} given).",
     "Un lien dure de 1 à {most} jours ({n} demandé(s))."),
    ("This version is not rendered yet: share it once it is.",
     "Cette version n'est pas encore rendue : partagez-la une fois rendue."),
    # review, campaign forms, trash (issue 12, review12)
    ("No such form.", "Ce formulaire n'existe pas."),
    ("op {op} is not save, add or remove",
     "l'opération {op} n'est ni save, ni add, ni remove"),
    ("the form does not say which version or item it changes",
     "le formulaire ne dit pas quelle version ou quel élément il modifie"),
    ("Only its author or an editor can delete a comment.",
     "Seul son auteur ou un monteur peut supprimer un commentaire."),
    ("variant_id is not a variant's number",
     "variant_id n'est pas le numéro d'une déclinaison"),
    ("This variant belongs to another version.",
     "Cette déclinaison appartient à une autre version."),
    ("{n} comment(s) are not resolved yet.", "{n} commentaire(s) pas encore résolu(s)."),
    ("resolve them, or confirm (confirm=yes) to approve anyway",
     "résolvez-les, ou confirmez (confirm=yes) pour valider quand même"),
    ("No such kind of item.", "Ce type d'élément n'existe pas."),
    # publishing (issue 13, pub13b)
    ("This variant did not pass QC: it cannot be published.",
     "Cette déclinaison n'a pas passé le contrôle qualité : elle ne peut pas être publiée."),
    ("render the cut again", "refaites le rendu du montage"),
    ("This cut version is not approved yet.", "Cette version du montage n'est pas encore validée."),
    ("approve it on its review page first", "validez-la d'abord sur sa page de revue"),
    ("This variant is cut for {a}, not {b}.",
     "Cette déclinaison est faite pour {a}, pas pour {b}."),
    ("pick a variant for {a}", "choisissez une déclinaison pour {a}"),
    ("The sandbox address must be an http URL on this machine (127.0.0.1, ::1 or localhost).",
     "L'adresse du bac à sable doit être une URL http sur cette machine (127.0.0.1, ::1 ou "
     "localhost)."),
    ("e.g. {a}", "par exemple {a}"),
    ("The platform's answer does not match this sign-in.",
     "La réponse de la plateforme ne correspond pas à cette connexion."),
    ("connect the account again", "connectez à nouveau le compte"),
    ("The platform did not approve the sign-in ({a}).",
     "La plateforme n'a pas accepté la connexion ({a})."),
    ("option line {n} is not KEY=VALUE", "la ligne d'option {n} n'est pas CLÉ=VALEUR"),
    ("This sign-in is unknown or took too long.",
     "Cette connexion est inconnue ou a pris trop de temps."),
    # backstage (issue 14)
    ("No such page.", "Cette page n'existe pas."),
    ("No such file.", "Ce fichier n'existe pas."),
    ("No such poll.", "Ce sondage n'existe pas."),
    ("{a}: {b} is not a date and time", "{a} : {b} n'est pas une date et une heure"),
    # the demo account (web/demo_account.py)
    ("no workspace {a} in the studio database", "pas d'espace {a} dans la base du studio"),
    # challenges: the jury (ch-jury)
    ("No such challenge.", "Ce challenge n'existe pas."),
    ("choose a score from 1 to 5", "choisissez une note de 1 à 5"),
    ("the entry's file is gone", "le fichier de la participation a disparu"),
    ("a score is a whole number from {a} to {b}, not {c}",
     "une note est un nombre entier de {a} à {b}, pas {c}"),
    ("a note is at most {a} characters, not {b}",
     "une remarque fait au plus {a} caractères, pas {b}"),
    ("no entry {a} to judge in this challenge", "aucune participation {a} à juger dans ce "
     "challenge"),
)
_THINGS_FR = {"rush": "rush", "cut": "montage", "version": "version", "variant": "déclinaison",
              "comment": "commentaire", "campaign": "campagne", "job": "tâche",
              "upload": "envoi", "member": "membre"}


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    compiled = []
    for english, french in FR:
        parts = re.split(r"\{(\w+)\}", english)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)"
                        for i, p in enumerate(parts))
        compiled.append((re.compile(regex + r"\Z", re.DOTALL), french))
    return tuple(compiled)


def french(line: str) -> str | None:
    """``line`` in French, or None when no pattern knows it."""
    from coulisses.web.i18n_web import FR as TABLE

    for pattern, template in _patterns():
        found = pattern.match(line)
        if found is None:
            continue
        values = found.groupdict()
        if "role" in values:
            values["role"] = TABLE.get(f"role.{values['role']}", values["role"])
        if "action" in values:
            values["action"] = TABLE.get(f"perm.{values['action']}", values["action"])
        if "thing" in values:
            values["thing"] = _THINGS_FR.get(values["thing"], values["thing"])
        return template.format(**values)
    return None


def in_lang(line: str | None, lang: str) -> str | None:
    """``line`` (a message or a hint) in ``lang``; as it is when English or unknown."""
    if line is None or lang != "fr":
        return line
    return french(line) or line


def error_line(exc: CoulissesError, lang: str) -> str:
    """``exc.one_line()`` (with its file, row or line when it has one) in ``lang``, as forms
    list problems."""
    line = exc.one_line()
    for part in (exc.message, exc.hint):
        if part and lang != "en":
            line = line.replace(part, in_lang(part, lang) or part)
    return line
