"""The house's layers hold: one network boundary, nothing of the tests in the product."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "badgegen"
# The demo's occupants are XMPP clients themselves, so they may use slixmpp.
SLIXMPP_ALLOWED = ("xmpp/", "demo/occupants.py")


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, at any depth of the file."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    return modules


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_only_the_network_boundary_imports_slixmpp(path: Path) -> None:
    """slixmpp is imported in badgegen/xmpp/ (and by the demo's occupants) only."""
    name = path.relative_to(PACKAGE).as_posix()
    uses_slixmpp = any(module.split(".")[0] == "slixmpp" for module in imported_modules(path))
    assert not uses_slixmpp or name.startswith(SLIXMPP_ALLOWED)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_the_product_never_imports_the_tests_or_the_command_line(path: Path) -> None:
    """Nothing in badgegen imports tests/; only badgegen/cli/ (and start.py, the entry)
    import the CLI."""
    name = path.relative_to(PACKAGE).as_posix()
    modules = imported_modules(path)
    assert not any(module.split(".")[0] == "tests" for module in modules)
    if not name.startswith("cli/") and name != "start.py":
        assert not any(module.startswith("badgegen.cli") for module in modules)


# Data flows config -> xmpp -> state -> render -> publish: no import runs back up.
LATER_LAYERS = {
    "config/": ("pipeline", "publish", "render", "results", "site", "state"),
    "xmpp/": ("pipeline", "publish", "render", "results", "site", "state"),
    "render/": ("pipeline", "publish", "site", "xmpp"),
}


LAYERED = [
    (path, folder)
    for path in SOURCES
    for folder in LATER_LAYERS
    if path.relative_to(PACKAGE).as_posix().startswith(folder)
]


@pytest.mark.parametrize(
    ("path", "layer"), LAYERED, ids=[str(path.relative_to(PACKAGE)) for path, _ in LAYERED]
)
def test_no_import_runs_back_up_the_layers(path: Path, layer: str) -> None:
    """config and xmpp know nothing of what comes after them; render nothing of the network."""
    forbidden = tuple(f"badgegen.{module}" for module in LATER_LAYERS[layer])
    assert not [module for module in imported_modules(path) if module.startswith(forbidden)]


def architecture_floors() -> dict[str, int]:
    """ARCHITECTURE.md's floors: each top-level module or package ("cli/", "jids.py") by floor."""
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = text.split("```\n", 2)[1]
    floors: dict[str, int] = {}
    floor = 0
    for line in block.splitlines():
        if line.startswith("floor"):
            floor = int(line.split()[1])
            line = " " * 9 + line[9:]
        first = line[9:].split(" ", 1)[0].rstrip(",")
        if line.startswith(" " * 9) and re.fullmatch(r"[a-z_]+(\.py|/)", first):
            names = re.findall(r"\b[a-z_]+\.py\b", line[9:]) if "," in first + line[9:21] else []
            for name in names or [first]:
                floors[name] = floor
    return floors


def top_level(module: str) -> str | None:
    """The top-level module or package of badgegen a dotted import names, as the floors do."""
    parts = module.split(".")
    if parts[0] != "badgegen" or len(parts) == 1:
        return None
    return f"{parts[1]}/" if (PACKAGE / parts[1]).is_dir() else f"{parts[1]}.py"


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_architecture_md_floors_hold(path: Path) -> None:
    """Each module stands on ARCHITECTURE.md's floor for it and imports only from below."""
    floors = architecture_floors()
    here = top_level("badgegen." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    if here is None or here == "__init__.py":
        return  # the package's own __init__: its version only
    assert here in floors, f"{here} has no floor in ARCHITECTURE.md"
    above = {
        module: floors.get(target)
        for module in imported_modules(path)
        if (target := top_level(module)) not in (None, here, "__init__.py")
        and floors.get(target, 99) >= floors[here]
    }
    assert not above, f"{here} (floor {floors[here]}) imports from its floor or above: {above}"


MAX_MODULE_LINES, MAX_FUNCTION_LINES = 300, 40


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_modules_and_functions_stay_small(path: Path) -> None:
    """Modules of at most 300 lines, functions of at most 40 (from `def` to their end): a
    longer one is split where it does two things, never squeezed."""
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


NETWORK_MODULES = ("badgegen.xmpp", "badgegen.record.fetch", "slixmpp", "urllib", "socket", "ssl")
CLOCK_CALLS = ("now", "utcnow", "today", "time", "monotonic", "perf_counter")


@pytest.mark.parametrize(
    "path",
    sorted((PACKAGE / "cli").glob("*.py")),
    ids=lambda path: str(path.relative_to(PACKAGE)),
)
def test_the_command_line_reads_no_clock_and_no_network(path: Path) -> None:
    """badgegen/cli/ declares and prints: the clock comes from the Runtime, counting and
    fetching from badgegen.commands; no module of it imports network code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    network = [module for module in imported_modules(path) if module.startswith(NETWORK_MODULES)]
    clocks = [
        ast.unparse(node.func)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_CALLS
        and ast.unparse(node.func.value) in ("datetime", "time", "date", "datetime.datetime")
    ]
    assert (network, clocks) == ([], [])


def test_setup_cfg_lists_every_package() -> None:
    """The wheel holds every package of badgegen/, and templates/ as badgegen.templates: a new
    package needs its line in setup.cfg (find: cannot add templates/ to what it finds)."""
    import configparser

    parser = configparser.ConfigParser()
    parser.read(PACKAGE.parent / "setup.cfg", encoding="utf-8")
    listed = set(parser["options"]["packages"].split())
    folders = {
        ".".join(("badgegen", *path.relative_to(PACKAGE).parts)).rstrip(".")
        for path in (PACKAGE, *PACKAGE.rglob("*"))
        if path.is_dir() and path.name != "__pycache__" and any(path.iterdir())
    }
    assert listed == {*folders, "badgegen.templates"}
