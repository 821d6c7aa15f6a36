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
    ("the range must end after it starts ({at})", "la plage doit finir après son début ({at})"),
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
    ("{a}: {b} is not a number of seconds or a time code (mm:ss or hh:mm:ss.ff)",
     "{a} : {b} n'est ni un nombre de secondes ni un code temporel (mm:ss ou hh:mm:ss.ff)"),
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
    # the library's lines that reach the studio: campaign, render, kpi (issue 12, studio12b)
    ("unknown time zone {a}", "fuseau horaire inconnu : {a}"),
    ("use an IANA name such as Europe/Paris or UTC",
     "utilisez un nom IANA, comme Europe/Paris ou UTC"),
    ("unknown shoot day {a}", "jour de tournage inconnu : {a}"),
    ("unknown beat {a}", "temps fort inconnu : {a}"),
    ("{a}: cannot read the tags ({b})", "{a} : impossible de lire les étiquettes ({b})"),
    ("fix or remove the file, then tag the rushes again",
     "corrigez ou supprimez le fichier, puis étiquetez à nouveau les rushes"),
    ("a campaign file is a mapping of keys (version, id, name, ...)",
     "un fichier de campagne est une table de clés (version, id, name, ...)"),
    ("{a}: {b} is not a time (HH:MM)", "{a} : {b} n'est pas une heure (HH:MM)"),
    ("{a}: {b} is not a date (YYYY-MM-DD)", "{a} : {b} n'est pas une date (AAAA-MM-JJ)"),
    ("{a}: {b} is not a number", "{a} : {b} n'est pas un nombre"),
    ("no form for {a}", "aucun formulaire pour {a}"),
    ("no {a} list at {b}", "aucune liste {a} à {b}"),
    ("no list at {a}", "aucune liste à {a}"),
    ("no item {a} in this list", "aucun élément {a} dans cette liste"),
    ("item {a} is not a mapping", "l'élément {a} n'est pas une table de clés"),
    ("not valid YAML: {a}", "YAML non valide : {a}"),
    ("malformed YAML: {a}", "YAML mal formé : {a}"),
    ("the file is {a} MB; a campaign file is at most {b} KiB",
     "le fichier fait {a} Mo ; un fichier de campagne fait au plus {b} Kio"),
    ("split notes and media out of the campaign file",
     "sortez les notes et les médias du fichier de campagne"),
    ("cannot read the campaign file: {a}", "impossible de lire le fichier de campagne : {a}"),
    ("check the path", "vérifiez le chemin"),
    ("the file is not UTF-8 text", "le fichier n'est pas du texte UTF-8"),
    ("save it as UTF-8", "enregistrez-le en UTF-8"),
    ("the file is empty (0 bytes)", "le fichier est vide (0 octet)"),
    ("the file is empty", "le fichier est vide"),
    ("start from `coulisses campaign new FILE`",
     "partez de `coulisses campaign new FICHIER`"),
    ("the file is nested too deeply", "le fichier est imbriqué trop profondément"),
    ("record the consent or licence in the campaign file, or pass --override-rights \"why\"",
     "notez l'accord ou la licence dans le fichier de campagne, ou passez "
     "--override-rights \"pourquoi\""),
    ("--override-rights needs a reason, e.g. --override-rights \"consent signed on paper, "
     "scan to follow\"",
     "--override-rights demande une raison, par exemple --override-rights \"accord signé sur "
     "papier, scan à suivre\""),
    ("no example campaign {a}", "aucun exemple de campagne {a}"),
    ("no starting file in {a}", "aucun fichier de départ en {a}"),
    ("use --lang en or --lang fr", "utilisez --lang en ou --lang fr"),
    ("{a} already exists: coulisses never replaces a mapping you may have edited",
     "{a} existe déjà : coulisses ne remplace jamais une correspondance que vous avez pu "
     "modifier"),
    ("{a} already exists", "{a} existe déjà"),
    ("choose another name, or pass --force to replace it",
     "choisissez un autre nom, ou passez --force pour le remplacer"),
    ("{a} is a folder", "{a} est un dossier"),
    ("give a file name", "donnez un nom de fichier"),
    ("folder {a} does not exist", "le dossier {a} n'existe pas"),
    ("create it first", "créez-le d'abord"),
    ("{a}: holds no caption cue", "{a} : ne contient aucun sous-titre"),
    ("{a}: not a readable {b} file ({c})", "{a} : fichier {b} illisible ({c})"),
    ("fix the file, or delete it to compute the path again",
     "corrigez le fichier, ou supprimez-le pour recalculer le cadrage"),
    ("{a}: cannot read the crop path ({b})", "{a} : impossible de lire le cadrage ({b})"),
    ("{a}: line {b} column {c}: {d}", "{a} : ligne {b} colonne {c} : {d}"),
    ("the crop path must be JSON", "le cadrage doit être du JSON"),
    ("--encoder nvenc: h264_nvenc does not work here ({a})",
     "--encoder nvenc : h264_nvenc ne fonctionne pas ici ({a})"),
    ("it needs an NVIDIA GPU and driver; use --encoder x264",
     "il faut une carte NVIDIA et son pilote ; utilisez --encoder x264"),
    ("{a}: its {b}x{c} window fits none of the platforms asked for",
     "{a} : son cadre {b}x{c} ne convient à aucune des plateformes demandées"),
    ("cut to a platform of that shape", "montez pour une plateforme de ce format"),
    ("loudness check printed no summary",
     "la mesure de sonie n'a pas donné de résumé"),
    ("preset {a} is not final, master or draft", "préréglage {a} : ni final, ni master, ni draft"),
    ("encoder {a} is not x264 or nvenc", "encodeur {a} : ni x264, ni nvenc"),
    ("--start {a} s is outside the source (0 to {b} s)",
     "--start {a} s est hors de la source (de 0 à {b} s)"),
    ("--end {a} s must come after --start {b} s", "--end {a} s doit suivre --start {b} s"),
    ("{a}: the span lasts {b} s but {c} needs at least {d} s",
     "{a} : l'extrait dure {b} s mais {c} demande au moins {d} s"),
    ("choose a longer span with --start/--end, or pass --extend to hold the last frame",
     "choisissez un extrait plus long avec --start/--end, ou passez --extend pour tenir la "
     "dernière image"),
    ("--crop needs a positive width and height",
     "--crop demande une largeur et une hauteur positives"),
    ("--crop {a},{b},{c},{d} goes outside the {e}x{f} picture",
     "--crop {a},{b},{c},{d} sort de l'image {e}x{f}"),
    ("{a}: the span lasts {b} s but {c} takes at most {d} s",
     "{a} : l'extrait dure {b} s mais {c} accepte au plus {d} s"),
    ("choose a shorter span with --start/--end, or pass --trim to keep the first {a} s",
     "choisissez un extrait plus court avec --start/--end, ou passez --trim pour garder les "
     "{a} premières s"),
    ("unknown timeline format {a}", "format de timeline inconnu : {a}"),
    ("choose from otio, edl, fcp7xml", "choisissez parmi otio, edl, fcp7xml"),
    ("{a}: an EDL does not record its frame rate",
     "{a} : une EDL n'enregistre pas sa cadence"),
    ("give the rate it was written at", "indiquez la cadence à laquelle elle a été écrite"),
    ("caption style {a} is unknown", "style de sous-titres inconnu : {a}"),
    ("choose one of {a}", "choisissez parmi {a}"),
    ("no analytics store here", "aucune base de statistiques ici"),
    ("import exports first: coulisses kpi import FILE",
     "importez d'abord des exports : coulisses kpi import FICHIER"),
    ("not an analytics store ({a})", "ce n'est pas une base de statistiques ({a})"),
    ("not an analytics store: {a}", "ce n'est pas une base de statistiques : {a}"),
    ("import exports with coulisses kpi import",
     "importez des exports avec coulisses kpi import"),
    ("{a}: an import is writing to the analytics store",
     "{a} : une importation écrit dans la base de statistiques"),
    ("run the report when it has finished", "lancez le rapport une fois qu'elle est finie"),
    ("{a}: cannot read KPI definitions: {b}",
     "{a} : impossible de lire les définitions des indicateurs : {b}"),
    ("a mapping file is a YAML mapping with platform and metrics",
     "un fichier de correspondance est une table YAML avec platform et metrics"),
    ("cannot read the mapping ({a})", "impossible de lire la correspondance ({a})"),
    ("not valid YAML ({a})", "YAML non valide ({a})"),
    ("use it: {a}; or pass --force to guess again over it",
     "utilisez-le : {a} ; ou passez --force pour deviner à nouveau par-dessus"),
    ("no header row (a row with at least two column names) in the first rows",
     "pas de ligne d'en-tête (une ligne d'au moins deux noms de colonnes) dans les premières "
     "lignes"),
    ("save the sheet with its column names on the first row",
     "enregistrez la feuille avec les noms de colonnes sur la première ligne"),
    ("download the export again", "téléchargez à nouveau l'export"),
    ("cannot read the file ({a})", "impossible de lire le fichier ({a})"),
    ("cannot be read as an XLSX workbook ({a})", "illisible comme classeur XLSX ({a})"),
    ("cannot be read as an XLS workbook ({a})", "illisible comme classeur XLS ({a})"),
    ("merged cells {a}: coulisses reads one value per cell",
     "cellules fusionnées {a} : coulisses lit une valeur par cellule"),
    ("unmerge them, or import the file as the platform exported it",
     "défusionnez-les, ou importez le fichier tel que la plateforme l'a exporté"),
    ("text is not {a} (byte {b} of a chunk cannot be decoded)",
     "le texte n'est pas en {a} (l'octet {b} d'un bloc ne se décode pas)"),
    ("save the file as UTF-8 or UTF-16", "enregistrez le fichier en UTF-8 ou UTF-16"),
    ("malformed CSV ({a})", "CSV mal formé ({a})"),
    ("cell {a}{b} is a formula ({c}); coulisses imports values only",
     "la cellule {a}{b} est une formule ({c}) ; coulisses n'importe que des valeurs"),
    ("paste the sheet as values, or use the file as the platform exported it",
     "collez la feuille en valeurs, ou utilisez le fichier tel que la plateforme l'a exporté"),
    ("a known-posts file has version: 1 and posts: [...]",
     "un fichier de publications connues contient version: 1 et posts: [...]"),
    ("--format {a} is not one of {b}", "--format {a} : pas parmi {b}"),
    ("cannot create the folder {a}: {b}", "impossible de créer le dossier {a} : {b}"),
    ("cannot open the analytics store ({a})",
     "impossible d'ouvrir la base de statistiques ({a})"),
    # the campaign loader's located problems and the analytics importers' (studio12b)
    ("unknown key {a} in the file", "clé inconnue {a} dans le fichier"),
    ("unknown key {a} in {b}", "clé inconnue {a} dans {b}"),
    ("did you mean {a}? allowed: {b}", "vouliez-vous dire {a} ? permis : {b}"),
    ("did you mean {a}?", "vouliez-vous dire {a} ?"),
    ("allowed: {a}", "permis : {a}"),
    ("the file has no `version`", "le fichier n'a pas de `version`"),
    ("add `version: {a}` as the first line", "ajoutez `version: {a}` en première ligne"),
    ("version {a} is not a number", "la version {a} n'est pas un nombre"),
    ("write `version: {a}`", "écrivez `version: {a}`"),
    ("version {a} is newer than this coulisses reads ({b})",
     "la version {a} est plus récente que ce que lit ce coulisses ({b})"),
    ("upgrade coulisses", "mettez coulisses à jour"),
    ("version {a} is not a campaign file version",
     "la version {a} n'est pas une version de fichier de campagne"),
    ("inside { }, quote text that contains a comma",
     "entre {{ }}, mettez entre guillemets un texte qui contient une virgule"),
    ("{a} needs `{b}`", "{a} demande `{b}`"),
    ("{a}: {b} is not one of {c}", "{a} : {b} n'est pas parmi {c}"),
    ("{a}: {b} is not a date that exists", "{a} : {b} n'est pas une date qui existe"),
    ("write dates as YYYY-MM-DD, e.g. 2026-03-14",
     "écrivez les dates en AAAA-MM-JJ, par exemple 2026-03-14"),
    ("{a}: {b} is not a valid id", "{a} : {b} n'est pas un identifiant valide"),
    ("ids use lower-case letters, digits and dashes, e.g. 'casting-day-1'",
     "un identifiant s'écrit en minuscules, chiffres et tirets, par exemple 'casting-day-1'"),
    ("{a}: {b} is not a time of day", "{a} : {b} n'est pas une heure"),
    ("write times as HH:MM on 24 hours, e.g. \"18:30\"",
     "écrivez les heures en HH:MM sur 24 heures, par exemple \"18:30\""),
    ("beat {a} does not exist", "le temps fort {a} n'existe pas"),
    ("location {a} does not exist", "le lieu {a} n'existe pas"),
    ("behind-the-scenes item {a} does not exist", "l'élément coulisses {a} n'existe pas"),
    ("person {a} does not exist", "la personne {a} n'existe pas"),
    ("music {a} does not exist", "la musique {a} n'existe pas"),
    ("shoot day {a} does not exist", "le jour de tournage {a} n'existe pas"),
    ("{a} {b} does not exist", "{a} {b} n'existe pas"),
    ("unknown platform {a}", "plateforme inconnue : {a}"),
    ("the campaign ends ({a}) before it starts ({b})",
     "la campagne finit ({a}) avant de commencer ({b})"),
    ("id {a} is used twice: first{b}", "l'identifiant {a} sert deux fois : d'abord{b}"),
    ("every id in a campaign file must be unique",
     "chaque identifiant d'un fichier de campagne doit être unique"),
    ("platform {a} is planned twice", "la plateforme {a} est prévue deux fois"),
    ("merge its formats into one entry", "réunissez ses formats en une seule entrée"),
    ("platform {a} is not in this campaign's platforms",
     "la plateforme {a} n'est pas parmi celles de cette campagne"),
    ("series {a} lists {b} episodes but plans {c}",
     "la série {a} liste {b} épisodes mais en prévoit {c}"),
    ("raise episodes_planned or remove episodes",
     "augmentez episodes_planned ou retirez des épisodes"),
    ("format {a} is not planned on {b}", "le format {a} n'est pas prévu sur {b}"),
    ("episode number {a} is used twice in {b}", "l'épisode numéro {a} sert deux fois dans {b}"),
    ("episode {a} is beyond the {b} planned", "l'épisode {a} dépasse les {b} prévus"),
    ("episode {a} lasts {b} s, more than the series' {c} s",
     "l'épisode {a} dure {b} s, plus que les {c} s de la série"),
    ("shorten it or raise the series' max_seconds",
     "raccourcissez-le ou augmentez le max_seconds de la série"),
    ("beats form a cycle: {a}", "des temps forts forment une boucle : {a}"),
    ("behind-the-scenes items form a cycle: {a}",
     "des éléments coulisses forment une boucle : {a}"),
    ("{a}s form a cycle: {b}", "des {a} forment une boucle : {b}"),
    ("remove one of these `after` links", "retirez l'un de ces liens `after`"),
    ("the file has a header but no data rows: nothing to import",
     "le fichier a un en-tête mais aucune ligne de données : rien à importer"),
    ("the export has a header but no data rows: nothing to import",
     "l'export a un en-tête mais aucune ligne de données : rien à importer"),
    ("the file has a header but no comments: nothing to import",
     "le fichier a un en-tête mais aucun commentaire : rien à importer"),
    ("the mapping names no metric column found in the file",
     "la correspondance ne nomme aucune colonne de mesure présente dans le fichier"),
    ("no post id or link on this row",
     "pas d'identifiant ni de lien de publication sur cette ligne"),
    ("the date is missing", "la date manque"),
    ("{a} is after the day the export was made ({b})",
     "{a} est après le jour où l'export a été fait ({b})"),
    ("pass --as-of with the download date if it is wrong",
     "passez --as-of avec la date du téléchargement si elle est fausse"),
    ("pass --as-of with the day the export was downloaded",
     "passez --as-of avec le jour où l'export a été téléchargé"),
    ("this row has {a} cells, the header {b}", "cette ligne a {a} cellules, l'en-tête {b}"),
    ("the file may be cut or edited: download it again",
     "le fichier est peut-être tronqué ou modifié : téléchargez-le à nouveau"),
    ("{a} is negative: {b} cannot be below zero",
     "{a} est négatif : {b} ne peut pas être sous zéro"),
    ("fix the cell or download the export again",
     "corrigez la cellule ou téléchargez à nouveau l'export"),
    ("the file has no header row", "le fichier n'a pas de ligne d'en-tête"),
    ("column(s) {a} named in the mapping are not in the header",
     "colonne(s) {a} nommée(s) dans la correspondance absente(s) de l'en-tête"),
    ("column(s) {a} named in {b} are not in the header",
     "colonne(s) {a} nommée(s) dans {b} absente(s) de l'en-tête"),
    ("the header has: {a}", "l'en-tête contient : {a}"),
    ("no {a} on this row", "pas de {a} sur cette ligne"),
    ("looks like a {a} ({b}), not {c}", "ressemble à un {a} ({b}), pas à {c}"),
    ("drop --platform to detect it, or pick the right file",
     "retirez --platform pour le détecter, ou choisissez le bon fichier"),
    ("looks like a {a} but the column(s) {b} are missing",
     "ressemble à un {a} mais il manque la ou les colonnes {b}"),
    ("download the full export again; for a sheet of your own, --platform generic guesses a "
     "mapping",
     "téléchargez à nouveau l'export complet ; pour une feuille à vous, --platform generic "
     "devine une correspondance"),
    ("the title line {a} names no metric coulisses knows",
     "la ligne de titre {a} ne nomme aucune mesure connue de coulisses"),
    ("a Meta {a} file can be Instagram's or Facebook's",
     "un fichier Meta {a} peut venir d'Instagram ou de Facebook"),
    ("pass --platform instagram or --platform facebook",
     "passez --platform instagram ou --platform facebook"),
    ("--platform generic needs --mapping MAP.yaml",
     "--platform generic demande --mapping MAP.yaml"),
    ("see docs/kpi.md, Importing analytics", "voir docs/kpi.md, Importing analytics"),
    ("more than a year of days without a year: no single matching year",
     "plus d'un an de jours sans année : aucune année ne convient seule"),
    ("export a window shorter than a year", "exportez une période de moins d'un an"),
    ("{a} is not a finite number", "{a} n'est pas un nombre fini"),
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


