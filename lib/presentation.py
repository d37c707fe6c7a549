"""Wording of figures for the screen: values, changes, bases and findings in the chosen language."""

from __future__ import annotations

from lib.diagnosis import DistrictFindings, Finding
from lib.disclosure import cell_text
from lib.i18n import Translator
from lib.kpi import Kpi
from lib.safe_text import escape_markdown


def first_url(source: str) -> str:
    return source.split(" | ")[0].strip()


def _amount(value: float, unit: str, t: Translator) -> str:
    return t.percent(value / 100) if unit == "percent" else t.number(value)


def kpi_value(kpi: Kpi, t: Translator) -> str:
    """The figure as shown: its amount, or in the public view the mark of a suppressed one ("<5")."""
    return cell_text(None, kpi.shown, t) if kpi.shown else _amount(kpi.value, kpi.unit, t)


def kpi_delta(kpi: Kpi, t: Translator) -> tuple[str, int] | None:
    """The change since the comparison date as shown, signed ("+3", "−5", "0"; percentages in
    percentage points, "+3 p.p."), and its sign (-1, 0, 1) as shown; None without a change. A
    change suppressed in the public view shows its mark ("<5"), without a sign."""
    if kpi.change_shown:
        return cell_text(None, kpi.change_shown, t), 0
    change = kpi.change
    if change is None:
        return None
    decimals = 1 if kpi.unit == "percent" and abs(change) < 1 else 0
    shown = round(change, decimals)
    amount = t.number(abs(shown), decimals)
    if kpi.unit == "percent":
        amount = t("kpi.points", value=amount)
    sign = (shown > 0) - (shown < 0)
    return {1: "+", -1: "−", 0: ""}[sign] + amount, sign


def _base(kpi: Kpi, t: Translator) -> str | None:
    base = kpi.base
    if base is None:
        return None
    if base.value == 0:  # nothing planned or recorded yet to measure against
        return t(f"kpi_base_none.{base.kind}")
    if kpi.shown:  # a figure kept from the public: no share of it either
        return None
    share = "" if kpi.share is None else t.percent(kpi.share)
    total = "" if base.value is None else t.number(base.value)
    if base.kind == "target":
        wording = t("kpi_base.target", share=share, total=total, date=t.day(base.date))
        return f"{wording} ([{t('common.source')}]({first_url(base.source)}))" if base.source else wording
    return t(f"kpi_base.{base.kind}", share=share, total=total)


def kpi_caption(kpi: Kpi, t: Translator) -> str:
    """Markdown under a figure: what it is measured against (a target with its date and source,
    or a total named), where it comes from, and the latest reported value."""
    parts = [part for part in (_base(kpi, t),) if part]
    basis = t("basis.demonstration") if kpi.demonstration else t("basis.reported")
    if kpi.reported_share is not None:
        parts.append(f"**{basis}**: {t(f'kpi_basis.{kpi.key}', share=t.percent(kpi.reported_share))}")
    else:
        parts.append(f"*{basis}*")
    if kpi.reported is not None:
        parts.append(
            t(
                kpi.reported.label,
                amount=t.plural(f"count.{kpi.unit}", kpi.reported.value),
                date=t.day(kpi.reported.date),
            )
            + f" ([{t('common.source')}]({first_url(kpi.reported.source)}))"
        )
    return " · ".join(parts)


def describe_finding(finding: Finding, names: dict[str, str], t: Translator) -> str:
    """A finding of lib.diagnosis as a Markdown clause (no final stop); ``names``: place names by id,
    shown literally."""
    formatted = {}
    for key, value in finding.values.items():
        if key == "percent":
            formatted[key] = t.percent(value / 100)
        elif key == "settlements":
            formatted[key] = ", ".join(escape_markdown(names.get(s, s)) for s in value)
        else:
            formatted[key] = t.number(value)
    return t(f"blocker.{finding.kind}", **formatted)


def describe_district(entry: DistrictFindings, names: dict[str, str], t: Translator) -> str:
    """Markdown: a district's name and everything that holds it back, worst first, in one sentence."""
    clauses = "; ".join(describe_finding(finding, names, t) for finding in entry.findings)
    return f"**{escape_markdown(names.get(entry.district_id, entry.district_id))}**: {clauses}."


def indicator_title(indicator: str, unit: str, t: Translator) -> str:
    """A map's title for an indicator: its name, with the unit only where the name does not say
    it already (a share in percent), so no legend reads "Families returned (families)"."""
    name = t(f"indicator.{indicator}")
    return f"{name} ({t(unit)})" if unit == "unit.percent" else name
