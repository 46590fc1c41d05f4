"""The commands that take a username refuse an unknown one with the same error."""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_import_data_refuses_an_unknown_user(tmp_path):
    path = tmp_path / "startups.csv"
    path.write_text("name\n", encoding="utf-8")
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("import_data", "startups", str(path), "--user", "nobody")


def test_api_token_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("api_token", "nobody")
