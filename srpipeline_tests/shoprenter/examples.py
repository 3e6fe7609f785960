"""The official example responses (/work/shared/shoprenter-fixtures), loaded by resource and name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path("/work/shared/shoprenter-fixtures")


def load(resource: str, name: str) -> Any:
    return json.loads((FIXTURES / resource / "response" / "json" / f"{name}.json").read_text())
