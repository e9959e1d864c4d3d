"""Tickets: residents' 微心愿 and complaints, from intake to the resident's rating.

- intake.py: a request becomes a ticket (or a "+1" offer), one transaction each;
- drafts.py: the private conversation that writes a request step by step;
- work.py: staff act on the card, the reporter rates, what is late is escalated;
- cards.py: the staff card and the resident's notifications, shared by the two above;
- worklist.py: /open for staff, and a card posted again in a staff chat;
- deadlines.py: the reminder before due and the escalation ladder once overdue;
- views.py: what people read (cards, acknowledgements, /ticket), pure functions.
"""

from bot.services.tickets.cards import TicketCards
from bot.services.tickets.drafts import DraftService
from bot.services.tickets.intake import MAX_TEXT, REQUEST_TAG, Origin, TicketIntake
from bot.services.tickets.work import TicketService

__all__ = [
    "MAX_TEXT",
    "REQUEST_TAG",
    "DraftService",
    "Origin",
    "TicketCards",
    "TicketIntake",
    "TicketService",
]
