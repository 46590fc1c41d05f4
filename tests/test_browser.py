"""The dashboards in a real browser: Debian's headless Chromium driven by Selenium.

Log in, open each page, apply a filter, switch the language; the console stays clean and
the browser asks nothing of any host but the test server.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.support import factories
from tests.support.chromium import chromium
from tests.support.worlds import build_world

pytestmark = pytest.mark.slow


@pytest.fixture
def browser():
    driver = chromium(
        "--disable-default-apps", "--window-size=1280,900", logs=("browser", "performance")
    )
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


class Watch:
    """Collects console errors and every URL the browser requested."""

    def __init__(self, driver, server_url: str):
        self.driver = driver
        self.origin = urlsplit(server_url).netloc

    def check(self) -> None:
        errors = [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == [], errors
        foreign, own = [], []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] != "Network.requestWillBeSent":
                continue
            url = message["params"]["request"]["url"]
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about", "chrome"):
                continue
            (own if parts.netloc == self.origin else foreign).append(url)
        assert foreign == [], foreign
        # The log is live: the page and its stylesheet came from the test server.
        assert any(url.endswith("dashboard.css") for url in own), own


def _replaced(page):
    """A wait condition: the old page's root element is gone. Chromium answers touching it
    with a stale-element error, or, while the next document is coming in, with an inspector
    error ("Node with given id does not belong to the document"): both mean it is gone."""

    def gone(driver) -> bool:
        try:
            page.is_enabled()
        except WebDriverException:  # StaleElementReferenceException is one
            return True
        return False

    return gone


def _navigate(driver, element) -> None:
    """Click ``element`` and wait until the next page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 15).until(_replaced(page))


def _lang(driver) -> str:
    return driver.find_element(By.TAG_NAME, "html").get_attribute("lang")


def _wait_for(driver, css: str):
    return WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


