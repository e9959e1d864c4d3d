"""Button families: what they pack, what they refuse to read, and where they may be pressed."""

from __future__ import annotations

import pytest

from bot.buttons import (
    FAMILIES,
    CardButton,
    DraftButton,
    DuplicateButton,
    ForwardButton,
    MenuButton,
    Press,
    RatingButton,
    ReviewButton,
    Scope,
)


@pytest.mark.parametrize(
    "button",
    [
        MenuButton("wish"),
        DraftButton("ok", 12),
        DuplicateButton("plus1", 3),
        CardButton("accept", 2_147_483_647),
        ForwardButton(9, "STREET"),
        RatingButton("0", 4),
        ReviewButton("check", 77),
    ],
)
def test_every_family_reads_back_what_it_packs(button: object) -> None:
    data = button.pack()  # type: ignore[attr-defined]
    assert len(data.encode()) <= 64
    assert type(button).unpack(data) == button
    assert type(button).matches(data)
    others = [f for f in FAMILIES if f is not type(button)]
    assert not any(f.matches(data) for f in others)  # one family per data


@pytest.mark.parametrize(
    "data",
    [
        "",
        "t",
        "t:accept",
        "t:accept:",
        "t:accept:0",
        "t:accept:-1",
        "t:accept:01",
        "t:accept:2147483648",
        "t:accept:1:2",
        "t:steal:1",
        "t:accept:１",
        "T:accept:1",
        "tf:1:MARS",
        "r:5:1",
        "m:confirm:abc",
        "menu:admin",
        "d:plus1:1:2",
        "x" * 65,
        "t:accept:1" + "0" * 60,
    ],
)
def test_forged_data_is_read_by_no_family(data: str) -> None:
    assert not any(f.matches(data) for f in FAMILIES)


def test_a_button_cannot_be_built_with_what_its_family_does_not_allow() -> None:
    with pytest.raises(ValueError):
        CardButton("steal", 1).pack()  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CardButton("accept", 0).pack()


def test_families_declare_where_they_may_be_pressed() -> None:
    assert {f.prefix: f.scope for f in FAMILIES} == {
        "menu": Scope.PRIVATE,
        "d": Scope.PRIVATE,
        "dup": Scope.PRIVATE,
        "r": Scope.PRIVATE,
        "ta": Scope.PRIVATE,
        "tw": Scope.PRIVATE,
        "t": Scope.CARD,
        "tf": Scope.CARD,
        "m": Scope.REVIEW,
        "mu": Scope.REVIEW,
        "vc": Scope.CARD,
        "vd": Scope.PRIVATE,
        "h": Scope.PRIVATE,
        "hv": Scope.CARD,
        "vb": Scope.PRIVATE,
        "vm": Scope.PRIVATE,
        "wl": Scope.STAFF,
        "tp": Scope.STAFF,
        "ge": Scope.STAFF,
    }


def test_only_the_pressers_own_private_chat_is_private_scope() -> None:
    assert Press(5, "王阿姨", 5, True, 10).in_own_private_chat
    assert not Press(5, "王阿姨", 6, True, 10).in_own_private_chat  # someone else's chat
    assert not Press(5, "王阿姨", -100123, False, 10).in_own_private_chat  # a group
