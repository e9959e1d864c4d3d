"""Residents' first contact and which groups the bot serves, over the real PTB stack."""

from __future__ import annotations

from bot.app import Linli
from bot.services.messaging import text_message
from tests.conftest import Community

MENU = ["提交微心愿", "投诉/报修", "我的工单", "接待日"]


async def resident_groups(linli: Linli) -> list[int]:
    assert linli.db
    async with linli.db.read() as tx:
        return [c.id for c in await tx.chats.resident_groups()]


async def test_start_greets_the_resident_by_name_with_the_menu(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.send(community.auntie, None, "/start")
    reply = await sb.next_message(community.auntie)
    assert reply.text.startswith("王阿姨，您好！")
    assert reply.button_texts == MENU


async def test_help_in_private_shows_the_menu(linli: Linli, community: Community) -> None:
    sb = community.sb
    await sb.send(community.auntie, None, "/help")
    reply = await sb.next_message(community.auntie)
    assert "我能帮您做这些事" in reply.text
    assert reply.button_texts == MENU


async def test_a_name_that_looks_like_html_is_shown_as_typed(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    tricky = sb.add_user("<b>老&王</b>")
    await sb.send(tricky, None, "/start")
    reply = await sb.next_message(tricky)
    assert reply.text.startswith("<b>老&王</b>，您好！")


async def test_plain_text_in_private_gets_a_hint_and_the_menu(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.send(community.auntie, None, "你好，在吗")
    reply = await sb.next_message(community.auntie)
    assert "请点下面的按钮" in reply.text and reply.button_texts == MENU


async def test_a_menu_button_answers_and_an_unknown_one_is_declined(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.send(community.auntie, None, "/start")
    menu = await sb.next_message(community.auntie)
    await sb.press(community.auntie, menu, "我的工单")
    assert "还没有提交过" in (await sb.next_message(community.auntie)).text
    await sb.press(community.auntie, menu, "接待日")
    assert "最近没有安排接待日" in (await sb.next_message(community.auntie)).text
    forged = await sb.callback_answer(await sb.press_data(community.auntie, menu, "claim:999"))
    assert "失效" in forged["text"]


async def test_admin_adding_the_bot_makes_a_resident_group(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.add_bot(community.building, community.admin, admin=True)
    welcome = await sb.next_message(community.building)
    assert "大家好" in welcome.text
    assert await resident_groups(linli) == [community.building.id]


async def test_committee_staff_adding_the_bot_makes_a_resident_group(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.add_bot(community.building, community.staff)
    await sb.next_message(community.building)
    assert await resident_groups(linli) == [community.building.id]


async def test_a_resident_adding_the_bot_gets_one_polite_notice_and_then_silence(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.add_bot(community.hobby, community.neighbour)
    notice = await sb.next_message(community.hobby)
    assert "还没有开通" in notice.text
    await sb.send(community.auntie, community.hobby, "/help")
    await sb.send(community.auntie, community.hobby, "晚上七点广场见")
    await sb.remove_bot(community.hobby, community.neighbour)
    await sb.add_bot(community.hobby, community.neighbour)
    await sb.settle()
    assert len(sb.sent_to(community.hobby)) == 1
    assert await resident_groups(linli) == []


async def test_bind_by_a_resident_is_refused_and_changes_nothing(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.add_bot(community.hobby, community.neighbour)
    await sb.next_message(community.hobby)
    await sb.send(community.neighbour, community.hobby, "/bind")
    refusal = await sb.next_message(community.hobby)
    assert "只有社区工作人员" in refusal.text
    assert await resident_groups(linli) == []


async def test_bind_and_unbind_by_an_admin(linli: Linli, community: Community) -> None:
    sb = community.sb
    await sb.add_bot(community.hobby, community.neighbour)
    await sb.next_message(community.hobby)
    sb.join(community.hobby, community.admin)
    await sb.send(community.admin, community.hobby, "/bind")
    assert "已设为居民群" in (await sb.next_message(community.hobby)).text
    assert await resident_groups(linli) == [community.hobby.id]

    await sb.send(community.auntie, community.hobby, "/help")
    assert "私聊" in (await sb.next_message(community.hobby)).text

    await sb.send(community.admin, community.hobby, "/bind")
    assert "已经是居民群" in (await sb.next_message(community.hobby)).text
    await sb.send(community.admin, community.hobby, "/unbind")
    assert "不再是居民群" in (await sb.next_message(community.hobby)).text
    assert await resident_groups(linli) == []
    await sb.send(community.auntie, community.hobby, "/help")
    await sb.settle()
    assert sb.sent_to(community.hobby)[-1].text.startswith("好的，本群不再是居民群")


async def test_unbind_by_a_resident_is_refused(linli: Linli, community: Community) -> None:
    sb = community.sb
    await sb.add_bot(community.building, community.admin)
    await sb.next_message(community.building)
    await sb.send(community.auntie, community.building, "/unbind")
    assert "只有社区工作人员" in (await sb.next_message(community.building)).text
    assert await resident_groups(linli) == [community.building.id]


async def test_the_committee_chat_cannot_become_a_resident_group(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.send(community.admin, community.committee, "/bind")
    assert "工作人员的群" in (await sb.next_message(community.committee)).text
    assert await resident_groups(linli) == []


async def test_id_tells_the_chat_and_user_ids(linli: Linli, community: Community) -> None:
    sb = community.sb
    await sb.send(community.auntie, None, "/id")
    private = await sb.next_message(community.auntie)
    assert str(community.auntie.id) in private.text
    await sb.send(community.staff, community.committee, "/id")
    group = await sb.next_message(community.committee)
    assert str(community.committee.id) in group.text and str(community.staff.id) in group.text


async def test_removing_the_bot_ends_the_resident_group(linli: Linli, community: Community) -> None:
    sb = community.sb
    await sb.add_bot(community.building, community.admin)
    await sb.next_message(community.building)
    await sb.remove_bot(community.building, community.admin)
    await sb.settle()
    assert await resident_groups(linli) == []


async def test_promoting_the_bot_is_remembered_for_deleting_rumours_later(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.add_bot(community.building, community.admin)
    await sb.next_message(community.building)
    await sb.set_bot_admin(community.building, community.admin)
    await sb.settle()
    assert linli.db
    async with linli.db.read() as tx:
        chat = await tx.chats.get(community.building.id)
    assert chat is not None and chat.bot_is_admin


async def test_command_menus_are_set_per_audience(linli: Linli, community: Community) -> None:
    sb = community.sb

    def names(scope: str) -> set[str]:
        for (key, _), commands in sb.commands.items():
            if f'"type": "{scope}"' in key:
                return {c["command"] for c in commands}
        raise AssertionError(f"no commands for {scope}")

    assert {"start", "help"} <= names("all_private_chats")
    assert "id" not in names("all_private_chats")  # residents need no chat ids
    assert "bind" not in names("all_group_chats") and "id" not in names("all_group_chats")
    assert {"bind", "unbind", "id"} <= names("all_chat_administrators")


async def test_a_failure_inside_a_handler_gets_a_kind_answer_and_changes_nothing(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.add_bot(community.hobby, community.neighbour)
    await sb.next_message(community.hobby)
    sb.join(community.hobby, community.admin)
    sb.faults.fail_next("getChatMember", status=500, times=5)
    await sb.send(community.admin, community.hobby, "/bind")
    answer = await sb.next_message(community.hobby)
    assert answer.text == "抱歉，刚才出了点问题，请稍后再试。"
    assert await resident_groups(linli) == []


async def test_a_resident_who_unblocks_the_bot_is_reachable_again(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.send(community.auntie, None, "/start")
    await sb.next_message(community.auntie)
    sb.block_bot(community.auntie)
    assert linli.services
    async with linli.services.db.transaction() as tx:
        await tx.outbox.enqueue(text_message(community.auntie.id, "您的工单已办结"))
    assert await linli.services.outbox.flush(timeout=5)
    async with linli.services.db.read() as tx:
        person = await tx.people.get(community.auntie.id)
    assert person is not None and not person.private_chat_open  # refused with 403
    await sb.send(community.auntie, None, "/help")  # writing again unblocks
    await sb.next_message(community.auntie)
    async with linli.services.db.read() as tx:
        person = await tx.people.get(community.auntie.id)
    assert person is not None and person.private_chat_open


async def test_a_renamed_group_keeps_its_new_title(linli: Linli, community: Community) -> None:
    sb = community.sb
    await sb.add_bot(community.building, community.admin)
    await sb.next_message(community.building)
    await sb.rename(community.building, community.admin, "3号楼业主交流群")
    await sb.settle()
    assert linli.db
    async with linli.db.read() as tx:
        chat = await tx.chats.get(community.building.id)
    assert chat is not None and chat.title == "3号楼业主交流群"
