"""Debian's headless Chromium driven by Selenium (``/usr/bin/chromium``, never a downloaded
browser): the one set of flags shared by the browser tests and the README's screenshots."""

from __future__ import annotations

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium(
    *flags: str, languages: str = "zh-CN,zh", logs: tuple[str, ...] = ()
) -> webdriver.Chrome:
    """A new headless Chromium with ``FLAGS`` and ``flags``, asking for ``languages`` (Chinese
    first, as the district's browsers are) and keeping the ``logs`` named (``browser``,
    ``performance``) for the test to read."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, *flags):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": languages})
    if logs:
        options.set_capability("goog:loggingPrefs", dict.fromkeys(logs, "ALL"))
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
