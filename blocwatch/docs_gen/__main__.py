"""``python -m blocwatch.docs_gen COMMAND``: print or regenerate the generated docs.

* ``cli`` / ``settings`` print docs/cli.md / docs/settings.md;
* ``write`` regenerates every generated file and block under ``--root`` (default: the
  repository holding this package); ``check`` exits 1 naming the stale ones;
* ``accuracy REPORT.json… [--measured TEXT] [--into docs/accuracy.md]`` renders the accuracy
  table from ``blocwatch eval … --json`` reports, printing it or filling the file's
  ``accuracy`` block.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from blocwatch.docs_gen import REGENERATE, fill_blocks, stale, write
from blocwatch.docs_gen.accuracy import accuracy_markdown, load_reports
from blocwatch.docs_gen.cli_ref import cli_markdown, settings_markdown

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m blocwatch.docs_gen", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("cli", help="print docs/cli.md")
    commands.add_parser("settings", help="print docs/settings.md")
    for name in ("write", "check"):
        sub = commands.add_parser(name, help=f"{name} every generated file and block")
        sub.add_argument("--root", type=Path, default=ROOT)
    accuracy = commands.add_parser("accuracy", help="render the accuracy table from eval JSON reports")
    accuracy.add_argument("reports", type=Path, nargs="+")
    accuracy.add_argument("--measured", default="", help="a line saying when and on what commit")
    accuracy.add_argument("--into", type=Path, help="fill the accuracy block of this file")
    args = parser.parse_args(argv)

    if args.command == "cli":
        sys.stdout.write(cli_markdown())
    elif args.command == "settings":
        sys.stdout.write(settings_markdown())
    elif args.command == "write":
        for path in write(args.root):
            print(f"wrote {path}")
    elif args.command == "check":
        paths = stale(args.root)
        for path in paths:
            print(f"{path} is stale: run {REGENERATE}", file=sys.stderr)
        return 1 if paths else 0
    elif args.command == "accuracy":
        table = accuracy_markdown(load_reports(args.reports), measured=args.measured)
        if args.into:
            text = args.into.read_text(encoding="utf-8")
            args.into.write_text(fill_blocks(text, {"accuracy": table}, str(args.into)), encoding="utf-8")
        else:
            print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
