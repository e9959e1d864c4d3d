"""Group life as the committee sees it: the bot added by someone who may not enable it (with a
button to enable it there), removed from a resident group, or without the right to delete
messages; and what a group is told when it is bound."""

from __future__ import annotations

from bot.app import Linli
from tests.conftest import Community


async def resident_groups(linli: Linli) -> list[int]:
    assert linli.db
    async with linli.db.read() as tx:
        return [c.id for c in await tx.chats.resident_groups()]


async def test_a_resident_adding_the_bot_is_told_to_the_committee_who_may_enable_it(
    linli: Linli, community: Community
) -> None:
    c, sb = community, community.sb
    await sb.add_bot(c.hobby, c.neighbour)
    assert "还没有开通" in (await sb.next_message(c.hobby)).text
    notice = await sb.next_message(c.committee, containing="广场舞交流群")
    assert "赵师傅 把我加进了群「广场舞交流群」" in notice.text
    assert notice.button_texts == ["在该群开通"]
    assert await resident_groups(linli) == []

    answer = await sb.callback_answer(await sb.press(c.staff, notice, "在该群开通"))
    assert answer["text"] == "已在该群开通"
    assert "邻里小助手" in (await sb.next_message(c.hobby)).text
    done = await sb.wait_for_edit(notice, "张主任 已在该群开通")
    assert done.button_texts == []
    assert await resident_groups(linli) == [c.hobby.id]
    # It is no admin there: the committee hears that rumours could not be removed.
    assert (
        "还不是能删消息的管理员"
        in (await sb.next_message(c.committee, containing="广场舞交流群")).text
    )
    again = await sb.callback_answer(
        await sb.press_data(c.staff, notice, notice.button_data("在该群开通"))
    )
    assert again["text"] == "该群已经开通了"


async def test_the_enable_button_works_only_in_the_committee_chat(
    linli: Linli, community: Community
) -> None:
    c, sb = community, community.sb
    await sb.add_bot(c.hobby, c.neighbour)
    notice = await sb.next_message(c.committee, containing="广场舞交流群")
    data = notice.button_data("在该群开通")
    assert data is not None
    await sb.add_bot(c.building, c.admin, admin=True)
    welcome = await sb.next_message(c.building)
    answer = await sb.callback_answer(await sb.press_data(c.auntie, welcome, data))
    assert "失效" in answer["text"]
    assert await resident_groups(linli) == [c.building.id]


async def test_the_committee_hears_when_the_bot_is_removed_from_a_resident_group(
    linli: Linli, community: Community
) -> None:
    c, sb = community, community.sb
    await sb.add_bot(c.building, c.admin, admin=True)
    await sb.next_message(c.building)
    await sb.remove_bot(c.building, c.admin)
    told = await sb.next_message(c.committee, containing="移出")
    assert "李书记 把我移出了居民群「3号楼业主群」" in told.text


async def test_the_committee_hears_when_the_bot_loses_the_right_to_delete(
    linli: Linli, community: Community
) -> None:
    c, sb = community, community.sb
    await sb.add_bot(c.building, c.admin, admin=True)
    await sb.next_message(c.building)
    await sb.set_bot_admin(c.building, c.admin, admin=False)
    told = await sb.next_message(c.committee, containing="不能删消息")
    assert "「3号楼业主群」" in told.text and "李书记" in told.text


async def test_staff_adding_the_bot_without_admin_rights_are_asked_to_make_it_one(
    linli: Linli, community: Community
) -> None:
    c, sb = community, community.sb
    await sb.add_bot(c.building, c.admin)
    welcome = await sb.next_message(c.building)
    assert "邻里小助手" in welcome.text and "李书记，请把我设为本群管理员" in welcome.text
    told = await sb.next_message(c.committee, containing="3号楼业主群")
    assert "还不是能删消息的管理员" in told.text


async def test_after_bind_the_group_hears_in_one_line_what_the_bot_does(
    linli: Linli, community: Community
) -> None:
    c, sb = community, community.sb
    await sb.add_bot(c.hobby, c.neighbour)
    await sb.next_message(c.hobby)
    sb.join(c.hobby, c.admin)
    await sb.send(c.admin, c.hobby, "/bind")
    bound = await sb.next_message(c.hobby)
    first, ask = bound.text.split("\n")
    assert "已设为居民群" in first and "#投诉" in first and "接待日" in first
    assert ask.startswith("李书记，请把我设为本群管理员")
    assert (
        "还不是能删消息的管理员"
        in (await sb.next_message(c.committee, containing="还不是能删消息")).text
    )
