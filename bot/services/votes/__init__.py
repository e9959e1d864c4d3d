"""Votes: started by staff in the committee chat, cast in private (one ballot per household by
default), secret (secrecy.py), closed at the deadline with a result and a bar chart (chart.py).
command.py reads /vote's words; service.py owns the rules; texts.py is what people read."""

from bot.services.votes.secrecy import BallotKey
from bot.services.votes.service import CHART_KIND, VoteService

__all__ = ["CHART_KIND", "BallotKey", "VoteService"]
