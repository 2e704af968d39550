"""The vendored CodeMirror bundle: built from the pinned packages with every licence, and kept
off the pages' static imports (only the launchpad imports it, dynamically)."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "src" / "headwater" / "webserver" / "static"
VENDOR = STATIC / "vendor" / "codemirror"
LOCK = ROOT / "scripts" / "vendor" / "codemirror" / "package-lock.json"

STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']""",
                           re.MULTILINE | re.DOTALL)


def _bundled() -> dict[str, str]:
    """name -> version of each package the VERSION file lists."""
    lines = (VENDOR / "VERSION").read_text().splitlines()[1:]
    return dict(line.split()[:2] for line in lines if line.strip())


def test_the_bundle_holds_the_pinned_packages_with_their_licences() -> None:
    bundled = _bundled()
    locked = json.loads(LOCK.read_text())["packages"]
    manifest = json.loads((LOCK.parent / "package.json").read_text())
    for name, version in manifest["dependencies"].items():
        assert bundled.get(name) == version, (name, version, bundled.get(name))
    licences = (VENDOR / "LICENSES.txt").read_text()
    for name, version in bundled.items():
        assert locked[f"node_modules/{name}"]["version"] == version, name
        heading = rf"^{re.escape(name)} {re.escape(version)} \("
        assert re.search(heading, licences, re.MULTILINE), name
    assert licences.count("Permission is hereby granted") >= len(bundled)  # the MIT texts
    assert (VENDOR / "codemirror.js").stat().st_size > 100_000  # built, minified, committed


def _static_closure(module: Path) -> set[Path]:
    """The modules that loading ``module`` fetches through static imports."""
    seen: set[Path] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for target in STATIC_IMPORT.findall(current.read_text()):
            if target.startswith("."):
                todo.append((current.parent / target).resolve())
    return seen


def test_no_page_imports_the_editor_statically() -> None:
    bundle = (VENDOR / "codemirror.js").resolve()
    pages = sorted((STATIC / "js" / "pages").glob("*.js"))
    assert pages
    for page in pages:
        assert bundle not in _static_closure(page.resolve()), page.name
    # ... while the launchpad's editor module does (so the check above can fail).
    assert bundle in _static_closure((STATIC / "js" / "code_editor.js").resolve())
    assert 'import("../code_editor.js")' in (STATIC / "js" / "pages" / "jobs.js").read_text()
