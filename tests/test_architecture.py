"""The package reads as its architecture: each layer imports only itself and the layers below,
and only the app layer imports Streamlit."""

import ast
from pathlib import Path

from alliance.paths import ROOT

# Lower number = lower layer. A module may import its own layer and any lower one.
LAYERS = {
    "paths": 0,
    "fmt": 0,
    "escaping": 0,
    "errors": 0,
    "data": 1,
    "analysis": 2,
    "contributions": 2,
    "maps": 3,
    "views": 4,
    "exports": 4,
    "app": 5,
}


def layer_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "alliance":
                found |= {f"alliance.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def modules():
    for path in sorted((ROOT / "alliance").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        if name != "alliance":
            yield name, path


def test_every_module_belongs_to_a_layer():
    assert {layer_of(name) for name, _ in modules()} <= set(LAYERS)


def test_no_import_runs_up_a_layer():
    upward = []
    for name, path in modules():
        own = LAYERS[layer_of(name)]
        for target in imports(path):
            if target.startswith("alliance.") and LAYERS[layer_of(target)] > own:
                upward.append(f"{name} imports {target}")
    assert upward == []


def test_only_the_app_layer_imports_streamlit():
    offenders = [
        name
        for name, path in modules()
        if layer_of(name) != "app" and any(t.split(".")[0] in ("streamlit", "streamlit_folium") for t in imports(path))
    ]
    # errors.guard_page and the map component are the Streamlit seams of their layers.
    assert sorted(offenders) == ["alliance.errors", "alliance.maps.component"]


def test_benchmarks_and_scripts_import_names_that_exist():
    """Benchmarks and build scripts (also inside the code they run in subprocesses) import
    names that exist: they are not run by the tests, and a module move must not break them."""
    import importlib
    import re

    missing = []
    for path in sorted([*(ROOT / "benchmarks").glob("*.py"), *(ROOT / "scripts").glob("*.py")]):
        for module, names in re.findall(r"from (alliance[\w.]*) import \(?([\w, ]+)", path.read_text()):
            loaded = importlib.import_module(module) if importlib.util.find_spec(module) else None
            for name in (n.strip() for n in names.split(",") if n.strip()):
                package = loaded is not None and hasattr(loaded, "__path__")
                submodule = package and importlib.util.find_spec(f"{module}.{name}") is not None
                if loaded is None or not (hasattr(loaded, name) or submodule):
                    missing.append(f"{path.name}: {module}.{name}")
    assert missing == []


def test_selection_ids_are_hashed_by_content_in_every_cache_taking_them():
    """cache.Ids: equal selections share a cache entry, others never do, and every cached
    function with an `ids` argument hashes it that way (not id by id)."""
    import inspect

    from alliance.app import cache

    same = cache.Ids(["a", "b"]).digest()
    assert same == cache.Ids(("a", "b")).digest()
    assert len({same, cache.Ids(["b", "a"]).digest(), cache.Ids(["a,b"]).digest(), cache.Ids([]).digest()}) == 4
    source = inspect.getsource(cache)
    for name, func in inspect.getmembers(cache, callable):
        wrapped = getattr(func, "__wrapped__", None)
        if wrapped is not None and "ids" in inspect.signature(wrapped).parameters:
            decorator = source[: source.index(f"def {name}(")].rstrip().rsplit("\n", 1)[-1]
            assert "hash_funcs=IDS_HASH" in decorator, name
