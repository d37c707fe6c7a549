"""Settings: one place, documented, with keyword > environment > file precedence."""

import pytest

from lib.config import PROJECT_ROOT, Settings


def test_every_setting_is_documented_in_the_readme():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        f"GREAT_RETURN_{name.upper()}" for name in Settings.model_fields if f"GREAT_RETURN_{name.upper()}" not in readme
    ]
    assert not missing, f"document these settings in README.md: {missing}"


def test_keyword_beats_environment_beats_file(tmp_path, monkeypatch):
    config = tmp_path / "great_return.toml"
    config.write_text('demo_seed = 7\ndemo_scale = 10\ntiles_url = "https://tiles.example/{z}/{x}/{y}.png"\n')
    monkeypatch.setenv("GREAT_RETURN_CONFIG", str(config))
    monkeypatch.setenv("GREAT_RETURN_DEMO_SCALE", "100")
    settings = Settings(demo_seed=3)
    assert (settings.demo_seed, settings.demo_scale) == (3, 100)
    assert settings.tiles_url == "https://tiles.example/{z}/{x}/{y}.png"


def test_a_non_positive_scale_is_refused_in_words(monkeypatch):
    monkeypatch.setenv("GREAT_RETURN_DEMO_SCALE", "-1")
    with pytest.raises(ValueError, match="greater than 0"):
        Settings()
