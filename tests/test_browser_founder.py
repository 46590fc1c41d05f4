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


def _log_in(driver, url: str, username: str, password: str) -> None:
    driver.delete_all_cookies()
    driver.get(url + "/accounts/login/")
    _wait_for(driver, "input[name=username]")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    _navigate(driver, driver.find_element(By.CSS_SELECTOR, ".login button[type=submit]"))


def _kpi_cells(driver, url: str, request) -> tuple[str, str]:
    """The pipeline dashboard's KPI panel: (submitted, approved) of ``request``'s row."""
    driver.get(url + "/dashboard/")
    row = _wait_for(driver, f'#kpi-completeness tr[data-request="{request.pk}"]')
    return (
        row.find_element(By.CSS_SELECTOR, ".kpi-submitted").text,
        row.find_element(By.CSS_SELECTOR, ".kpi-approved").text,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_founder_submits_a_quarter_on_a_phone_and_staff_approve_it(  # noqa: F811
    live_server,
    browser,  # noqa: F811
    tmp_path: Path,
):
    import datetime as dt
    from decimal import Decimal

    from portfolio.models import KpiSubmission
    from portfolio.services import kpis
    from tests.support.founders import make_founder

    own = factories.StartupFactory(name="示例量子")
    other = factories.StartupFactory(name="别家量子")
    founder = make_founder(own, "phone-founder")  # password: pass-for-tests-1
    factories.UserFactory(username="staff", role="incubator-staff")
    request = kpis.kpi_request_open(
        year=2024, quarter=1, due_on=dt.date(2024, 4, 30), startups=[own.pk, other.pk]
    )
    url = live_server.url
    watch = Watch(browser, url)

    # The staff's panel before: nothing submitted, nothing approved.
    _log_in(browser, url, "staff", "pass-for-tests-1")
    assert _kpi_cells(browser, url, request) == ("0", "0")

    # The founder, on a phone: the request on their page, the form, submitted.
    browser.set_window_size(*PHONE)
    _log_in(browser, url, founder.username, "pass-for-tests-1")
    item = _wait_for(browser, f"#kpi-request-{request.pk}")
    assert item.find_element(By.CSS_SELECTOR, "[data-status]").get_attribute("data-status") == (
        "not_started"
    )
    _navigate(browser, item.find_element(By.CSS_SELECTOR, "a.kpi-link"))
    _wait_for(browser, "#kpi-form form")
    assert urlsplit(browser.current_url).path == "/founder/kpis/2024/1/"
    figures = {
        "revenue": "123.45",
        "rd_spend": "80",
        "headcount": "12",
        "patents_filed": "3",
        "patents_granted": "1",
        "customers": "2",
        "cash": "500",
        "runway_months": "18",
        "taxes_paid": "2",
        "phd_staff": "3",
        "new_graduates_hired": "1",
        "invention_patents_filed": "2",
        "invention_patents_granted": "1",
    }
    for name, value in figures.items():
        field = browser.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= browser.execute_script("return window.innerWidth"), width
    browser.save_screenshot(str(tmp_path / "founder-kpi-form.png"))
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, "#kpi-form button[type=submit]"))
    status = _wait_for(browser, "#kpi-status")
    assert status.get_attribute("data-status") == "submitted"
    assert not browser.find_elements(By.CSS_SELECTOR, "#kpi-form form")  # read-only now
    submission = KpiSubmission.objects.get(startup=own)
    assert (submission.revenue, submission.cash) == (Decimal("1234500.00"), Decimal("5000000.00"))
    watch.check()

    # Staff: the panel counts the submission; they approve it in the admin's review form.
    browser.set_window_size(1280, 900)
    _log_in(browser, url, "staff", "pass-for-tests-1")
    assert _kpi_cells(browser, url, request) == ("1", "0")
    browser.get(f"{url}/admin/portfolio/kpisubmission/{submission.pk}/change/")
    decision = _wait_for(browser, "select[name=decision]")
    decision.find_element(By.CSS_SELECTOR, 'option[value="approve"]').click()
    _navigate(browser, browser.find_element(By.NAME, "_save"))
    submission.refresh_from_db()
    assert submission.status == "approved"
    assert _kpi_cells(browser, url, request) == ("1", "1")  # the approved count moved
    browser.get_log("browser")  # the admin's pages ask for a favicon the site has not got

    # The founder sees it approved.
    browser.set_window_size(*PHONE)
    _log_in(browser, url, founder.username, "pass-for-tests-1")
    item = _wait_for(browser, f"#kpi-request-{request.pk}")
    assert item.find_element(By.CSS_SELECTOR, "[data-status]").get_attribute("data-status") == (
        "approved"
    )
    watch.check()
