"""``python -m geo store copy SRC DST``: move items, history and the gazetteer between stores.

SRC and DST are each a data folder (projects.geojson, audit.jsonl, places.geojson)
or a postgresql:// URL. Into an empty destination the copy is lossless: the same
items in the same order, the same history, the same places. A destination that
already holds items is replaced only with ``--replace``; its history is kept and
the changes are logged there as ``restore``.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from geo.cli import CliError
from geo.contract import validate_feature
from geo.store import StoreError, open_store
from geo.store.atomic import atomic_write_bytes, dumps_feature_collection
from geo.store.postgis import redact
from geo.validate_numbers import loads

PLACES_FILE = "places.geojson"


def configure(parser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    cp = sub.add_parser("copy", help="copy items, history and places from SRC to DST (folder or postgresql:// URL)")
    cp.add_argument("src", metavar="SRC", help="data folder or postgresql://user@host/db")
    cp.add_argument("dst", metavar="DST", help="data folder or postgresql://user@host/db")
    cp.add_argument("--replace", action="store_true",
                    help="replace the items DST already holds (its history is kept)")
    cp.add_argument("--user", default="store-copy", help="name recorded for a --replace (default: store-copy)")
    info = sub.add_parser("info", help="what a store holds (items, history, places, schema version)")
    info.add_argument("target", metavar="TARGET", help="data folder or postgresql://user@host/db")
    rx = sub.add_parser("reindex", help="PostGIS: recompute search text, bounds and geometry columns from the saved items")
    rx.add_argument("target", metavar="URL", help="postgresql://user@host/db")


def run(args) -> int:
    if args.action == "copy":
        return copy_store(args.src, args.dst, replace=args.replace, user=args.user)
    if args.action == "reindex":
        return reindex(args.target)
    return show_info(args.target)


def reindex(target: str) -> int:
    if not _is_url(target):
        raise CliError(f"{target}: reindex is for a PostGIS store; give its postgresql:// URL "
                       "(a folder store has nothing to reindex)")
    store = _open(target, "URL")
    try:
        n = store.reindex()
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    print(f"reindexed {n} items in {_label(target)}")
    return 0


def _is_url(target: str) -> bool:
    return "://" in target


def _label(target: str) -> str:
    return redact(target) if _is_url(target) else target


def _open(target: str, role: str):
    if not _is_url(target) and role == "SRC" and not Path(target).is_dir():
        raise CliError(f"SRC {target}: no such folder; give a data folder (with projects.geojson) or a postgresql:// URL")
    if not _is_url(target) and Path(target).exists() and not Path(target).is_dir():
        raise CliError(f"{role} {target}: is a file; give the data folder that holds projects.geojson")
    try:
        return open_store(target)
    except StoreError as exc:
        raise CliError(f"{role}: {exc}") from None


# ---- places: a file in a folder, a table in PostGIS ------------------------
def read_places(store, target: str) -> dict | None:
    if hasattr(store, "load_places"):
        return store.load_places()
    path = Path(target) / PLACES_FILE
    if not path.is_file():
        return None
    try:
        doc = loads(path.read_text(encoding="utf-8-sig"), path.name)
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: bad JSON or a bad number
        raise CliError(f"{path}: cannot be read as JSON ({exc}); fix or remove the gazetteer file and copy again") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        raise CliError(f"{path}: not a GeoJSON FeatureCollection; fix or remove the gazetteer file and copy again")
    return doc


def write_places(store, target: str, collection: dict) -> None:
    if hasattr(store, "replace_places"):
        store.replace_places(collection)
        return
    members = {k: v for k, v in collection.items() if k not in ("type", "features")}
    atomic_write_bytes(Path(target) / PLACES_FILE, dumps_feature_collection(collection["features"], members))


# ---- copy ----------------------------------------------------------------
def _entry_key(entry) -> str:
    return json.dumps(entry.as_dict(), sort_keys=True, ensure_ascii=False)


def copy_store(src_target: str, dst_target: str, *, replace: bool = False, user: str = "store-copy") -> int:
    same = (src_target.rstrip("/") == dst_target.rstrip("/") if _is_url(src_target) or _is_url(dst_target)
            else Path(src_target).resolve() == Path(dst_target).resolve())
    if same:
        raise CliError("SRC and DST are the same store; give two different places")
    src, dst = _open(src_target, "SRC"), _open(dst_target, "DST")
    try:
        items = src.load()
        history = src.history()
        places = read_places(src, src_target)
        problems = [p for i, f in enumerate(items, 1) for p in validate_feature(f, i)]
        if problems:
            shown = "; ".join(p.line() for p in problems[:3])
            raise CliError(f"SRC {_label(src_target)}: {len(problems)} problem(s) in the items, nothing copied: {shown}; "
                           "fix them (python -m geo validate) and copy again")
        dup = [i for i, n in Counter(f["id"] for f in items).items() if n > 1]
        if dup:
            raise CliError(f"SRC {_label(src_target)}: item id {dup[0]} appears {len(dup)} time(s) more than once; "
                           "remove the duplicates and copy again")
        existing = dst.load()
        if existing and not replace:
            raise CliError(f"DST {_label(dst_target)} already holds {len(existing)} items; copy into an empty store, "
                           "or pass --replace to replace them (their history is kept)")
        # History first, then items: a destination's history never lacks what its items went through.
        have = Counter(_entry_key(e) for e in dst.history())
        missing = []
        for e in history:
            k = _entry_key(e)
            if have[k]:
                have[k] -= 1
            else:
                missing.append(e)
        dst.append_history(missing)
        dst.replace_all(items, user=user, audit=bool(existing))
        if places is not None:
            write_places(dst, dst_target, places)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        for s in (src, dst):
            if hasattr(s, "close"):
                s.close()
    place_note = (f"{len(places['features'])} places" if places is not None
                  else "no gazetteer in SRC (places not copied)")
    print(f"copied {len(items)} items, {len(missing)} history entries, {place_note} "
          f"from {_label(src_target)} to {_label(dst_target)}")
    return 0


def show_info(target: str) -> int:
    store = _open(target, "TARGET")
    try:
        counts = store.counts()
        places = read_places(store, target)
        print(f"store: {store!r}")
        print(f"items: {counts['total']} shown, {store.counts(_all())['total']} with dropped, "
              f"{counts['located']} located")
        print(f"history entries: {len(store.history())}")
        print(f"places: {len(places['features']) if places else 'none'}")
        if hasattr(store, "schema_versions"):
            print("schema: " + ", ".join(name for _, name in store.schema_versions()))
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        if hasattr(store, "close"):
            store.close()
    return 0


def _all():
    from geo.store import ItemFilter

    return ItemFilter(include_dropped=True)
