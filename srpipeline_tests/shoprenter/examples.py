"""The official example responses (shared/shoprenter-fixtures beside the repository) by resource."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: shared/ lies beside the repository, on a developer's machine and in CI alike.
FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "shoprenter-fixtures"


def load(resource: str, name: str) -> Any:
    return json.loads((FIXTURES / resource / "response" / "json" / f"{name}.json").read_text())
