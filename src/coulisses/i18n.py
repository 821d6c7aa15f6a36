"""Interface text in English and French; ``text(lang, key, **values)`` picks and fills one."""

from __future__ import annotations

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
        "interrupted": "interrupted: nothing unfinished was kept",
        "check_pass": "{file} passes the {platform} checks.",
        "check_fail": "{file} does not pass the {platform} checks:",
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
        "interrupted": "interrompu : rien d'inachevé n'a été gardé",
        "check_pass": "{file} passe les contrôles {platform}.",
        "check_fail": "{file} ne passe pas les contrôles {platform} :",
    },
}


def text(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (English when missing), filled with ``values``."""
    table = MESSAGES.get(lang, MESSAGES["en"])
    template = table.get(key) or MESSAGES["en"].get(key, key)
    return template.format(**values)
