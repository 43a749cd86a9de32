"""The pages in a real headless Chromium: chat with citations, the scoring dialogue to the chart,
the 高企 form's failed condition and gap, the admin ranking and workbook, a refused token."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.fakes.scoring import generate_firms
from tests.web.browser import DESKTOP, PHONE, browser_or_skip, chromium, screenshots_dir
from tests.web.conftest import ADMIN_TOKEN, LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[Any]:
    browser_or_skip()
    with chromium(tmp_path / "downloads") as d:
        d.downloads = tmp_path / "downloads"
        yield d


def wait(driver: Any, condition: Any, timeout: float = 20) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def by_css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, selector))


def chip(driver: Any, label: str) -> Any:
    """The newest chip with this label."""
    from selenium.webdriver.common.by import By

    xpath = f"//button[contains(@class,'chip') and normalize-space()='{label}']"
    return wait(driver, lambda d: d.find_elements(By.XPATH, xpath))[-1]


def shoot(driver: Any, folder: Path, name: str) -> None:
    """The page at phone and desktop width."""
    for label, size in (("390", PHONE), ("desktop", DESKTOP)):
        driver.set_window_size(*size)
        time.sleep(0.3)
        driver.save_screenshot(str(folder / f"{name}-{label}.png"))
    driver.set_window_size(*PHONE)


def say(driver: Any, text: str) -> None:
    box = by_css(driver, "#text")[0]
    box.send_keys(text)
    by_css(driver, "#send")[0].click()


def test_ask_a_question_and_see_the_cited_answer(driver: Any, live_server: LiveServer, tmp_path: Path) -> None:
    driver.get(live_server.url + "/")
    chip(driver, "积分测算")  # the welcome's chips arrived
    script = "<script>window.pwned=1</script>创新积分怎么用？"
    say(driver, script)
    wait(driver, lambda d: by_css(d, "details.sources"))
    summary = by_css(driver, "details.sources summary")[-1]
    summary.click()
    sources = by_css(driver, "details.sources li")
    assert "成都正式出台企业创新积分制实施方案" in sources[-1].text
    assert "企业创新积分制用积分为企业创新" in by_css(driver, ".msg.bot .text")[-1].text
    assert by_css(driver, ".msg.me .bubble")[-1].text == script  # shown as text …
    assert driver.execute_script("return window.pwned === undefined")  # … never run
    shoot(driver, screenshots_dir(tmp_path), "chat")


def test_scoring_dialogue_reaches_the_chart(driver: Any, live_server: LiveServer) -> None:
    driver.get(live_server.url + "/")
    chip(driver, "积分测算").click()
    chip(driver, "跳过").click()  # the region / industry question
    wait(driver, lambda d: "请提供" in by_css(d, ".msg.bot .text")[-1].text)
    say(driver, "营收3000万，前年2500万，研发投入300万，前年200万，职工80人，研发人员20人，发明专利3件")
    chip(driver, "就这些，去确认").click()
    chip(driver, "确认").click()
    chart = wait(driver, lambda d: by_css(d, ".msg.bot img.chart"))[-1]
    assert "/chat/chart/" in chart.get_attribute("src")  # fetched after the score text
    assert wait(driver, lambda d: d.execute_script("return arguments[0].naturalWidth", chart) > 200)
    assert any("分" in m.text for m in by_css(driver, ".msg.bot .text"))


def test_forget_is_a_button(driver: Any, live_server: LiveServer) -> None:
    driver.get(live_server.url + "/")
    chip(driver, "清除我的数据").click()
    wait(driver, lambda d: len(by_css(d, ".msg.bot .text")) >= 2)
    assert by_css(driver, ".msg.me .bubble")[-1].text == "清除我的数据"


def test_high_tech_form_shows_the_failed_condition_with_its_gap(
    driver: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    driver.get(live_server.url + "/assess#high-tech-2016")
    wait(driver, lambda d: by_css(d, "#f-years_registered"))
    by_css(driver, "#f-revenue")[0].send_keys("三千")  # not a number: an inline message
    by_css(driver, "#submit")[0].click()
    assert "请填写数字" in by_css(driver, "#msg-revenue")[0].text
    by_css(driver, "#f-revenue")[0].clear()
    figures = {"revenue": "3000", "rd_expense": "100", "employees": "50", "rd_staff": "3",
               "invention_patents": "1", "years_registered": "3", "high_tech_revenue": "2000"}
    for name, value in figures.items():
        by_css(driver, f"#f-{name}")[0].send_keys(value)
    by_css(driver, "#submit")[0].click()
    wait(driver, lambda d: by_css(d, "#result")[0].is_displayed())
    failed = [r.text for r in by_css(driver, "#r-verdicts tr.fail")]
    staff = next(row for row in failed if "科技人员占职工总数比例" in row)
    assert "6%" in staff and "≥ 10%" in staff and "还需增加 2 名研发人员" in staff
    assert "初步自评估算" in by_css(driver, "#r-note")[0].text
    assert by_css(driver, "#r-report")[0].get_attribute("href").startswith(live_server.url + "/assess/report/")
    shoot(driver, screenshots_dir(tmp_path), "assess")


def _downloaded(folder: Path) -> Path:
    for _ in range(100):
        done = [p for p in folder.glob("*.xlsx")] if folder.is_dir() else []
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError("no workbook downloaded")


def test_admin_login_upload_ranking_and_workbook(
    driver: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    sheet = tmp_path / "企业名单.xlsx"
    generate_firms(25, seed=11, missing=0.05, invalid=0.0).to_excel(sheet, index=False)
    driver.get(live_server.url + "/admin")
    wait(driver, lambda d: by_css(d, "#login")[0].is_displayed())
    by_css(driver, "#token")[0].send_keys("not-the-token")
    by_css(driver, "#login button")[0].click()
    error = wait(driver, lambda d: [e for e in by_css(d, "#login-error") if e.is_displayed()])[0]
    assert "令牌不正确" in error.text
    assert not by_css(driver, "#panel")[0].is_displayed()
    shots = screenshots_dir(tmp_path)
    shoot(driver, shots, "admin-login")
    by_css(driver, "#token")[0].clear()
    by_css(driver, "#token")[0].send_keys(ADMIN_TOKEN)
    by_css(driver, "#login button")[0].click()
    wait(driver, lambda d: by_css(d, "#panel")[0].is_displayed())
    by_css(driver, "#batch-file")[0].send_keys(str(sheet))
    by_css(driver, "#batch-submit")[0].click()
    wait(driver, lambda d: len(by_css(d, "#ranking-table tbody tr")) == 25)
    stages = [b for b in by_css(driver, "#stage-filter button") if b.text != "全部阶段"]
    stages[0].click()
    shown = by_css(driver, "#ranking-table tbody tr")
    assert 0 < len(shown) < 25 and all(stages[0].text in row.text for row in shown)
    shoot(driver, shots, "admin-ranking")
    by_css(driver, "#batch-download")[0].click()
    book = openpyxl.load_workbook(io.BytesIO(_downloaded(driver.downloads).read_bytes()))
    assert book["评分结果"].max_row == 26
