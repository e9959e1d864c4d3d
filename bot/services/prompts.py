"""Answers to the bot's force-reply prompts (a reject reason, a clarification).

An answer counts only as a reply to the prompt's own message, in the chat it was sent to: the
prompt is found by that message id, never by the words of the message replied to (a display
name can be shaped like a prompt). The service of the prompt's kind checks who answers.
"""

from __future__ import annotations

from bot.services.people import Person
from bot.services.screening import ReviewService
from bot.services.tickets import TicketService
from storage import Database


class PromptAnswers:
    def __init__(self, db: Database, tickets: TicketService, review: ReviewService) -> None:
        self._db = db
        self._tickets = tickets
        self._review = review

    async def answer(
        self, update_id: int, person: Person, chat_id: int, replied_to: int, text: str
    ) -> bool:
        """False (nothing changed) unless `replied_to` is an open prompt of this chat and
        the person may answer it."""
        async with self._db.read() as tx:
            prompt = await tx.prompts.answering(chat_id, replied_to)
        if prompt is None:
            return False
        if prompt.kind == "reject_reason":
            return await self._tickets.reject(update_id, person, prompt, text)
        if prompt.kind == "forward_reason":
            return await self._tickets.forward_reason(update_id, person, prompt, text)
        return await self._review.clarify(update_id, person, prompt, text)
