"""The campaign file's field descriptions in French: the loader gives a field's description as
the hint of a problem found at it (``campaign/load.py``, ``key: description`` when the key is
missing), and a French studio shows it from here. A test fails on a field without French."""

from __future__ import annotations

# the English is each field's ``description`` in campaign/schema.py, as it is written there
DESCRIPTIONS: dict[str, str] = {
    "IANA time zone of the file's times (call, wrap, publish), e.g. Europe/Paris; default UTC":
        "fuseau horaire IANA des heures du fichier (convocation, fin, publication), par exemple "
        "Europe/Paris ; UTC par défaut",
    "ISO 3166 alpha-2 country codes accepted, e.g. FR, BE; empty means anywhere":
        "codes pays ISO 3166 alpha-2 acceptés, par exemple FR, BE ; vide : partout",
    "YYYY-MM-DD": "AAAA-MM-JJ",
    "a platform id": "un identifiant de plateforme",
    "a platform id from `coulisses platforms`":
        "un identifiant de plateforme de `coulisses platforms`",
    "accepted file extensions": "extensions de fichier acceptées",
    "access, power, permits": "accès, électricité, autorisations",
    "an id: lower-case letters, digits and dashes":
        "un identifiant : minuscules, chiffres et tirets",
    "artist or library": "artiste ou banque de sons",
    "awareness, acquisition, conversion, retention or credibility":
        "awareness, acquisition, conversion, retention ou credibility",
    "contract or library reference": "référence du contrat ou de la banque de sons",
    "crew call time, HH:MM": "heure de convocation de l'équipe, HH:MM",
    "date it was signed": "date de signature",
    "date the target should be met": "date à laquelle l'objectif doit être atteint",
    "date they signed": "date de leur signature",
    "day the finished video is due; default: 2 days before publication":
        "jour où la vidéo finie est attendue ; par défaut : 2 jours avant la publication",
    "declared age bands accepted; empty means every band":
        "tranches d'âge déclarées acceptées ; vide : toutes",
    "declared fields the shortlist is spread across, e.g. city, age_band":
        "champs déclarés sur lesquels la présélection est répartie, par exemple city, age_band",
    "e.g. vertical episode, carousel reel": "par exemple épisode vertical, reel carrousel",
    "first day entries are taken, YYYY-MM-DD":
        "premier jour où les participations sont reçues, AAAA-MM-JJ",
    "first day of the campaign, YYYY-MM-DD": "premier jour de la campagne, AAAA-MM-JJ",
    "for minors": "pour les mineurs",
    "formats planned here": "formats prévus ici",
    "granted, pending, refused or none": "granted, pending, refused ou none",
    "how it is filmed: raw or spontaneous (phone, no set-up), staged, or polished":
        "comment c'est filmé : brut ou spontané (téléphone, sans installation), mis en scène, "
        "ou soigné",
    "how long the release lasts": "durée de validité de l'autorisation",
    "how many episodes it will have": "nombre d'épisodes prévus",
    "how many to shortlist": "nombre de participations à présélectionner",
    "entries whose speech scores below this against the brief are off brief and not "
    "shortlisted; 0 for challenges without speech (a dance, a silent trick)":
        "les participations dont la parole obtient moins que ce score face au brief sont hors "
        "sujet et non présélectionnées ; 0 pour les défis sans parole (une danse, un tour "
        "muet)",
    "how the BTS sounds here, e.g. fast and fun, aesthetic, craft and know-how":
        "le ton des coulisses ici, par exemple rapide et drôle, esthétique, savoir-faire",
    "how the brand sounds, in a sentence": "le ton de la marque, en une phrase",
    "how the result meets the target": "comment le résultat se compare à l'objectif",
    "id of a format planned for that platform":
        "identifiant d'un format prévu pour cette plateforme",
    "id of the location": "identifiant du lieu",
    "id of the shoot day it is captured on": "identifiant du jour de tournage où il est capté",
    "id of the shoot day it is filmed on": "identifiant du jour de tournage où il est filmé",
    "ids of beats that come before it": "identifiants des temps forts qui le précèdent",
    "ids of behind-the-scenes items published before it (a teaser before its reveal)":
        "identifiants des éléments coulisses publiés avant lui (un teaser avant sa révélation)",
    "ids of the music it uses": "identifiants des musiques qu'il utilise",
    "ids of the people on screen": "identifiants des personnes à l'écran",
    "ids of the story beats it extends": "identifiants des temps forts du récit qu'il prolonge",
    "ids of the story beats it tells": "identifiants des temps forts du récit qu'il raconte",
    "indicators and targets": "indicateurs et objectifs",
    "language of the content, e.g. fr or en-GB": "langue du contenu, par exemple fr ou en-GB",
    "last day entries are taken, YYYY-MM-DD":
        "dernier jour où les participations sont reçues, AAAA-MM-JJ",
    "last day it is valid": "dernier jour de validité",
    "last day of the campaign, YYYY-MM-DD": "dernier jour de la campagne, AAAA-MM-JJ",
    "licensed, pending, refused or none": "licensed, pending, refused ou none",
    "longest a BTS video should be here; default: the platform's sweet spot":
        "durée maximale d'une vidéo coulisses ici ; par défaut : la durée idéale de la "
        "plateforme",
    "longest accepted entry, seconds": "participation la plus longue acceptée, en secondes",
    "longest silence allowed between two posts; default: twice the rhythm's interval":
        "silence le plus long permis entre deux publications ; par défaut : deux fois "
        "l'intervalle du rythme",
    "made for this platform (true) or reposted from another one (false)":
        "fait pour cette plateforme (true) ou repris d'une autre (false)",
    "measured on this platform only": "mesuré sur cette plateforme seulement",
    "name or stage name": "nom ou nom de scène",
    "one per platform": "une par plateforme",
    "planned length in seconds": "durée prévue en secondes",
    "planned rhythm": "rythme prévu",
    "platforms it covers; empty means every platform":
        "plateformes couvertes ; vide : toutes les plateformes",
    "position in the series, from 1": "position dans la série, à partir de 1",
    "public calls for entries: casting calls, challenges":
        "appels publics à participation : castings, défis",
    "publication date, YYYY-MM-DD": "date de publication, AAAA-MM-JJ",
    "publishing rhythm": "rythme de publication",
    "series and their episodes": "séries et leurs épisodes",
    "shortest accepted entry, seconds": "participation la plus courte acceptée, en secondes",
    "smallest accepted shorter side, pixels": "plus petit côté court accepté, en pixels",
    "talent, crew or extra": "talent, crew ou extra",
    "the beat in a few words": "le temps fort en quelques mots",
    "the behind-the-scenes story, linked to beats":
        "le récit des coulisses, relié aux temps forts",
    "the brand": "la marque",
    "the brand's name as the audience knows it": "le nom de la marque tel que le public le connaît",
    "the brand's social handle, e.g. @primevideofr":
        "le compte social de la marque, par exemple @primevideofr",
    "the campaign's id (analytics are matched to it)":
        "l'identifiant de la campagne (les statistiques y sont rattachées)",
    "the campaign's name": "le nom de la campagne",
    "the challenge's public title": "le titre public du défi",
    "the consents collected, each a separate item: data processing, image and voice release, "
    "scope of use": "les consentements recueillis, chacun à part : traitement des données, "
                    "droit à l'image et à la voix, étendue de l'usage",
    "the entries' spoken language; empty means detected per entry":
        "la langue parlée des participations ; vide : détectée pour chacune",
    "the episode's title": "le titre de l'épisode",
    "the episodes written so far": "les épisodes écrits jusqu'ici",
    "the file format's version: 1": "la version du format de fichier : 1",
    "the guardian's name": "le nom du tuteur",
    "the idea in two sentences": "l'idée en deux phrases",
    "the longest an episode may be": "la durée maximale d'un épisode",
    "the longest it may be": "sa durée maximale",
    "the moment in a few words": "le moment en quelques mots",
    "the objective in one sentence": "l'objectif en une phrase",
    "the place's name": "le nom du lieu",
    "the platform it is made for": "la plateforme pour laquelle elle est faite",
    "the rules shown to entrants": "le règlement montré aux participants",
    "the scope of use entrants agree to": "l'étendue de l'usage que les participants acceptent",
    "the series' title": "le titre de la série",
    "the signed release, if any": "l'autorisation signée, s'il y en a une",
    "the story, beat by beat": "le récit, temps fort par temps fort",
    "the value to reach; a KPI without one is flagged by the health report":
        "la valeur à atteindre ; un KPI sans valeur est signalé par le bilan de santé",
    "their own consent: granted, pending, refused, none":
        "leur propre consentement : granted, pending, refused, none",
    "time it goes out, HH:MM in the campaign's time zone; default: the platform's "
    "publish_time, else the whole day":
        "heure de publication, HH:MM dans le fuseau de la campagne ; par défaut : le "
        "publish_time de la plateforme, sinon toute la journée",
    "track title": "titre du morceau",
    "tracks and their licences": "morceaux et leurs licences",
    "under 18: needs a guardian's consent": "moins de 18 ans : il faut le consentement d'un tuteur",
    "unit of the target: count, percent, seconds, eur, ...":
        "unité de l'objectif : count, percent, seconds, eur, ...",
    "usual time posts go out here, HH:MM in the campaign's time zone; a deliverable's own "
    "publish_time wins": "heure habituelle des publications ici, HH:MM dans le fuseau de la "
                         "campagne ; le publish_time propre à un livrable l'emporte",
    "what entrants must do, in the team's words; entries are scored against it":
        "ce que les participants doivent faire, dans les mots de l'équipe ; les participations "
        "sont notées par rapport à cela",
    "what happens in this beat": "ce qui se passe dans ce temps fort",
    "what is measured: a canonical metric of the analytics store (views, reach, likes, "
    "comments, shares, saves, follows, completion_rate, avg_watch_time_s, clicks, ...) or the "
    "team's own, e.g. casting_entries":
        "ce qui est mesuré : une mesure standard de la base de statistiques (views, reach, "
        "likes, comments, shares, saves, follows, completion_rate, avg_watch_time_s, clicks, "
        "...) ou une mesure de l'équipe, par exemple casting_entries",
    "what is published": "ce qui est publié",
    "what it looks like": "à quoi il ressemble",
    "what it measures: the campaign's own posts, the behind-the-scenes posts, or all":
        "ce qu'il mesure : les publications de la campagne, celles des coulisses, ou toutes",
    "what it must achieve, each with KPIs and targets":
        "ce qu'elle doit accomplir, chaque objectif avec ses KPI et ses cibles",
    "what it shows: preparation, craft, effort, failure, doubt, laughter, teaser, reveal":
        "ce qu'il montre : preparation, craft, effort, failure, doubt, laughter, teaser, reveal",
    "what the day is for": "à quoi sert la journée",
    "what to film, for the crew on the day": "quoi filmer, pour l'équipe le jour même",
    "when it is shot": "quand c'est tourné",
    "when it runs": "quand il a lieu",
    "when the day ends, HH:MM, after the call; default: 10 hours after the call":
        "fin de la journée, HH:MM, après la convocation ; par défaut : 10 heures après la "
        "convocation",
    "where entries may be published; empty means every platform of the campaign":
        "où les participations peuvent être publiées ; vide : toutes les plateformes de la "
        "campagne",
    "where it is": "où il se trouve",
    "where it is published (a platform id)": "où il est publié (un identifiant de plateforme)",
    "where it is published, with tone, formats and cadence":
        "où elle est publiée, avec ton, formats et rythme",
    "where it is shot": "où c'est tourné",
    "where it stands: planned, in-edit, in-review, approved or published":
        "où il en est : planned, in-edit, in-review, approved ou published",
    "where the signed document is filed": "où le document signé est classé",
    "whether entries may be used in paid ads":
        "si les participations peuvent servir en publicité payante",
    "whether the public votes on the shortlist": "si le public vote sur la présélection",
    "who appears, with consent": "qui apparaît, avec son consentement",
    "who may enter": "qui peut participer",
    "why this KPI, in a sentence": "pourquoi ce KPI, en une phrase",
    "working caption or hook": "légende provisoire ou accroche",
}


def rows() -> tuple[tuple[str, str], ...]:
    """(English, French) patterns for ``error_text``: each description alone (a problem's
    hint) and after its key (the hint of a missing key)."""
    return tuple(row for en, fr in DESCRIPTIONS.items()
                 for row in ((f"{{key}}: {en}", f"{{key}} : {fr}"), (en, fr)))
