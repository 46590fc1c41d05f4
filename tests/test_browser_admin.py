"""End to end in a real headless Chromium: staff log in, add a startup, advance it, see history."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from portfolio.models import Startup
from tests.support import factories
from tests.support.chromium import chromium

pytestmark = pytest.mark.slow


@pytest.fixture
def browser():
    driver = chromium("--lang=zh-CN", "--window-size=1400,1000", logs=("browser",))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def submit(driver, name: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f'input[type="submit"][name="{name}"]').click()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_add_advance_and_see_history(live_server, browser):
    factories.UserFactory(username="staff", role="incubator-staff")
    wait = WebDriverWait(browser, 10)

    browser.get(f"{live_server.url}/admin/login/")
    browser.find_element(By.NAME, "username").send_keys("staff")
    browser.find_element(By.NAME, "password").send_keys("pass-for-tests-1")
    browser.find_element(By.CSS_SELECTOR, 'input[type="submit"]').click()
    wait.until(ec.presence_of_element_located((By.ID, "user-tools")))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-hans"

    browser.get(f"{live_server.url}/admin/portfolio/startup/add/")
    browser.find_element(By.NAME, "name").send_keys("华翊量子")
    browser.find_element(By.NAME, "name_en").send_keys("HYQ")
    Select(browser.find_element(By.NAME, "tech_area")).select_by_value("computing")
    Select(browser.find_element(By.NAME, "stage")).select_by_visible_text("概念验证")
    browser.find_element(By.NAME, "trl").send_keys("3")
    browser.find_element(By.NAME, "entered_on").send_keys("2024-01-10")
    submit(browser, "_continue")

    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "a.advance-link")))
    startup = Startup.objects.get(name="华翊量子")
    assert startup.stage.slug == "concept"
    browser.find_element(By.CSS_SELECTOR, "a.advance-link").click()

    Select(browser.find_element(By.NAME, "to_stage")).select_by_visible_text("原型开发")
    browser.find_element(By.NAME, "on").clear()
    browser.find_element(By.NAME, "on").send_keys("2024-06-01")
    browser.find_element(By.NAME, "trl").clear()
    browser.find_element(By.NAME, "trl").send_keys("4")
    browser.find_element(By.NAME, "note").send_keys("离子阱样机完成")
    submit(browser, "_advance")

    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "a.historylink")))
    assert "2024-06-01" in browser.find_element(By.ID, "content-main").text
    startup.refresh_from_db()
    assert (startup.stage.slug, startup.trl) == ("prototype", 4)

    browser.find_element(By.CSS_SELECTOR, "a.historylink").click()
    wait.until(ec.presence_of_element_located((By.ID, "change-history")))
    history = browser.find_element(By.ID, "change-history").text
    assert history.count("staff") >= 2  # created, then advanced: both by the staff user

    # The Content-Security-Policy blocked nothing on these pages, nor on the browsable API
    # and the API docs (issue 13, finding 10).
    for url in ("/api/v1/startups/", f"/api/v1/startups/{startup.pk}/", "/api/docs/"):
        browser.get(f"{live_server.url}{url}")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".swagger-ui")))
    refused = [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]
    assert refused == [], "\n".join(refused)
