"""The house shows its plan: every import points down a floor, never up.

registry (experts, service areas) is the ground floor; agreements is built on it, supervision
on both, and reporting, the expert's portal and interchange on all three. kokemus holds the
basement every app uses (access, lists, audit, pdf...) and the roof that brings the apps
together (urls, start page, the coordinator's expert pages, the GDPR module, commands). An
import inside a function counts too: that is how a cycle used to be dodged.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {
    "registry": 0,
    "notifications": 1,  # the e-mail outbox: agreements and supervision record into it
    "agreements": 1,
    "supervision": 2,
    "feedback": 2,  # reflections and professionals' feedback: on agreements and notifications
    "reporting": 3,
    "portal": 3,
    "interchange": 3,
    "orders": 3,
    "payroll": 3,  # hours reports and runs: on agreements; the report and the portal read it
    "pairs": 3,  # work pairs: on the register and supervision (pair supervision groups)
    "guidance": 3,  # kokemusohjaus periods: reads orders; the report and the portal read it
}
ROOF = (
    "kokemus.urls",
    "kokemus.views",
    "kokemus.expert_views",
    "kokemus.privacy",
    "kokemus.erasure",
    "kokemus.management",
)


def imported_modules(source: str) -> set[str]:
    """Every module the source imports, anywhere in it (``from a import b`` gives a and a.b)."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def upward_imports(source: str, floor: int | None) -> set[str]:
    """The imports of a module on ``floor`` (None: the basement) that reach a floor above it
    or the roof."""
    upward = set()
    for module in imported_modules(source):
        app = module.split(".")[0]
        above = app in FLOORS and (floor is None or FLOORS[app] > floor)
        if above or any(_in(module, roof) for roof in ROOF):
            upward.add(module)
    return upward


def _python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


@pytest.mark.parametrize("app", FLOORS)
def test_an_app_imports_only_the_floors_below_it(app):
    upward = {
        _module(path): sorted(upward_imports(path.read_text(), FLOORS[app]))
        for path in _python_files(app)
    }
    assert {module: imports for module, imports in upward.items() if imports} == {}


def test_the_register_imports_no_other_app():
    imports = set().union(*(imported_modules(p.read_text()) for p in _python_files("registry")))
    assert not {m for m in imports if m.split(".")[0] in FLOORS.keys() - {"registry"}}
    assert "registry.models" in imports  # the files were read


def test_the_basement_imports_no_app():
    basement = [
        path
        for path in _python_files("kokemus")
        if not any(_in(_module(path), roof) for roof in ROOF)
    ]
    upward = {_module(path): upward_imports(path.read_text(), None) for path in basement}
    assert {module: imports for module, imports in upward.items() if imports} == {}


def test_the_check_finds_an_import_dodged_inside_a_function():
    source = "import json\n\ndef register():\n    from agreements.models import Agreement\n"
    assert upward_imports(source, FLOORS["registry"]) == {
        "agreements.models",
        "agreements.models.Agreement",
    }
    assert upward_imports("from kokemus import privacy\n", FLOORS["portal"]) == {"kokemus.privacy"}
    assert upward_imports("from registry.models import Expert\n", FLOORS["agreements"]) == set()
