"""A founder in a real browser on a phone-sized window (issue 15): the invitation's link,
choosing a password, their startup's page in one column, and the staff pages closed."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from selenium.webdriver.common.by import By

from portfolio.services.founders import founder_invite
from tests.support import factories
from tests.support.factories import stage
from tests.test_browser import Watch, _navigate, _wait_for, browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow

PHONE = (390, 844)  # CSS pixels of a common phone
PASSWORD = "a-long-founder-passphrase-7"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_founder_on_a_phone(live_server, browser, tmp_path: Path):  # noqa: F811
    startup = factories.StartupFactory(name="示例量子", stage=stage("prototype"), trl=5)
    factories.MilestoneFactory(startup=startup, title="第一台样机")
    factories.StartupFactory(name="别家量子")
    founder_invite(startup=startup, email="phone@founder.example", title="创始人")
    link = re.search(r"(/founder/welcome/\S+/)", mail.outbox[0].body).group(1)
    browser.set_window_size(*PHONE)
    watch = Watch(browser, live_server.url)

    browser.get(live_server.url + link)
    _wait_for(browser, "input[name=new_password1]")
    assert "set-password" in browser.current_url  # the token left the address bar
    browser.find_element(By.NAME, "new_password1").send_keys(PASSWORD)
    browser.find_element(By.NAME, "new_password2").send_keys(PASSWORD)
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, "#welcome button[type=submit]"))
    _wait_for(browser, "#founder-card")
    assert urlsplit(browser.current_url).path == "/founder/"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-hans"
    assert browser.find_element(By.ID, "founder-trl").text == "5"
    assert "第一台样机" in browser.find_element(By.ID, "founder-milestones").text
    assert "别家量子" not in browser.page_source
    # One column that fits the phone: nothing wider than the window.
    width = browser.execute_script("return document.documentElement.scrollWidth")
    inner = browser.execute_script("return window.innerWidth")
    assert width <= inner, (width, inner)
    browser.save_screenshot(str(tmp_path / "founder-phone.png"))
    watch.check()

    # The staff pages send the founder back to their own.
    browser.get(live_server.url + "/dashboard/")
    _wait_for(browser, "#founder-card")
    assert urlsplit(browser.current_url).path == "/founder/"

    # The used link says so.
    browser.get(live_server.url + link)
    _wait_for(browser, "#welcome-invalid")
    watch.check()
