"""Build the portal's design assets into static/build/ (run by `make assets`).

1. KERN CSS with only the components the templates use: the npm package `sass`
   compiles static/scss/kern-portal.scss, which @uses single modules of KERN's
   SCSS from node_modules/@kern-ux/native, into static/build/kern-portal.css.
2. Fira Sans subset to Latin in two weights (400, 700) as woff2, with
   pyftsubset from fontTools (installed with WeasyPrint; woff2 needs `brotli`,
   installed with whitenoise[brotli]), into static/build/fonts/; and the same
   subsets as plain TrueType for the PDFs: WeasyPrint decodes woff2 anew for
   every document, which made a plan PDF take three times as long.

static/build/ is generated and ignored by git. Django serves it like any file in
static/; in production collectstatic gives the files hashed names and whitenoise
compresses them. Node is only a build tool, never needed at runtime.

Usage: .venv/bin/python tools/build_assets.py
"""

import subprocess
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

BASE_DIR = Path(__file__).resolve().parent.parent
NODE_MODULES = BASE_DIR / "node_modules"
KERN_FONTS = NODE_MODULES / "@kern-ux" / "native" / "dist" / "fonts" / "fira-sans"
SCSS_ENTRY = BASE_DIR / "static" / "scss" / "kern-portal.scss"
BUILD_DIR = BASE_DIR / "static" / "build"

# Basic Latin, Latin-1 Supplement, Latin Extended-A, and the typographic signs
# German text and our templates use: ‐‑‒–—―‖‗‘’‚‛“”„‟†‡•‣․‥…‧ (2010–2027),
# narrow no-break space, ‰, ‹ ›, €, ™, arrows ← ↑ → ↓ ↔ ↕, minus, ✓.
# Keep in sync with the unicode-range in static/scss/_fonts.scss.
UNICODES = (
    "U+0000-00FF,U+0100-017F,U+2010-2027,U+202F,U+2030,U+2039-203A,"
    "U+20AC,U+2122,U+2190-2195,U+2212,U+2713"
)
# The OpenType features the pages need: kerning, ligatures, accents, and
# tabular figures for number columns.
LAYOUT_FEATURES = "kern,liga,clig,calt,ccmp,locl,mark,mkmk,tnum,lnum,pnum"

FONTS = {
    "FiraSans-Regular.woff2": "FiraSans-Regular-latin.woff2",  # 400
    "FiraSans-Bold.woff2": "FiraSans-Bold-latin.woff2",  # 700
}


def run(command: list[str]) -> None:
    print("  " + " ".join(str(part).replace(f"{BASE_DIR}/", "") for part in command))
    subprocess.run(command, check=True, cwd=BASE_DIR)


def build_css() -> Path:
    target = BUILD_DIR / "kern-portal.css"
    run(
        [
            NODE_MODULES / ".bin" / "sass",
            "--no-source-map",
            "--style=compressed",
            "--quiet-deps",  # KERN's own deprecation warnings are not ours to fix
            f"--load-path={NODE_MODULES}",
            SCSS_ENTRY,
            target,
        ]
    )
    return target


def build_fonts() -> list[Path]:
    font_dir = BUILD_DIR / "fonts"
    font_dir.mkdir(parents=True, exist_ok=True)
    targets = []
    for source, name in FONTS.items():
        target = font_dir / name
        run(
            [
                Path(sys.executable).parent / "pyftsubset",
                KERN_FONTS / source,
                f"--unicodes={UNICODES}",
                f"--layout-features={LAYOUT_FEATURES}",
                "--flavor=woff2",
                "--desubroutinize",
                # Hinting is for old Windows rasterisers; without it the files are a third smaller.
                "--no-hinting",
                "--name-IDs=1,2,3,4,6",  # family, style and version names only
                f"--output-file={target}",
            ]
        )
        targets.append(target)
        targets.append(as_truetype(target))
    return targets


def as_truetype(woff2: Path) -> Path:
    """The same subset unwrapped to plain TrueType, for WeasyPrint."""
    target = woff2.with_suffix(".ttf")
    font = TTFont(woff2)
    font.flavor = None
    font.save(target)
    return target


def main() -> None:
    if not (NODE_MODULES / ".bin" / "sass").exists():
        sys.exit("node_modules/.bin/sass is missing: run `npm ci` (make install does).")
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    print("Building static/build/ …")
    for path in [*build_fonts(), build_css()]:
        print(f"  {path.relative_to(BASE_DIR)}: {path.stat().st_size / 1024:.1f} KB")


if __name__ == "__main__":
    main()
