"""Meta Business Suite exports: the content export (Instagram and Facebook posts, lifetime or
daily rows), the per-metric insight files (UTF-16, ``sep=,``, a title line naming the metric)
and the Facebook video export.
"""

from __future__ import annotations

from coulisses.kpi.imports.headers import HeaderMatch, normalise
from coulisses.kpi.imports.model import Context, Fields, Hooks


def post_id(fields: Fields) -> str | None:
    value = fields.get("post_id")
    return value if isinstance(value, str) and value else None


def account(fields: Fields) -> str:
    return ""


def platform_of(fields: Fields, default: str) -> str:
    """``IG reel`` -> instagram, ``FB video`` -> facebook; otherwise the file's platform."""
    kind = fields.get("format")
    if isinstance(kind, str):
        head = kind.strip().casefold()
        if head.startswith(("ig ", "instagram")):
            return "instagram"
        if head.startswith(("fb ", "facebook")):
            return "facebook"
    return default


def metric_match(match: HeaderMatch, title: str | None, ctx: Context) -> HeaderMatch:
    """Rename the ``Primary`` column of a per-metric file after the metric its title names.

    Raises:
        AnalyticsImportError: a title that names no known metric, or a platform that cannot
            be told (the title does not say Instagram or Facebook and --platform was not given).
    """
    titles = {normalise(t): metric for metric, names in match.spec.titles.items()
              for t in names}
    metric = titles.get(normalise(title)) if title else None
    if metric is None:
        raise ctx.error(f"the title line {title!r} names no metric coulisses knows",
                        row=max(match.row - 1, 1),
                        hint="known: " + ", ".join(sorted({n for v in match.spec.titles.values()
                                                           for n in v[:1]})))
    lowered = (title or "").casefold()
    platform = ("facebook" if "facebook" in lowered else "instagram" if "instagram" in lowered
                else ctx.platform)
    if platform not in ("instagram", "facebook"):
        raise ctx.error(f"a Meta {title!r} file can be Instagram's or Facebook's",
                        row=max(match.row - 1, 1),
                        hint="pass --platform instagram or --platform facebook")
    ctx.platform = platform
    columns = dict(match.columns)
    columns[metric] = columns.pop("value")
    spec = match.spec.model_copy(update={
        "columns": {**match.spec.columns, metric: match.spec.columns["value"]}})
    return HeaderMatch(spec, match.row, columns, match.lang, match.unknown)


HOOKS = {
    "meta.content": Hooks(post_id=post_id, platform=platform_of),
    "meta.metric": Hooks(post_id=account),
    "facebook.video": Hooks(post_id=post_id),
}