# Transactional (the live server reads committed rows); serialized_rollback restores the
# migrations' data (stages, roles) that another transactional test may have flushed.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dashboards_in_a_real_browser(live_server, browser, tmp_path: Path):
    world = build_world(7)
    factories.UserFactory(username="official", role="viewers")
    watch = Watch(browser, live_server.url)

    # Login required: the overview sends an anonymous visitor to the login page.
    browser.get(live_server.url + "/dashboard/")
    _wait_for(browser, "input[name=username]")
    assert "/accounts/login/" in browser.current_url
    browser.find_element(By.NAME, "username").send_keys("official")
    browser.find_element(By.NAME, "password").send_keys("pass-for-tests-1")
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, ".login button[type=submit]"))
    _wait_for(browser, "#chart-funnel svg")
    assert urlsplit(browser.current_url).path == "/dashboard/"
    assert _lang(browser) == "zh-hans"
    assert "万元" in browser.find_element(By.ID, "kpi-raised").text
    for chart in ("funnel", "conversion", "median", "cohort", "raised", "tech-area"):
        assert browser.find_element(By.CSS_SELECTOR, f"#chart-{chart} svg").is_displayed()
    browser.save_screenshot(str(tmp_path / "pipeline.png"))
    watch.check()

    # A filter: the choice is kept in the URL and in the form, the charts follow it.
    Select(browser.find_element(By.NAME, "tech_area")).select_by_value("sensing")
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, "#filters button[type=submit]"))
    assert "tech_area=sensing" in browser.current_url
    _wait_for(browser, "#chart-funnel svg")
    selected = Select(browser.find_element(By.NAME, "tech_area")).first_selected_option
    assert selected.get_attribute("value") == "sensing"
    tech_rows = browser.find_elements(By.CSS_SELECTOR, "#chart-tech-area-table tbody tr")
    assert len(tech_rows) == 1
    export = browser.find_element(By.CSS_SELECTOR, "#chart-funnel a.export")
    assert "tech_area=sensing" in export.get_attribute("href")
    # The data table opens and holds the chart's numbers.
    browser.find_element(By.CSS_SELECTOR, "#chart-funnel details summary").click()
    assert browser.find_element(By.ID, "chart-funnel-table").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "#chart-funnel button.copy").click()
    watch.check()

    # The fund page, from the navigation.
    fund_link = f'.mainnav a[href="/dashboard/funds/{world.fund.pk}/"]'
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, fund_link))
    _wait_for(browser, "#chart-capital svg")
    assert "2.00 亿元" in browser.find_element(By.ID, "fund-size").text
    assert browser.find_elements(By.CSS_SELECTOR, "#compliance .pill")
    browser.save_screenshot(str(tmp_path / "fund.png"))
    watch.check()

    # A startup page, from the holdings table.
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, "#holdings tbody a"))
    _wait_for(browser, "#chart-timeline svg")
    assert browser.find_element(By.CSS_SELECTOR, "#chart-trl svg").is_displayed()
    browser.save_screenshot(str(tmp_path / "startup.png"))
    watch.check()

    # Switch to English: the same page comes back in English with CNY millions.
    _navigate(browser, browser.find_element(By.ID, "lang-en"))
    assert _lang(browser) == "en"
    _wait_for(browser, "#chart-timeline svg")
    assert "/dashboard/startups/" in browser.current_url
    assert "CNY" in browser.find_element(By.ID, "startup-raised").text
    browser.get(live_server.url + f"/dashboard/funds/{world.fund.pk}/")
    assert browser.find_element(By.ID, "fund-size").text == "CNY 200.0M"
    watch.check()

    # And back to Chinese.
    _navigate(browser, browser.find_element(By.ID, "lang-zh-hans"))
    assert _lang(browser) == "zh-hans"
    assert browser.find_element(By.ID, "fund-size").text == "2.00 亿元"
    watch.check()
    assert {p.name for p in tmp_path.iterdir()} == {"pipeline.png", "fund.png", "startup.png"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_valley_chart_stuck_table_and_population_switch_in_a_real_browser(
    live_server, browser, tmp_path: Path
):
    build_world(7)  # startups in prototype and pilot, crossed, closed from the valley
    factories.StartupFactory(name="跟踪企业", admitted_on=None, entered_on=dt.date(2022, 1, 1))
    late = factories.StartupFactory(name="逾期企业")  # agreement from 2021-03-01: 48 months
    factories.IncubationAgreementFactory(startup=late, starts_on=dt.date(2021, 3, 1))
    factories.UserFactory(username="official", role="viewers")
    watch = Watch(browser, live_server.url)
    browser.get(live_server.url + "/accounts/login/?next=/dashboard/")
    _wait_for(browser, "input[name=username]")
    browser.find_element(By.NAME, "username").send_keys("official")
    browser.find_element(By.NAME, "password").send_keys("pass-for-tests-1")
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, ".login button[type=submit]"))

    # The time-in-the-valley chart: drawn, one step curve per group, its table and export.
    svg = _wait_for(browser, "#chart-valley-survival svg")
    assert svg.is_displayed()
    curves = browser.find_elements(By.CSS_SELECTOR, "#chart-valley-survival .survival-curve")
    assert len(curves) >= 2  # all, and at least one of fund-backed / not backed
    export = browser.find_element(By.CSS_SELECTOR, "#chart-valley-survival a.export")
    assert "/api/v1/reports/valley/" in export.get_attribute("href")
    browser.find_element(By.CSS_SELECTOR, "#chart-valley-survival details summary").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#chart-valley-survival-table tbody tr")
    assert len(rows) == len(curves)

    # The stuck table: rows, longest first, with days in the valley.
    table = browser.find_element(By.ID, "stuck-table")
    assert table.is_displayed()
    stuck = browser.find_elements(By.CSS_SELECTOR, "#stuck-table tbody tr")
    days = [int(r.find_elements(By.TAG_NAME, "td")[1].text.replace(",", "")) for r in stuck]
    assert days and days == sorted(days, reverse=True)
    # The tracked company sits in the benchmark panel, not in the incubator's figures.
    assert "跟踪企业" in browser.find_element(By.ID, "tracked-benchmark").text
    # The incubation panels (issue 16): the late incubatee, and the graduation-test panel.
    assert "逾期企业" in browser.find_element(By.ID, "past-incubation-deadline").text
    assert browser.find_element(By.ID, "graduation-due").is_displayed()
    browser.save_screenshot(str(tmp_path / "valley.png"))
    watch.check()

    # The population switch: all companies, kept in the URL; the benchmark panel goes.
    Select(browser.find_element(By.NAME, "population")).select_by_value("all")
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, "#filters button[type=submit]"))
    assert "population=all" in browser.current_url
    _wait_for(browser, "#chart-valley-survival svg")
    assert not browser.find_elements(By.ID, "tracked-benchmark")
    watch.check()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_impact_page_in_a_real_browser(live_server, browser, tmp_path: Path):
    """From the navigation to the impact page (issue 16): the hand-worked world's figures,
    the thresholds' statuses, both charts drawn; a year and a population chosen in the form;
    a bad year shown as the form's error."""
    from tests.support.impact_world import impact_world

    impact_world()
    factories.UserFactory(username="official", role="viewers")
    watch = Watch(browser, live_server.url)
    browser.get(live_server.url + "/accounts/login/?next=/dashboard/")
    _wait_for(browser, "input[name=username]")
    browser.find_element(By.NAME, "username").send_keys("official")
    browser.find_element(By.NAME, "password").send_keys("pass-for-tests-1")
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, ".login button[type=submit]"))
    _wait_for(browser, "#chart-funnel svg")

    # The navigation's link; then 2025 chosen in the form (kept in the URL and the form).
    _navigate(
        browser, browser.find_element(By.CSS_SELECTOR, '.mainnav a[href="/dashboard/impact/"]')
    )
    _wait_for(browser, "#impact-figures")
    year = browser.find_element(By.NAME, "year")
    year.clear()
    year.send_keys("2025")
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, "#filters button[type=submit]"))
    assert "year=2025" in browser.current_url
    _wait_for(browser, "#chart-impact-thresholds svg")
    assert browser.find_element(By.ID, "impact-jobs").text == "17"
    assert browser.find_element(By.ID, "impact-patents-filed").text == "7"
    assert browser.find_element(By.NAME, "year").get_attribute("value") == "2025"
    statuses = {
        row.get_attribute("data-status")
        for row in browser.find_elements(By.CSS_SELECTOR, "#impact-thresholds-table tbody tr")
    }
    assert statuses == {"met", "not_yet", "no_data"}
    for chart in ("thresholds", "financing"):
        assert browser.find_element(By.CSS_SELECTOR, f"#chart-impact-{chart} svg").is_displayed()
    export = browser.find_element(By.CSS_SELECTOR, "#chart-impact-financing a.export")
    assert "/api/v1/reports/impact/?year=2025" in export.get_attribute("href")
    browser.save_screenshot(str(tmp_path / "impact.png"))
    watch.check()

    # Tracked companies: their own figures, the same thresholds.
    Select(browser.find_element(By.NAME, "population")).select_by_value("tracked")
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, "#filters button[type=submit]"))
    assert "population=tracked" in browser.current_url
    _wait_for(browser, "#impact-figures")
    assert browser.find_element(By.ID, "impact-jobs").text == "50"
    watch.check()

    # A year out of range: the form says so, nothing else is drawn.
    browser.get(live_server.url + "/dashboard/impact/?year=1999")
    error = _wait_for(browser, "#filters .error")
    assert error.is_displayed() and "2000" in error.text
    assert not browser.find_elements(By.ID, "impact-figures")
