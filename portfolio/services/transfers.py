"""The technology-transfer ledger (issue 16, ``incubator-ops.md`` §4).

``tech_transfer_create`` and ``tech_transfer_update`` write a transfer together with its IP
items, all or nothing: every item is checked (its kind; a patent's CN application number:
format, type digit, check digit) before anything is written, and a refusal names the item
(``IP item 2: ...``) under ``ip_items``. Patent numbers are stored in one spelling
(``201810123456.5``: no ``CN``, with the dot).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from portfolio.audit import attributed
from portfolio.models import Institution, Startup, TechTransfer, TechTransferIpItem
from portfolio.models.transfers import PATENT_KINDS, IpKind
from portfolio.models.validators import normalize_patent_application_number
from portfolio.services import messages as msg
from portfolio.services.common import not_future, only_editable, refuse, saved, to_yuan

#: what an update may change besides ``ip_items``
EDITABLE = (
    "startup",
    "institution",
    "team",
    "title",
    "mode",
    "contract_on",
    "consideration",
    "equity_to_institution_pct",
    "equity_to_researchers_pct",
    "empowerment",
    "co_ownership_pct",
    "use_right_years",
    "note",
    "is_illustrative",
)
ITEM_FIELDS = ("kind", "application_number", "title")


def _item(row: int, raw: Any) -> TechTransferIpItem:
    """One IP item from ``raw`` (a dict), checked; refusals name the item by ``row``."""

    def no(message: Any, code: str, **params: Any):
        text = message % params if params else message
        refuse("ip_items", msg.IP_ITEM, code, row=row, message=text)

    if isinstance(raw, TechTransferIpItem):
        raw = {name: getattr(raw, name) for name in ITEM_FIELDS}
    if not isinstance(raw, dict):
        no(msg.IP_ITEM_NOT_OBJECT, "invalid")
    unknown = sorted(set(raw) - set(ITEM_FIELDS), key=str)
    if unknown:
        no(msg.IP_ITEM_FIELD, "invalid", field=str(unknown[0])[:50])
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in IpKind.values:
        no(msg.IP_ITEM_KIND, "kind", kind=str(kind)[:50])
    number, title = raw.get("application_number") or "", raw.get("title") or ""
    if not isinstance(number, str) or not isinstance(title, str):
        no(msg.IP_ITEM_TEXT, "invalid")
    if kind in PATENT_KINDS:
        number = normalize_patent_application_number(number)
    item = TechTransferIpItem(kind=kind, application_number=number.strip(), title=title.strip())
    try:
        item.full_clean(exclude=["transfer"])
    except ValidationError as error:
        for messages in error.message_dict.values():
            no(messages[0], "invalid")
    return item


def _items(raw: Any) -> list[TechTransferIpItem]:
    if isinstance(raw, (str, bytes, dict)) or not isinstance(raw, Iterable):
        refuse("ip_items", msg.IP_ITEMS_LIST, "invalid")
    return [_item(row, value) for row, value in enumerate(raw, start=1)]


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if "consideration" in fields:
        fields["consideration"] = to_yuan(
            fields["consideration"], field="consideration", allow_zero=True
        )
    if isinstance(fields.get("contract_on"), dt.date):
        not_future(fields["contract_on"], field="contract_on")
    for name in ("team", "note"):
        if name in fields:
            fields[name] = fields[name] or ""
    return fields


def _write(transfer: TechTransfer, items: list[TechTransferIpItem] | None) -> TechTransfer:
    saved(transfer)
    if items is not None:
        transfer.ip_items.all().delete()
        for item in items:  # one by one: each writes its history row
            item.transfer = transfer
            item.save()
    return transfer


@attributed
@transaction.atomic
def tech_transfer_create(
    *,
    startup: Startup,
    institution: Institution,
    title: str,
    mode: str,
    contract_on: dt.date,
    ip_items: Iterable[Any] = (),
    by: Any = None,
    **fields: Any,
) -> TechTransfer:
    """Record a transfer of ``institution``'s result to ``startup`` with its IP items."""
    only_editable(fields, EDITABLE)
    items = _items(ip_items)
    fields = _clean_fields({"contract_on": contract_on, **fields})
    transfer = TechTransfer(startup=startup, institution=institution, title=title, mode=mode)
    for name, value in fields.items():
        setattr(transfer, name, value)
    return _write(transfer, items)


@attributed
@transaction.atomic
def tech_transfer_update(
    *,
    transfer: TechTransfer,
    ip_items: Iterable[Any] | None = None,
    by: Any = None,
    **fields: Any,
) -> TechTransfer:
    """Change a transfer's ``fields`` (``EDITABLE``); ``ip_items``, when given, replace the
    transfer's items (all or nothing)."""
    only_editable(fields, EDITABLE)
    items = None if ip_items is None else _items(ip_items)
    transfer = TechTransfer.objects.select_for_update().get(pk=transfer.pk)
    for name, value in _clean_fields(fields).items():
        setattr(transfer, name, value)
    return _write(transfer, items)
