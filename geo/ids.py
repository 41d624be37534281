"""Stable item ids: the same item gets the same id however the plan is re-extracted."""
from __future__ import annotations

import hashlib
import re
import unicodedata

_NOISE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff，,。.；;：:、“”\"'‘’（）()《》<>【】\[\]!！?？·…—\-_/]+")


def normalise_text(text: str) -> str:
    """NFKC, no white space, punctuation or zero-width characters: what a re-typed copy keeps."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def item_id(plan_id: str, name: str, text: str) -> str:
    """``<plan>-<10 hex>`` from the plan id and the item's normalised name and clause.

    Position in the plan is deliberately not part of it, so inserting a sentence
    earlier in the plan does not renumber later items.
    """
    digest = hashlib.sha1(
        f"{normalise_text(plan_id)}|{normalise_text(name)}|{normalise_text(text)}".encode("utf-8")
    ).hexdigest()[:10]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", plan_id).strip("-")[:60] or "plan"
    return f"{slug}-{digest}"


def dedupe_ids(ids: list[str]) -> list[str]:
    """Suffix repeats (-2, -3 …) in order, for plans that state the very same item twice."""
    seen: dict[str, int] = {}
    out = []
    for i in ids:
        n = seen.get(i, 0) + 1
        seen[i] = n
        out.append(i if n == 1 else f"{i}-{n}")
    return out


def content_digest(features) -> str:
    """Identifies a list of items by ids, versions and content: a cache key, and the check that a
    download made earlier still shows what is on the screen now."""
    import json

    text = json.dumps(features, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
