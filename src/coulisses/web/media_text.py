"""Interface text of the rushes, cuts, review and search pages, in English and French.

Registered into the studio's tables (``i18n_web.register``) when the media routes load.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "rush.title": "Rushes", "rush.none": "No rush yet: upload your first one.",
    "rush.upload": "Upload rushes", "rush.upload_title": "Upload rushes",
    "rush.file": "Video files", "rush.send": "Upload",
    "rush.upload_help": "Large files are sent in pieces and resume after a dropped "
                        "connection. Up to {mb} MB per file.",
    "rush.progress": "Upload progress", "rush.retry": "Connection lost, resuming…",
    "rush.uploaded": "Uploaded.", "rush.name": "Name", "rush.duration": "Duration",
    "rush.size": "Size", "rush.status": "Analysis", "rush.open": "Open",
    "rush.thumb": "Thumbnail of {name}", "rush.player": "Player of {name}",
    "rush.analyze": "Analyse this rush", "rush.reanalyze": "Analyse again",
    "rush.analysing": "Analysing…", "rush.failed": "The analysis failed: {error}",
    "rush.transcript": "Transcript", "rush.no_speech": "No speech was found.",
    "rush.timeline": "Timeline", "rush.shots": "Shots", "rush.moments": "Moments",
    "rush.shot_n": "Shot {n} at {t}", "rush.moment_at": "Moment at {t}: {reason}",
    "rush.not_analysed": "Not analysed yet.", "rush.delete": "Delete this rush",
    "rush.deleted": "Rush deleted.", "rush.facts": "{w}×{h}, {fps} fps, {d}",
    "rush.seek": "Play from {t}",
    "status.uploaded": "not analysed", "status.analysing": "analysing",
    "status.analysed": "analysed", "status.rendering": "rendering",
    "search.title": "Search the rushes", "search.query": "Words or an idea",
    "search.go": "Search", "search.none": "Nothing found for “{q}”.",
    "search.hits": "{n} passage(s) for “{q}”", "search.in": "in {name} at {t}",
    "cut.title": "Cuts", "cut.none": "No cut yet: open a rush and render a cut.",
    "cut.new": "Render a cut", "cut.cut_title": "Title", "cut.platforms": "Platforms",
    "cut.start": "Start (seconds)", "cut.end": "End (seconds)",
    "cut.captions": "Burn word-by-word captions from speech",
    "cut.reframe": "Reframe to follow the subject", "cut.preset": "Quality",
    "cut.preset_final": "Final", "cut.preset_draft": "Draft (fast)",
    "cut.preset_master": "Master (slowest, smallest files)",
    "cut.trim": "Trim spans too long for a platform",
    "cut.extend": "Extend spans too short for a platform",
    "cut.render": "Render", "cut.rerender": "Render a new version",
    "cut.version": "Version {n}", "cut.versions": "Versions",
    "cut.variants": "Variants", "cut.qc": "QC report", "cut.qc_pass": "passes",
    "cut.qc_fail": "fails", "cut.check": "Check", "cut.expected": "Expected",
    "cut.actual": "Measured", "cut.rendering": "Rendering…",
    "cut.failed": "The render failed: {error}", "cut.from": "From {name}",
    "cut.sheet": "Contact sheet of version {n}", "cut.download": "Download",
    "cut.decision": "Decision", "cut.approve": "Approve",
    "cut.request_changes": "Request changes", "cut.note": "Note (optional)",
    "decision.pending": "awaiting review", "decision.approved": "approved",
    "decision.changes": "changes requested",
    "cut.decided": "{name}: {decision}", "cut.choose_platform": "Choose at least one platform.",
    "review.comments": "Comments", "review.none": "No comment yet.",
    "review.add": "Comment", "review.body": "Your comment", "review.at": "At (seconds)",
    "review.until": "Until (seconds, for a range)", "review.at_now": "At current time",
    "review.range_end": "End range here", "review.send": "Post comment",
    "review.reply": "Reply", "review.edit": "Edit", "review.save": "Save",
    "review.resolve": "Resolve", "review.reopen": "Reopen", "review.resolved": "resolved",
    "review.conflict": "Someone else changed this comment meanwhile: nothing was "
                       "overwritten. Their text is shown; edit again if needed.",
    "review.by": "{name} at {t}", "review.variant": "Variant",
    "review.empty": "Write something first.",
}

FR: dict[str, str] = {
    "rush.title": "Rushes", "rush.none": "Aucun rush : envoyez le premier.",
    "rush.upload": "Envoyer des rushes", "rush.upload_title": "Envoyer des rushes",
    "rush.file": "Fichiers vidéo", "rush.send": "Envoyer",
    "rush.upload_help": "Les gros fichiers partent par morceaux et reprennent après une "
                        "coupure. Jusqu'à {mb} Mo par fichier.",
    "rush.progress": "Progression de l'envoi", "rush.retry": "Connexion perdue, reprise…",
    "rush.uploaded": "Envoyé.", "rush.name": "Nom", "rush.duration": "Durée",
    "rush.size": "Taille", "rush.status": "Analyse", "rush.open": "Ouvrir",
    "rush.thumb": "Vignette de {name}", "rush.player": "Lecteur de {name}",
    "rush.analyze": "Analyser ce rush", "rush.reanalyze": "Analyser à nouveau",
    "rush.analysing": "Analyse en cours…", "rush.failed": "L'analyse a échoué : {error}",
    "rush.transcript": "Transcription", "rush.no_speech": "Aucune parole trouvée.",
    "rush.timeline": "Chronologie", "rush.shots": "Plans", "rush.moments": "Moments",
    "rush.shot_n": "Plan {n} à {t}", "rush.moment_at": "Moment à {t} : {reason}",
    "rush.not_analysed": "Pas encore analysé.", "rush.delete": "Supprimer ce rush",
    "rush.deleted": "Rush supprimé.", "rush.facts": "{w}×{h}, {fps} i/s, {d}",
    "rush.seek": "Lire à partir de {t}",
    "status.uploaded": "non analysé", "status.analysing": "analyse en cours",
    "status.analysed": "analysé", "status.rendering": "rendu en cours",
    "search.title": "Chercher dans les rushes", "search.query": "Des mots ou une idée",
    "search.go": "Chercher", "search.none": "Rien trouvé pour « {q} ».",
    "search.hits": "{n} passage(s) pour « {q} »", "search.in": "dans {name} à {t}",
    "cut.title": "Montages", "cut.none": "Aucun montage : ouvrez un rush et lancez un rendu.",
    "cut.new": "Rendre un montage", "cut.cut_title": "Titre", "cut.platforms": "Plateformes",
    "cut.start": "Début (secondes)", "cut.end": "Fin (secondes)",
    "cut.captions": "Incruster des sous-titres mot à mot",
    "cut.reframe": "Recadrer pour suivre le sujet", "cut.preset": "Qualité",
    "cut.preset_final": "Finale", "cut.preset_draft": "Brouillon (rapide)",
    "cut.preset_master": "Master (le plus lent, fichiers les plus petits)",
    "cut.trim": "Raccourcir ce qui est trop long pour une plateforme",
    "cut.extend": "Prolonger ce qui est trop court pour une plateforme",
    "cut.render": "Lancer le rendu", "cut.rerender": "Rendre une nouvelle version",
    "cut.version": "Version {n}", "cut.versions": "Versions",
    "cut.variants": "Déclinaisons", "cut.qc": "Rapport de contrôle", "cut.qc_pass": "conforme",
    "cut.qc_fail": "non conforme", "cut.check": "Contrôle", "cut.expected": "Attendu",
    "cut.actual": "Mesuré", "cut.rendering": "Rendu en cours…",
    "cut.failed": "Le rendu a échoué : {error}", "cut.from": "D'après {name}",
    "cut.sheet": "Planche contact de la version {n}", "cut.download": "Télécharger",
    "cut.decision": "Décision", "cut.approve": "Valider",
    "cut.request_changes": "Demander des modifications", "cut.note": "Note (facultative)",
    "decision.pending": "en attente de relecture", "decision.approved": "validée",
    "decision.changes": "modifications demandées",
    "cut.decided": "{name} : {decision}",
    "cut.choose_platform": "Choisissez au moins une plateforme.",
    "review.comments": "Commentaires", "review.none": "Aucun commentaire.",
    "review.add": "Commenter", "review.body": "Votre commentaire", "review.at": "À (secondes)",
    "review.until": "Jusqu'à (secondes, pour un intervalle)",
    "review.at_now": "Au temps actuel", "review.range_end": "Finir l'intervalle ici",
    "review.send": "Publier", "review.reply": "Répondre", "review.edit": "Modifier",
    "review.save": "Enregistrer", "review.resolve": "Résoudre", "review.reopen": "Rouvrir",
    "review.resolved": "résolu",
    "review.conflict": "Quelqu'un a modifié ce commentaire entre-temps : rien n'a été "
                       "écrasé. Son texte est affiché ; modifiez à nouveau si besoin.",
    "review.by": "{name} à {t}", "review.variant": "Déclinaison",
    "review.empty": "Écrivez d'abord quelque chose.",
}


def timecode(seconds: float | None) -> str:
    """``m:ss.s`` for display (``h:mm:ss`` past an hour)."""
    if seconds is None:
        return ""
    s = max(0.0, float(seconds))
    hours, rest = divmod(s, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{int(hours)}:{int(minutes):02d}:{secs:04.1f}"
    return f"{int(minutes)}:{secs:04.1f}"


def register_all() -> None:
    """Add these keys to the studio's tables (idempotent)."""
    from coulisses.web.i18n_web import register

    register("en", EN)
    register("fr", FR)
