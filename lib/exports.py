"""Downloads of exactly what is filtered: CSV, HXL-tagged CSV, GeoJSON and GeoPackage bytes.

Every CSV is made safe to open in a spreadsheet (:func:`lib.safe_text.neutralise_formulas`): text
from the committee's files that begins like a formula is prefixed with a single quote. GeoJSON
and GeoPackage keep the values as stored: they are read by GIS tools, which run no formulas, and
an id changed there would no longer match the store's.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import geopandas as gpd
import pyogrio

from lib.safe_text import neutralise_formulas

# HXL hashtags (https://hxlstandard.org) of the fields that have one; others stay untagged.
HXL_TAGS = {
    "district_id": "#adm2+code",
    "settlement_id": "#loc+code",
    "name_en": "#loc+name+i_en",
    "name_az": "#loc+name+i_az",
    "name_ru": "#loc+name+i_ru",
    "date": "#date",
    "families": "#affected+idps+returned+households",
    "persons": "#affected+idps+returned+ind",
    "families_returned": "#affected+idps+returned+households",
    "persons_returned": "#affected+idps+returned+ind",
    "status": "#status",
    "kind": "#loc+type",
    "category": "#sector",
    "sector": "#sector",
    "source": "#meta+source",
    "lat": "#geo+lat",
    "lon": "#geo+lon",
    "wkt": "#geo+wkt",
    "house_id": "#indicator+id",
    "asset_id": "#indicator+id",
    "hazard_id": "#indicator+id",
    "event_id": "#event+id",
    "project_id": "#activity+code",
    "jobs_created": "#output+jobs+created",
    "jobs_planned": "#output+jobs+planned",
    "area_ha": "#indicator+area_ha",
    "released_ha": "#indicator+released_ha",
    "units": "#indicator+units",
}


def tabular(frame: pd.DataFrame) -> pd.DataFrame:
    """Geometry as lon/lat for points and WKT otherwise; dates as ISO days."""
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name) if isinstance(frame, gpd.GeoDataFrame) else frame)
    if isinstance(frame, gpd.GeoDataFrame):
        if (frame.geom_type == "Point").all():
            table["lon"] = frame.geometry.x.round(6)
            table["lat"] = frame.geometry.y.round(6)
        else:
            table["wkt"] = frame.geometry.to_wkt(rounding_precision=6)
    for column in table.columns:
        if pd.api.types.is_datetime64_any_dtype(table[column]):
            table[column] = table[column].dt.strftime("%Y-%m-%d")
    return table


def to_csv(frame: pd.DataFrame) -> bytes:
    """The rows as CSV (UTF-8), safe to open in a spreadsheet."""
    return neutralise_formulas(tabular(frame)).to_csv(index=False).encode("utf-8")


def to_hxl_csv(frame: pd.DataFrame) -> bytes:
    """CSV with an HXL hashtag row under the header, for humanitarian data tools."""
    table = neutralise_formulas(tabular(frame))
    tags = pd.DataFrame([[HXL_TAGS.get(column, "") for column in table.columns]], columns=table.columns)
    return pd.concat([tags, table.astype("object")], ignore_index=True).to_csv(index=False).encode("utf-8")


def to_xlsx(frame: pd.DataFrame, layer: str) -> bytes:
    """The rows as an Excel workbook (one sheet named after the layer), safe to open: text cells are
    neutralised like the CSV's, and XlsxWriter is told not to turn text into formulas or links."""
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        neutralise_formulas(tabular(frame)).to_excel(writer, sheet_name=layer[:31], index=False)
    return buffer.getvalue()


def to_geojson(frame: gpd.GeoDataFrame) -> bytes:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out.to_json(drop_id=True, ensure_ascii=False).encode("utf-8")


def to_geopackage(layers: dict[str, pd.DataFrame]) -> bytes:
    """Several layers in one GeoPackage file, as bytes for a download."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        for name, frame in layers.items():
            pyogrio.write_dataframe(frame, path, layer=name)
        return path.read_bytes()


def file_stem(layer: str, district_ids, as_of) -> str:
    """A file name that says what is in it: layer, districts (or 'all'), date."""
    scope = "-".join(district_ids) if district_ids and len(district_ids) <= 3 else "selection"
    return f"great-return_{layer}_{scope}_{pd.Timestamp(as_of):%Y-%m-%d}"


@dataclass(frozen=True)
class DownloadFormat:
    """A file a table can be downloaded as: its button's message (``download.<key>``), the file
    name's suffix, its media type, and how it is built from the rows of one layer."""

    key: str
    suffix: str
    mime: str
    build: Callable[[pd.DataFrame, str], bytes]


DOWNLOAD_FORMATS = (
    DownloadFormat("csv", "csv", "text/csv", lambda frame, layer: to_csv(frame)),
    DownloadFormat("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    DownloadFormat("geojson", "geojson", "application/geo+json", lambda frame, layer: to_geojson(frame)),
    DownloadFormat(
        "gpkg", "gpkg", "application/geopackage+sqlite3", lambda frame, layer: to_geopackage({layer: frame})
    ),
    DownloadFormat("hxl", "hxl.csv", "text/csv", lambda frame, layer: to_hxl_csv(frame)),
)
CSV = DOWNLOAD_FORMATS[0]
