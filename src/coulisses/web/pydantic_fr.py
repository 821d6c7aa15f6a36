"""pydantic's validation messages in French, by error type code, as the campaign loader words
them (``campaign/load.py``: ``where: message``, first letter lower-cased, ``, not TYPE VALUE``
after a wrong type). ``error_text`` turns these rows into its patterns; a test renders each
code's message with pydantic itself, so a reworded pydantic fails there, not in a French page.
"""

from __future__ import annotations

import re

# (pydantic error type, English as the loader shows it, French); {name}s are the error's
# context values; a code whose English depends on a plural has a row per form
MESSAGES: tuple[tuple[str, str, str], ...] = (
    ("missing", "field required", "champ obligatoire"),
    ("extra_forbidden", "extra inputs are not permitted", "clé en trop, non permise"),
    ("string_type", "input should be a valid string", "un texte est attendu"),
    ("string_too_short", "string should have at least {min_length} character",
     "le texte doit compter au moins {min_length} caractère"),
    ("string_too_short", "string should have at least {min_length} characters",
     "le texte doit compter au moins {min_length} caractères"),
    ("string_too_long", "string should have at most {max_length} character",
     "le texte doit compter au plus {max_length} caractère"),
    ("string_too_long", "string should have at most {max_length} characters",
     "le texte doit compter au plus {max_length} caractères"),
    ("string_pattern_mismatch", "string should match pattern '{pattern}'",
     "le texte doit suivre le motif '{pattern}'"),
    ("int_parsing", "input should be a valid integer, unable to parse string as an integer",
     "un nombre entier est attendu : ce texte n'en est pas un"),
    ("int_from_float", "input should be a valid integer, got a number with a fractional part",
     "un nombre entier est attendu, pas un nombre à virgule"),
    ("int_type", "input should be a valid integer", "un nombre entier est attendu"),
    ("float_parsing", "input should be a valid number, unable to parse string as a number",
     "un nombre est attendu : ce texte n'en est pas un"),
    ("float_type", "input should be a valid number", "un nombre est attendu"),
    ("finite_number", "input should be a finite number", "un nombre fini est attendu"),
    ("bool_parsing", "input should be a valid boolean, unable to interpret input",
     "true ou false est attendu : cette valeur n'est ni l'un ni l'autre"),
    ("bool_type", "input should be a valid boolean", "true ou false est attendu"),
    ("date_parsing", "input should be a valid date in the format YYYY-MM-DD, {why}",
     "une date AAAA-MM-JJ est attendue, {why}"),
    ("date_from_datetime_parsing", "input should be a valid date or datetime, {why}",
     "une date est attendue, {why}"),
    ("date_type", "input should be a valid date", "une date est attendue"),
    ("time_parsing", "input should be in a valid time format, {why}",
     "une heure valide est attendue, {why}"),
    ("time_type", "input should be a valid time", "une heure est attendue"),
    ("greater_than", "input should be greater than {gt}", "la valeur doit dépasser {gt}"),
    ("greater_than_equal", "input should be greater than or equal to {ge}",
     "la valeur doit être au moins {ge}"),
    ("less_than", "input should be less than {lt}", "la valeur doit être sous {lt}"),
    ("less_than_equal", "input should be less than or equal to {le}",
     "la valeur doit être au plus {le}"),
    ("too_short", "{kind} should have at least {min_length} item after validation, not {n}",
     "il faut au moins {min_length} élément, pas {n}"),
    ("too_short", "{kind} should have at least {min_length} items after validation, not {n}",
     "il faut au moins {min_length} éléments, pas {n}"),
    ("too_long", "{kind} should have at most {max_length} item after validation, not {n}",
     "il faut au plus {max_length} élément, pas {n}"),
    ("too_long", "{kind} should have at most {max_length} items after validation, not {n}",
     "il faut au plus {max_length} éléments, pas {n}"),
    ("list_type", "input should be a valid list", "une liste est attendue"),
    ("tuple_type", "input should be a valid tuple", "une liste est attendue"),
    ("dict_type", "input should be a valid dictionary", "une table de clés est attendue"),
    ("model_type", "input should be a valid dictionary or instance of {model}",
     "une table de clés est attendue"),
    ("value_error", "value error, {why}", "{why}"),
    # last of pydantic's: every "input should be ..." above is more specific
    ("literal_error", "input should be {options}", "la valeur doit être {options}"),
    # the campaign schema's own (campaign/schema.py)
    ("unknown_time_zone", "'{zone}' is not a time zone", "'{zone}' n'est pas un fuseau horaire"),
    ("time_without_date", "a publish time needs a publish date",
     "une heure de publication demande une date de publication"),
    ("due_after_publish", "due on {due}, after its publication on {publish}",
     "attendu le {due}, après sa publication le {publish}"),
    ("wrap_before_call", "wrap {wrap} is not after the call time {call}",
     "la fin {wrap} ne suit pas l'heure de convocation {call}"),
    ("challenge_dates", "closes is before opens", "closes précède opens"),
    ("challenge_durations", "max_duration_s is shorter than min_duration_s",
     "max_duration_s est plus court que min_duration_s"),
)

