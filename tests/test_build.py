"""The compiled reader is opt-in: a plain or editable install builds pure Python, as before.

``SENDWATCH_COMPILE=1 pip install .`` asks the build backend (build_support/) for mypy and
setup.py for the mypyc extensions; an editable install with it is refused. scripts/check-compiled
builds it for real and runs tests/extractors against it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"build_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.chdir(ROOT)  # setuptools' hooks read setup.py and pyproject.toml from here
    monkeypatch.delenv("SENDWATCH_COMPILE", raising=False)
    return load(ROOT / "build_support" / "compile_backend.py")


def test_pyproject_builds_through_the_in_tree_backend() -> None:
    import tomllib

    system = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]
    assert (system["build-backend"], system["backend-path"]) == ("compile_backend", ["build_support"])
    assert not any(requirement.startswith("mypy") for requirement in system["requires"])


@pytest.mark.parametrize("value", [None, "", "0"])
def test_a_plain_build_compiles_nothing(backend: ModuleType, monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    # (setuptools' own hooks are not run here: the test install's setuptools may predate pyproject's.)
    if value is not None:
        monkeypatch.setenv("SENDWATCH_COMPILE", value)
    setup = load(ROOT / "setup.py")
    assert not backend.compile_asked()
    assert setup.compiled_reader() == []


def test_a_compiled_build_asks_for_mypy(backend: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENDWATCH_COMPILE", "1")
    assert backend.get_requires_for_build_wheel() == [backend.COMPILER]


def test_an_editable_compiled_build_is_refused(backend: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENDWATCH_COMPILE", "1")
    with pytest.raises(RuntimeError, match="non-editable"):
        backend.get_requires_for_build_editable()
    with pytest.raises(RuntimeError, match="non-editable"):
        backend.build_editable(str(ROOT / "never-written"))


def test_setup_lists_reader_modules_that_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    modules = load(ROOT / "setup.py").READER_MODULES
    assert not [module for module in modules if not (ROOT / module).is_file()]
    assert {"extractors/reading.py", "extractors/frames/agreement.py", "extractors/verdict.py"} <= set(modules)
