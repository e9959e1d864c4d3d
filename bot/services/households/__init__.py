"""Households: where residents live, one normalised key per home (address.py parses it), the
register staff see, and the confirmation the community file may ask for (service.py)."""

from bot.services.households.address import (
    Household,
    building_label,
    parse_building,
    parse_buildings,
    parse_household,
)
from bot.services.households.service import HouseholdService, home_label

__all__ = [
    "Household",
    "HouseholdService",
    "building_label",
    "home_label",
    "parse_building",
    "parse_buildings",
    "parse_household",
]
