"""Mine-risk education sessions, around the convoys and the works in each settlement.

No curated public source gives sessions or the people they reached: the State Committee has said
that its trainings reached over 1,500 and, later, over 5,000 returnees, but those statements are
not in the curated facts with a source. They guided the scale only: returnees are briefed before
each convoy (a share of the persons it carries, so that the running total passes 5,000 as the
returns grow), schoolchildren once a term where families live, and construction workers while a
settlement is rebuilt. Every session is demonstration data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.schema import DEMO_SOURCE_PREFIX

BRIEFED_SHARE = (0.3, 0.5)  # of a convoy's persons, briefed before they move
BRIEFING_DAYS_BEFORE = 14
SCHOOL_TERM_DAYS = 120
SCHOOLCHILDREN = (12, 45)
WORKS_SESSION_DAYS = 150
WORKERS = (10, 40)
SOURCE = (
    f"{DEMO_SOURCE_PREFIX}: sessions generated; the scale follows the committee's statements of trainings "
    "for over 1,500 and over 5,000 returnees (no curated source)"
)


def _repeated(starts: pd.Series, ends: pd.Series, every_days: int, rng: np.random.Generator) -> pd.DataFrame:
    """One date roughly every ``every_days`` from each settlement's start to its end."""
    rows = []
    for settlement_id, start in starts.dropna().items():
        end = ends.get(settlement_id)
        day = start + pd.Timedelta(days=int(rng.integers(7, 45)))
        while day <= end:
            rows.append((day, settlement_id))
            day += pd.Timedelta(days=int(every_days * rng.uniform(0.7, 1.3)))
    return pd.DataFrame(rows, columns=["date", "settlement_id"])


def mine_risk_education(
    settlements: pd.DataFrame, returns: pd.DataFrame, data_date: pd.Timestamp, rng: np.random.Generator
) -> pd.DataFrame:
    """Sessions per settlement: returnees before each convoy, schoolchildren each term once
    families live there, workers while it is rebuilt (up to ``data_date``)."""
    briefings = pd.DataFrame(
        {
            "date": returns["date"]
            - pd.to_timedelta(rng.integers(1, BRIEFING_DAYS_BEFORE + 1, len(returns)), unit="D"),
            "settlement_id": returns["settlement_id"].to_numpy(),
            "audience": "returnees",
            "people_reached": np.round(returns["persons"].to_numpy() * rng.uniform(*BRIEFED_SHARE, len(returns))),
        }
    )
    by_id = settlements.set_index("settlement_id")
    every_day = pd.Series(data_date, index=by_id.index)
    schools = _repeated(by_id["resettling_date"], every_day, SCHOOL_TERM_DAYS, rng)
    schools["audience"] = "schoolchildren"
    schools["people_reached"] = rng.integers(*SCHOOLCHILDREN, len(schools), endpoint=True)
    works_end = by_id["ready_date"].fillna(data_date).clip(upper=data_date)
    works = _repeated(by_id["reconstruction_date"], works_end, WORKS_SESSION_DAYS, rng)
    works["audience"] = "workers"
    works["people_reached"] = rng.integers(*WORKERS, len(works), endpoint=True)
    sessions = pd.concat([briefings, schools, works], ignore_index=True)
    sessions = sessions[sessions["date"] <= data_date].sort_values(["date", "settlement_id"], kind="stable")
    sessions = sessions.reset_index(drop=True)
    sessions["session_id"] = [f"demo-mre-{i + 1:05d}" for i in range(len(sessions))]
    sessions["date"] = pd.to_datetime(sessions["date"]).dt.normalize().astype("datetime64[ms]")
    sessions["people_reached"] = sessions["people_reached"].astype("int64")
    sessions["source"] = SOURCE
    return sessions[["session_id", "date", "settlement_id", "audience", "people_reached", "source"]]
