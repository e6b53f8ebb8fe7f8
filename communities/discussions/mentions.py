"""@mentions in Markdown that works without JavaScript.

Two ways to write one:
- `@[Display Name](member:42)`, which the autocomplete inserts;
- `@Exact Display Name`, typed by hand and matched, ignoring case, among the people
  the author may reach (see permissions.users_mentionable_in).

When a post is saved, typed names are turned into the first form, so the stored
source says exactly who was meant and rendering needs no query. At display time
each mention becomes an ordinary Markdown link to the person's profile, and the
result goes through render_markdown like every other member text.
"""

import re

from django.urls import reverse

from copplatform.markdown import render_markdown

MENTION_TOKEN = re.compile(r"@\[([^\]\[\n]{1,120})\]\(member:(\d{1,12})\)")


def mention_token(*, name: str, user_id: int) -> str:
    clean = " ".join(name.replace("[", "(").replace("]", ")").split())[:120]
    return f"@[{clean}](member:{user_id})"


def mentioned_ids(body: str) -> set[int]:
    return {int(match.group(2)) for match in MENTION_TOKEN.finditer(body or "")}


def mentions_resolve(body: str, candidates: list[tuple[int, str]]) -> str:
    """Turn hand-typed `@Display Name` into tokens, for names among the candidates
    (pairs of user id and display name). The longest matching name wins."""
    if "@" not in (body or ""):
        return body
    names = sorted(
        ((user_id, name) for user_id, name in candidates if name and name.strip()),
        key=lambda pair: len(pair[1]),
        reverse=True,
    )
    folded = [(user_id, name, name.casefold()) for user_id, name in names]
    out, i, lowered = [], 0, body.casefold()
    while i < len(body):
        char = body[i]
        token = MENTION_TOKEN.match(body, i) if char == "@" else None
        if token:
            out.append(token.group(0))
            i = token.end()
            continue
        starts_word = i == 0 or not (body[i - 1].isalnum() or body[i - 1] in "_.")
        if char == "@" and starts_word:
            for user_id, _name, name_folded in folded:
                end = i + 1 + len(name_folded)
                if lowered.startswith(name_folded, i + 1) and (
                    end >= len(body) or not (body[end].isalnum() or body[end] == "_")
                ):
                    out.append(mention_token(name=body[i + 1 : end], user_id=user_id))
                    i = end
                    break
            else:
                out.append(char)
                i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _as_link(match: re.Match) -> str:
    name, user_id = match.group(1), int(match.group(2))
    # Brackets and backslashes cannot end the link text early.
    text = name.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
    return f"[@{text}]({reverse('membership:profile', args=[user_id])})"


def render_with_mentions(source: str | None):
    """Markdown with mentions as profile links, sanitised by render_markdown."""
    if not source:
        return render_markdown(source)
    return render_markdown(MENTION_TOKEN.sub(_as_link, source))


def plain_mentions(source: str | None) -> str:
    """The source with each mention token shown as `@Name` (for plain-text emails)."""
    return MENTION_TOKEN.sub(lambda match: "@" + match.group(1), source or "")
