"""Build the project's curated fact tables from the team's collection of public reports.

Run once by hand when the collection changes (it is not part of start-up):

    python geodata/curation/curate_facts.py ../shared/data/great_return_facts

It writes geodata/reported_convoys.csv, geodata/reported_figures.csv and geodata/targets.csv,
each row keeping the source URL(s) it came from. How conflicts between sources were resolved is
written down in geodata/FACTS.md; the choices are encoded below (FIGURES, TARGETS, ALIASES).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

GEODATA = Path(__file__).resolve().parent.parent

# Convoy settlement names that differ from the curated settlement table (see FACTS.md).
ALIASES = {
    "Aghali": "Aghali",
    "Khanliglar": "Khanyurdu",  # news.az misnames Khanyurdu (README conflict 8)
}

# milestones.csv metric -> (curated metric, qualifier); rows not listed are not used.
FIGURES = {
    "families_resettled_cumulative": ("families_returned", "exact"),
    "persons_resettled_cumulative": ("persons_returned", "exact"),
    "families_living": ("families_returned", "exact"),
    "persons_living": ("persons_returned", "exact"),
    "families_first_stage_2022-07-19_to_07-25": ("families_returned", "exact"),
    "families_relocated_by_2024-01-18": ("families_returned", "exact"),
    "persons_relocated_by_2024-01-18": ("persons_returned", "exact"),
    "persons_returned_total_before_first_Zabukh_convoy": ("persons_returned", "exact"),
    "former_IDPs_resettled_more_than": ("persons_returned", "more_than"),
    "families_resettled_total_approx": ("families_returned", "about"),
    "families_relocated_total_PM_Asadov": ("families_returned", "exact"),
    "persons_relocated_total_PM_Asadov": ("persons_returned", "exact"),
    "families_relocated_by_end_2023_PM_Asadov": ("families_returned", "exact"),
    "persons_relocated_by_end_2023_PM_Asadov": ("persons_returned", "exact"),
    "families_returned_total": ("families_returned", "exact"),
    "persons_returned_total": ("persons_returned", "exact"),
    "former_IDPs_returned_more_than": ("persons_returned", "more_than"),
    "families_returned_total_all_areas": ("families_returned", "exact"),
    "persons_returned_total_all_areas": ("persons_returned", "exact"),
    "former_IDPs_returned_approx": ("persons_returned", "about"),
    "families_returned_State_Committee": ("families_returned", "exact"),
    "persons_returned_State_Committee": ("persons_returned", "exact"),
    "families_returned_around": ("families_returned", "about"),
    "former_IDPs_returned_nearly": ("persons_returned", "about"),
    "settlements_with_returns_7_cities_22_villages_3_townships": ("settlements_with_returns", "exact"),
    "families_relocated_in_August_2025": ("families_returned_in_month", "exact"),
    "persons_relocated_in_August_2025": ("persons_returned_in_month", "exact"),
    "area_cleared_since_2020-11-10": ("hectares_cleared", "exact"),
    "area_demined_liberated_territories_about": ("hectares_cleared", "about"),
    "area_cleared_since_2020-11": ("hectares_cleared", "exact"),
    "area_cleared_since_2020-11_more_than": ("hectares_cleared", "more_than"),
    "area_cleared_post_war": ("hectares_cleared", "exact"),
    "area_cleared_week_2024-10-07_to_10-13": ("hectares_cleared_in_week", "exact"),
    "area_cleared_week_2024-12-16_to_12-22": ("hectares_cleared_in_week", "exact"),
    "area_cleared_month_2025-01": ("hectares_cleared_in_month", "exact"),
    "area_cleared_week_2025-10-13_to_10-19": ("hectares_cleared_in_week", "exact"),
    "area_cleared_week_2025-12-08_to_12-14": ("hectares_cleared_in_week", "exact"),
    "estimated_mined_territory_about": ("estimated_contaminated_km2", "about"),
    "houses_built": ("houses_completed", "exact"),
    "private_houses_built_first_stage": ("houses_completed", "exact"),
    "individual_eco_houses_built": ("houses_completed", "exact"),
    "private_houses_planned_to_renovate": ("houses_planned", "exact"),
    "individual_houses_first_phase": ("houses_planned", "exact"),
    "returnees_given_permanent_jobs": ("jobs_created", "exact"),
    "permanent_jobs": ("jobs_created", "exact"),
    "mine_victims_since_2020_war_Prosecutor_General": ("mine_victims", "exact"),
    "mine_victims_since_2020-11_Prosecutor_General": ("mine_victims", "exact"),
    "mine_victims_since_2020_war_MFA": ("mine_victims", "exact"),
}
# Figures that state the same thing as a kept one, or that conflict with a better source.
SKIPPED = {
    ("2025-04-28", "persons_resettled_cumulative", "Ballija"),  # 743 (Caliber) vs 742 (Trend, first report)
}

TARGETS = [
    # metric, value, target_date, stated_date, district, note, milestone metrics whose sources are cited
    (
        "families",
        34500,
        "2026-12-31",
        "2023-02-28",
        None,
        "34,500 families resettled by 2026 (first State Programme)",
        ["families_to_resettle_by_2026", "families_to_relocate_by_2026_PM_Asadov"],
    ),
    (
        "persons",
        140000,
        "2026-12-31",
        "2023-12-05",
        None,
        "140,000 persons by the end of 2026",
        [
            "citizens_to_relocate_by_2026_PM_Asadov",
            "people_living_in_Karabakh_and_East_Zangezur_by_end_2026",
            "first_phase_target_persons_by_end_2026",
        ],
    ),
    (
        "houses",
        34500,
        "2026-12-31",
        "2022-11-16",
        None,
        "34,500 flats and individual houses in 11 districts, 2022-2026",
        ["flats_and_individual_houses_to_build_2022_2026_in_11_districts"],
    ),
    (
        "settlements",
        100,
        "2026-12-31",
        "2024-11-07",
        None,
        "first phase: 100 settlements by the end of 2026",
        ["first_phase_target_settlements_by_end_2026"],
    ),
    (
        "persons",
        20000,
        "2024-12-31",
        "2024-02-14",
        None,
        "more than 20,000 former IDPs settled by the end of 2024",
        ["former_IDPs_to_settle_by_end_2024", "persons_planned_by_end_2024_more_than"],
    ),
    (
        "families",
        5171,
        "2024-12-31",
        "2024-03-15",
        None,
        "5,171 families by the end of 2024",
        ["families_planned_by_end_2024"],
    ),
    (
        "settlements",
        25,
        "2024-12-31",
        "2024-03-15",
        None,
        "25 settlements by the end of 2024",
        ["settlements_planned_by_end_2024"],
    ),
    (
        "persons",
        16000,
        "2026-12-31",
        "2022-11-12",
        "Zangilan",
        "about 16,000 people to return to Zangilan district, 2022-2026",
        ["people_to_return_to_Zangilan_district_2022_2026_about"],
    ),
    (
        "persons",
        22000,
        "2026-12-31",
        "2024-10-17",
        "Fuzuli",
        "22,000 people living in Fuzuli district by the end of 2026",
        ["people_living_in_Fuzuli_district_by_end_2026"],
    ),
]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _day(value: str) -> str:
    """Month-precision dates (YYYY-MM) are taken as the month's last day."""
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return (pd.Timestamp(value + "-01") + pd.offsets.MonthEnd(0)).strftime("%Y-%m-%d")
    return value


