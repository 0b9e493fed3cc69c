"""The story across outlets in the report page: its "Story" section, and the words both story views share.

The story page itself is `newsaudit.render.html.story_page`. Every value is escaped (`esc`).
"""

from __future__ import annotations

from newsaudit.render.html.util import esc, shorten, span_id
from newsaudit.schema import Audit, StoryFinding

ROLE_WORDS = {
    "original": "original",
    "copy": "copy",
    "follow-up": "independent follow-up",
    "rebuttal": "rebuttal (denies the story's claims)",
}


def story_page_name(story_id: int) -> str:
    """The file name a story page is written under, beside the reports that link to it."""
    return f"story-{int(story_id)}.html"


def outlet(finding: StoryFinding, member_id: str | None) -> str:
    for member in finding.members:
        if member.id == member_id:
            return member.domain or member.id
    return member_id or ""


def summary_line(finding: StoryFinding) -> str:
    first = outlet(finding, finding.first_report)
    when = finding.first_published or "no date"
    seen = f", first seen by newsaudit {finding.first_seen}" if finding.first_seen else ""
    return (
        f"{finding.size} article{'s' if finding.size != 1 else ''} from {finding.origins} independent "
        f"origin{'s' if finding.origins != 1 else ''}; first reported by {first} ({when}{seen})."
    )


def story_section(audit: Audit) -> str:
    """The report's "Story" section: the story in one line, this article's role, its claims across the story."""
    head = '<section id="story" aria-labelledby="story-h"><h2 id="story-h">Story across outlets</h2>'
    finding = audit.story
    if finding is None:
        return head + "<p>No story (no corpus was searched, or no stored article tells this story).</p></section>"
    role = ROLE_WORDS.get(finding.role, finding.role)
    stored = "" if finding.stored else " (the story this article would join: it is not stored)"
    items = []
    for support in finding.claims:
        claim = audit.claims[support.claim]
        denied = ", ".join(outlet(finding, i) for i in support.denied_by)
        items.append(
            f'<li><a href="#{span_id(claim.span)}">“{esc(shorten(claim.span.text, 140))}”</a>'
            f"<p>carried by {support.corroboration} independent origin{'s' if support.corroboration != 1 else ''}"
            f" ({len(support.carried_by)} other article{'s' if len(support.carried_by) != 1 else ''})"
            + (f' · <span class="denied">denied by {esc(denied)}</span>' if denied else "")
            + "</p></li>"
        )
    return (
        head
        + f"<p>Story {int(finding.id)}{esc(stored)}: {esc(summary_line(finding))}</p>"
        + f"<p>This article: <strong>{esc(role)}</strong>.</p>"
        + (f'<p class="note">{esc(finding.note)}</p>' if finding.note else "")
        + (f'<ul class="story-claims">{"".join(items)}</ul>' if items else "")
        + f'<p><a href="{story_page_name(finding.id)}">The story page</a> '
        "(<code>newsaudit story DB ID --format html</code> writes it).</p></section>"
    )