# the details pydantic puts in {why} (``error`` in the context) and the schema's ValueErrors
DETAILS: tuple[tuple[str, str], ...] = (
    ("input is too short", "la valeur est trop courte"),
    ("input is too long", "la valeur est trop longue"),
    ("invalid character in year", "caractère invalide dans l'année"),
    ("invalid character in month", "caractère invalide dans le mois"),
    ("invalid character in day", "caractère invalide dans le jour"),
    ("invalid character in hour", "caractère invalide dans l'heure"),
    ("invalid character in minute", "caractère invalide dans les minutes"),
    ("invalid character in second", "caractère invalide dans les secondes"),
    ("invalid date separator, expected `-`", "séparateur de date invalide, `-` attendu"),
    ("invalid time separator, expected `:`", "séparateur d'heure invalide, `:` attendu"),
    ("month value is outside expected range of 1-12",
     "le mois est hors de la plage 1-12"),
    ("day value is outside expected range", "le jour est hors de la plage permise"),
    ("hour value is outside expected range of 0-23", "l'heure est hors de la plage 0-23"),
    ("minute value is outside expected range of 0-59",
     "les minutes sont hors de la plage 0-59"),
    ("second value is outside expected range of 0-59",
     "les secondes sont hors de la plage 0-59"),
    ("unexpected extra characters at the end of the input",
     "caractères en trop à la fin de la valeur"),
    ("a guardian is only for minors: set `minor: true` or remove it",
     "un tuteur n'est prévu que pour un mineur : mettez `minor: true` ou retirez-le"),
    # hints the schema's own errors carry
    ("add `publish: YYYY-MM-DD`", "ajoutez `publish: AAAA-MM-JJ`"),
    ("a video is due on or before the day it is published",
     "une vidéo est attendue au plus tard le jour de sa publication"),
    ("a shoot day wraps on the day it starts; for a night shoot, end it at 23:59 and add the "
     "next day", "un jour de tournage finit le jour où il commence ; pour un tournage de nuit, "
     "finissez à 23:59 et ajoutez le jour suivant"),
    ("did you mean {close}? use an IANA name such as Europe/Paris, America/New_York or UTC",
     "vouliez-vous dire {close} ? utilisez un nom IANA comme Europe/Paris, America/New_York "
     "ou UTC"),
    ("use an IANA name such as Europe/Paris, America/New_York or UTC",
     "utilisez un nom IANA comme Europe/Paris, America/New_York ou UTC"),
)

# what ``, not TYPE VALUE`` names after a wrong type (Python's type names)
TYPES_FR = {"str": "le texte", "int": "le nombre entier", "float": "le nombre",
            "bool": "le booléen", "list": "la liste", "dict": "la table",
            "NoneType": "la valeur vide", "date": "la date", "datetime": "la date et heure"}


def rows() -> tuple[tuple[str, str], ...]:
    """(English, French) patterns for ``error_text``: each message after its location
    (``{where}``), with and without the wrong type's ``, not TYPE VALUE``; then the details.
    The first pattern that matches wins, so the longest words come first ("less than or equal
    to {le}" before "less than {lt}")."""
    out: list[tuple[str, str]] = []
    for _code, english, french in sorted(
            MESSAGES, key=lambda row: -len(re.sub(r"\{\w+\}", "", row[1]))):
        out.append((f"{{where}}: {english}, not {{pytype}} {{given}}",
                    f"{{where}} : {french}, pas {{pytype}} {{given}}"))
        out.append((f"{{where}}: {english}", f"{{where}} : {french}"))
    return (*out, *DETAILS)
