"""Write a generated code location: layers of assets, each depending on 1-3 of the layer before."""

from __future__ import annotations

import random
from pathlib import Path


def location_source(num_assets: int, layer_width: int = 50, seed: int = 7) -> str:
    """Python source of a module defining ``num_assets`` assets and one Definitions."""
    rng = random.Random(seed)
    lines = ["import headwater as hw", ""]
    names: list[str] = []
    previous: list[str] = []
    current: list[str] = []
    for index in range(num_assets):
        name = f"asset_{index}"
        parents = rng.sample(previous, k=min(len(previous), rng.randint(1, 3))) if previous else []
        params = ", ".join(f"{p}: int" for p in parents)
        body = " + ".join(parents) if parents else str(index)
        lines += [
            f'@hw.asset(group_name="group_{index // 500}")',
            f"def {name}({params}) -> int:",
            f"    return {body}",
            "",
        ]
        names.append(name)
        current.append(name)
        if len(current) == layer_width:
            previous, current = current, []
    lines.append(f"defs = hw.Definitions(assets=[{', '.join(names)}])")
    return "\n".join(lines) + "\n"


def write_location(folder: Path, num_assets: int) -> Path:
    """Write the module to ``folder/location_<n>.py`` and return its path."""
    path = folder / f"location_{num_assets}.py"
    path.write_text(location_source(num_assets))
    return path
