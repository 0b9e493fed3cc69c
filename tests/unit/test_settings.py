import pytest

from newsaudit import Settings
from newsaudit.errors import SettingsError


def test_settings_layers_file_then_environment_then_overrides(tmp_path, monkeypatch):
    config = tmp_path / "newsaudit.toml"
    config.write_text("[newsaudit]\nmax_bytes = 5000\nbatch_size = 4\nworkers = 3\n")
    monkeypatch.setenv("NEWSAUDIT_BATCH_SIZE", "8")
    settings = Settings.load(config, workers=1, model=None)
    assert (settings.max_bytes, settings.batch_size, settings.workers) == (5000, 8, 1)


def test_settings_environment_names_the_config_file(tmp_path, monkeypatch):
    config = tmp_path / "c.toml"
    config.write_text("remove_chrome = false\n")
    monkeypatch.setenv("NEWSAUDIT_CONFIG", str(config))
    monkeypatch.setenv("NEWSAUDIT_DETECT_LANGUAGE", "no")
    settings = Settings.load()
    assert settings.remove_chrome is False and settings.detect_language is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_bytes": 0}, "max_bytes"),
        ({"workers": -1}, "workers"),
        ({"model": " "}, "model"),
        ({"extraction": "greedy"}, "extraction must be one of"),
    ],
)
def test_settings_bad_values_are_refused(changes, message):
    with pytest.raises(SettingsError, match=message):
        Settings(**changes)


def test_settings_unknown_keys_and_bad_files_are_refused(tmp_path, monkeypatch):
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings.load(colour="blue")
    bad = tmp_path / "bad.toml"
    bad.write_text("max_bytes = = 3")
    with pytest.raises(SettingsError, match="not valid TOML"):
        Settings.load(bad)
    with pytest.raises(SettingsError, match="not found"):
        Settings.load(tmp_path / "missing.toml")
    monkeypatch.setenv("NEWSAUDIT_MAX_BYTES", "lots")
    with pytest.raises(SettingsError, match="whole number"):
        Settings.load()
