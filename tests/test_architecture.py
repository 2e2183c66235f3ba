"""The layout's rules, read from the source: who may name whom, and no import cycles.

Dependencies point one way, `institutioner` ← `indsats` ← `forloeb` (and `demo` above all): a
lower app never imports or names a higher one, not even in a string or a comment. Higher apps
register what they own (start-page sections, menu entries, schedules, notification kinds) from
their `AppConfig.ready()`. Migrations are exempt: a landed migration is never rewritten.
"""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from tests import astparse

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. `demo` sits above all of them once it exists.
LAYERS = ("institutioner", "indsats", "forloeb", "demo")

# The project's own top-level packages, and the files beside them that may import `config`.
NOT_APPS = {"config", "tests"}
MAY_IMPORT_CONFIG = {"manage.py"}


def _packages() -> list[str]:
    return sorted(
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name != "tests"
    )


def _sources(package: str) -> Iterator[Path]:
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.relative_to(ROOT).parts:
            yield path


def _templates(app: str) -> Iterator[Path]:
    folder = ROOT / "templates" / app
    if folder.is_dir():
        yield from sorted(p for p in folder.rglob("*") if p.is_file())


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# --- Lower apps name no higher app ------------------------------------------------------------

# `forloeb` is not a Danish word (the word is "forløb"), so any mention is the app: code, strings
# and comments alike. "indsats" is a Danish word ("indsatspædagog", "indsatsteam") and may stand in
# a user's text, so for it only the app's own forms count: an import, a dotted module or task path,
# a URL namespace or template folder (`indsats.`, `indsats:`, `indsats/`), or the app label as a
# whole string ("indsats"). "demo" is an everyday word (the demo municipality, `--scale demo`), so
# the `demo` app is held to the import rule below, not to a word.
_APP_MENTION = {
    "forloeb": re.compile(r"forloeb", re.IGNORECASE),
    "indsats": re.compile(
        r"""\b(?:from|import)\s+indsats\b | \bindsats\s*[.:/]\w | ["']indsats["']""", re.X
    ),
}


def _higher(app: str) -> tuple[str, ...]:
    return LAYERS[LAYERS.index(app) + 1 :]


