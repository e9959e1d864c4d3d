"""The bot's services: plain async Python that owns the rules, testable without Telegram."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.outbox import OutboxSender
from bot.services.digest import DigestService
from bot.services.groups import GroupService
from bot.services.households import HouseholdService
from bot.services.people import PeopleService
from bot.services.prompts import PromptAnswers
from bot.services.reception import ReceptionService
from bot.services.report import ReportService
from bot.services.roles import Roles
from bot.services.screening import ReviewService, ScreeningService
from bot.services.tickets import DraftService, TicketIntake, TicketService
from bot.services.volunteers import VolunteerService
from bot.services.votes import VoteService
from storage import AlreadyHandled, Database, Tx
from storage.outbox import OutgoingMessage


class Replies:
    """Answers to a command: queued in the outbox under the update's claim, so a redelivered
    update is not answered twice."""

    def __init__(self, db: Database) -> None:
        self._db = db
        # Update ids claimed (here or by an earlier run, see load): every update is checked
        # against them, so they are kept in memory and grow only with committed claims.
        self._handled: set[int] = set()
        db.on_commit(self._on_commit)

    def _on_commit(self, tx: Tx) -> None:
        if tx.update_id is not None:
            self._handled.add(tx.update_id)

    async def load(self) -> None:
        """Read the claims still on record (after start, and after old ones are forgotten)."""
        async with self._db.read() as tx:
            self._handled = set(await tx.updates.recent())

    async def send(self, update_id: int, message: OutgoingMessage, what: str) -> bool:
        try:
            async with self._db.transaction(update_id=update_id, what=what) as tx:
                await tx.outbox.enqueue(message)
        except AlreadyHandled:
            return False
        return True

    async def already_handled(self, update_id: int) -> bool:
        return update_id in self._handled


class FailedUpdates:
    """Updates whose handling failed on storage: not confirmed to Telegram, so they come
    again (see bot/polling.py); and their people were told to try again, once each."""

    def __init__(self) -> None:
        self._failed: set[int] = set()
        self._told: set[int] = set()

    def add(self, update_id: int) -> None:
        self._failed.add(update_id)

    def take(self) -> set[int]:
        failed, self._failed = self._failed, set()
        return failed

    def did_fail(self, update_id: int) -> bool:
        """Whether handling this update failed on storage (asked once, right after it)."""
        if update_id in self._failed:
            self._failed.discard(update_id)
            return True
        return False

    def first_telling(self, update_id: int) -> bool:
        """True once per update: a retried update does not say "try again" twice."""
        if update_id in self._told:
            return False
        if len(self._told) > 10_000:
            self._told.clear()
        self._told.add(update_id)
        return True


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    clock: Clock
    bot_username: str
    roles: Roles
    groups: GroupService
    people: PeopleService
    replies: Replies
    outbox: OutboxSender
    intake: TicketIntake
    tickets: TicketService
    drafts: DraftService
    reception: ReceptionService
    digest: DigestService
    screening: ScreeningService
    review: ReviewService
    prompts: PromptAnswers
    retries: FailedUpdates
    reports: ReportService
    households: HouseholdService
    votes: VoteService
    volunteers: VolunteerService
