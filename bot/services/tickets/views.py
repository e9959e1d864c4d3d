"""What people see of tickets: staff cards and their buttons, acknowledgements, the rating
question, /mytickets and /ticket. Pure functions of the ticket: no database, no Telegram."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.buttons import CardButton, ForwardButton, Keyboard, MenuButton, RatingButton
from bot.community import UNMATCHED_CATEGORY, Party
from bot.services.messaging import MAX_MESSAGE_UNITS, fit, html, local_time, mention, shorten
from storage.models import Event, RatingCode, Ticket

LOG_LINES_SHOWN = 15
MY_TICKET_TEXT = 40  # UTF-16 units of a ticket's text in /mytickets
STATUS_ICON = {"new": "🆕", "in_progress": "🔧", "done": "✅", "rated": "⭐", "rejected": "🚫"}


def status_label(ticket: Ticket) -> str:
    if ticket.status == "rated":
        return texts.STATUS_RATED
    if ticket.status == "rejected":
        return texts.STATUS_REJECTED
    return texts.STATUS[(ticket.kind, ticket.status)]


def card_text(
    ticket: Ticket,
    *,
    where: str,
    followers: int,
    zone: ZoneInfo,
    note: str = "",
    home: str | None = None,
) -> str:
    """The staff card. The quoted text is shortened so that the card, with whatever this state
    adds (reason, names, notes), stays within Telegram's 4096 UTF-16 units."""
    who = ""
    if ticket.status == "rejected":
        who = texts.CARD_REASON.format(reason=html(ticket.reject_reason or ""))
    elif ticket.assignee_name:
        who = texts.CARD_ASSIGNEE.format(name=html(ticket.assignee_name))
    if ticket.rating:
        who += texts.CARD_RATING.format(rating=texts.RATING[ticket.rating])
    flag = (
        texts.CARD_OVERDUE.format(flag=texts.OVERDUE_FLAG)
        if ticket.overdue_at and ticket.is_open
        else ""
    )

    latest = (
        texts.CARD_NOTE.format(note=html(shorten(ticket.last_note, 300)))
        if ticket.last_note
        else ""
    )

    def render(quoted: str) -> str:
        return (
            (texts.CARD_URGENT if ticket.urgent and ticket.is_open else "")
            + texts.CARD.format(
                icon=STATUS_ICON[ticket.status],
                n=ticket.id,
                kind=texts.KIND[ticket.kind],
                category="" if ticket.kind == "wish" else f" · {html(ticket.category)}",
                party=Party(ticket.party).label,
                text=quoted,
                # A tap opens a chat with the resident, where their privacy settings allow.
                reporter=mention(ticket.reporter_id, ticket.reporter_name),
                where=html(where) + (texts.CARD_HOME.format(home=html(home)) if home else ""),
                followers=texts.CARD_FOLLOWERS.format(count=followers) if followers else "",
                created=local_time(ticket.created_at, zone),
                due=local_time(ticket.due_at, zone),
                status=status_label(ticket),
                who=who,
                flag=flag,
            )
            + latest
            + (texts.CARD_REPLY_HINT if ticket.is_open else "")
            + note
        )

    return fit(render, ticket.text, MAX_MESSAGE_UNITS)


def card_buttons(ticket: Ticket, *, choose_party: bool = False) -> Keyboard:
    n = ticket.id
    if not ticket.is_open:
        return []
    if choose_party:
        others = [p for p in Party if p.value != ticket.party]
        return [
            [(p.label, ForwardButton(n, p.name)) for p in others],  # type: ignore[arg-type]
            [(texts.BTN_BACK, CardButton("back", n))],
        ]
    if ticket.status == "new":
        first = (
            (texts.BTN_CLAIM, CardButton("claim", n))
            if ticket.kind == "wish"
            else (texts.BTN_ACCEPT, CardButton("accept", n))
        )
        return [
            [
                first,
                (texts.BTN_FORWARD, CardButton("forward", n)),
                (texts.BTN_REJECT, CardButton("reject", n)),
            ]
        ]
    return [
        [
            (texts.BTN_DONE, CardButton("done", n)),
            (texts.BTN_FORWARD, CardButton("forward", n)),
            (texts.BTN_REJECT, CardButton("reject", n)),
        ]
    ]


# The resident's menu (提交微心愿 · 投诉/报修 · 我的工单 · 接待日).
MENU: Keyboard = [
    [(texts.MENU_WISH, MenuButton("wish")), (texts.MENU_COMPLAIN, MenuButton("complain"))],
    [(texts.MENU_MINE, MenuButton("mine")), (texts.MENU_RECEPTION, MenuButton("reception"))],
]