def settlement_lookup(settlements: pd.DataFrame) -> dict[str, str]:
    lookup = {}
    for row in settlements.itertuples():
        for name in (row.name_en, row.name_az, re.sub(r" city$", "", row.name_en)):
            lookup.setdefault(name, row.settlement_id)
    return lookup


def curate(facts_dir: Path) -> None:
    settlements = pd.read_csv(GEODATA / "settlements.csv")
    districts = pd.read_csv(GEODATA / "districts.csv").drop_duplicates("district_id")
    district_ids = dict(zip(districts["name_en"], districts["district_id"]))
    lookup = settlement_lookup(settlements)

    def settlement_id(name):
        if not isinstance(name, str) or not name:
            return None
        name = ALIASES.get(name, name)
        if name not in lookup:
            raise SystemExit(f"settlement {name!r} is not in geodata/settlements.csv")
        return lookup[name]

    convoys = pd.read_csv(facts_dir / "convoys.csv", dtype=str)
    kept, dropped = [], []
    for row in convoys.itertuples():
        if not isinstance(row.date, str):
            dropped.append(f"{row.settlement}: no date ({row.families} families)")
            continue
        if "(combined)" in row.settlement:
            continue  # the same convoy as the two per-village rows of news.az
        families, persons = int(row.families), row.persons
        if not isinstance(persons, str):
            # Tazabina: news.az gives 28 families only; persons = Vestnik Kavkaza's combined 247 - Khanyurdu's 122
            combined = convoys[convoys["settlement"].str.contains("combined") & (convoys["date"] == row.date)]
            persons = int(combined["persons"].iloc[0]) - int(
                convoys[(convoys["settlement"] == "Khanliglar")]["persons"].iloc[0]
            )
            source = f"{row.source} | {combined['source'].iloc[0]}"
        else:
            source = row.source
        sid = settlement_id(row.settlement)
        kept.append(
            {
                "event_id": f"convoy-{row.date}-{sid.split('-', 2)[2]}",
                "date": row.date,
                "settlement_id": sid,
                "families": families,
                "persons": int(persons),
                "source": source,
            }
        )
    pd.DataFrame(kept).to_csv(GEODATA / "reported_convoys.csv", index=False)
    print("convoys kept", len(kept), "dropped", dropped)

    milestones = pd.read_csv(facts_dir / "milestones.csv", dtype=str)
    figures = []
    for row in milestones.itertuples():
        if row.metric not in FIGURES or not isinstance(row.date, str):
            continue
        if (row.date, row.metric, row.settlement) in SKIPPED:
            continue
        metric, qualifier = FIGURES[row.metric]
        sid = (
            settlement_id(row.settlement) if isinstance(row.settlement, str) and "Park" not in row.settlement else None
        )
        did = settlements.set_index("settlement_id").at[sid, "district_id"] if sid else district_ids.get(row.district)
        figures.append(
            {
                "figure_id": f"{_day(row.date)}-{metric}-{_slug(sid or did or 'all')}",
                "date": _day(row.date),
                "metric": metric,
                "value": float(row.value),
                "qualifier": qualifier,
                "district_id": did,
                "settlement_id": sid,
                "note": row.metric.replace("_", " ")
                + (f" ({row.settlement})" if isinstance(row.settlement, str) else ""),
                "source": row.source,
            }
        )
    # Aghali: 200 eco-houses built and 150 more planned in the next stage (same report, 2025-07-19)
    aghali = milestones[
        (milestones["settlement"] == "Aghali")
        & (milestones["date"] == "2025-07-19")
        & milestones["metric"].isin(["individual_eco_houses_built", "houses_planned_next_stage"])
    ]
    figures.append(
        {
            "figure_id": "2025-07-19-houses_planned-az-zan-aghali",
            "date": "2025-07-19",
            "metric": "houses_planned",
            "value": float(aghali["value"].astype(float).sum()),
            "qualifier": "exact",
            "district_id": "AZ-ZAN",
            "settlement_id": settlement_id("Aghali"),
            "note": "houses built plus houses planned for the next stage",
            "source": " | ".join(aghali["source"].drop_duplicates()),
        }
    )
    figures = pd.DataFrame(figures).drop_duplicates("figure_id", keep="first")
    figures.to_csv(GEODATA / "reported_figures.csv", index=False)
    print("figures", len(figures))

    targets = []
    for metric, value, target_date, stated, district, note, metrics in TARGETS:
        sources = milestones[milestones["metric"].isin(metrics)]["source"].drop_duplicates()
        did = district_ids[district] if district else None
        targets.append(
            {
                "target_id": f"{target_date[:4]}-{metric}-{_slug(did or 'all')}",
                "metric": metric,
                "value": value,
                "target_date": target_date,
                "stated_date": stated,
                "district_id": did,
                "note": note,
                "source": " | ".join(sources),
            }
        )
    pd.DataFrame(targets).to_csv(GEODATA / "targets.csv", index=False)
    print("targets", len(targets))


if __name__ == "__main__":
    curate(Path(sys.argv[1]))
