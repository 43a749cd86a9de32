"""The self-assessment page's endpoints: grouped schema, inline errors, verdicts with gaps, report."""

from __future__ import annotations

import io

import openpyxl
from aiohttp.test_utils import TestClient

from tests.web.conftest import XHR, chat_client_cookie
from tests.web.test_api import FIRM


async def test_schema_groups_fields_as_the_rule_sets_do(client: TestClient) -> None:
    schema = {s["id"]: s for s in await (await client.get("/assess/schema")).json()}
    assert set(schema) == {"cn-ref-2024", "tech-sme-2022", "high-tech-2016"}
    assert [g["label"] for g in schema["cn-ref-2024"]["groups"]][:3] == ["技术创新", "成长经营", "辅助"]
    sme = [g["label"] for g in schema["tech-sme-2022"]["groups"]]
    assert {"科技人员", "研发投入", "科技成果"} <= set(sme)
    revenue = next(
        f for g in schema["high-tech-2016"]["groups"] for f in g["fields"] if f["name"] == "revenue"
    )
    assert revenue["unit"] == "万元" and revenue["required"] is True


async def _assess(client: TestClient, rule_set: str, figures: dict[str, object]) -> tuple[int, dict]:
    await chat_client_cookie(client)
    body = {"rule_set": rule_set, "figures": figures, "firm_name": "测试科技有限公司"}
    response = await client.post("/assess/score", json=body, headers=XHR)
    return response.status, await response.json()


async def test_high_tech_form_shows_the_failed_condition_with_its_gap(client: TestClient) -> None:
    status, body = await _assess(client, "high-tech-2016", FIRM)
    assert status == 200
    staff = next(v for v in body["verdicts"] if v["label"].startswith("科技人员占职工总数比例"))
    assert staff["status"] == "fail"
    assert staff["value"] == "6%" and staff["threshold"] == "≥ 10%"
    assert staff["gap"] == "还需增加 2 名研发人员（若全部新招聘，需招 3 名）"
    assert body["chart"].startswith("data:image/png;base64,")
    assert "初步自评估算" in body["note"]


async def test_points_form_gives_suggestions(client: TestClient) -> None:
    status, body = await _assess(client, "cn-ref-2024", FIRM)
    assert status == 200
    assert body["headline"]["value"].endswith("分")
    assert body["suggestions"][0].startswith("距 ")  # the next band
    assert any("→" in line for line in body["suggestions"])


async def test_bad_fields_come_back_one_message_each(client: TestClient) -> None:
    status, body = await _assess(client, "tech-sme-2022", {"revenue": "很多", "employees": "-3"})
    assert status == 422
    assert set(body["fields"]) == {"revenue", "employees"}


async def test_the_report_is_one_page_with_the_preliminary_note(client: TestClient) -> None:
    status, body = await _assess(client, "high-tech-2016", FIRM)
    assert status == 200
    response = await client.get(body["report"])
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(await response.read())).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    text = "\n".join(cells)
    assert "测试科技有限公司" in text
    assert "初步自评估算" in text
    assert "还需增加 2 名研发人员" in text
    assert sheet.page_setup.fitToHeight == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage


async def test_another_visitor_cannot_fetch_the_report(client: TestClient) -> None:
    _status, body = await _assess(client, "high-tech-2016", FIRM)
    client.session.cookie_jar.clear()
    await chat_client_cookie(client)  # a new identity
    response = await client.get(body["report"])
    assert response.status == 404
