"""Fill empty msgstr entries of the da and nb catalogues from a tab-separated file
(msgid TAB da TAB nb), e.g. after `make messages`. Existing translations are kept unless
--overwrite. Escape a newline in a msgid or translation as \\n.

    python scripts/po_fill.py translations.tsv [--locale-dir locale] [--overwrite]
"""

import argparse
from pathlib import Path

import polib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tsv")
    parser.add_argument("--locale-dir", default="locale")
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args()
    rows = {}
    for line in Path(args.tsv).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        msgid, da, nb = (part.replace("\\n", "\n") for part in line.split("\t"))
        rows[msgid] = {"da": da, "nb": nb}
    for language in ("da", "nb"):
        path = Path(args.locale_dir) / language / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(path))
        filled = 0
        for entry in catalogue:
            if entry.msgid in rows and (args.overwrite or not entry.msgstr or entry.fuzzy):
                entry.msgstr = rows[entry.msgid][language]
                if entry.fuzzy:
                    entry.flags.remove("fuzzy")
                filled += 1
        catalogue.save(str(path))
        missing = [e.msgid for e in catalogue.untranslated_entries()]
        print(f"{path}: filled {filled}, still untranslated {len(missing)}")
        for msgid in missing:
            print(f"  {msgid!r}")


if __name__ == "__main__":
    main()
