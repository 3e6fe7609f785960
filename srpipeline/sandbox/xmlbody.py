"""The XML the shop answers when the client does not ask for JSON (a minimal rendering: one element
per key, ``<item>`` per list entry, empty element for empties)."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring


def to_xml(body: Any, root: str = "response") -> bytes:
    element = Element(root)
    _fill(element, body)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(
        element, encoding="utf-8", xml_declaration=False
    )


def _fill(element: Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(SubElement(element, key), child)
    elif isinstance(value, list):
        for child in value:
            _fill(SubElement(element, "item"), child)
    elif value is not None:
        element.text = str(value)