# the campaign loader's first problem says how many follow (campaign/load.py)
_MORE = re.compile(r" \(and (?P<n>\d+) more problems?\)\Z")


def french(line: str) -> str | None:
    """``line`` in French, or None when no pattern knows it."""
    from coulisses.web.i18n_web import FR as TABLE

    if more := _MORE.search(line):
        first = french(line[:more.start()])
        n = int(more["n"])
        tail = "autre problème" if n == 1 else "autres problèmes"
        return None if first is None else f"{first} (et {n} {tail})"

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


def stored_line(line: str, lang: str) -> str:
    """A line stored as ``one_line()`` made it (a failed job's ``message (hint)``, perhaps
    after a ``file:line:`` prefix) in ``lang``; as it is when no pattern knows it. A split
    where both the message and the hint are known wins over one pattern swallowing both."""
    if lang != "fr" or not line:
        return line
    cuts = [i for i in range(len(line)) if line.startswith(" (", i)] if line.endswith(")") else []
    starts = (0, line.find(": ") + 2) if ": " in line else (0,)
    for start in starts:
        for i in cuts:
            if i > start and (message := french(line[start:i])) and (
                    hint := french(line[i + 2:-1])):
                return f"{line[:start]}{message} ({hint})"
    for start in starts:
        if whole := french(line[start:]):
            return line[:start] + whole
    return line
