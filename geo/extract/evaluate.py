"""Extraction quality on hand-labelled documents: the scorer and the development set.

The scoring rules are those of the corpus scorer (``shared/tools/score_extract.py``), kept here so
that the product measures itself without that folder: a predicted item matches a labelled one when
their longest common substring covers at least half of the labelled text (and the prediction is not
paragraph-sized); place recall counts labelled places found in the matched item's ``places``;
precision is the share of predictions that match a labelled or an unplaced (place-less) item.

The development set (``tests/devset/manifest.json``) lists documents, their split (``dev``: rules
were tuned on them; ``heldout``: labelled before tuning and never used to write rules, until a later
round read its errors; ``heldout2``: sections of the reports labelled afterwards, before the next round
of rule changes, whose errors are never read while writing rules; ``bundled``: the plan the extractor
was first written from) and labelled sections as character ranges. Only
predictions whose span starts inside a labelled section are scored against it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

DEFAULT_DEVSET = Path(__file__).resolve().parents[2] / "tests" / "devset"
SPLITS = ("dev", "heldout", "heldout2", "bundled")
# Splits whose errors are not shown by default: reading them while writing rules would spoil them.
SEALED_SPLITS = ("heldout2",)
COUNT_KEYS = ("gold", "item_hits", "place_total", "place_found", "cat_total", "cat_ok", "qty_total", "qty_ok",
              "pred", "pred_matched", "unplaced", "unplaced_hits")


# ---- the scorer (same rules as shared/tools/score_extract.py) ----------------------------------

def lcs_cover(gold: str, pred: str) -> float:
    if not gold or not pred:
        return 0.0
    if gold in pred:
        return 1.0
    m = SequenceMatcher(None, gold, pred, autojunk=False).find_longest_match(0, len(gold), 0, len(pred))
    return m.size / len(gold)


def _norm_place(p: str) -> str:
    return p.replace("（", "(").replace("）", ")").strip()


def place_hit(gold_place: str, pred_places) -> bool:
    g = _norm_place(gold_place)
    for p in pred_places:
        p = _norm_place(p)
        if p and (g == p or (len(p) >= 2 and (p in g or g in p))):
            return True
    return False


def _size_limit(gold_text: str) -> int:
    """A prediction much longer than the labelled text is a paragraph, not the item."""
    return max(4 * len(gold_text), len(gold_text) + 60)


def score(gold: list[dict], unplaced: list[dict], pred: list[dict]) -> dict:
    """Figures and counts for one document (or section): see the module docstring for the rules."""
    matched_pred: set[int] = set()
    c = dict.fromkeys(COUNT_KEYS, 0)
    c["gold"], c["pred"], c["unplaced"] = len(gold), len(pred), len(unplaced)
    misses, place_misses, wrong_category = [], [], []
    for g in gold:
        best_i, best_key = None, None
        limit = _size_limit(g["text"])
        for i, p in enumerate(pred):
            pt = p.get("text", "")
            cover = lcs_cover(g["text"], pt)
            if cover < 0.5 or len(pt) > limit:
                continue
            hits = sum(place_hit(gp, p.get("places") or []) for gp in g.get("places", []))
            key = (hits, cover, -len(pt))
            if best_key is None or key > best_key:
                best_i, best_key = i, key
        if best_i is None:
            c["place_total"] += len(g.get("places", []))
            misses.append(g["text"])
            continue
        c["item_hits"] += 1
        matched_pred.add(best_i)
        p = pred[best_i]
        for gp in g.get("places", []):
            c["place_total"] += 1
            if place_hit(gp, p.get("places") or []):
                c["place_found"] += 1
            else:
                place_misses.append((gp, g["text"], p.get("places") or []))
        if g.get("category"):
            c["cat_total"] += 1
            if p.get("category") == g["category"]:
                c["cat_ok"] += 1
            else:
                wrong_category.append((g["text"], g["category"], p.get("category")))
        if g.get("quantity"):
            c["qty_total"] += 1
            pq = p.get("quantity") or {}
            try:
                c["qty_ok"] += int(abs(float(pq.get("value")) - float(g["quantity"]["value"])) < 1e-6)
            except (TypeError, ValueError):
                pass
    for g in unplaced:
        for i, p in enumerate(pred):
            pt = p.get("text", "")
            if lcs_cover(g["text"], pt) >= 0.5 and len(pt) <= _size_limit(g["text"]):
                matched_pred.add(i)
                c["unplaced_hits"] += 1
                break
    c["pred_matched"] = len(matched_pred)
    false_positives = [p.get("text", "") for i, p in enumerate(pred) if i not in matched_pred]
    return {**figures(c), "counts": c, "misses": misses, "place_misses": place_misses,
            "wrong_category": wrong_category, "false_positives": false_positives}


def figures(c: dict) -> dict:
    def div(a, b):
        return round(a / b, 3) if b else None
    return {"gold": c["gold"], "pred": c["pred"],
            "item_recall": div(c["item_hits"], c["gold"]),
            "place_recall": div(c["place_found"], c["place_total"]),
            "precision": div(c["pred_matched"], c["pred"]) if c["pred"] else 0.0,
            "category_acc": div(c["cat_ok"], c["cat_total"]),
            "quantity_acc": div(c["qty_ok"], c["qty_total"]),
            "unplaced_recall": div(c["unplaced_hits"], c["unplaced"])}


def pooled(results: list[dict]) -> dict:
    """Micro-averaged figures over several documents' (or sections') results."""
    c = dict.fromkeys(COUNT_KEYS, 0)
    for r in results:
        for k in COUNT_KEYS:
            c[k] += r["counts"].get(k, 0)
    out = {**figures(c), "counts": c}
    for k in ("misses", "place_misses", "wrong_category", "false_positives"):
        out[k] = [m for r in results for m in r.get(k, [])]
    return out


# ---- the development set ------------------------------------------------------------------------

@dataclass
class Section:
    name: str
    ranges: list[tuple[int, int]]  # character ranges of the document's text that were labelled in full
    gold: list[dict]
    unplaced: list[dict]

    def covers(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.ranges)

    def texts(self, text: str) -> list[str]:
        return [text[s:e] for s, e in self.ranges]


@dataclass
class DevDocument:
    id: str
    path: Path
    split: str
    province: str
    level: str
    text: str
    sections: list[Section] = field(default_factory=list)
    known_places: list[str] | None = None


class DevsetError(ValueError):
    """A development-set file that breaks the labelling rules; str() names the file, the line and the fix."""


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DevsetError(f"{path}:{n}: not JSON ({exc.msg}); one labelled item per line") from None
    return out


def _gold_from_bundled(path: Path) -> tuple[list[dict], list[dict]]:
    """The bundled plan's gold file (anchors; optional items) as labels and unplaced (optional) items."""
    data = json.loads(path.read_text(encoding="utf-8"))
    labels, optional = [], []
    for g in data["items"]:
        item = {"text": g["anchor"], "category": g.get("category"), "places": list(g.get("places", [])),
                "quantity": g.get("quantity")}
        (optional if g.get("optional") else labels).append(item)
    return labels, optional


