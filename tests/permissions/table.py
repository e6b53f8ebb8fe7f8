"""The permission matrix as a table a reviewer can read: docs/permission-matrix.md.

Written from the catalogue (every named URL and its entry), never by hand:

    .venv/bin/python -m tests.permissions.table

test_table.py fails when the file differs from what this writes.
"""

import inspect
from pathlib import Path

from . import expected as E

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "permission-matrix.md"
CELL = {E.OK: "ok", E.LOGIN: "sign in", E.FORBIDDEN: "403", E.MISSING: "404"}
SHORT = {
    E.ANON: "out",
    E.OUTSIDER: "non-member",
    E.PENDING: "pending",
    E.INVITED: "invited",
    E.PERIPHERAL: "periph.",
    E.ACTIVE: "active",
    E.CORE: "core",
    E.FAC_OTHER: "fac. other",
    E.FAC_THIS: "fac. this",
    E.LEADER: "leader",
    E.ADMIN: "admin",
}


def _cell(rule, actor):
    answers = [CELL[rule(actor, visibility)] for visibility in E.VISIBILITIES]
    if not E.community_scoped(rule) or len(set(answers)) == 1:
        return answers[-1]
    return " / ".join(answers)


def _first_paragraph(module):
    text = inspect.getdoc(module) or ""
    return " ".join(text.split("\n\n", 1)[0].split())


def _section(title, about, names):
    from .catalogue import EXACT, ROUTES, RULES, entry_key, method_for

    lines = [f"## {title}", ""]
    if about:
        lines += [about, ""]
    lines.append("| URL name | method | path | " + " | ".join(SHORT[a] for a in E.ACTORS) + " |")
    lines.append("|---" * (3 + len(E.ACTORS)) + "|")
    for name in names:
        key = entry_key(name)
        rule = EXACT.get(key) or RULES[key]
        label = f"`{name}`" + ("" if key == name else f" (rule `{key}`)")
        if not E.community_scoped(rule):
            label += " *"
        path = "`/" + ROUTES[name].replace("|", "\\|") + "`"
        cells = " | ".join(_cell(rule, actor) for actor in E.ACTORS)
        lines.append(f"| {label} | {method_for(name)} | {path} | {cells} |")
    return [*lines, ""]


def render() -> str:
    """The document's text. Needs Django set up (the catalogue reads the resolver)."""
    from .catalogue import URLS, area_for, cases

    asked = cases()
    lines = [
        "# Permission matrix",
        "",
        "Written by `.venv/bin/python -m tests.permissions.table` from",
        "tests/permissions/expected.py and tests/permissions/areas/; do not edit by hand",
        "(tests/permissions/test_table.py fails when this file is out of date).",
        "tests/permissions/test_matrix.py asks every URL below, as every actor, and",
        "fails on any answer that differs from this table, or on a named URL without",
        "an entry.",
        "",
        f"**Size:** {len(URLS)} named URLs; {len(asked)} (URL, visibility) cases x "
        f"{len(E.ACTORS)} actors = **{len(asked) * len(E.ACTORS)} requests**.",
        "",
        "Answers: `ok` (2xx, or a redirect elsewhere than sign-in), `sign in` (redirect",
        "to a sign-in page), `403` (may know the community, may not do this), `404`",
        "(may not know it exists). A cell `a / b / c` is the answer on a public /",
        "private / hidden community; one value is the same on all three. A URL marked",
        "`*` is about no community: asked once, on the hidden community.",
        "",
        "Actors: " + "; ".join(f"{SHORT[a]} = {a}" for a in E.ACTORS) + ".",
        "",
    ]
    sections = {}
    for name in sorted(URLS):
        sections.setdefault(area_for(name), []).append(name)
    core = "The community pages and membership, whose entries are in expected.py."
    lines += _section("Communities and membership", core, sections.pop(None, []))
    for area, names in sorted(sections.items(), key=lambda item: item[0].__name__):
        title = area.__name__.rsplit(".", 1)[-1].replace("_", " ").capitalize()
        lines += _section(title, _first_paragraph(area), names)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copplatform.settings.test")
    django.setup()
    DOCUMENT.write_text(render())
    print(f"wrote {DOCUMENT}")
