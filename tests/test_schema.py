from lib.config import GEODATA_DIR
from lib.schema import LAYERS, schema_markdown
from lib.validation import pandera_schema

DESIGN_LAYERS = {
    "districts",
    "settlements",
    "housing",
    "infrastructure",
    "hazard_areas",
    "returns",
    "employment_projects",
    "targets",
}


def test_every_layer_of_the_design_is_declared():
    assert set(LAYERS) >= DESIGN_LAYERS


def test_every_layer_has_an_id_a_source_and_a_pandera_schema():
    for name, spec in LAYERS.items():
        assert spec.id_field in spec.field_names, name
        assert "source" in spec.field_names, name
        assert set(pandera_schema(name).columns) >= set(spec.field_names)


def test_status_dates_name_declared_date_fields_in_lifecycle_order():
    for spec in LAYERS.values():
        if "status" in spec.field_names:
            statuses = spec.field("status").allowed
            steps = list(spec.status_dates)
            assert steps == [s for s in statuses if s in steps], spec.name
        for column in spec.status_dates.values():
            assert spec.field(column).dtype == "date"


def test_schema_documentation_is_generated_from_the_declarations():
    committed = (GEODATA_DIR / "SCHEMA.md").read_text(encoding="utf-8")
    assert committed == schema_markdown() + "\n", "run `python -m lib.cli schema-doc` to regenerate geodata/SCHEMA.md"
