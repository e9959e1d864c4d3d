"""Tickets: residents' 微心愿 and complaints, from intake to the resident's rating.

Every change is one transaction that claims the Telegram update, updates the ticket, appends
events (the audit trail) and queues every message it causes: the staff card and its edits, the
resident's notifications. Roles are checked here, server-side, on every action.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz

from bot import texts
from bot.community import WISH_CATEGORY, CommunityRules, Party
from bot.services.messaging import (
    Buttons,
    deep_link,
    edit_text,
    html,
    photo_message,
    text_message,
)
from bot.services.roles import Roles
from bot.workdays import add_working_days
from storage import Database, Tx
from storage.models import Draft, Event, Ticket, TicketKind

log = logging.getLogger(__name__)

MAX_TEXT = 2000
DUPLICATE_SCORE = 75.0
DUPLICATE_WINDOW = timedelta(days=30)
LOG_LINES_SHOWN = 15
_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class Origin:
    """Where and by whom a request was made."""

    person: Person
    chat_id: int
    message_id: int | None
    in_group: bool
    group_title: str | None = None


class TicketService:
    def __init__(self, db: Database, roles: Roles, rules: CommunityRules, *, zone: ZoneInfo,
                 committee_chat_id: int, bot_username: str) -> None:
        self._db = db
        self._roles = roles
        self._rules = rules
        self._zone = zone
        self._committee = committee_chat_id
        self._bot_username = bot_username

    # ------------------------------------------------------------------ intake

    async def request(self, update_id: int, kind: TicketKind, text: str,
                      photo_file_id: str | None, origin: Origin) -> None:
        """/wish, /complain, #微心愿 / #投诉 / #报修: file it, or ask for what is missing."""
        text = text.strip()
        async with self._db.transaction(update_id=update_id, what=f"request_{kind}") as tx:
            if not text:
                await self._ask_for_text(tx, kind, origin)
                return
            if len(text) > MAX_TEXT:
                await tx.outbox.enqueue(text_message(
                    origin.chat_id, texts.TOO_LONG.format(limit=MAX_TEXT),
                    reply_to=origin.message_id))
                return
            if kind == "complaint" and await self._offer_duplicate(tx, text, photo_file_id,
                                                                   origin):
                return
            await self._file(tx, kind, text, photo_file_id, origin, update_id)

    async def _ask_for_text(self, tx: Tx, kind: TicketKind, origin: Origin) -> None:
        if origin.in_group:
            tag = "#微心愿" if kind == "wish" else "#投诉"
            reply = texts.ASK_TEXT_IN_GROUP.format(tag=tag, example=texts.EXAMPLE[kind])
        else:
            await tx.drafts.start(user_id=origin.person.id, kind=kind, step="text",
                                  chat_id=origin.chat_id, message_id=None)
            reply = texts.ASK_TEXT[kind]
        await tx.outbox.enqueue(text_message(origin.chat_id, reply, reply_to=origin.message_id
                                             if origin.in_group else None))

    async def _offer_duplicate(self, tx: Tx, text: str, photo_file_id: str | None,
                               origin: Origin) -> bool:
        category, _ = self._rules.categorise(text)
        match = await self._similar_open(tx, category, text)
        if match is None:
            return False
        draft = await tx.drafts.start(user_id=origin.person.id, kind="complaint",
                                      step="duplicate", chat_id=origin.chat_id,
                                      message_id=origin.message_id, text=text,
                                      photo_file_id=photo_file_id)
        buttons = [[(texts.BTN_PLUS_ONE.format(n=match.id), f"d:plus1:{draft.id}:{match.id}"),
                    (texts.BTN_CREATE_ANYWAY, f"d:new:{draft.id}")]]
        offer = texts.DUPLICATE_OFFER.format(n=match.id, category=html(match.category),
                                             status=status_label(match))
        await tx.outbox.enqueue(text_message(origin.chat_id, offer, buttons=buttons,
                                             reply_to=origin.message_id))
        return True

    async def _similar_open(self, tx: Tx, category: str, text: str) -> Ticket | None:
        wanted = _NOT_TEXT.sub("", text)
        best, best_score = None, DUPLICATE_SCORE
        for candidate in await tx.tickets.open_in_category(category,
                                                           tx.now - DUPLICATE_WINDOW):
            score = fuzz.ratio(wanted, _NOT_TEXT.sub("", candidate.text))
            if score >= best_score:
                best, best_score = candidate, score
        return best

    async def _file(self, tx: Tx, kind: TicketKind, text: str, photo_file_id: str | None,
                    origin: Origin, update_id: int) -> Ticket:
        await tx.drafts.drop_for_user(origin.person.id)  # a request filed ends any other
        if kind == "wish":
            category, routing = WISH_CATEGORY, self._rules.wishes
        else:
            category, routing = self._rules.categorise(text)
        due = add_working_days(tx.now, routing.sla_days, self._zone)
        ticket = await tx.tickets.create(
            kind=kind, text=text, photo_file_id=photo_file_id, category=category,
            party=routing.party.value, reporter_id=origin.person.id,
            reporter_name=origin.person.name, source_chat_id=origin.chat_id,
            source_message_id=origin.message_id, source_update_id=update_id, due_at=due)
        await tx.events.append("filed", actor_id=origin.person.id, subject=_subject(ticket),
                               detail={"kind": kind, "category": category,
                                       "party": routing.party.value}, public=True,
                               update_id=update_id)
        await self._post_card(tx, ticket, origin.group_title)
        await self._acknowledge(tx, ticket, origin)
        return ticket

    async def _post_card(self, tx: Tx, ticket: Ticket, group_title: str | None) -> Ticket:
        chat_id = self._rules.chat_for(Party(ticket.party), self._committee)
        if ticket.photo_file_id:
            await tx.outbox.enqueue(photo_message(
                chat_id, ticket.photo_file_id, texts.CARD_PHOTO.format(n=ticket.id)))
        where = group_title or texts.WHERE_PRIVATE
        card_id = await tx.outbox.enqueue(text_message(
            chat_id, self._card_text(ticket, where, 0), buttons=self._card_buttons(ticket)))
        return await tx.tickets.update(ticket.id, card_chat_id=chat_id, card_outbox_id=card_id)

    async def _acknowledge(self, tx: Tx, ticket: Ticket, origin: Origin) -> None:
        person = await tx.people.get(origin.person.id)
        private_open = person is not None and person.private_chat_open
        private_ack = texts.ACK_PRIVATE.format(
            kind=texts.KIND[ticket.kind], n=ticket.id, text=html(ticket.text),
            party=ticket.party, category=html(ticket.category), due=self._local(ticket.due_at))
        if not origin.in_group:
            await tx.outbox.enqueue(text_message(origin.chat_id, private_ack))
            return
        name = html(origin.person.name)
        common = {"name": name, "n": ticket.id, "category": html(ticket.category),
                  "party": ticket.party}
        if private_open:
            await tx.outbox.enqueue(text_message(origin.chat_id, texts.ACK_GROUP.format(**common),
                                                 reply_to=origin.message_id))
            await tx.outbox.enqueue(text_message(
                origin.person.id, private_ack, fallback="group_link",
                fallback_args={"group_chat_id": origin.chat_id, "start": f"t{ticket.id}",
                               "name": origin.person.name, "reply_to": origin.message_id}))
        else:
            link = html(deep_link(self._bot_username, f"t{ticket.id}"))
            await tx.outbox.enqueue(text_message(
                origin.chat_id, texts.ACK_GROUP_WITH_LINK.format(**common, link=link),
                reply_to=origin.message_id))

    # ------------------------------------------------------------------ drafts (private)

    async def draft_text(self, update_id: int, person: Person, text: str,
                         photo_file_id: str | None) -> bool:
        """Text (or a photo) in private while a draft waits for it; False if none waits
        (and then nothing is claimed, so the caller may answer the update itself)."""
        async with self._db.read() as tx:
            waiting = await tx.drafts.of_user(person.id)
        if waiting is None or waiting.step not in ("text", "photo"):
            return False
        async with self._db.transaction(update_id=update_id, what="draft") as tx:
            draft = await tx.drafts.get(waiting.id)
            if draft is None:
                return False
            if draft.step == "text":
                text = text.strip()
                if not text and not photo_file_id:
                    await tx.outbox.enqueue(text_message(draft.chat_id, texts.ASK_TEXT[draft.kind]))
                    return True
                if len(text) > MAX_TEXT:
                    await tx.outbox.enqueue(text_message(
                        draft.chat_id, texts.TOO_LONG.format(limit=MAX_TEXT)))
                    return True
                if not text:  # a photo without a caption: keep it, still ask for words
                    await tx.drafts.update(draft.id, photo_file_id=photo_file_id)
                    await tx.outbox.enqueue(text_message(draft.chat_id, texts.ASK_TEXT[draft.kind]))
                    return True
                draft = await tx.drafts.update(
                    draft.id, text=text, photo_file_id=photo_file_id or draft.photo_file_id,
                    step="confirm" if photo_file_id or draft.photo_file_id else "photo")
            elif photo_file_id:
                draft = await tx.drafts.update(draft.id, photo_file_id=photo_file_id,
                                               step="confirm")
            else:  # more words while we wait for a photo: they belong to the text
                draft = await tx.drafts.update(draft.id, text=f"{draft.text}\n{text}"[:MAX_TEXT])
            await self._prompt_draft(tx, draft)
            return True

    async def _prompt_draft(self, tx: Tx, draft: Draft) -> None:
        if draft.step == "photo":
            await tx.outbox.enqueue(text_message(
                draft.chat_id, texts.ASK_PHOTO,
                buttons=[[(texts.BTN_NO_PHOTO, f"d:nophoto:{draft.id}"),
                          (texts.BTN_CANCEL, f"d:cancel:{draft.id}")]]))
            return
        confirm = texts.CONFIRM_DRAFT.format(
            kind=texts.KIND[draft.kind], text=html(draft.text or ""),
            photo=texts.CONFIRM_PHOTO_NOTE if draft.photo_file_id else "")
        await tx.outbox.enqueue(text_message(
            draft.chat_id, confirm, buttons=[[(texts.BTN_SUBMIT, f"d:ok:{draft.id}"),
                                              (texts.BTN_CANCEL, f"d:cancel:{draft.id}")]]))

    async def start_draft(self, update_id: int, person: Person, kind: TicketKind,
                          chat_id: int) -> None:
        async with self._db.transaction(update_id=update_id, what="draft_start") as tx:
            await tx.drafts.start(user_id=person.id, kind=kind, step="text", chat_id=chat_id,
                                  message_id=None)
            await tx.outbox.enqueue(text_message(chat_id, texts.ASK_TEXT[kind]))

    async def cancel_draft(self, update_id: int, person: Person, chat_id: int) -> None:
        async with self._db.transaction(update_id=update_id, what="draft_cancel") as tx:
            draft = await tx.drafts.of_user(person.id)
            if draft is not None:
                await tx.drafts.drop(draft.id)
            reply = texts.DRAFT_CANCELLED if draft else texts.NOTHING_TO_CANCEL
            await tx.outbox.enqueue(text_message(chat_id, reply))

    async def draft_button(self, update_id: int, person: Person, action: str, draft_id: int,
                           ticket_id: int | None, origin_group_title: str | None) -> str:
        """A button under a draft: only its author may press it. Returns the answer to show."""
        async with self._db.transaction(update_id=update_id, what=f"draft_{action}") as tx:
            draft = await tx.drafts.get(draft_id)
            if draft is None:
                return texts.DRAFT_GONE
            if draft.user_id != person.id:
                return texts.NOT_YOURS
            if action == "cancel":
                await tx.drafts.drop(draft.id)
                await tx.outbox.enqueue(text_message(draft.chat_id, texts.DRAFT_CANCELLED))
                return texts.DRAFT_CANCELLED
            if action == "nophoto" and draft.step == "photo":
                draft = await tx.drafts.update(draft.id, step="confirm")
                await self._prompt_draft(tx, draft)
                return ""  # the next question is the answer
            if action == "plus1" and draft.step == "duplicate" and ticket_id is not None:
                return await self._follow(tx, draft, ticket_id)
            if (action == "ok" and draft.step == "confirm") or (
                    action == "new" and draft.step == "duplicate"):
                await tx.drafts.drop(draft.id)
                origin = Origin(person, draft.chat_id, draft.message_id,
                                in_group=draft.chat_id < 0, group_title=origin_group_title)
                await self._file(tx, draft.kind, draft.text or "", draft.photo_file_id, origin,
                                 update_id)
                return ""  # the acknowledgement with the number is the answer
            return texts.DRAFT_GONE

    async def _follow(self, tx: Tx, draft: Draft, ticket_id: int) -> str:
        ticket = await tx.tickets.get(ticket_id)
        if ticket is None or not ticket.is_open:
            return texts.DRAFT_GONE
        await tx.drafts.drop(draft.id)
        if ticket.reporter_id != draft.user_id and await tx.tickets.add_follower(
                ticket.id, draft.user_id):
            await tx.events.append("followed", actor_id=draft.user_id, subject=_subject(ticket),
                                   detail={"text": draft.text})
            await self._show_card(tx, ticket)
        reply = texts.FOLLOWING.format(n=ticket.id)
        await tx.outbox.enqueue(text_message(draft.chat_id, reply, reply_to=draft.message_id))
        return ""

    # ------------------------------------------------------------------ staff actions

    async def staff_action(self, update_id: int, staff: Person, action: str, ticket_id: int,
                           party_name: str | None = None) -> str:
        """A staff card's button. The role is checked here; button data names only the
        action and the ticket. Returns the answer to show the person who pressed."""
        if not await self._roles.is_staff(staff.id):
            return texts.ONLY_STAFF
        async with self._db.transaction(update_id=update_id, what=f"ticket_{action}") as tx:
            ticket = await tx.tickets.get(ticket_id)
            if ticket is None:
                return texts.UNKNOWN_BUTTON
            if action in ("claim", "accept"):
                if ticket.status != "new" or action != ("claim" if ticket.kind == "wish"
                                                        else "accept"):
                    return texts.ANSWER_STALE.format(status=status_label(ticket))
                return await self._start_work(tx, ticket, staff)
            if action == "done":
                if ticket.status != "in_progress":
                    return texts.ANSWER_STALE.format(status=status_label(ticket))
                return await self._finish(tx, ticket, staff)
            if not ticket.is_open:
                return texts.ANSWER_STALE.format(status=status_label(ticket))
            if action == "forward":
                await self._show_card(tx, ticket, choose_party=True)
                return texts.ANSWER_DONE
            if action == "back":
                await self._show_card(tx, ticket)
                return texts.ANSWER_DONE
            if action == "to" and party_name in Party.__members__:
                return await self._forward(tx, ticket, Party[party_name], staff)
            if action == "reject":
                await tx.outbox.enqueue(text_message(
                    ticket.card_chat_id or self._committee,
                    texts.ASK_REJECT_REASON.format(n=ticket.id),
                    force_reply=texts.REJECT_REASON_PLACEHOLDER))
                return texts.ANSWER_DONE
            return texts.UNKNOWN_BUTTON

    async def _start_work(self, tx: Tx, ticket: Ticket, staff: Person) -> str:
        ticket = await tx.tickets.update(ticket.id, status="in_progress", assignee_id=staff.id,
                                         assignee_name=staff.name)
        action = "claimed" if ticket.kind == "wish" else "accepted"
        await tx.events.append(action, actor_id=staff.id, subject=_subject(ticket),
                               detail={"by": staff.name}, public=True)
        await self._show_card(tx, ticket)
        if ticket.kind == "wish":
            note = texts.NOTIFY_CLAIMED.format(n=ticket.id, staff=html(staff.name))
        else:
            note = texts.NOTIFY_ACCEPTED.format(n=ticket.id, party=ticket.party)
        await self._notify(tx, ticket, note)
        return texts.ANSWER_DONE

    async def _finish(self, tx: Tx, ticket: Ticket, staff: Person) -> str:
        ticket = await tx.tickets.update(ticket.id, status="done", done_at=tx.now,
                                         assignee_id=ticket.assignee_id or staff.id,
                                         assignee_name=ticket.assignee_name or staff.name)
        await tx.events.append("done", actor_id=staff.id, subject=_subject(ticket),
                               detail={"by": staff.name}, public=True)
        await self._show_card(tx, ticket)
        status = status_label(ticket)
        rate = [[(label, f"r:{i}:{ticket.id}") for i, label in enumerate(texts.RATINGS)],
                [(texts.BTN_UNSOLVED, f"r:unsolved:{ticket.id}")]]
        await tx.outbox.enqueue(text_message(ticket.reporter_id, texts.NOTIFY_DONE.format(
            kind=texts.KIND[ticket.kind], n=ticket.id, status=status), buttons=rate))
        for follower in await tx.tickets.followers(ticket.id):
            await tx.outbox.enqueue(text_message(follower, texts.NOTIFY_DONE_FOLLOWER.format(
                n=ticket.id, status=status)))
        return texts.ANSWER_DONE

    async def _forward(self, tx: Tx, ticket: Ticket, party: Party, staff: Person) -> str:
        if party.value == ticket.party:
            await self._show_card(tx, ticket)
            return texts.ANSWER_DONE
        old_chat, old_card = ticket.card_chat_id, ticket.card_outbox_id
        ticket = await tx.tickets.update(ticket.id, party=party.value)
        await tx.events.append("forwarded", actor_id=staff.id, subject=_subject(ticket),
                               detail={"to": party.value, "by": staff.name}, public=True)
        new_chat = self._rules.chat_for(party, self._committee)
        if new_chat != old_chat and old_chat is not None and old_card is not None:
            await tx.outbox.enqueue(edit_text(
                old_chat, await self._card_text_for(tx, ticket)
                + texts.CARD_FORWARDED_AWAY.format(party=party.value), target_row=old_card))
            await self._post_card(tx, ticket, await self._group_title(tx, ticket))
        else:
            await self._show_card(tx, ticket)
        await self._notify(tx, ticket, texts.NOTIFY_FORWARDED.format(n=ticket.id,
                                                                     party=party.value))
        return texts.ANSWER_DONE

    async def reject(self, update_id: int, staff: Person, ticket_id: int, reason: str) -> bool:
        """A staff member's reply to the 'why not' prompt. False if not staff or not open."""
        reason = reason.strip()
        if not reason or not await self._roles.is_staff(staff.id):
            return False
        async with self._db.transaction(update_id=update_id, what="ticket_reject") as tx:
            ticket = await tx.tickets.get(ticket_id)
            if ticket is None or not ticket.is_open:
                return False
            ticket = await tx.tickets.update(ticket.id, status="rejected",
                                             reject_reason=reason[:500])
            await tx.events.append("rejected", actor_id=staff.id, subject=_subject(ticket),
                                   detail={"by": staff.name, "reason": reason[:500]},
                                   public=True)
            await self._show_card(tx, ticket)
            await self._notify(tx, ticket, texts.NOTIFY_REJECTED.format(
                n=ticket.id, reason=html(reason[:500])))
        return True

    # ------------------------------------------------------------------ the resident's answer

    async def resident_answer(self, update_id: int, person: Person, ticket_id: int,
                              answer: str, chat_id: int, message_id: int | None) -> str:
        """满意 / 基本满意 / 不满意 (answer '0'..'2') or 未解决 ('unsolved'), reporter only."""
        async with self._db.transaction(update_id=update_id, what="ticket_rating") as tx:
            ticket = await tx.tickets.get(ticket_id)
            if ticket is None or ticket.reporter_id != person.id:
                return texts.NOT_YOURS
            if ticket.status == "rated":
                return texts.RATED_ALREADY
            if ticket.status != "done":
                return texts.ANSWER_STALE.format(status=status_label(ticket))
            if answer == "unsolved":
                ticket = await tx.tickets.update(ticket.id, status="in_progress", done_at=None)
                await tx.events.append("reopened", actor_id=person.id, subject=_subject(ticket),
                                       public=True)
                await self._show_card(tx, ticket)
                if ticket.card_chat_id is not None:
                    await tx.outbox.enqueue(text_message(
                        ticket.card_chat_id, texts.REOPENED_FOR_STAFF.format(n=ticket.id)))
                reply = texts.NOTIFY_REOPENED.format(n=ticket.id)
            elif answer in ("0", "1", "2"):
                rating = texts.RATINGS[int(answer)]
                ticket = await tx.tickets.update(ticket.id, status="rated", rating=rating,
                                                 rated_at=tx.now)
                await tx.events.append("rated", actor_id=person.id, subject=_subject(ticket),
                                       detail={"rating": rating}, public=True)
                await self._show_card(tx, ticket)
                reply = texts.RATED.format(rating=rating)
            else:
                return texts.UNKNOWN_BUTTON
            if message_id is not None:  # the question, answered: no more buttons under it
                await tx.outbox.enqueue(edit_text(chat_id, reply, message_id=message_id))
            return reply

    # ------------------------------------------------------------------ deadlines

    async def escalate_overdue(self) -> int:
        """Flag tickets past due, once each, with one escalation card in the committee chat."""
        async with self._db.transaction() as tx:
            overdue = await tx.tickets.newly_overdue(tx.now)
            for ticket in overdue:
                ticket = await tx.tickets.update(ticket.id, overdue_at=tx.now)
                await tx.events.append("overdue", actor_id=None, subject=_subject(ticket))
                await tx.outbox.enqueue(text_message(
                    self._committee, texts.ESCALATION.format(
                        n=ticket.id, kind=texts.KIND[ticket.kind],
                        category=html(ticket.category), party=ticket.party,
                        due=self._local(ticket.due_at), status=status_label(ticket)),
                    dedupe_key=f"overdue:{ticket.id}"))
                await self._show_card(tx, ticket)
        if overdue:
            log.info("%d ticket(s) became overdue", len(overdue))
        return len(overdue)

    # ------------------------------------------------------------------ views

    async def my_tickets(self, user_id: int) -> str | None:
        async with self._db.read() as tx:
            own = await tx.tickets.of_reporter(user_id)
            followed = await tx.tickets.followed_by(user_id)
        if not own and not followed:
            return None
        lines = []
        if own:
            lines.append(texts.MY_TICKETS_TITLE)
            lines += [texts.MY_TICKET_LINE.format(
                n=t.id, kind=texts.KIND[t.kind], category=html(t.category),
                status=status_label(t), text=html(_short(t.text, 40))) for t in own]
        if followed:
            lines.append(texts.FOLLOWED_TITLE)
            lines += [texts.FOLLOWED_LINE.format(n=t.id, category=html(t.category),
                                                 status=status_label(t)) for t in followed]
        return "\n".join(lines)

    async def view(self, ticket_id: int, user_id: int) -> str:
        """Staff see any ticket with its whole log; a resident only their own, with the
        public steps. Anyone else is told it was not found (not that it exists)."""
        staff = await self._roles.is_staff(user_id)
        async with self._db.read() as tx:
            ticket = await tx.tickets.get(ticket_id)
            if ticket is None or not (staff or ticket.reporter_id == user_id):
                return texts.TICKET_NOT_FOUND
            events = await tx.events.for_subject(_subject(ticket))
        text = texts.TICKET_VIEW.format(
            n=ticket.id, kind=texts.KIND[ticket.kind], category=html(ticket.category),
            party=ticket.party, text=html(ticket.text), status=status_label(ticket),
            flag=f"（{texts.OVERDUE_FLAG}）" if ticket.overdue_at and ticket.is_open else "",
            due=self._local(ticket.due_at))
        if staff:
            text += texts.TICKET_VIEW_STAFF_EXTRA.format(reporter=html(ticket.reporter_name),
                                                         created=self._local(ticket.created_at))
        shown = [e for e in events if staff or e.public][-LOG_LINES_SHOWN:]
        if shown:
            text += texts.TICKET_LOG_TITLE + "".join(
                "\n" + self._log_line(e, ticket, staff) for e in shown)
        return text

    async def open_from_link(self, update_id: int, user_id: int, ticket_id: int,
                             chat_id: int) -> bool:
        """/start t42: the reporter opens the private chat from the group link."""
        async with self._db.read() as tx:
            ticket = await tx.tickets.get(ticket_id)
        if ticket is None or ticket.reporter_id != user_id:
            return False
        view = await self.view(ticket_id, user_id)
        async with self._db.transaction(update_id=update_id, what="open_link") as tx:
            await tx.people.set_private_chat_open(user_id, True)
            await tx.outbox.enqueue(text_message(chat_id, view))
        return True

    # ------------------------------------------------------------------ helpers

    def _local(self, moment: datetime) -> str:
        local = moment.astimezone(self._zone)
        return f"{local.month}月{local.day}日 {local:%H:%M}"

    def _log_line(self, event: Event, ticket: Ticket, staff: bool) -> str:
        what = {
            "filed": "提交", "claimed": "认领", "accepted": "受理", "done": "完成",
            "forwarded": f"转派给{event.detail.get('to', '')}", "rejected": "不予受理",
            "reopened": "居民反映未解决", "rated": f"评价：{event.detail.get('rating', '')}",
            "overdue": "超时", "followed": "有居民 +1",
        }.get(event.action, event.action)
        who = ""
        if event.detail.get("by"):
            who = f"{html(event.detail['by'])} "
        elif staff and event.actor_id == ticket.reporter_id:
            who = f"{html(ticket.reporter_name)} "
        return texts.TICKET_LOG_LINE.format(at=self._local(event.at), who=who, what=what)

    async def _group_title(self, tx: Tx, ticket: Ticket) -> str | None:
        chat = await tx.chats.get(ticket.source_chat_id)
        return chat.title if chat else None

    async def _card_text_for(self, tx: Tx, ticket: Ticket) -> str:
        followers = len(await tx.tickets.followers(ticket.id))
        where = await self._group_title(tx, ticket) if ticket.source_chat_id < 0 else None
        return self._card_text(ticket, where or texts.WHERE_PRIVATE, followers)

    def _card_text(self, ticket: Ticket, where: str, followers: int) -> str:
        icon = {"new": "🆕", "in_progress": "🔧", "done": "✅", "rated": "⭐",
                "rejected": "🚫"}[ticket.status]
        who = ""
        if ticket.status == "rejected":
            who = f"\n原因：{html(ticket.reject_reason or '')}"
        elif ticket.assignee_name:
            who = f"（{html(ticket.assignee_name)}）"
        if ticket.rating:
            who += f"　评价：{ticket.rating}"
        flag = f"　⏰{texts.OVERDUE_FLAG}" if ticket.overdue_at and ticket.is_open else ""
        return texts.CARD.format(
            icon=icon, n=ticket.id, kind=texts.KIND[ticket.kind],
            category="" if ticket.kind == "wish" else f" · {html(ticket.category)}",
            party=ticket.party, text=html(ticket.text), reporter=html(ticket.reporter_name),
            where=html(where),
            followers=texts.CARD_FOLLOWERS.format(count=followers) if followers else "",
            created=self._local(ticket.created_at), due=self._local(ticket.due_at),
            status=status_label(ticket), who=who, flag=flag)

    @staticmethod
    def _card_buttons(ticket: Ticket, choose_party: bool = False) -> Buttons:
        n = ticket.id
        if not ticket.is_open:
            return []
        if choose_party:
            others = [p for p in Party if p.value != ticket.party]
            return [[(p.value, f"t:to:{n}:{p.name}") for p in others],
                    [(texts.BTN_BACK, f"t:back:{n}")]]
        if ticket.status == "new":
            first = (texts.BTN_CLAIM, f"t:claim:{n}") if ticket.kind == "wish" else (
                texts.BTN_ACCEPT, f"t:accept:{n}")
            return [[first, (texts.BTN_FORWARD, f"t:forward:{n}"),
                     (texts.BTN_REJECT, f"t:reject:{n}")]]
        return [[(texts.BTN_DONE, f"t:done:{n}"), (texts.BTN_FORWARD, f"t:forward:{n}"),
                 (texts.BTN_REJECT, f"t:reject:{n}")]]

    async def _show_card(self, tx: Tx, ticket: Ticket, *, choose_party: bool = False) -> None:
        if ticket.card_chat_id is None or ticket.card_outbox_id is None:
            return
        text = await self._card_text_for(tx, ticket)
        if choose_party:
            text += texts.CARD_CHOOSE_PARTY
        await tx.outbox.enqueue(edit_text(ticket.card_chat_id, text,
                                          buttons=self._card_buttons(ticket, choose_party),
                                          target_row=ticket.card_outbox_id))

    async def _notify(self, tx: Tx, ticket: Ticket, text: str) -> None:
        """Tell the reporter and everyone who +1'd, in private."""
        for user_id in [ticket.reporter_id, *await tx.tickets.followers(ticket.id)]:
            await tx.outbox.enqueue(text_message(user_id, text))


def status_label(ticket: Ticket) -> str:
    if ticket.status == "rated":
        return texts.STATUS_RATED
    if ticket.status == "rejected":
        return texts.STATUS_REJECTED
    return texts.STATUS[(ticket.kind, ticket.status)]


def _subject(ticket: Ticket) -> str:
    return f"ticket:{ticket.id}"


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
