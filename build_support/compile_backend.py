"""The build backend: setuptools', plus mypy when a compiled reader is asked for.

``SENDWATCH_COMPILE=1 pip install .`` builds a wheel whose reader modules are compiled with
mypyc (see setup.py); only then does the build need mypy, so only then is it asked for, and
a plain install stays pure Python and quick to build. An editable install is never compiled:
compiled modules would shadow the sources a developer edits, so asking for both is refused.
"""

from __future__ import annotations

import os
from typing import Any

from setuptools import build_meta
from setuptools.build_meta import *  # noqa: F403 (the other hooks are setuptools' own)

# The mypy that compiles: mypyc ships with it (the version .ci/checks types the code with).
COMPILER = "mypy>=2.4"


def compile_asked() -> bool:
    """Whether this build should compile the reader (``SENDWATCH_COMPILE=1``)."""
    return os.environ.get("SENDWATCH_COMPILE", "") not in ("", "0")


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    # setuptools' own answer runs setup.py, which imports mypyc when compiling: not there yet.
    # It would add only setup.py's setup_requires, and this setup.py has none.
    if compile_asked():
        return [COMPILER]
    return build_meta.get_requires_for_build_wheel(config_settings)


def _refuse_compiled_editable() -> None:
    if compile_asked():
        raise RuntimeError(
            "SENDWATCH_COMPILE: the compiled reader is built by a non-editable install (pip install .); "
            "an editable install stays pure Python so that edits to the rules take effect without a rebuild"
        )


def get_requires_for_build_editable(config_settings: dict[str, Any] | None = None) -> list[str]:
    _refuse_compiled_editable()
    return build_meta.get_requires_for_build_editable(config_settings)


def build_editable(
    wheel_directory: str, config_settings: dict[str, Any] | None = None, metadata_directory: str | None = None
) -> str:
    _refuse_compiled_editable()
    return build_meta.build_editable(wheel_directory, config_settings, metadata_directory)
