"""The package's shape: imports go down the layout order the README writes down (top-level or
inside functions), never in a cycle, and the README's registry tables are what
`genrepipe list --markdown` prints."""

import ast
import re
from pathlib import Path

from genrepipe import catalog

from conftest import ROOT

PACKAGE = ROOT / "src" / "genrepipe"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """genrepipe module -> the genrepipe modules it imports anywhere in its code."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                stem = f"{base}.{node.module}" if node.level and node.module else (node.module or base)
                for alias in node.names:  # `from . import schema` names a module
                    targets.add(f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in modules else stem)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found by a depth-first search (each reported once per entry point)."""
    found, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack + [target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


# The layout order, bottom first (README, "Layout"): a module may import its own layer and those
# below it. A name is a module or a package (all its modules).
LAYERS = (
    ("core",), ("stats",), ("audio",), ("novelty",), ("dataset",), ("sources",), ("pretrained",), ("transforms",),
    ("models",), ("reporting",), ("evaluation",), ("config",), ("pipeline",),
    ("predict", "zero_shot", "catalog", "cli", "__main__"),
)


def layer_of(module: str) -> int:
    """The layer of `genrepipe.<module>` (the package itself: the bottom)."""
    name = module.removeprefix("genrepipe").removeprefix(".")
    if not name:
        return 0
    for number, layer in enumerate(LAYERS):
        if any(name == entry or name.startswith(entry + ".") for entry in layer):
            return number
    raise AssertionError(f"{module} is in no layer of LAYERS: add it where it belongs")


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a module of a higher layer."""
    return [f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
            for module, targets in sorted(graph.items()) for target in sorted(targets)
            if layer_of(target) > layer_of(module)]


def test_every_import_goes_down_the_layout_order():
    graph = import_graph()
    assert upward(graph) == []
    assert upward({"genrepipe.core.store": {"genrepipe.cli"}}) == [
        "genrepipe.core.store (0) imports genrepipe.cli (13)"]  # the check sees an upward import
    readme = (ROOT / "README.md").read_text()
    order = readme[readme.index("Imports go down this order"):].split("\n\n")[0]
    for layer in LAYERS:  # the README writes the same order
        assert all(f"`{name}`" in order for name in layer), layer


def test_no_module_imports_another_in_a_cycle():
    graph = import_graph()
    assert "genrepipe.models.registry" in graph["genrepipe.config.params"]  # the graph sees imports
    assert "genrepipe.models.loader" in graph["genrepipe.models.network"]  # ... inside functions too
    assert cycles(graph) == []
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_readme_tables_are_the_registries():
    readme = (ROOT / "README.md").read_text()
    start = readme.index("<!-- genrepipe list --markdown -->\n") + len("<!-- genrepipe list --markdown -->\n")
    end = readme.index("<!-- end of genrepipe list -->")
    assert readme[start:end] == catalog.markdown(), "run `genrepipe list --markdown` into the README"


TASK_PACKAGE = "genrepipe.evaluation.tasks"
TASK_WORDS = re.compile(r"multi_?label|multiclass|is_tagger", re.I)


def task_branches(source: str) -> list[str]:
    """Code that tells the tasks apart: a test (`if`, conditional expression, comparison, boolean
    operation, match) or a name (variable, argument, attribute, function) that speaks of a task.
    Docstrings, comments and the words of messages are not code."""
    found = []
    for node in ast.walk(ast.parse(source)):
        tests = []
        if isinstance(node, (ast.If, ast.IfExp, ast.While)):
            tests.append(node.test)
        elif isinstance(node, (ast.Compare, ast.BoolOp, ast.Match)):
            tests.append(node)
        names = []
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
        elif isinstance(node, ast.arg):
            names.append(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        found += [f"line {node.lineno}: {ast.unparse(t)}" for t in tests
                  if TASK_WORDS.search(ast.unparse(t))]
        found += [f"line {node.lineno}: {name}" for name in names if TASK_WORDS.search(name)]
    return sorted(set(found))


def test_no_code_outside_the_task_package_tells_the_tasks_apart():
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        if _module_name(path).startswith(TASK_PACKAGE):
            continue
        found = task_branches(path.read_text())
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}
    # the check sees a branch, a flag and a comparison with the task's name
    assert task_branches("if features.multilabel:\n    pass") != []
    assert task_branches("def f(multilabel: bool): pass") != []
    assert task_branches("x = a if task == 'multilabel' else b") != []
    assert task_branches('"""about multilabel tasks"""\nraise ValueError("dataset.task=multilabel")') == []