def _url_names(app: str) -> set[str]:
    """The URL names an app defines: `name=` of every `path()` in its urls modules."""
    names = set()
    for path in _sources(app):
        if path.name != "urls.py":
            continue
        for node in ast.walk(astparse.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                        names.add(keyword.value.value)
    return names


def _mentions(app: str) -> list[str]:
    found = []
    words = {higher: _APP_MENTION[higher] for higher in _higher(app) if higher in _APP_MENTION}
    for path in [*_sources(app), *_templates(app)]:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for higher, pattern in words.items():
                if pattern.search(line):
                    where = path.relative_to(ROOT)
                    found.append(f"{where}:{number} names {higher}: {line.strip()}")
    return found


def _url_name_uses(app: str) -> list[str]:
    """A higher app's URL name written in a lower app: as a whole string in code (reverse(),
    redirect(), a list for the menu) or in a template's {% url %} tag. Dictionary keys are not
    URL names ("hours" in `% {"hours": ...}`)."""
    theirs = {name: higher for higher in _higher(app) for name in _url_names(higher)}
    ours = _url_names(app)
    found = []
    for path in _sources(app):
        tree = astparse.parse(path.read_text(), str(path))
        keys = {id(k) for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and id(node) not in keys
                and isinstance(node.value, str)
                and node.value in theirs
                and node.value not in ours
            ):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.append(f"{where} names {theirs[node.value]}'s URL {node.value!r}")
    url_tag = re.compile(r"""\{%\s*url\s+["']([\w:-]+)["']""")
    for path in _templates(app):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for name in url_tag.findall(line):
                if name in theirs and name not in ours:
                    where = f"{path.relative_to(ROOT)}:{number}"
                    found.append(f"{where} names {theirs[name]}'s URL {name!r}")
    return found


def test_the_url_name_scan_finds_the_higher_apps_names():
    # Guards the scan itself: were the urls modules moved, it would silently find nothing.
    assert {"course_list", "hours", "dashboard_districts"} <= _url_names("forloeb")
    assert {"request_list", "triage_queue"} <= _url_names("indsats")


def test_the_mention_patterns_tell_the_app_from_the_danish_word():
    indsats = _APP_MENTION["indsats"]
    for app in ("from indsats.models import X", "import indsats", "'indsats/requests/x.html'"):
        assert indsats.search(app), app
    for app in ("reverse('indsats:x')", 'apps.get_model("indsats", "Agreement")'):
        assert indsats.search(app), app
    for danish in ("indsatspaedagog", "indsatsteam.localhost", "demo-indsats-2026", "en indsats."):
        assert not indsats.search(danish), danish


def test_lower_apps_name_no_higher_app():
    found = [m for app in LAYERS if (ROOT / app).is_dir() for m in _mentions(app)]
    assert not found, "A lower app names a higher one (register from its ready()):\n" + "\n".join(
        found
    )


def test_lower_apps_use_no_url_name_of_a_higher_app():
    found = [m for app in LAYERS if (ROOT / app).is_dir() for m in _url_name_uses(app)]
    assert not found, "A lower app names a higher app's page (register a menu entry):\n" + (
        "\n".join(found)
    )


# --- Imports ------------------------------------------------------------------------------------


def _imports(path: Path, modules: set[str]) -> Iterator[tuple[str, int]]:
    """The project modules a file imports, at the top or inside a function: (module, line).
    Imports under `if TYPE_CHECKING:` are left out: they are for the type checker and never run."""
    own = _module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    tree = astparse.parse(path.read_text(), str(path))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                # `from package import module` imports the module; `from module import name`
                # imports the module that holds the name.
                submodule = f"{target}.{alias.name}"
                yield (submodule if submodule in modules else target), node.lineno


def _import_graph() -> dict[str, dict[str, int]]:
    files = {_module_name(p): p for package in _packages() for p in _sources(package)}
    graph: dict[str, dict[str, int]] = {name: {} for name in files}
    for name, path in files.items():
        for target, line in _imports(path, set(files)):
            # The nearest project module: `from a.b import c` where c is a function is a.b.
            while target and target not in files:
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].setdefault(target, line)
    return graph


def _strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; returns the components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _describe(component: list[str], graph: dict[str, dict[str, int]]) -> str:
    members = set(component)
    edges = [
        f"  {source} → {target} (line {line})"
        for source in component
        for target, line in sorted(graph[source].items())
        if target in members
    ]
    return "\n".join([" ↔ ".join(component), *edges])


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}
    assert _strongly_connected(graph) == [["a", "b", "c"]]
    assert _strongly_connected({"a": {"b": 1}, "b": {}}) == []


def test_no_import_cycle_between_modules():
    graph = _import_graph()
    assert len(graph) > 50, "the scan found too few modules"
    cycles = _strongly_connected(graph)
    assert not cycles, "Import cycles (top-level and function-level imports):\n" + "\n".join(
        _describe(component, graph) for component in cycles
    )


def test_lower_apps_import_no_higher_app():
    graph = _import_graph()
    found = [
        f"{source} imports {target} (line {line})"
        for source, targets in graph.items()
        for target, line in targets.items()
        if source.split(".")[0] in LAYERS and target.split(".")[0] in _higher(source.split(".")[0])
    ]
    assert not found, "\n".join(found)


def test_no_app_imports_config():
    """Apps read settings, and reach Celery through `celery.current_app`; `config` is the
    project's configuration, loaded by Django, never imported by an app."""
    found = []
    apps = [p for p in _packages() if p not in NOT_APPS]
    assert {"institutioner", "indsats", "forloeb"} <= set(apps)
    for path in [p for app in apps for p in _sources(app)]:
        for target, line in _imports(path, set()):
            if target == "config" or target.startswith("config."):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    for path in ROOT.glob("*.py"):
        if path.name not in MAY_IMPORT_CONFIG:
            for target, line in _imports(path, set()):
                if target.split(".")[0] == "config":
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not found, "\n".join(found)
