"""Screening of resident-group posts, and the moderators' review of what it flags.

- posts.py: every group post is screened; a suspicious one is flagged, a known one answered;
- review.py: moderators confirm, dismiss or ask the committee, on the flag's own card;
- actions.py: removing a post, muting a repeated advertiser, a review card's words;
- views.py: what moderators and residents read, pure functions.
The verdict itself comes from moderation/, which knows nothing of the bot.
"""

from bot.services.screening.actions import ModerationActions
from bot.services.screening.posts import Post, ScreeningService
from bot.services.screening.review import ReviewService

__all__ = ["ModerationActions", "Post", "ReviewService", "ScreeningService"]
