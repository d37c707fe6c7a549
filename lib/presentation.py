"""Wording of figures for the screen: values, changes, bases and findings in the chosen language."""

from __future__ import annotations

from lib.diagnosis import Finding
from lib.i18n import Translator
from lib.metrics import Headline
from lib.progress import Kpi


def first_url(source: str) -> str:
    return source.split(" | ")[0].strip()


def _amount(value: float, unit: str, t: Translator) -> str:
    return t.percent(value / 100) if unit == "percent" else t.number(value)


def kpi_value(kpi: Kpi, t: Translator) -> str:
    return _amount(kpi.value, kpi.unit, t)


def kpi_delta(kpi: Kpi, t: Translator) -> str | None:
    """The change since the comparison date, signed (None when nothing changed)."""
    if kpi.change == 0:
        return None
    sign = "+" if kpi.change > 0 else "−"
    return f"{sign}{_amount(abs(kpi.change), kpi.unit, t)} {t('kpi.since_short')}"


def kpi_caption(kpi: Kpi, t: Translator) -> str:
    """Markdown: the share of the target (with its date and source) or of the total, and the basis."""
    parts = []
    if kpi.goal and kpi.goal_kind == "target":
        parts.append(
            t("kpi.of_target", share=t.percent(kpi.share), target=t.number(kpi.goal), date=t.day(kpi.goal_date))
            + f" ([{t('common.source')}]({first_url(kpi.goal_source)}))"
        )
    elif kpi.goal and kpi.unit != "percent":
        parts.append(t("kpi.of_total", share=t.percent(kpi.share), total=t.number(kpi.goal)))
    parts.append(f"*{t('basis.demonstration') if kpi.demonstration else t('basis.reported')}*")
    return " · ".join(parts)


def headline_caption(headline: Headline, t: Translator) -> str:
    """Markdown saying where a headline figure comes from and what was last reported."""
    basis = t("basis.demonstration") if headline.demonstration else t("basis.reported")
    caption = f"**{basis}**: {t(f'headline_basis.{headline.key}', share=t.percent(headline.reported_share))}"
    if headline.reported_value is not None:
        caption += " " + t(
            "headline.latest_reported",
            value=t.number(headline.reported_value),
            unit=t(f"unit.{headline.unit}"),
            date=t.day(headline.reported_date),
        )
        caption += f" ([{t('common.source')}]({first_url(headline.reported_source)}))"
    return caption


def describe_finding(finding: Finding, district_names: dict[str, str], t: Translator) -> str:
    """A finding of lib.diagnosis as one plain sentence."""
    values = dict(finding.values)
    formatted = {
        key: (t.percent(value / 100) if key == "percent" else t.number(value)) for key, value in values.items()
    }
    return f"**{district_names.get(finding.district_id, finding.district_id)}**: " + t(
        f"blocker.{finding.kind}", **formatted
    )
