"""The layers of the data model (DESIGN.md) declared once.

These declarations drive validation (:mod:`lib.validation`), the demonstration generator
(:mod:`lib.demo`), the store's column types (:mod:`lib.store`) and the data documentation
(``python -m lib.cli schema-doc`` writes ``geodata/SCHEMA.md``; a test keeps it current).

Status lifecycles are encoded as one date column per step (``*_date``), so the state of any
record "as of" a day is the last step whose date is on or before it (:mod:`lib.as_of`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_SOURCE_PREFIX = "demonstration data"


@dataclass(frozen=True)
class FieldSpec:
    """One attribute of a layer.

    Parameters
    ----------
    name : column name.
    dtype : one of ``str``, ``int``, ``float``, ``date``, ``bool``.
    description : what the field holds, with its unit.
    required : whether an empty value is a problem.
    allowed : the closed vocabulary of a categorical field.
    min_value, max_value : inclusive bounds of a numeric field.
    unique : whether values must be unique within the layer (ids).
    references : ``"layer.field"`` this field must match (a foreign key).
    terms : the message group that words ``allowed`` values on screen (``<terms>.<value>``
        in the catalogues); every categorical field has one.
    """

    name: str
    dtype: str
    description: str
    required: bool = True
    allowed: tuple[str, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    unique: bool = False
    references: str | None = None
    terms: str | None = None


@dataclass(frozen=True)
class LayerSpec:
    """A layer: its id field, attributes and allowed geometry types (``()`` = no geometry)."""

    name: str
    description: str
    id_field: str
    fields: tuple[FieldSpec, ...]
    geometry_types: tuple[str, ...] = ()
    status_dates: dict[str, str] = field(default_factory=dict)

    @property
    def has_geometry(self) -> bool:
        return bool(self.geometry_types)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


ECONOMIC_REGIONS = ("Karabakh", "East Zangezur")
SETTLEMENT_KINDS = ("city", "town", "village")
SETTLEMENT_STATUSES = ("planned", "reconstruction", "ready", "resettling", "resettled")
HOUSING_STATUSES = ("planned", "under_construction", "completed", "allocated", "occupied")
INFRASTRUCTURE_CATEGORIES = ("road", "power", "water", "gas", "school", "health")
WORK_STATUSES = ("planned", "under_construction", "completed")
HAZARD_KINDS = ("SHA", "CHA")
HAZARD_STATUSES = ("suspected", "confirmed", "in_clearance", "released")
RELEASE_METHODS = ("cancelled", "reduced", "cleared")
DEVICE_CATEGORIES = ("anti-personnel", "anti-tank", "UXO", "cluster munition")
EMPLOYMENT_SECTORS = ("agriculture", "construction", "industry", "services", "public sector", "tourism")
PROJECT_STATUSES = ("planned", "active", "completed")
MRE_AUDIENCES = ("returnees", "schoolchildren", "workers")
TARGET_METRICS = ("families", "persons", "houses", "hectares", "jobs", "settlements")
FIGURE_METRICS = (
    "families_returned",
    "persons_returned",
    "families_returned_in_month",
    "persons_returned_in_month",
    "settlements_with_returns",
    "houses_planned",
    "houses_completed",
    "hectares_cleared",
    "hectares_cleared_in_week",
    "hectares_cleared_in_month",
    "estimated_contaminated_km2",
    "jobs_created",
    "mine_victims",
)
QUALIFIERS = ("exact", "about", "more_than", "up_to")
COORD_QUALITIES = ("source", "geonames", "district_seat")

_SOURCE = FieldSpec(
    "source",
    "str",
    f"URL(s) of the public source, joined by ' | ', or '{DEMO_SOURCE_PREFIX} …' for generated records",
)
_DISTRICT_REF = FieldSpec(
    "district_id", "str", "ISO 3166-2:AZ code of the district", references="districts.district_id"
)
_SETTLEMENT_REF = FieldSpec("settlement_id", "str", "id of the settlement", references="settlements.settlement_id")


def _date(name: str, description: str, required: bool = False) -> FieldSpec:
    return FieldSpec(name, "date", description, required=required)


LAYERS: dict[str, LayerSpec] = {
    spec.name: spec
    for spec in (
        LayerSpec(
            "districts",
            "Administrative districts (geoBoundaries gbOpen AZE ADM2), return areas marked by economic region.",
            "district_id",
            (
                FieldSpec("district_id", "str", "ISO 3166-2:AZ code", unique=True),
                FieldSpec("name_en", "str", "English name"),
                FieldSpec("name_az", "str", "Azerbaijani name"),
                FieldSpec("name_ru", "str", "Russian name", required=False),
                FieldSpec(
                    "economic_region",
                    "str",
                    "Economic region of a return-area district (2021 division); empty elsewhere",
                    required=False,
                    allowed=ECONOMIC_REGIONS,
                    terms="region",
                ),
                _SOURCE,
            ),
            ("Polygon", "MultiPolygon"),
        ),
        LayerSpec(
            "settlements",
            "Cities, towns and villages of the return areas (real names and coordinates).",
            "settlement_id",
            (
                FieldSpec("settlement_id", "str", "Stable id: district code and name slug", unique=True),
                _DISTRICT_REF,
                FieldSpec("name_en", "str", "English name"),
                FieldSpec("name_az", "str", "Azerbaijani name"),
                FieldSpec("name_ru", "str", "Russian name", required=False),
                FieldSpec("kind", "str", "city, town or village", allowed=SETTLEMENT_KINDS, terms="settlement_kind"),
                FieldSpec(
                    "status",
                    "str",
                    "Current status of the return",
                    allowed=SETTLEMENT_STATUSES,
                    terms="settlement_status",
                ),
                FieldSpec("planned_households", "int", "Households the rebuilt settlement is planned for", min_value=0),
                _date("reconstruction_date", "Reconstruction started"),
                _date("ready_date", "Housing and utilities ready for the first families"),
                _date("resettling_date", "First relocation convoy arrived"),
                _date("resettled_date", "Planned households all returned"),
                FieldSpec("coord_source", "str", "Source of the name and coordinates"),
                FieldSpec(
                    "coord_quality",
                    "str",
                    "source: coordinates from the cited source; geonames: from GeoNames; "
                    "district_seat: not found, placed at the district seat",
                    allowed=COORD_QUALITIES,
                    terms="coord_quality",
                ),
                FieldSpec(
                    "reported_district",
                    "str",
                    "District named by the sources, where it differs in name",
                    required=False,
                ),
                _SOURCE,
            ),
            ("Point",),
            status_dates={
                "reconstruction": "reconstruction_date",
                "ready": "ready_date",
                "resettling": "resettling_date",
                "resettled": "resettled_date",
            },
        ),
        LayerSpec(
            "settlement_boundaries",
            "Built-up boundary of each settlement.",
            "settlement_id",
            (
                FieldSpec(
                    "settlement_id", "str", "id of the settlement", unique=True, references="settlements.settlement_id"
                ),
                _SOURCE,
            ),
            ("Polygon", "MultiPolygon"),
        ),
        LayerSpec(
            "housing",
            "Houses and apartment blocks built for returnees.",
            "house_id",
            (
                FieldSpec("house_id", "str", "Stable id", unique=True),
                _SETTLEMENT_REF,
                FieldSpec("status", "str", "Current status", allowed=HOUSING_STATUSES, terms="housing_status"),
                FieldSpec("units", "int", "Dwelling units (1 for a house, more for a block)", min_value=1),
                _date("under_construction_date", "Construction started"),
                _date("completed_date", "Construction completed"),
                _date("allocated_date", "Allocated to families (a block: before its first family moves in)"),
                _date("occupied_date", "Every unit lived in (a block: its last family moved in)"),
                _SOURCE,
            ),
            ("Point", "Polygon"),
            status_dates={
                "under_construction": "under_construction_date",
                "completed": "completed_date",
                "allocated": "allocated_date",
                "occupied": "occupied_date",
            },
        ),
        LayerSpec(
            "infrastructure",
            "Roads, utility lines and public buildings.",
            "asset_id",
            (
                FieldSpec("asset_id", "str", "Stable id", unique=True),
                FieldSpec(
                    "settlement_id",
                    "str",
                    "Settlement served (empty for district-level assets)",
                    required=False,
                    references="settlements.settlement_id",
                ),
                _DISTRICT_REF,
                FieldSpec(
                    "category", "str", "Kind of asset", allowed=INFRASTRUCTURE_CATEGORIES, terms="asset_category"
                ),
                FieldSpec("status", "str", "Current status", allowed=WORK_STATUSES, terms="work_status"),
                FieldSpec("progress_pct", "float", "Work done on the data date, percent", min_value=0, max_value=100),
                FieldSpec("length_km", "float", "Length of a line asset, km", required=False, min_value=0),
                _date("under_construction_date", "Works started"),
                _date("completed_date", "Works completed"),
                _SOURCE,
            ),
            ("Point", "LineString", "MultiLineString", "Polygon"),
            status_dates={"under_construction": "under_construction_date", "completed": "completed_date"},
        ),
        LayerSpec(
            "hazard_areas",
            "Suspected (SHA) and confirmed (CHA) hazardous areas, IMAS land-release terms.",
            "hazard_id",
            (
                FieldSpec("hazard_id", "str", "Stable id", unique=True),
                _DISTRICT_REF,
                FieldSpec(
                    "kind", "str", "SHA (suspected) or CHA (confirmed)", allowed=HAZARD_KINDS, terms="hazard_kind"
                ),
                FieldSpec("status", "str", "Current status", allowed=HAZARD_STATUSES, terms="hazard_status"),
                FieldSpec(
                    "device_category", "str", "Main device category", allowed=DEVICE_CATEGORIES, terms="device_category"
                ),
                FieldSpec(
                    "release_method",
                    "str",
                    "How the land was released",
                    required=False,
                    allowed=RELEASE_METHODS,
                    terms="release_method",
                ),
                FieldSpec("area_ha", "float", "Area of the hazard polygon, ha", min_value=0),
                FieldSpec("released_ha", "float", "Area released so far, ha", min_value=0),
                FieldSpec("items_found", "int", "Mines and explosive items found", min_value=0),
                _date("suspected_date", "Recorded as suspected", required=True),
                _date("confirmed_date", "Confirmed by technical survey"),
                _date("in_clearance_date", "Clearance started"),
                _date("released_date", "Released (cancelled, reduced or cleared)"),
                _SOURCE,
            ),
            ("Polygon", "MultiPolygon"),
            status_dates={
                "suspected": "suspected_date",
                "confirmed": "confirmed_date",
                "in_clearance": "in_clearance_date",
                "released": "released_date",
            },
        ),
        LayerSpec(
            "returns",
            "Relocation convoys: one row per convoy to a settlement.",
            "event_id",
            (
                FieldSpec("event_id", "str", "Stable id", unique=True),
                _date("date", "Date of the convoy", required=True),
                _SETTLEMENT_REF,
                FieldSpec("families", "int", "Families in the convoy", min_value=0),
                FieldSpec("persons", "int", "Persons in the convoy", min_value=0),
                _SOURCE,
            ),
        ),
        LayerSpec(
            "employment_projects",
            "Projects that create jobs for returnees.",
            "project_id",
            (
                FieldSpec("project_id", "str", "Stable id", unique=True),
                _SETTLEMENT_REF,
                FieldSpec("sector", "str", "Economic sector", allowed=EMPLOYMENT_SECTORS, terms="sector"),
                FieldSpec("status", "str", "Current status", allowed=PROJECT_STATUSES, terms="project_status"),
                FieldSpec("jobs_planned", "int", "Jobs planned", min_value=0),
                FieldSpec("jobs_created", "int", "Jobs created so far", min_value=0),
                FieldSpec("beneficiaries", "int", "Returnees benefiting", min_value=0),
                _date("start_date", "Project start", required=True),
                _date("active_date", "First jobs filled"),
                _date("completed_date", "Project completed"),
                _SOURCE,
            ),
            ("Point",),
            status_dates={"active": "active_date", "completed": "completed_date"},
        ),
        LayerSpec(
            "mine_risk_education",
            "Mine-risk education sessions: where and when, for whom, and how many people they reached.",
            "session_id",
            (
                FieldSpec("session_id", "str", "Stable id", unique=True),
                _date("date", "Date of the session", required=True),
                _SETTLEMENT_REF,
                FieldSpec("audience", "str", "Who the session was for", allowed=MRE_AUDIENCES, terms="mre_audience"),
                FieldSpec("people_reached", "int", "People who took part", min_value=0),
                _SOURCE,
            ),
        ),
        LayerSpec(
            "targets",
            "Programme targets by date and scope.",
            "target_id",
            (
                FieldSpec("target_id", "str", "Stable id", unique=True),
                FieldSpec("metric", "str", "What is counted", allowed=TARGET_METRICS, terms="target_metric"),
                FieldSpec("value", "float", "Target value", min_value=0),
                _date("target_date", "Date by which the target is to be met", required=True),
                _date("stated_date", "Date the target was stated", required=True),
                FieldSpec(
                    "district_id",
                    "str",
                    "District the target is for (empty: whole programme)",
                    required=False,
                    references="districts.district_id",
                ),
                FieldSpec("note", "str", "Wording of the source", required=False),
                _SOURCE,
            ),
        ),
        LayerSpec(
            "reported_figures",
            "Publicly reported figures (cumulative returns, clearance, jobs) used to calibrate and cite.",
            "figure_id",
            (
                FieldSpec("figure_id", "str", "Stable id", unique=True),
                _date("date", "Date the figure refers to", required=True),
                FieldSpec("metric", "str", "What is counted", allowed=FIGURE_METRICS, terms="figure_metric"),
                FieldSpec("value", "float", "Reported value", min_value=0),
                FieldSpec(
                    "qualifier", "str", "exact, about, more_than or up_to", allowed=QUALIFIERS, terms="qualifier"
                ),
                FieldSpec(
                    "district_id",
                    "str",
                    "District (empty: all return areas)",
                    required=False,
                    references="districts.district_id",
                ),
                FieldSpec(
                    "settlement_id",
                    "str",
                    "Settlement (empty: district or all)",
                    required=False,
                    references="settlements.settlement_id",
                ),
                FieldSpec("note", "str", "Wording of the source", required=False),
                _SOURCE,
            ),
        ),
    )
}


def is_demonstration(source: str) -> bool:
    """Whether a ``source`` value marks a generated (demonstration) record."""
    return isinstance(source, str) and source.startswith(DEMO_SOURCE_PREFIX)


def schema_markdown() -> str:
    """The data documentation, generated from :data:`LAYERS` (written to ``geodata/SCHEMA.md``)."""
    lines = [
        "# Layers of the Great Return dashboard",
        "",
        "Generated from `lib/schema.py` by `python -m lib.cli schema-doc`; do not edit by hand.",
        "All geometry is stored in EPSG:4326; areas and lengths are computed in EPSG:32638.",
        "",
    ]
    for spec in LAYERS.values():
        geometry = ", ".join(spec.geometry_types) if spec.has_geometry else "none (table)"
        lines += [f"## {spec.name}", "", spec.description, "", f"Geometry: {geometry}. Id: `{spec.id_field}`.", ""]
        lines += ["| field | type | required | allowed / range | description |", "|---|---|---|---|---|"]
        for f in spec.fields:
            rule = ", ".join(f.allowed) if f.allowed else ""
            if f.min_value is not None or f.max_value is not None:
                rule = (
                    f"{f.min_value if f.min_value is not None else ''}…{f.max_value if f.max_value is not None else ''}"
                )
            if f.references:
                rule = f"→ {f.references}"
            required = "yes" if f.required else ""
            lines.append(f"| `{f.name}` | {f.dtype} | {required} | {rule} | {f.description} |")
        lines.append("")
    return "\n".join(lines)
