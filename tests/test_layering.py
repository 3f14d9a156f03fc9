"""The layers import one way only, so each can be understood, tested and reused without those
above it.

    catalog  <-  analysis  <-  generation  <-  config  <-  doctor  <-  lsp  <-  cli
                                    ^
                                    training (may use catalog, analysis, generation)

* ``catalog`` (``vgpt2.catalog``) knows nothing of SQL analysis or editors.
* ``analysis`` (``vgpt2.server.analysis``) reads SQL against a catalog.
* ``generation`` (``vgpt2.server.generation``) drafts SQL and checks it with the analyzer.
* ``training`` (``vgpt2.training``) builds data and models from the three above; nothing
  imports it, so the product never depends on torch and friends.
* ``config`` (``vgpt2.server.config``): ``vgpt2.toml``, whose rule levels are the analyzer's
  and whose model settings may be generation's; read by both front ends, so it sits below
  them.
* ``doctor`` (``vgpt2.server.doctor``): the report both front ends give (``vgpt2 doctor``
  and the server's doctor command); it reads the configuration.
* ``lsp`` (``vgpt2.server.lsp``): the language server; only its own modules and the CLI
  import it.
* ``cli`` (``vgpt2.server.cli``) is the top: the program a user runs, which launches the
  language server (``vgpt2 lsp``, through ``cli/lsp_launch.py``). Nothing imports the CLI.

Every module under catalog/, server/ and training/ is read with ``ast`` (no import runs);
``import``, ``from … import`` (also relative, also inside functions or ``TYPE_CHECKING``) and
``importlib.import_module("…")`` with a literal name all count. A module in a package no
layer names fails the test until it is placed here.
"""

from __future__ import annotations

import ast
import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

ALLOWED: dict[str, frozenset[str]] = {
    "catalog": frozenset({"catalog"}),
    "analysis": frozenset({"catalog", "analysis"}),
    "generation": frozenset({"catalog", "analysis", "generation"}),
    "training": frozenset({"catalog", "analysis", "generation", "training"}),
    "config": frozenset({"catalog", "analysis", "generation", "config"}),
    "doctor": frozenset({"catalog", "analysis", "generation", "config", "doctor"}),
    "lsp": frozenset({"catalog", "analysis", "generation", "config", "doctor", "lsp"}),
    "cli": frozenset({"catalog", "analysis", "generation", "config", "doctor", "lsp", "cli"}),
    "server": frozenset(),  # vgpt2.server's own __init__: a namespace, imports nothing of ours
}
"""Which layers each layer's modules may import."""

SERVER_LAYERS = {"analysis", "generation", "lsp", "cli", "config", "doctor"}
"""vgpt2.server.<name>: the layer is the package or module right under vgpt2.server."""

NAMESPACES = {"vgpt2", "vgpt2.server"}
"""Packages that are only containers: importing them names no layer."""


def layer_of(module: str) -> str | None:
    """The layer of a vgpt2 module, or None for one no layer names."""
    parts = module.split(".")
    if parts[0] != "vgpt2" or len(parts) < 2:
        return None
    if parts[1] in ("catalog", "training"):
        return parts[1]
    if parts[1] == "server":
        if len(parts) == 2:
            return "server"
        return parts[2] if parts[2] in SERVER_LAYERS else None
    return None