def load_devset(root: Path | str = DEFAULT_DEVSET, splits=SPLITS) -> list[DevDocument]:
    """The labelled documents of the chosen splits, every label checked against the labelling rules."""
    root = Path(root)
    manifest_path = root / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DevsetError(f"{manifest_path}: no development set here; give the folder holding manifest.json") from None
    docs = []
    for entry in manifest["documents"]:
        if entry["split"] not in splits:
            continue
        path = (root / entry["text"]).resolve()
        text = path.read_text(encoding="utf-8")
        doc = DevDocument(entry["id"], path, entry["split"], entry.get("province", ""), entry.get("level", ""), text,
                          known_places=entry.get("known_places"))
        for s in entry["sections"]:
            ranges = [(a, len(text) if b is None else b) for a, b in s["ranges"]]
            for (a, _), head in zip(ranges, s.get("starts_with", [])):
                if not text.startswith(head, a):
                    raise DevsetError(f"{manifest_path}: {entry['id']} section {s['name']} does not start with "
                                      f"{head!r} at {a}; fix the range")
            if "gold_json" in s:
                gold, unplaced = _gold_from_bundled((root / s["gold_json"]).resolve())
            else:
                gold, unplaced = _read_jsonl(root / s["labels"]), _read_jsonl(root / s["unplaced"])
            section = Section(s["name"], ranges, gold, unplaced)
            for kind, items in (("label", gold), ("unplaced", unplaced)):
                for g in items:
                    _check_label(section.texts(text), g, f"{entry['id']}/{s['name']} {kind}")
            doc.sections.append(section)
        docs.append(doc)
    return docs


def _check_label(texts: list[str], g: dict, where: str) -> None:
    t = g.get("text") or ""
    if not t or not any(t in part for part in texts):
        raise DevsetError(f"{where}: {t!r} is not a substring of the labelled section; copy the text exactly")
    for p in g.get("places", []):
        if p not in t:
            raise DevsetError(f"{where}: place {p!r} is not a substring of {t!r}; places are exact substrings of text")


def predictions_in(items: list[dict], section: Section) -> list[dict]:
    return [it for it in items if section.covers(it["span"][0])]


def evaluate_devset(docs: list[DevDocument], extract) -> dict:
    """Per-document results, per-split pooled figures and everything pooled.

    ``extract(doc)`` returns the extractor's items for a DevDocument (contract dicts with spans).
    """
    per_doc = {}
    by_split: dict[str, list[dict]] = {}
    cache: dict[tuple, list[dict]] = {}  # one text may be several documents (sections of different splits)
    for doc in docs:
        key = (str(doc.path), tuple(doc.known_places or ()))
        if key not in cache:
            cache[key] = extract(doc)
        items = cache[key]
        section_results = []
        for section in doc.sections:
            r = score(section.gold, section.unplaced, predictions_in(items, section))
            r["section"] = section.name
            section_results.append(r)
        r = pooled(section_results)
        r.update(split=doc.split, province=doc.province, level=doc.level)
        per_doc[doc.id] = r
        by_split.setdefault(doc.split, []).append(r)
    splits = {name: pooled(rs) for name, rs in by_split.items()}
    unseen = [r for name, rs in by_split.items() if name != "bundled" for r in rs]
    return {"documents": per_doc, "splits": splits, "pooled": pooled(unseen) if unseen else None,
            "all": pooled([r for rs in by_split.values() for r in rs])}


def span_recall(docs: list[DevDocument], spans_of) -> dict:
    """How many labelled places a span source finds on its own: a labelled place counts when a span
    inside its section equals it or one contains the other (the scorer's place rule).

    ``spans_of(text)`` returns [(start, end), …] offsets into ``text``.
    """
    total = found = n_spans = 0
    for doc in docs:
        spans = spans_of(doc.text)
        for section in doc.sections:
            names = [doc.text[s:e] for s, e in spans if section.covers(s)]
            n_spans += len(names)
            for g in section.gold:
                for p in g.get("places", []):
                    total += 1
                    found += int(place_hit(p, names))
    return {"places": total, "found": found, "recall": round(found / total, 3) if total else None, "spans": n_spans}
