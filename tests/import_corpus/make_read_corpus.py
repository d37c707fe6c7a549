"""Write the reader's half of the import corpus: good files (one per format, Azerbaijani letters in
them, rows valid for the real layers) under ``good/``, bad files ``files/read_*`` and their manifest
``read_cases.csv`` (file, layer, expected_code, what). Run from the project root:

    python tests/import_corpus/make_read_corpus.py

Running it again rewrites the same content (the XLSX files and the GeoPackage also carry the time
they were written: commit them only when their content changes). The ids are those of the
demonstration store (``python -m lib.cli build-demo``): real districts and settlements.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import pandas as pd

import geopandas as gpd
import pyogrio
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from lib.import_read import _gdal_config  # noqa: E402

warnings.filterwarnings("ignore", message="Normalized/laundered field name")  # DBF names: 10 letters

HERE = Path(__file__).resolve().parent
GOOD, BAD = HERE / "good", HERE / "files"
# Every Azerbaijani letter that is not in ASCII, small and capital.
AZ_TEXT = "Əlavə: Böyük Qayıdış komitəsi, İçəri ərazi yoxlaması (Ağdərə, Şuşa, çöl işi, ÇĞÖÜŞI)"

SETTLEMENTS = [  # as in the demonstration store, with the committee's source
    {
        "settlement_id": "AZ-SUS-shusha-city",
        "district_id": "AZ-SUS",
        "name_en": "Shusha city",
        "name_az": "Şuşa",
        "name_ru": "Шуша",
        "kind": "city",
        "status": "resettling",
        "planned_households": 1248,
        "reconstruction_date": "2021-12-20",
        "ready_date": "2024-03-08",
        "resettling_date": "2024-05-09",
        "resettled_date": None,
        "coord_source": "https://sco.wikipedia.org/wiki/Shusha",
        "coord_quality": "source",
        "reported_district": "Shusha",
        "source": AZ_TEXT,
        "lon": 46.748,
        "lat": 39.758,
    },
    {
        "settlement_id": "AZ-LAC-lachin-city",
        "district_id": "AZ-LAC",
        "name_en": "Lachin city",
        "name_az": "Laçın",
        "name_ru": "Лачин",
        "kind": "city",
        "status": "resettling",
        "planned_households": 1395,
        "reconstruction_date": "2021-08-11",
        "ready_date": "2023-01-10",
        "resettling_date": "2023-04-05",
        "resettled_date": None,
        "coord_source": "https://sco.wikipedia.org/wiki/Lachin",
        "coord_quality": "source",
        "reported_district": "Lachin",
        "source": AZ_TEXT,
        "lon": 46.547,
        "lat": 39.641,
    },
    {
        "settlement_id": "AZ-LAC-beylik",
        "district_id": "AZ-LAC",
        "name_en": "Beylik",
        "name_az": "Bəylik",
        "name_ru": "Бейлик",
        "kind": "village",
        "status": "resettling",
        "planned_households": 48,
        "reconstruction_date": "2023-06-14",
        "ready_date": "2025-11-07",
        "resettling_date": "2025-12-27",
        "resettled_date": None,
        "coord_source": "https://sco.wikipedia.org/wiki/Lachin",
        "coord_quality": "district_seat",
        "reported_district": "Lachin",
        "source": AZ_TEXT,
        "lon": 46.518,
        "lat": 39.641,
    },
    {
        "settlement_id": "AZ-FUZ-fuzuli-city",
        "district_id": "AZ-FUZ",
        "name_en": "Fuzuli city",
        "name_az": "Füzuli",
        "name_ru": "Физули",
        "kind": "city",
        "status": "resettling",
        "planned_households": 2082,
        "reconstruction_date": "2021-02-14",
        "ready_date": "2023-06-20",
        "resettling_date": "2023-07-24",
        "resettled_date": None,
        "coord_source": "https://en.wikipedia.org/wiki/F%C3%BCzuli",
        "coord_quality": "source",
        "reported_district": "Fuzuli",
        "source": AZ_TEXT,
        "lon": 47.143,
        "lat": 39.6,
    },
]

RETURNS = pd.DataFrame(
    {
        "event_id": ["kom-2026-0001", "kom-2026-0002", "kom-2026-0003"],
        "date": ["12.01.2026", "26.01.2026", "09.02.2026"],
        "settlement_id": ["AZ-SUS-shusha-city", "AZ-LAC-lachin-city", "AZ-FUZ-fuzuli-city"],
        "families": ["20", "15", "31"],
        "persons": ["84", "61", "127"],
        "source": [AZ_TEXT, "Komitə: köç karvanı, Laçın", "Komitə: köç karvanı, Füzuli"],
    }
)


def _settlements_frame() -> gpd.GeoDataFrame:
    frame = pd.DataFrame(SETTLEMENTS)
    return gpd.GeoDataFrame(
        frame.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(frame.lon, frame.lat), crs="EPSG:4326"
    )


def _hazards() -> gpd.GeoDataFrame:
    """Two small hazard squares beside Shusha and Lachin, their area measured in UTM 38N."""
    rows = []
    for number, (district, lon, lat) in enumerate((("AZ-SUS", 46.74, 39.75), ("AZ-LAC", 46.54, 39.63)), start=1):
        square = shapely.box(lon, lat, lon + 0.004, lat + 0.003)
        rows.append(
            {
                "hazard_id": f"kom-hazard-{number:03d}",
                "district_id": district,
                "kind": "CHA",
                "status": "in_clearance",
                "device_category": "anti-personnel",
                "release_method": None,
                "released_ha": "0",
                "items_found": str(3 * number),
                "suspected_date": "14.03.2021",
                "confirmed_date": "02.11.2022",
                "in_clearance_date": "05.06.2025",
                "released_date": None,
                "source": AZ_TEXT,
                "geometry": square,
            }
        )
    frame = gpd.GeoDataFrame(rows, crs="EPSG:4326")
    area = frame.to_crs("EPSG:32638").area / 10_000
    frame.insert(6, "area_ha", [f"{a:.2f}" for a in area])
    return frame


def _excel_csv(frame: pd.DataFrame, separator: str, decimal_comma: bool = False) -> str:
    """A table as Excel writes it: every cell text, CRLF line ends."""
    frame = frame.astype(object).where(frame.notna(), "")
    if decimal_comma:
        frame = frame.map(lambda v: f"{v}".replace(".", ",") if isinstance(v, float) else v)
    return frame.to_csv(sep=separator, index=False, lineterminator="\r\n")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # fixed: same bytes every run
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _shapefile_members(frame: gpd.GeoDataFrame, stem: str, prj: bool = True) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        pyogrio.write_dataframe(frame, Path(folder) / f"{stem}.shp", encoding="UTF-8")
        members = {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir())}
    if not prj:
        members.pop(f"{stem}.prj")
    return members


def _kml(frame: gpd.GeoDataFrame) -> bytes:
    """KML as a phone writes it: placemarks in folders (one per district), fields in ExtendedData."""
    fields = ["settlement_id", "district_id", "name_en", "name_az", "kind", "status", "planned_households"]
    folders = []
    for district, group in frame.groupby("district_id", sort=True):
        placemarks = []
        for row in group.itertuples():
            data = "".join(f'<Data name="{f}"><value>{getattr(row, f)}</value></Data>' for f in fields)
            placemarks.append(
                f"<Placemark><name>{row.name_az}</name><ExtendedData>{data}</ExtendedData>"
                f"<Point><coordinates>{row.geometry.x},{row.geometry.y},1200</coordinates></Point></Placemark>"
            )
        folders.append(f"<Folder><name>Rayon {district} — yerlər</name>{''.join(placemarks)}</Folder>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<name>Qayıdış — çöl işi</name>{''.join(folders)}</Document></kml>\n"
    ).encode()


def write_good() -> None:
    GOOD.mkdir(exist_ok=True)
    settlements = _settlements_frame()
    table = pd.DataFrame(SETTLEMENTS)
    # returns as Excel's "CSV UTF-8" writes them in Azerbaijani: BOM, ';', day-first dates
    (GOOD / "returns.csv").write_bytes(_excel_csv(RETURNS, ";").encode("utf-8-sig"))
    # Russian Windows: code page 1251 (no Azerbaijani letters exist in it)
    russian = RETURNS.assign(source=["Комитет: колонна переселенцев, Шуша", "Комитет: Лачин", "Комитет: Физули"])
    (GOOD / "returns_cp1251.csv").write_bytes(_excel_csv(russian, ";").encode("cp1251"))
    # Excel's "Unicode text": UTF-16 with a BOM, tab separated
    (GOOD / "returns_utf16.txt").write_bytes(_excel_csv(RETURNS, "\t").encode("utf-16"))
    # XLSX with real date cells
    workbook = RETURNS.assign(
        date=pd.to_datetime(RETURNS["date"], format="%d.%m.%Y"),
        families=RETURNS["families"].astype(int),
        persons=RETURNS["persons"].astype(int),
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "returns.xlsx"
        pyogrio.write_dataframe(workbook, path, driver="XLSX", layer="Qayıdışlar")
        (GOOD / "returns.xlsx").write_bytes(path.read_bytes())
    # settlements with coordinates in Azerbaijani columns and decimal commas
    lonlat = table.rename(columns={"lon": "UZUNLUQ", "lat": "ENLİK"})
    for column in ("reconstruction_date", "ready_date", "resettling_date"):
        lonlat[column] = pd.to_datetime(lonlat[column]).dt.strftime("%d.%m.%Y")
    (GOOD / "settlements_lonlat.csv").write_bytes(_excel_csv(lonlat, ";", decimal_comma=True).encode("utf-8-sig"))
    # the same with latitude in the longitude column (swapped)
    swapped = table.rename(columns={"lon": "lat", "lat": "lon"})
    (GOOD / "settlements_swapped.csv").write_bytes(_excel_csv(swapped, ",").encode("utf-8"))
    # GeoJSON as RFC 7946 writes it: no crs member, WGS 84
    features = json.loads(settlements.to_json(drop_id=True))
    (GOOD / "settlements.geojson").write_text(json.dumps(features, ensure_ascii=False, indent=1), encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settlements.gpkg"
        typed = settlements.assign(
            **{c: pd.to_datetime(settlements[c]) for c in ("reconstruction_date", "ready_date", "resettling_date")}
        )
        # small SQLite pages keep the committed file at a few KB
        with _gdal_config({"OGR_SQLITE_PRAGMA": "page_size=512", "OGR_CURRENT_DATE": "2026-01-01T00:00:00Z"}):
            pyogrio.write_dataframe(typed, path, layer="settlements", driver="GPKG")
        (GOOD / "settlements.gpkg").write_bytes(path.read_bytes())
    # zipped Shapefile in UTM 38N with .prj and a .cpg naming UTF-8 (DBF names are cut to 10 letters)
    (GOOD / "settlements_shp.zip").write_bytes(
        _zip(_shapefile_members(settlements.to_crs("EPSG:32638"), "yaşayış_məntəqələri"))
    )
    # zipped Shapefile without .prj: metres of UTM 38N, to be inferred
    (GOOD / "settlements_utm38_noprj.zip").write_bytes(
        _zip(_shapefile_members(settlements.to_crs("EPSG:32638"), "settlements", prj=False))
    )
    kml = _kml(settlements)
    (GOOD / "settlements.kml").write_bytes(kml)
    (GOOD / "settlements.kmz").write_bytes(_zip({"doc.kml": kml}))
    hazards = _hazards()
    wkt = hazards.assign(WKT=hazards.geometry.to_wkt(rounding_precision=6)).drop(columns="geometry")
    (GOOD / "hazard_areas_wkt.csv").write_bytes(_excel_csv(pd.DataFrame(wkt), ",").encode("utf-8"))


def _patched_declared_size(data: bytes, size: int) -> bytes:
    """A zip whose central directory declares ``size`` bytes for its first member."""
    at = data.index(b"PK\x01\x02")
    return data[: at + 24] + struct.pack("<I", size) + data[at + 28 :]


def write_bad() -> list[tuple[str, str, str, str]]:
    """The bad files; returns the manifest rows (file, layer, expected_code, what)."""
    BAD.mkdir(exist_ok=True)
    cases = []

    def bad(name: str, data: bytes | str, layer: str, code: str, what: str) -> None:
        (BAD / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append((name, layer, code, what))

    good_geojson = (GOOD / "settlements.geojson").read_bytes()
    good_csv = (GOOD / "returns.csv").read_bytes()
    shp = _shapefile_members(_settlements_frame(), "settlements")

    bad(
        "read_truncated.geojson",
        good_geojson[: len(good_geojson) // 2],
        "settlements",
        "file_json_invalid",
        "GeoJSON cut off halfway (an interrupted download)",
    )
    bad(
        "read_not_feature_collection.geojson",
        json.dumps({"type": "Polygon", "coordinates": [[[46.7, 39.7], [46.8, 39.7], [46.8, 39.8], [46.7, 39.7]]]}),
        "hazard_areas",
        "file_geojson_not_features",
        "a bare GeoJSON geometry, no features or properties",
    )
    bad(
        "read_json_array.geojson",
        "[1, 2, 3]\n",
        "settlements",
        "file_geojson_not_features",
        "JSON that is a list, not GeoJSON",
    )
    bad(
        "read_empty_collection.geojson",
        '{"type": "FeatureCollection", "features": []}\n',
        "settlements",
        "file_no_rows",
        "a FeatureCollection without features",
    )
    metres = json.loads(good_geojson)
    metres["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    utm = _settlements_frame().to_crs("EPSG:32638")
    for feature, point in zip(metres["features"], utm.geometry, strict=True):
        feature["geometry"]["coordinates"] = [round(point.x, 1), round(point.y, 1)]
    bad(
        "read_metres_claiming_crs84.geojson",
        json.dumps(metres, ensure_ascii=False),
        "settlements",
        "file_crs_contradiction",
        "says CRS84 (degrees) but the numbers are UTM 38N metres",
    )
    lines = good_csv.decode("utf-8-sig").split("\r\n")
    mixed = ("\r\n".join(lines[:2]) + "\r\n").encode("utf-8") + (
        lines[2].replace(lines[2].split(";")[-1], "Комитет: Лачин") + "\r\n"
    ).encode("cp1251")
    bad(
        "read_mixed_encoding.csv",
        mixed,
        "returns",
        "file_mixed_encoding",
        "UTF-8 lines with one line pasted in Windows-1251",
    )
    utf16 = _excel_csv(RETURNS, "\t").encode("utf-16")
    bad(
        "read_invalid_utf16.csv",
        utf16[:40] + b"\x00\xdc" + utf16[40:],
        "returns",
        "file_encoding_invalid",
        "UTF-16 with a byte-order mark but a lone surrogate (and odd length) inside",
    )
    bad(
        "read_binary.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "returns",
        "file_not_what_name_says",
        "a PNG picture renamed .csv",
    )
    bad(
        "read_unknown_format.dat",
        bytes(range(256)) * 8,
        "returns",
        "file_unknown_format",
        "binary data that is none of the formats",
    )
    bad("read_empty.csv", b"", "returns", "file_empty", "an empty file")
    bad(
        "read_header_only.csv",
        good_csv.split(b"\r\n")[0] + b"\r\n",
        "returns",
        "file_no_rows",
        "a CSV with the header line only",
    )
    # new settlements (ids the store does not hold): a file without coordinates may only update
    settlements_csv = pd.DataFrame(SETTLEMENTS).drop(columns=["lon", "lat"])
    settlements_csv["settlement_id"] = settlements_csv["settlement_id"] + "-new"
    bad(
        "read_no_coordinates.csv",
        _excel_csv(settlements_csv, ";").encode("utf-8-sig"),
        "settlements",
        "file_no_coordinates",
        "new settlements (a point layer) without lon/lat or WKT columns",
    )
    atlantic = pd.DataFrame(SETTLEMENTS).assign(lon=-30.5, lat=30.25)
    bad(
        "read_atlantic.csv",
        _excel_csv(atlantic, ",").encode("utf-8"),
        "settlements",
        "file_coordinates_unknown",
        "coordinates in the Atlantic: neither degrees of Azerbaijan nor a known metric CRS",
    )
    dms = pd.DataFrame(SETTLEMENTS[:1]).assign(lon="46°44'53\"E")
    bad(
        "read_bad_coordinate.csv",
        _excel_csv(dms, ";").encode("utf-8-sig"),
        "settlements",
        "coordinate_unreadable",
        "a longitude in degrees-minutes-seconds, not a number",
    )
    hazards = (GOOD / "hazard_areas_wkt.csv").read_text(encoding="utf-8")
    bad(
        "read_bad_wkt.csv",
        hazards.replace("POLYGON ((", "POLYGON ((46.7 39.7, 46.8", 1),
        "hazard_areas",
        "wkt_unreadable",
        "a WKT polygon with a broken coordinate list",
    )
    bomb = _zip({"settlements.dbf": bytes(5 * 1024 * 1024), "settlements.shp": shp["settlements.shp"]})
    bad(
        "read_zip_bomb.zip",
        bomb,
        "settlements",
        "file_zip_bomb",
        "a zip member of 5 MB of zeros packed into a few KB (ratio over 1000)",
    )
    declared = _patched_declared_size(_zip({"settlements.shp": shp["settlements.shp"]}), 0xFFFFFFF0)
    bad("read_zip_bomb_declared.zip", declared, "settlements", "file_zip_too_large", "a zip declaring a member of 4 GB")
    bad(
        "read_zip_slip.zip",
        _zip({"../../settlements.shp": shp["settlements.shp"]}),
        "settlements",
        "file_zip_unsafe_path",
        "a zip member whose path climbs out (../)",
    )
    bad(
        "read_zip_absolute.zip",
        _zip({"/tmp/settlements.shp": shp["settlements.shp"]}),
        "settlements",
        "file_zip_unsafe_path",
        "a zip member with an absolute path",
    )
    bad(
        "read_shapefile_no_shp.zip",
        _zip({k: v for k, v in shp.items() if not k.endswith(".shp")}),
        "settlements",
        "file_shapefile_incomplete",
        "a zipped Shapefile without its .shp",
    )
    bad(
        "read_shapefile_no_dbf.zip",
        _zip({k: v for k, v in shp.items() if not k.endswith(".dbf")}),
        "settlements",
        "file_shapefile_incomplete",
        "a zipped Shapefile without its .dbf",
    )
    bad(
        "read_shapefile_not_zipped.shp",
        shp["settlements.shp"],
        "settlements",
        "file_shapefile_not_zipped",
        "the .shp alone, not zipped with its .dbf and .shx",
    )
    bad(
        "read_zip_of_text.zip",
        _zip({"qeyd.txt": "Şuşa\n".encode()}),
        "settlements",
        "file_zip_unknown",
        "a zip holding nothing the import reads",
    )
    bad(
        "read_corrupt_zip.zip",
        b"PK\x03\x04" + bytes(range(200)),
        "settlements",
        "file_zip_unreadable",
        "a zip cut off after its first header",
    )
    bad(
        "read_kmz_without_kml.kmz",
        _zip({"files/icon.png": b"\x89PNG\r\n\x1a\n"}),
        "settlements",
        "file_kmz_without_kml",
        "a KMZ holding an icon and no KML",
    )
    bad(
        "read_kml_no_placemarks.kml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Document><name>Boş</name></Document></kml>\n",
        "settlements",
        "file_no_rows",
        "a KML document without placemarks",
    )
    xlsx = (GOOD / "returns.xlsx").read_bytes()
    bad("read_corrupt.xlsx", xlsx[: len(xlsx) // 2], "returns", "file_xlsx_corrupt", "an XLSX cut off halfway")
    bad("read_text_named.xlsx", good_csv, "returns", "file_xlsx_corrupt", "a CSV renamed .xlsx")
    bad(
        "read_not_sqlite.gpkg",
        good_geojson[:300] + b"\n",
        "settlements",
        "file_not_what_name_says",
        "a .gpkg that is not SQLite",
    )
    gpkg = (GOOD / "settlements.gpkg").read_bytes()
    bad(
        "read_corrupt.gpkg",
        gpkg[:100] + bytes(2000),
        "settlements",
        "file_unreadable",
        "a GeoPackage whose pages were overwritten with zeros",
    )
    return cases


def main() -> int:
    write_good()
    cases = write_bad()
    with (HERE / "read_cases.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["file", "layer", "expected_code", "what"])
        writer.writerows(sorted(cases))
    print(f"{len(cases)} bad files in {BAD}, good files in {GOOD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