@functools.cache
def source_modules() -> dict[str, Path]:
    """Every module of the installed packages, by dotted name, from pyproject's package-dir."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    package_dir: dict[str, str] = pyproject["tool"]["setuptools"]["package-dir"]
    modules: dict[str, Path] = {}
    for package, folder in package_dir.items():
        for path in sorted((REPO / folder).rglob("*.py")):
            parts = list(path.relative_to(REPO / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join([package, *parts])] = path
    return modules


@dataclass(frozen=True)
class Import:
    target: str
    line: int


def imports_of(module: str, source: str, is_package: bool, known: set[str]) -> list[Import]:
    """The vgpt2 modules ``source`` (the text of ``module``) imports.

    ``from a import b`` counts as importing ``a.b`` when that is a module (``known``), so
    ``from vgpt2.server import lsp`` is not mistaken for the harmless ``vgpt2.server``.
    """
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.append(Import(child if child in known else base, node.lineno))
        elif (isinstance(node, ast.Call) and _is_import_module(node.func) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append(Import(node.args[0].value, node.lineno))
    return [i for i in found if i.target == "vgpt2" or i.target.startswith("vgpt2.")]


def _is_import_module(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute):
        return func.attr == "import_module"
    return isinstance(func, ast.Name) and func.id in ("import_module", "__import__")


def violations(modules: dict[str, tuple[str, bool]], known: set[str]) -> list[str]:
    """Every import in ``modules`` that points the wrong way, as "module:line imports target
    (a → b)"; ``modules`` maps a dotted name to its source text and whether it is a package,
    ``known`` holds every module name of the tree."""
    problems: list[str] = []
    for module, (source, is_package) in sorted(modules.items()):
        layer = layer_of(module)
        if layer is None:
            problems.append(f"{module} is in no layer: place its package in tests/test_layering.py")
            continue
        for imported in imports_of(module, source, is_package, known):
            if imported.target in NAMESPACES:
                continue
            target = layer_of(imported.target)
            if target is None or target not in ALLOWED[layer]:
                problems.append(f"{module}:{imported.line} imports {imported.target} "
                                f"({layer} → {target or 'no layer'})")
    return problems


def read(paths: dict[str, Path]) -> dict[str, tuple[str, bool]]:
    return {name: (path.read_text(encoding="utf-8"), path.name == "__init__.py")
            for name, path in paths.items()}


def test_every_import_points_down_the_layers() -> None:
    modules = source_modules()
    assert len(modules) > 50, sorted(modules)  # the scan found the tree
    assert violations(read(modules), set(modules)) == []


def test_every_layer_has_modules() -> None:
    """A renamed package must not leave a layer silently empty (and its rule untested)."""
    found = {layer_of(name) for name in source_modules()}
    assert found >= set(ALLOWED), set(ALLOWED) - found


def test_the_cli_is_what_launches_the_language_server() -> None:
    """The one honest exception to "nothing imports lsp": ``vgpt2 lsp``."""
    modules = source_modules()
    importers = {name for name, (source, package) in read(modules).items()
                 if layer_of(name) != "lsp"
                 and any(layer_of(i.target) == "lsp"
                         for i in imports_of(name, source, package, set(modules)))}
    assert importers and {layer_of(name) for name in importers} == {"cli"}, importers


# -- the rule itself can fail ---------------------------------------------------------------


def _one(module: str, source: str, package: bool = False) -> list[str]:
    """Violations of ``module`` (synthetic, with ``source``) placed in the real tree."""
    return violations({module: (source, package)}, {*source_modules(), module})


@pytest.mark.parametrize("module, source, arrow", [
    ("vgpt2.catalog.bad", "from vgpt2.server.analysis.analyzer import analyze\n",
     "catalog → analysis"),
    ("vgpt2.server.analysis.bad", "import vgpt2.server.generation.engine\n",
     "analysis → generation"),
    ("vgpt2.server.analysis.bad", "from vgpt2.server import lsp\n", "analysis → lsp"),
    ("vgpt2.server.analysis.bad", "from ..lsp import server\n", "analysis → lsp"),
    ("vgpt2.server.generation.bad", "def later():\n    import vgpt2.training\n",
     "generation → training"),
    ("vgpt2.server.lsp.bad", "import importlib\nimportlib.import_module('vgpt2.training')\n",
     "lsp → training"),
    ("vgpt2.server.config_bad", "", "no layer"),
    ("vgpt2.server.doctor", "from vgpt2.server.cli.main import app\n", "doctor → cli"),
    ("vgpt2.server.config", "from vgpt2.server.doctor import diagnose\n", "config → doctor"),
    ("vgpt2.training.bad", "from vgpt2.server.lsp.server import main\n", "training → lsp"),
    ("vgpt2.server.generation.bad", "from vgpt2.server.config import load_settings\n",
     "generation → config"),
])
def test_a_wrong_way_import_fails(module: str, source: str, arrow: str) -> None:
    (problem,) = _one(module, source)
    assert arrow in problem, problem


@pytest.mark.parametrize("module, source", [
    ("vgpt2.training.good", "from vgpt2.server.generation import engine\n"
                            "from vgpt2.server.analysis.analyzer import analyze\n"
                            "from vgpt2.catalog.catalog import Catalog\n"),
    ("vgpt2.server.cli.good", "from vgpt2.server.lsp.server import main\n"),
    ("vgpt2.server.analysis.good", "from . import tokens\nfrom vgpt2.catalog import catalog\n"),
])
def test_a_right_way_import_passes(module: str, source: str) -> None:
    assert _one(module, source) == []
