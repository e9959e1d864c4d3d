"""The committee's daily digest: what happened since the last one and what is late.

- service.py: gathers the figures (DigestFacts) in one read and sends the digest once a day;
- views.py: the digest's words, a pure function of those figures.
"""

from bot.services.digest.service import DigestService

__all__ = ["DigestService"]
