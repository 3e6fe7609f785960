"""The status mapping: ``status_mapping.yaml`` (shop status inner id -> CRM status name), owned
by the data team, loaded into ``crm_status_mapping`` and applied to stored orders in SQL.

The file is one flat YAML mapping, one line per shop status, the shop's name as a comment::

    5: Successful  # Teljesítve (suggested from the name: confirm)
    7: null        # Egyedi státusz (no suggestion: map it)

New shop statuses are appended with a suggestion; lines already in the file are never rewritten,
so a person's edits and comments stay.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import Connection, Select, delete, func, select, update

from srpipeline.crm.schema import crm_order_statuses, crm_orders, crm_status_mapping, sr_order_statuses
from srpipeline.crm.upsert import upsert
from srpipeline.shoprenter.records import OrderStatus

HEADER = """\
# Shop order status (inner id) -> CRM Orders status (Draft, In progress, Completed, Successful, Failed).
# null = not mapped yet: such orders are stored without a CRM status until mapped.
"""

#: Words in a shop status name (accents removed, lower case) -> suggested CRM status, first match wins.
SUGGESTIONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("torol", "cancel", "visszavon", "sikertelen", "elutasit", "reject", "fail", "refund", "visszaterit"),
        "Failed",
    ),
    (("teljesit", "complete", "lezar", "kezbesit", "deliver", "atvett", "fulfil"), "Successful"),
    (("szallit", "ship", "kiszallit", "postaz", "elkuld", "sent", "csomagol", "pack"), "Completed"),
    (
        ("feldolgoz", "process", "folyamat", "progress", "fizetve", "paid", "confirm", "visszaigazol"),
        "In progress",
    ),
    (("fuggo", "pending", "uj", "new", "var", "wait", "draft"), "Draft"),
)


#: The note an appended line carries until a person confirms the suggestion by deleting it.
CONFIRM_NOTE = "suggested from the name: confirm"


class UnknownCrmStatusError(ValueError):
    """The mapping names a CRM status the Orders module does not have."""


class MappingFileError(ValueError):
    """``status_mapping.yaml`` is not a mapping of status inner ids to CRM status names."""


def suggest_status(shop_name: str | None) -> str | None:
    """A CRM status suggested by the shop status's name (Hungarian or English), or None."""
    if not shop_name:
        return None
    plain = unicodedata.normalize("NFKD", shop_name).encode("ascii", "ignore").decode().lower()
    words = plain.replace("-", " ").split()
    for stems, status in SUGGESTIONS:
        if any(word.startswith(stem) for word in words for stem in stems):
            return status
    return None


