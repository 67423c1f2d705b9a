#!/usr/bin/env python3
"""Render the HTML export in a real browser and save screenshots to look at.

The check the exporters issue asks for: headless Chromium (Debian's
``chromium`` package, with ``fonts-noto-cjk`` so Chinese and Korean render)
takes a PNG of the HTML export of a case in each language, and optionally
prints it to PDF to check the print stylesheet. Look at the pictures: CJK
text must show as text, not as boxes.

    apt-get install -y chromium fonts-noto-cjk      # once, as root
    python scripts/screenshot_html.py                # -> /tmp/issuenote-screenshots/*.png
    python scripts/screenshot_html.py --pdf --case tests/data/empty_case.json

Nothing is written inside the repository unless --out-dir points there.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from issuenote.exporters import LANGS, render  # noqa: E402

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# No network, no profile, no background services: the page must stand alone.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def find_browser(explicit: str | None) -> str:
    for name in (explicit,) if explicit else BROWSERS:
        path = shutil.which(name) if name else None
        if path:
            return path
    sys.exit(
        "no Chromium found: install it (Debian: apt-get install -y chromium fonts-noto-cjk) "
        "or pass --browser PATH"
    )


def run_browser(browser: str, profile: Path, args: list[str], timeout: int) -> None:
    command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        sys.exit(f"chromium failed ({result.returncode}):\n{result.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--case", type=Path, default=REPO / "tests" / "data" / "running_example.json"
    )
    parser.add_argument("--out-dir", type=Path, default=Path("/tmp/issuenote-screenshots"))
    parser.add_argument("--lang", action="append", choices=LANGS, help="default: all")
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--height", type=int, default=1600)
    parser.add_argument("--pdf", action="store_true", help="also print each page to PDF")
    parser.add_argument("--browser", help="the Chromium binary to use")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per browser run")
    options = parser.parse_args()

    browser = find_browser(options.browser)
    doc = json.loads(options.case.read_text(encoding="utf-8"))
    options.out_dir.mkdir(parents=True, exist_ok=True)
    stem = options.case.stem
    for lang in options.lang or LANGS:
        page = options.out_dir / f"{stem}.{lang}.html"
        page.write_text(render(doc, fmt="html", lang=lang), encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="issuenote-chromium-") as profile:
            png = options.out_dir / f"{stem}.{lang}.png"
            run_browser(
                browser,
                Path(profile),
                [
                    f"--screenshot={png}",
                    f"--window-size={options.width},{options.height}",
                    page.as_uri(),
                ],
                options.timeout,
            )
            print(png)
            if options.pdf:
                pdf = options.out_dir / f"{stem}.{lang}.pdf"
                run_browser(
                    browser,
                    Path(profile),
                    [f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()],
                    options.timeout,
                )
                print(pdf)


if __name__ == "__main__":
    main()
