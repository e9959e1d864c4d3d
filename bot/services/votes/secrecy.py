"""How a ballot stays secret while it can still be changed.

A running vote keeps two maps (storage/votes.py): the turnout {voter: [caster, building]} and
the choices {ballot: option}. Voter, caster and ballot are HMAC-SHA256 hashes under the
deployment's ballot key (derived from BOT_TOKEN, which the database never holds) of the vote
and the household (or the person under 每人一票), of the vote and the member who cast it, and
of the vote and the voter: different hashes of the same household, so the two maps cannot be
joined without the key, and neither names anyone without it. The maps are whole JSON objects
sorted by hash, one row per vote, so no row order tells when a ballot came. A ballot button's
data carries the option shifted by an offset derived from the key and the voter, so a stored
update (the webhook inbox keeps updates for two days) does not say what was chosen either.

While the vote runs the bot itself must know the household's ballot (to let the voter change
it, and to tell a second member "您家已经投过票了"); so whoever holds both the database and the
key (BOT_TOKEN) could work it out by hashing every household. At close the counts go into the
vote's result and both maps are emptied: from then on nobody, key or not, can learn who chose
what. No command shows a choice to anyone but the voter (我投了哪项, as a dialog that is not
stored), no event or log line carries one.
"""

from __future__ import annotations

import hashlib
import hmac


class BallotKey:
    def __init__(self, secret: str) -> None:
        self._key = hmac.new(secret.encode(), b"linli ballot key v1", hashlib.sha256).digest()

    def _hash(self, *parts: object) -> str:
        message = ":".join(str(p) for p in parts).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    @property
    def check(self) -> str:
        """Stored with a vote: a vote started under another key (BOT_TOKEN changed) would let
        households vote twice, so its ballots are refused instead."""
        return self._hash("check")

    @staticmethod
    def voter_of(household_id: int, user_id: int, per_person: bool) -> str:
        return f"p{user_id}" if per_person else f"h{household_id}"

    def voter(self, vote_id: int, voter: str) -> str:
        return self._hash("voter", vote_id, voter)

    def caster(self, vote_id: int, user_id: int) -> str:
        return self._hash("caster", vote_id, user_id)

    def ballot(self, vote_id: int, voter: str) -> str:
        return self._hash("ballot", vote_id, voter)

    def offset(self, vote_id: int, user_id: int, options: int) -> int:
        return int(self._hash("offset", vote_id, user_id), 16) % options

    def code(self, vote_id: int, user_id: int, option: int, options: int) -> int:
        """The button data for `option` (0-based) on this voter's ballot: 1..options."""
        return (option + self.offset(vote_id, user_id, options)) % options + 1

    def option(self, vote_id: int, user_id: int, code: int, options: int) -> int | None:
        """The option a ballot button's code names for this voter; None if out of range."""
        if not 1 <= code <= options:
            return None
        return (code - 1 - self.offset(vote_id, user_id, options)) % options
