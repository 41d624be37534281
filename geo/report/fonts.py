"""Finding a CJK font for matplotlib, so Chinese prints as Chinese and not as boxes.

Debian's fonts-noto-cjk (installed by scripts/setup.sh) is the expected source;
other common locations and ``$GEO_CJK_FONT`` are tried too. Nothing is downloaded.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",       # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",            # Arch, Fedora
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",               # fonts-wqy-microhei
    "/System/Library/Fonts/PingFang.ttc",                           # macOS
    "C:/Windows/Fonts/msyh.ttc",                                    # Windows 微软雅黑
)
PREFERRED_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC",
                      "Microsoft YaHei")


class FontMissing(RuntimeError):
    pass


def _fc_match() -> str | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", "sans-serif:lang=zh-cn"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    looks_cjk = "cjk" in out.lower() or "wqy" in out.lower() or "han" in out.lower()
    return out if out and looks_cjk and Path(out).is_file() else None


def find_cjk_font_file() -> Path:
    env = os.environ.get("GEO_CJK_FONT")
    if env:
        if Path(env).is_file():
            return Path(env)
        raise FontMissing(f"GEO_CJK_FONT={env} is not a file; point it at a CJK .ttc/.otf/.ttf font")
    for c in CANDIDATES:
        if Path(c).is_file():
            return Path(c)
    found = _fc_match()
    if found:
        return Path(found)
    raise FontMissing("no Chinese (CJK) font found, so the report would print boxes instead of Chinese; "
                      "install Debian's fonts-noto-cjk (`bash scripts/setup.sh app`, or "
                      "`apt-get install fonts-noto-cjk`), or set GEO_CJK_FONT to a CJK font file")


@lru_cache(maxsize=1)
def cjk_family() -> str:
    """Register the CJK font with matplotlib and return the family name to use."""
    from matplotlib import font_manager

    path = find_cjk_font_file()
    font_manager.fontManager.addfont(str(path))
    names = [f.name for f in font_manager.fontManager.ttflist if Path(f.fname) == path]
    for family in PREFERRED_FAMILIES:
        if family in names:
            return family
    if not names:
        raise FontMissing(f"{path}: matplotlib could not load this font; reinstall fonts-noto-cjk")
    return names[0]
