"""Screenshots of the three dashboards, for the README.

Against a running demo (``make demo`` in another terminal), with Debian's Chromium:

    .venv-test/bin/python docs/screenshots/take_screenshots.py http://127.0.0.1:8000

Logs in as the demo viewer and saves full-page PNGs next to this file: the pipeline, fund,
LP, startup and impact pages in Chinese (the default) on a laptop-sized window, the overview in
English on a tablet, and a founder's page (``founder1``) on a phone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script from the checkout

from tests.support.chromium import chromium  # noqa: E402


def browser(language: str) -> webdriver.Chrome:
    return chromium("--hide-scrollbars", languages=language)


def log_in(driver, base: str, username: str, password: str, lands: str = "/dashboard/") -> None:
    driver.get(base + "/accounts/login/")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, ".login button[type=submit]").click()
    WebDriverWait(driver, 15).until(EC.url_contains(lands))


def shoot(driver, url: str, path: Path, width: int) -> None:
    driver.set_window_size(width, 900)
    driver.get(url)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, height)
    driver.save_screenshot(str(path))
    print(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--user", default="viewer")
    parser.add_argument("--password", default="quantum-demo-2024")
    parser.add_argument("--fund", type=int, default=1)
    parser.add_argument("--startup", type=int, default=1)
    args = parser.parse_args()
    base = args.base.rstrip("/")

    driver = browser("zh-CN,zh")
    try:
        log_in(driver, base, args.user, args.password)
        shoot(driver, base + "/dashboard/", HERE / "pipeline.png", 1280)
        shoot(driver, f"{base}/dashboard/funds/{args.fund}/", HERE / "fund.png", 1280)
        shoot(driver, f"{base}/dashboard/funds/{args.fund}/lps/", HERE / "fund-lps.png", 1280)
        shoot(driver, f"{base}/dashboard/startups/{args.startup}/", HERE / "startup.png", 1280)
        shoot(driver, f"{base}/dashboard/impact/?year=2025", HERE / "impact.png", 1280)
    finally:
        driver.quit()
    driver = browser("en-US,en")
    try:
        log_in(driver, base, args.user, args.password)
        shoot(driver, base + "/dashboard/", HERE / "pipeline-tablet-en.png", 820)
    finally:
        driver.quit()
    driver = browser("zh-CN,zh")  # a founder on a phone
    try:
        log_in(driver, base, "founder1", args.password, lands="/founder/")
        shoot(driver, base + "/founder/", HERE / "founder-phone.png", 390)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
