"""Files shipped inside the package (lexicons, models, schema), read the one way."""

from __future__ import annotations

from importlib import resources


def package_text(relative_path: str) -> str:
    """The text of a file shipped in the package, e.g. `package_text("lexicons/chrome.toml")`."""
    return resources.files("newsaudit").joinpath(relative_path).read_text(encoding="utf-8")


def package_bytes(relative_path: str) -> bytes:
    """The bytes of a file shipped in the package (a model's weights)."""
    return resources.files("newsaudit").joinpath(relative_path).read_bytes()


def package_file_exists(relative_path: str) -> bool:
    return resources.files("newsaudit").joinpath(relative_path).is_file()
