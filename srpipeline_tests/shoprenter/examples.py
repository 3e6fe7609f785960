"""The official Shoprenter example responses (srpipeline_tests/fixtures/shoprenter/) by resource.

They are the API documentation's published examples, kept unchanged: each resource folder holds
``data.json`` (the documented fields) and ``response/json/*.json`` (example answers).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shoprenter"


def load(resource: str, name: str) -> Any:
    return json.loads((FIXTURES / resource / "response" / "json" / f"{name}.json").read_text())
