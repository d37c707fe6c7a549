"""Every setting of the dashboard, in one place.

Precedence, highest first: keyword arguments to :class:`Settings`, environment variables
(prefix ``GREAT_RETURN_``), the TOML file named by ``GREAT_RETURN_CONFIG`` (default
``great_return.toml`` in the project root), then the defaults below. Each setting is
documented in the README; ``tests/test_config.py`` fails when one is not.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GEODATA_DIR = PROJECT_ROOT / "geodata"
STATIC_DIR = PROJECT_ROOT / "static"

# geoBoundaries gbOpen AZE ADM2, pinned to a release commit so every user gets the same file.
GEOBOUNDARIES_COMMIT = "9469f09"
GEOBOUNDARIES_URL = (
    "https://github.com/wmgeolab/geoBoundaries/raw/"
    f"{GEOBOUNDARIES_COMMIT}/releaseData/gbOpen/AZE/ADM2/geoBoundaries-AZE-ADM2_simplified.geojson"
)

# Storage and measurement CRSs (DESIGN.md): store in WGS 84, measure in UTM zone 38N.
STORAGE_CRS = "EPSG:4326"
METRIC_CRS = "EPSG:32638"


def _config_file() -> Path:
    return Path(os.environ.get("GREAT_RETURN_CONFIG", PROJECT_ROOT / "great_return.toml"))


class Settings(BaseSettings):
    """Settings of the dashboard; see the README's *Configuration* table."""

    model_config = SettingsConfigDict(env_prefix="GREAT_RETURN_", extra="ignore")

    boundaries_file: Path | None = Field(
        default=None,
        description="Local copy of the geoBoundaries AZE ADM2 GeoJSON; when set, nothing is downloaded.",
    )
    boundaries_url: str = Field(
        default=GEOBOUNDARIES_URL,
        description="Where the district boundaries are downloaded from (a pinned geoBoundaries release).",
    )
    cache_dir: Path = Field(
        default=Path(platformdirs.user_cache_dir("great-return-dashboard")),
        description="Folder for downloaded reference data.",
    )
    store_path: Path = Field(
        default=GEODATA_DIR / "great_return.gpkg",
        description="The GeoPackage holding every layer (built on first start if missing).",
    )
    database_url: str | None = Field(
        default=None,
        description="PostGIS connection URL; when set, the store is the database instead of the GeoPackage.",
    )
    demo_seed: int = Field(default=1, description="Seed of the demonstration-data generator.")
    demo_scale: float = Field(
        default=1.0, gt=0, description="Volume multiplier of the demonstration data (10, 100 for benchmarks)."
    )
    import_max_bytes: int = Field(
        default=200 * 1024 * 1024,
        gt=0,
        description="Largest file the import reads, in bytes, and the most a zip may unpack to (200 MB).",
    )
    import_district_tolerance_m: float = Field(
        default=1000.0,
        ge=0,
        description="How far (metres) an imported feature may reach beyond its district or Azerbaijan's border.",
    )
    suppression_threshold: int = Field(
        default=5,
        ge=1,
        description='Counts of families or persons below this are shown as "<5" (the threshold) in the public view.',
    )
    safety_distance_m: float = Field(
        default=500.0,
        gt=0,
        le=5000,
        description=(
            "Houses, assets and settlements closer than this (metres, measured in EPSG:32638) to a hazard "
            "area not yet released count as near it (mine action, readiness, return conditions)."
        ),
    )
    accounts_file: Path = Field(
        default=Path(platformdirs.user_config_dir("great-return-dashboard")) / "accounts.toml",
        description="The local accounts (argon2 password hashes, roles, districts); managed with `lib.cli accounts`.",
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description=(
            "Key that signs the cookie keeping a sign-in across reloads; unset, one is made and kept "
            "beside the accounts file."
        ),
    )
    session_timeout_minutes: int = Field(
        default=30,
        ge=1,
        description="Minutes without any action after which a signed-in session is signed out.",
    )
    tiles_url: str | None = Field(
        default=None,
        description=("Optional basemap tile URL template ({z}/{x}/{y}); without it maps draw on boundaries alone."),
    )
    tiles_attribution: str = Field(
        default="", description="Attribution text required by the tile provider in tiles_url."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, _config_file()))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once; tests build their own :class:`Settings`)."""
    return Settings()
