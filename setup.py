"""Compiles the reader with mypyc when asked (``SENDWATCH_COMPILE=1 pip install .``).

Everything else about the package is in pyproject.toml; without the variable this adds
nothing and the install is pure Python. The modules listed are the reader's hot path: the
rules that read sentences. They run the same compiled or not (scripts/check-compiled checks).
"""

import os
from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).parent
READER_MODULES = [
    "extractors/reading.py",
    "extractors/modality.py",
    "extractors/attribution.py",
    "extractors/cues.py",
    *sorted(str(path.relative_to(HERE)) for path in (HERE / "extractors" / "frames").glob("*.py")),
    "extractors/sentences.py",
    "extractors/money.py",
    "extractors/amounts.py",
    "extractors/verdict.py",
]


def compiled_reader() -> list[Extension]:
    """The mypyc extension modules for the reader, or none when not asked for."""
    if os.environ.get("SENDWATCH_COMPILE", "") in ("", "0"):
        return []
    from mypyc.build import mypycify

    return mypycify(["--config-file", str(HERE / "build_support" / "mypyc.ini"), *READER_MODULES])


if __name__ == "__main__":  # as setuptools runs it; tests import it for its list
    setup(ext_modules=compiled_reader())
