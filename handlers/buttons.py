"""Every button press, routed by its family (bot/buttons.py).

One handler for every press, one route per family (ROUTE_LIST): the data's prefix names the
family, the data is parsed by the family that wrote it, the press is checked against the
family's scope before anything else (a private-scope button pressed anywhere but
the presser's own private chat is declined here; card and review scopes need the database and
are checked by the service, which knows the card's message), and the service's answer is shown
to the presser. A press outside its scope changes and sends nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import texts
from bot.buttons import (
    FAMILIES,
    AddButton,
    BallotButton,
    BallotCheckButton,
    ButtonData,
    CardButton,
    Dialog,
    DraftButton,
    DuplicateButton,
    EnableGroupButton,
    ForwardButton,
    HomeButton,
    HomeCardButton,
    MenuButton,
    Press,
    RatingButton,
    RepostButton,
    ReviewButton,
    Scope,
    UnmuteButton,
    VolunteerButton,
    VolunteerDoneButton,
    WhyButton,
    WorklistButton,
)
from bot.services import Services
from bot.services.messaging import plain
from handlers.context import LinliContext, person_of, press_of
from handlers.tickets import send_my_tickets
from storage.models import TicketKind

B = TypeVar("B", bound=ButtonData)
Act = Callable[[Services, Update, Press, B], Awaitable[str]]
ALERTS = frozenset({texts.ONLY_STAFF, texts.ONLY_MODERATORS})  # shown as a dialog, not a toast


async def press(update: Update, context: LinliContext) -> None:
    """Every press: its family is found by the data's prefix and reads the data; a press that
    no family reads, or that comes from outside its family's scope, changes nothing."""
    query = update.callback_query
    assert query is not None
    data = query.data if isinstance(query.data, str) else ""
    route = ROUTES.get(data.split(":", 1)[0])
    button = route[0].unpack(data) if route else None
    where = press_of(update)
    if (
        route is None
        or button is None
        or (route[0].scope is Scope.PRIVATE and not where.in_own_private_chat)
        or (route[0].scope is Scope.STAFF and where.chat_is_private)
    ):
        await query.answer(texts.UNKNOWN_BUTTON)
        return
    answer = await route[1](context.services, update, where, button)
    # A toast shows no HTML: whatever a service answers is shown as plain words.
    shown = plain(answer) if answer else None
    await query.answer(shown, show_alert=answer in ALERTS or isinstance(answer, Dialog))


async def menu(services: Services, update: Update, press: Press, button: MenuButton) -> str:
    if button.choice == "mine":
        await send_my_tickets(services, update, press.chat_id)
    elif button.choice == "home":
        await services.households.home(
            update.update_id, person_of(update), press.chat_id, press.message_id or 0, ""
        )
    elif button.choice == "reception":
        await services.reception.command(update.update_id, press.user_id, [], press.chat_id, None)
    else:
        kind: TicketKind = "wish" if button.choice == "wish" else "complaint"
        await services.drafts.start_draft(update.update_id, person_of(update), kind)
    return ""


async def draft(services: Services, update: Update, press: Press, button: DraftButton) -> str:
    return await services.drafts.draft_button(update.update_id, press, button)


async def duplicate(
    services: Services, update: Update, press: Press, button: DuplicateButton
) -> str:
    return await services.drafts.duplicate_button(update.update_id, press, button)


async def card(
    services: Services, update: Update, press: Press, button: CardButton | ForwardButton
) -> str:
    return await services.tickets.card_press(update.update_id, press, button)


async def rating(services: Services, update: Update, press: Press, button: RatingButton) -> str:
    return await services.tickets.rate(update.update_id, press, button)


async def add(services: Services, update: Update, press: Press, button: AddButton) -> str:
    return await services.drafts.add_button(update.update_id, press, button)


async def why(services: Services, update: Update, press: Press, button: WhyButton) -> str:
    return await services.tickets.why(update.update_id, press, button)


async def review(services: Services, update: Update, press: Press, button: ReviewButton) -> str:
    return await services.review.decide(update.update_id, press, button)


async def unmute(services: Services, update: Update, press: Press, button: UnmuteButton) -> str:
    return await services.review.unmute(update.update_id, press, button)


async def volunteer_claim(
    services: Services, update: Update, press: Press, button: VolunteerButton
) -> str:
    return await services.volunteers.claim(update.update_id, press, button)


async def volunteer_done(
    services: Services, update: Update, press: Press, button: VolunteerDoneButton
) -> str:
    return await services.volunteers.done(update.update_id, press, button)


async def home(services: Services, update: Update, press: Press, button: HomeButton) -> str:
    return await services.households.press(update.update_id, press, button)


async def home_card(
    services: Services, update: Update, press: Press, button: HomeCardButton
) -> str:
    return await services.households.card_press(update.update_id, press, button)


async def ballot(services: Services, update: Update, press: Press, button: BallotButton) -> str:
    return await services.votes.ballot_press(update.update_id, press, button)


async def ballot_check(
    services: Services, update: Update, press: Press, button: BallotCheckButton
) -> str:
    return await services.votes.check_press(update.update_id, press, button)


async def worklist_page(
    services: Services, update: Update, press: Press, button: WorklistButton
) -> str:
    return await services.tickets.worklists.page_press(update.update_id, press, button)


async def repost(services: Services, update: Update, press: Press, button: RepostButton) -> str:
    return await services.tickets.worklists.repost_press(update.update_id, press, button)


async def enable_group(
    services: Services, update: Update, press: Press, button: EnableGroupButton
) -> str:
    return await services.groups.enable_press(update.update_id, press, button)


# One route per family; the data's prefix names the family (bot/buttons.py keeps them unique).
ROUTE_LIST: list[tuple[type[ButtonData], Act[Any]]] = [
    (MenuButton, menu),
    (DraftButton, draft),
    (DuplicateButton, duplicate),
    (CardButton, card),
    (ForwardButton, card),
    (RatingButton, rating),
    (AddButton, add),
    (WhyButton, why),
    (ReviewButton, review),
    (UnmuteButton, unmute),
    (VolunteerButton, volunteer_claim),
    (VolunteerDoneButton, volunteer_done),
    (HomeButton, home),
    (HomeCardButton, home_card),
    (BallotButton, ballot),
    (BallotCheckButton, ballot_check),
    (WorklistButton, worklist_page),
    (RepostButton, repost),
    (EnableGroupButton, enable_group),
]
ROUTES = {family.prefix: (family, act) for family, act in ROUTE_LIST}
if set(ROUTES) != {family.prefix for family in FAMILIES}:
    raise RuntimeError("every button family needs exactly one route")

HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [CallbackQueryHandler(press)]