def read_mapping(path: Path) -> dict[int, str | None]:
    """The mapping in ``path`` (empty when the file does not exist yet)."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise MappingFileError(f"{path}: expected lines like `5: Successful`, found {type(data).__name__}")
    mapping: dict[int, str | None] = {}
    for key, value in data.items():
        if not isinstance(key, int) or not (value is None or isinstance(value, str)):
            raise MappingFileError(
                f"{path}: `{key}: {value}` is not `<status inner id>: <CRM status name or null>`"
            )
        mapping[key] = value
    return mapping


def add_new_statuses(path: Path, statuses: Sequence[OrderStatus]) -> list[OrderStatus]:
    """Append the shop statuses not yet in ``path`` with a suggested CRM status; returns them."""
    known = read_mapping(path)
    new = [s for s in sorted(statuses, key=lambda s: s.inner_id) if s.inner_id not in known]
    if not new:
        return []
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    for status in new:
        suggestion = suggest_status(status.name)
        name = (status.name or "no name").replace("\n", " ")
        note = CONFIRM_NOTE if suggestion else "no suggestion: map it"
        text += f"{status.inner_id}: {yaml.safe_dump(suggestion).split(chr(10))[0]}  # {name} ({note})\n"
    path.write_text(text, encoding="utf-8")
    return new


def unconfirmed_suggestions(path: Path) -> list[tuple[int, str, str]]:
    """Lines of ``path`` whose suggestion nobody confirmed yet: (inner id, CRM status, shop name)."""
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        value, _, comment = line.partition("#")
        key, _, status = value.partition(":")
        if f"({CONFIRM_NOTE})" in comment and key.strip().isdigit() and status.strip() not in ("", "null"):
            name = comment.replace(f"({CONFIRM_NOTE})", "").strip()
            found.append((int(key), status.strip(), name))
    return found


def load_mapping(conn: Connection, mapping: Mapping[int, str | None], *, now: datetime) -> int:
    """Make ``crm_status_mapping`` equal to ``mapping``; returns how many statuses changed.

    Raises ``UnknownCrmStatusError`` (naming the valid statuses) before changing anything.
    """
    crm_ids = dict(conn.execute(select(crm_order_statuses.c.name, crm_order_statuses.c.id)).all())
    unknown = sorted({name for name in mapping.values() if name is not None} - crm_ids.keys())
    if unknown:
        raise UnknownCrmStatusError(
            f"status_mapping.yaml names unknown CRM status(es) {', '.join(map(repr, unknown))}; "
            f"the Orders module has: {', '.join(crm_ids)}"
        )
    wanted = {inner_id: crm_ids[name] if name else None for inner_id, name in mapping.items()}
    stored = dict(
        conn.execute(
            select(crm_status_mapping.c.sr_status_inner_id, crm_status_mapping.c.crm_order_status_id)
        ).all()
    )
    changed = [
        {"sr_status_inner_id": inner_id, "crm_order_status_id": crm_id, "mapped_at": now}
        for inner_id, crm_id in wanted.items()
        if inner_id not in stored or stored[inner_id] != crm_id
    ]
    if changed:
        conn.execute(
            upsert(conn, crm_status_mapping, ["sr_status_inner_id"], ["crm_order_status_id", "mapped_at"]),
            changed,
        )
    dropped = conn.execute(
        delete(crm_status_mapping).where(crm_status_mapping.c.sr_status_inner_id.not_in(wanted))
    ).rowcount
    return len(changed) + dropped


def remap_orders(conn: Connection) -> int:
    """Re-resolve every stored order's shop status and CRM status from the stored statuses and
    mapping, in SQL, without re-reading the shop. Returns how many orders changed."""
    status_inner_id = (
        select(sr_order_statuses.c.sr_inner_id)
        .where(sr_order_statuses.c.sr_id == crm_orders.c.sr_status_id)
        .correlate(crm_orders)
        .scalar_subquery()
    )
    crm_status_id = (
        select(crm_status_mapping.c.crm_order_status_id)
        .join(sr_order_statuses, sr_order_statuses.c.sr_inner_id == crm_status_mapping.c.sr_status_inner_id)
        .where(sr_order_statuses.c.sr_id == crm_orders.c.sr_status_id)
        .correlate(crm_orders)
        .scalar_subquery()
    )
    return conn.execute(
        update(crm_orders)
        .where(
            crm_orders.c.sr_status_inner_id.is_distinct_from(status_inner_id)
            | crm_orders.c.crm_order_status_id.is_distinct_from(crm_status_id)
        )
        .values(sr_status_inner_id=status_inner_id, crm_order_status_id=crm_status_id)
    ).rowcount


def unmapped_statuses_query() -> Select[tuple[int, str | None]]:
    """Active shop statuses without a CRM status, (inner id, shop name), by inner id: what
    ``unmapped_statuses`` lists and the status mapping check counts."""
    return (
        select(sr_order_statuses.c.sr_inner_id, sr_order_statuses.c.name)
        .outerjoin(
            crm_status_mapping, crm_status_mapping.c.sr_status_inner_id == sr_order_statuses.c.sr_inner_id
        )
        .where(sr_order_statuses.c.is_active.is_(True), crm_status_mapping.c.crm_order_status_id.is_(None))
        .order_by(sr_order_statuses.c.sr_inner_id)
    )


def unmapped_statuses(conn: Connection) -> list[tuple[int, str | None]]:
    """Active shop statuses without a CRM status: (inner id, shop name)."""
    return [(inner_id, name) for inner_id, name in conn.execute(unmapped_statuses_query())]


def mapping_counts(conn: Connection) -> tuple[int, int]:
    """How many shop statuses in ``crm_status_mapping`` have a CRM status, and how many have none."""
    mapped = func.count(crm_status_mapping.c.crm_order_status_id)
    row = conn.execute(select(mapped, func.count() - mapped)).one()
    return row[0], row[1]
