"""Build hook: compiles the translations of reasons (.po) to the .mo files read at run time,
with the same code `./dev` runs (matcher/reasons/compile.py, loaded by path: the package is
not importable while it is being built)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileTranslations(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        path = Path(self.root) / "matcher" / "reasons" / "compile.py"
        spec = importlib.util.spec_from_file_location("_compile_translations", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.compile_all()
