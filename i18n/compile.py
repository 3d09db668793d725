"""Check a language's catalogue and compile it to ``.mo`` with Babel (``make catalogues``).

Why not ``pybabel compile``: Babel flags any ``%`` followed by a space and a letter as a
positional placeholder ("50 % collapse" reads as ``% c``), so clinical text with a percent
sign fails its check although nothing formats it. This product fills only *named*
placeholders (``%(name)s``, see ``Translator.__call__``), so the check here is the one that
matters: every message translated, none fuzzy, and the same named placeholders in the
msgid and the msgstr. The ``.mo`` itself is written by Babel's own ``write_mo``.

Usage: ``python -m i18n.compile locales/ja/LC_MESSAGES/messages.po [out.mo]``
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

#: ``%(name)s``-style placeholders (any conversion) and ``{name}`` brace fields.
NAMED_PLACEHOLDER: Final = re.compile(
    r"%\([A-Za-z_]\w*\)[#0 +-]?\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"  # %(name)s, %(n)d
    r"|\{[A-Za-z_]\w*\}"  # {name}
)


def placeholders(text: str) -> list[str]:
    """The named placeholders of ``text``, sorted (order may differ between languages)."""
    return sorted(NAMED_PLACEHOLDER.findall(text))


def _forms(message: Message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return tuple(str(i) for i in ids), tuple(str(s or "") for s in strings)


def problems(catalog: Catalog) -> list[str]:
    """Every reason this catalogue must not ship, one line each (empty: it may ship)."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids, strings = _forms(message)
        where = f"msgid {ids[0]!r}"
        if message.fuzzy:
            found.append(f"{where}: fuzzy")
        if not all(strings):
            found.append(f"{where}: untranslated")
            continue
        expected = placeholders(ids[0])
        for form in strings:
            if placeholders(form) != expected:
                found.append(f"{where}: placeholders {placeholders(form)} != {expected}")
            elif expected and not _formats(form):
                found.append(f"{where}: msgstr does not format (a lone % must be written %%)")
    return found


def _formats(text: str) -> bool:
    """Whether ``text % values`` works, as :class:`Translator` applies it when filling."""
    names = re.findall(r"%\(([A-Za-z_]\w*)\)", text)
    try:
        text % dict.fromkeys(names, 0)
    except (ValueError, TypeError, KeyError):
        return False
    return True


def read(po_path: Path) -> Catalog:
    with po_path.open("rb") as source:
        return read_po(source)


def compile_catalog(po_path: Path, mo_path: Path) -> list[str]:
    """Write ``mo_path`` from ``po_path`` if the catalogue has no problem; return the problems."""
    catalog = read(po_path)
    found = problems(catalog)
    if not found:
        with mo_path.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
    return found


def main(argv: list[str]) -> int:
    po_path = Path(argv[0])
    mo_path = Path(argv[1]) if len(argv) > 1 else po_path.with_suffix(".mo")
    found = compile_catalog(po_path, mo_path)
    for line in found:
        print(f"{po_path}: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
