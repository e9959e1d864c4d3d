"""What people see of tickets: staff cards and their buttons, acknowledgements, the rating
question, /mytickets and /ticket. Pure functions of the ticket: no database, no Telegram."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.buttons import (
    Button,
    CardButton,
    ForwardButton,
    Keyboard,
    MenuButton,
    RatingButton,
    RepostButton,
    WorklistButton,
    WorklistWhich,
)
from bot.community import UNMATCHED_CATEGORY, Party
from bot.services.messaging import (
    MAX_MESSAGE_UNITS,
    fit,
    html,
    local_time,
    mention,
    shorten,
    visible_len,
)
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
    if ticket.forwarded_by and ticket.forwarded_from:
        who += texts.CARD_FORWARDED.format(
            by=html(shorten(ticket.forwarded_by, 64)),
            party=texts.PARTY[ticket.forwarded_from],
            reason=texts.CARD_FORWARD_REASON.format(reason=html(ticket.forward_reason))
            if ticket.forward_reason
            else "",
        )
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


# Staff: ages, worklists, deadline alerts -------------------------------------------------------

WORKLIST_PAGE = 10  # tickets per page of /open: a page is far within one message

ALERT_TEXT = 60  # UTF-16 units of a ticket's text in a deadline alert
ALERT_MESSAGE_UNITS = 3900  # an alert longer than this goes on in a second message


def age(since: datetime, now: datetime) -> str:
    """ "20分钟", "5小时", "3天": how long ago, roughly, as staff say it."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return texts.AGE_MINUTES.format(n=max(1, minutes))
    if minutes < 24 * 60:
        return texts.AGE_HOURS.format(n=minutes // 60)
    return texts.AGE_DAYS.format(n=minutes // (24 * 60))


def is_late(ticket: Ticket, now: datetime) -> bool:
    return ticket.is_open and (ticket.overdue_at is not None or ticket.due_at <= now)


def _assignee(ticket: Ticket) -> str:
    return (
        texts.OPEN_ASSIGNEE.format(name=html(shorten(ticket.assignee_name, 20)))
        if (ticket.assignee_name)
        else ""
    )


def worklist_order(tickets: Sequence[Ticket], now: datetime) -> list[Ticket]:
    """Overdue first (urgent ones before them), then the soonest due."""
    return sorted(tickets, key=lambda t: (not t.urgent, not is_late(t, now), t.due_at, t.id))


def worklist(
    tickets: Sequence[Ticket],
    *,
    title: str,
    empty: str,
    which: WorklistWhich,
    page: int,
    now: datetime,
) -> tuple[str, Keyboard]:
    """One page of /open (`tickets` already in worklist order): a line per ticket with a
    button that posts its card again, and 上一页 / 下一页 when there is more."""
    if not tickets:
        return empty, []
    pages = (len(tickets) + WORKLIST_PAGE - 1) // WORKLIST_PAGE
    page = min(max(page, 1), pages)
    shown = tickets[(page - 1) * WORKLIST_PAGE : page * WORKLIST_PAGE]
    head = title.format(count=len(tickets))
    if pages > 1:
        head += texts.OPEN_PAGE.format(page=page, pages=pages)
    lines = [head]
    for t in shown:
        flag = (texts.OPEN_URGENT if t.urgent else "") + (
            texts.OPEN_OVERDUE if is_late(t, now) else ""
        )
        lines.append(
            texts.OPEN_LINE.format(
                flag=flag,
                n=t.id,
                category=texts.KIND["wish"] if t.kind == "wish" else html(t.category),
                party=Party(t.party).label,
                status=status_label(t),
                assignee=_assignee(t),
                age=age(t.created_at, now),
            )
        )
    lines.append(texts.OPEN_HINT)
    numbers: list[Button] = [(texts.BTN_TICKET.format(n=t.id), RepostButton(t.id)) for t in shown]
    rows: list[list[Button]] = [numbers[i : i + 5] for i in range(0, len(numbers), 5)]
    nav: list[Button] = []
    if page > 1:
        nav.append((texts.BTN_PREV, WorklistButton(page - 1, which)))
    if page < pages:
        nav.append((texts.BTN_NEXT, WorklistButton(page + 1, which)))
    if nav:
        rows.append(nav)
    return "\n".join(lines), rows


@dataclass(frozen=True)
class Alert:
    """One ticket in a deadline message: due soon (step None), or overdue at ladder `step`
    (0: the first alert)."""

    ticket: Ticket
    step: int | None


def deadline_messages(
    alerts: Sequence[Alert], *, now: datetime, zone: ZoneInfo, street_of: str | None = None
) -> list[str]:
    """The deadline alerts due for one chat at one moment, as one message (more only if they
    would not fit in one): what is due soon, then what is overdue. `street_of`: the
    community's name, for the street office's 问题直通车."""
    soon = [a for a in alerts if a.step is None]
    late = [a for a in alerts if a.step is not None]
    blocks: list[tuple[str, list[str]]] = []
    if late:
        title = (
            texts.DEADLINE_STREET_TITLE.format(community=html(street_of), count=len(late))
            if street_of is not None
            else texts.DEADLINE_OVERDUE_TITLE.format(count=len(late))
        )
        blocks.append((title, [_alert_line(a, now, zone) for a in late]))
    if soon:
        blocks.append(
            (
                texts.DEADLINE_SOON_TITLE.format(count=len(soon)),
                [_alert_line(a, now, zone) for a in soon],
            )
        )
    messages: list[str] = []
    current = ""
    for title, lines in blocks:
        for i, line in enumerate(lines):
            piece = (title + "\n" if i == 0 else "") + line
            if current and visible_len(current + "\n" + piece) > ALERT_MESSAGE_UNITS:
                messages.append(current)
                current = ""
            current = f"{current}\n{piece}" if current else piece
    if current:
        messages.append(current)
    if messages:
        messages[-1] += texts.DEADLINE_FOOT
    return messages


def _alert_line(alert: Alert, now: datetime, zone: ZoneInfo) -> str:
    t = alert.ticket
    when = (
        texts.DEADLINE_DUE.format(due=local_time(t.due_at, zone))
        if alert.step is None
        else texts.DEADLINE_LATE.format(late=age(t.due_at, now))
    )
    return texts.DEADLINE_LINE.format(
        n=t.id,
        category=texts.KIND["wish"] if t.kind == "wish" else html(t.category),
        party=Party(t.party).label,
        status=status_label(t),
        assignee=_assignee(t) or texts.DEADLINE_NOBODY,
        step=texts.DEADLINE_STEP.format(step=alert.step + 1) if alert.step else "",
        text=html(shorten(t.text, ALERT_TEXT)),
        age=age(t.created_at, now),
        when=when,
    )


def repost_button(ticket: Ticket) -> Keyboard:
    """Under /ticket N for staff: post the card again here (it was deleted, or is lost)."""
    return [[(texts.BTN_REPOST, RepostButton(ticket.id))]]
