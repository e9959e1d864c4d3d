"""Joint reception days (联合接待日): the committee's rules, the reminders to every resident
group (holidays shifted), and /reception.

- service.py: rules added and removed (staff only), reminders sent once each;
- views.py: the coming dates, a rule's line, the reminder, pure functions.
"""

from bot.services.reception.service import STAFF_VERBS, ReceptionService

__all__ = ["STAFF_VERBS", "ReceptionService"]