# The rating buttons carry an index into this order (best first).
RATING_CODES: tuple[RatingCode, ...] = ("satisfied", "fair", "unsatisfied")


def rating_buttons(ticket: Ticket) -> Keyboard:
    return [
        [
            (texts.RATING[code], RatingButton(str(i), ticket.id))  # type: ignore[arg-type]
            for i, code in enumerate(RATING_CODES)
        ],
        [(texts.BTN_UNSOLVED, RatingButton("unsolved", ticket.id))],
    ]


def private_acknowledgement(ticket: Ticket, zone: ZoneInfo) -> str:
    return fit(
        lambda quoted: texts.ACK_PRIVATE.format(
            kind=texts.KIND[ticket.kind],
            n=ticket.id,
            text=quoted,
            party=Party(ticket.party).label,
            # A wish's category is its kind, and 其他 tells a resident nothing: left out.
            category=""
            if ticket.kind == "wish" or ticket.category == UNMATCHED_CATEGORY
            else texts.ACK_CATEGORY.format(category=html(ticket.category)),
            due=local_time(ticket.due_at, zone),
        ),
        ticket.text,
    )


def my_tickets(own: list[Ticket], followed: list[Ticket]) -> str | None:
    """/mytickets: the person's own tickets with a bit of their text, and those they +1'd
    without anyone else's words."""
    if not own and not followed:
        return None
    lines = []
    if own:
        lines.append(texts.MY_TICKETS_TITLE)
        lines += [
            texts.MY_TICKET_LINE.format(
                n=t.id,
                kind=texts.KIND[t.kind],
                category=""
                if t.kind == "wish" or t.category == UNMATCHED_CATEGORY
                else texts.MY_TICKET_CATEGORY.format(category=html(t.category)),
                status=texts.STATUS_RATED_AS.format(rating=texts.RATING[t.rating])
                if t.status == "rated" and t.rating
                else status_label(t),
                text=html(shorten(t.text, MY_TICKET_TEXT)),
            )
            for t in own
        ]
    if followed:
        lines.append(texts.FOLLOWED_TITLE)
        lines += [
            texts.FOLLOWED_LINE.format(n=t.id, category=html(t.category), status=status_label(t))
            for t in followed
        ]
    return "\n".join(lines)


def ticket_view(ticket: Ticket, events: list[Event], *, full: bool, zone: ZoneInfo) -> str:
    """/ticket N. `full` (staff who may act on it): the reporter and the whole log; otherwise
    (the reporter) the public steps only."""
    shown = [e for e in events if full or e.public][-LOG_LINES_SHOWN:]
    tail = ""
    if full:
        tail += texts.TICKET_VIEW_STAFF_EXTRA.format(
            reporter=html(ticket.reporter_name), created=local_time(ticket.created_at, zone)
        )
    if shown:
        tail += texts.TICKET_LOG_TITLE + "".join(
            "\n" + _log_line(e, ticket, full, zone) for e in shown
        )

    def render(quoted: str) -> str:
        return (
            texts.TICKET_VIEW.format(
                n=ticket.id,
                kind=texts.KIND[ticket.kind],
                category=html(ticket.category),
                party=Party(ticket.party).label,
                text=quoted,
                status=status_label(ticket),
                flag=f"（{texts.OVERDUE_FLAG}）" if ticket.overdue_at and ticket.is_open else "",
                due=local_time(ticket.due_at, zone),
            )
            + tail
        )

    return fit(render, ticket.text)


def _log_line(event: Event, ticket: Ticket, full: bool, zone: ZoneInfo) -> str:
    if event.action == "forwarded":
        what = texts.TICKET_LOG_FORWARDED.format(party=_label(texts.PARTY, event.detail.get("to")))
    elif event.action == "rated":
        what = texts.TICKET_LOG_RATED.format(
            rating=_label(texts.RATING, event.detail.get("rating"))
        )
    else:
        what = texts.TICKET_LOG_ACTIONS.get(event.action, event.action)
    who = ""
    if event.detail.get("by"):
        who = f"{html(shorten(event.detail['by'], 64))} "
    elif full and event.actor_id == ticket.reporter_id:
        who = f"{html(ticket.reporter_name)} "
    return texts.TICKET_LOG_LINE.format(at=local_time(event.at, zone), who=who, what=what)


def _label(words: dict[str, str], code: object) -> str:
    """An event's stored code as its word; events written before codes hold the word itself."""
    return words.get(str(code), str(code or ""))
