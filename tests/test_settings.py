"""Settings: every contract name is read from env and .env; a bad one is one clear line, exit 2."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bot.config import EXPECTED, SettingsError, load_settings
from tests.conftest import PYTHON, ROOT, subprocess_env

VALID = {
    "BOT_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    "COMMITTEE_CHAT_ID": "-1001234567890",
}


def run_bot(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "bot"],
        env=subprocess_env(**env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "name", "expected_words"),
    [
        ({"COMMITTEE_CHAT_ID": "-100123"}, "BOT_TOKEN", "@BotFather"),
        ({"BOT_TOKEN": VALID["BOT_TOKEN"]}, "COMMITTEE_CHAT_ID", "/id"),
        ({**VALID, "TIMEZONE": "Mars/Base"}, "TIMEZONE", "Asia/Shanghai"),
        ({**VALID, "ADMIN_USER_IDS": "abc"}, "ADMIN_USER_IDS", "comma-separated"),
        ({**VALID, "DIGEST_TIME": "25:61"}, "DIGEST_TIME", "HH:MM"),
        ({**VALID, "DATABASE_URL": "mysql://x"}, "DATABASE_URL", "sqlite:///"),
        ({**VALID, "COMMITTEE_CHAT_ID": "工作群"}, "COMMITTEE_CHAT_ID", "numeric"),
        ({**VALID, "BOT_TOKEN": "not-a-token"}, "BOT_TOKEN", "@BotFather"),
    ],
)
def test_a_bad_setting_is_one_clear_line_and_exit_2(
    tmp_path: Path, env: dict[str, str], name: str, expected_words: str
) -> None:
    result = run_bot(env, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0] and expected_words in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_the_token_is_never_echoed_back(tmp_path: Path) -> None:
    result = run_bot({**VALID, "BOT_TOKEN": "secret-looking-value"}, tmp_path)
    assert "secret-looking-value" not in result.stderr


def test_settings_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"BOT_TOKEN={VALID['BOT_TOKEN']}\nCOMMITTEE_CHAT_ID=-100777\nTIMEZONE=Mars/Base\n",
        encoding="utf-8",
    )
    result = run_bot({}, tmp_path)
    assert result.returncode == 2
    assert "TIMEZONE" in result.stderr and "Mars/Base" in result.stderr


def test_defaults_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODERATOR_CHAT_ID", raising=False)
    settings = load_settings(
        _env_file=None,
        bot_token=VALID["BOT_TOKEN"],
        committee_chat_id=-100123,
        admin_user_ids="1001, 1002",
    )
    assert settings.moderator_chat_id == -100123  # moderators default to the committee chat
    assert settings.admin_user_ids == {1001, 1002}
    assert settings.timezone == "Asia/Shanghai"
    assert settings.database_url == "sqlite:///data/linli.db"
    assert settings.bot_api_base_url == "https://api.telegram.org/bot"
    assert settings.digest_time.strftime("%H:%M") == "08:00"


def test_two_bad_settings_name_both(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(
            _env_file=None,
            bot_token=VALID["BOT_TOKEN"],
            committee_chat_id="x",
            timezone="Mars/Base",
        )
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert {"COMMITTEE_CHAT_ID", "TIMEZONE"} == {line.split()[1] for line in lines}


def test_env_example_documents_every_setting_in_english_and_chinese() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert re.search(rf"^#?\s*{name}=", example, re.MULTILINE), name
        comment = example[: example.index(f"{name}=")].rsplit("\n\n", 1)[-1]
        assert re.search(r"[\u4e00-\u9fff]", comment), f"{name} lacks a Chinese comment"
        assert re.search(r"[A-Za-z]{4,} [a-z]{3,}", comment), f"{name} lacks an English comment"


def test_python_m_bot_refuses_a_missing_rules_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "bot"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=subprocess_env(
            BOT_TOKEN="123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
            COMMITTEE_CHAT_ID="-100123",
            COMMUNITY_CONFIG="nope.toml",
        ),
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "nope.toml" in result.stderr
