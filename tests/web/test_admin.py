"""The administrator's page: login, expiry, CSRF, batch ranking, briefings, subscribers."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.channels.web.admin import ADMIN_KEY
from bot.channels.web.tokens import AdminSessions
from tests.web.conftest import ADMIN_TOKEN, XHR, WebRig
from tests.web.test_api import _sheet


async def login(client: TestClient, token: str = ADMIN_TOKEN) -> dict[str, str]:
    """Log in; the headers every later change must carry."""
    response = await client.post("/admin/login", json={"token": token}, headers=XHR)
    assert response.status == 200, await response.text()
    return {**XHR, "X-CSRF-Token": (await response.json())["csrf"]}


def _file(data: bytes, name: str, rule_set: str = "cn-ref-2024") -> FormData:
    form = FormData()
    form.add_field("rule_set", rule_set)
    form.add_field("file", data, filename=name)
    return form


async def test_wrong_token_is_refused_and_repeated_tries_are_locked_out(client: TestClient) -> None:
    for _ in range(5):
        response = await client.post("/admin/login", json={"token": "guess"}, headers=XHR)
        assert response.status == 401
        assert "令牌不正确" in (await response.json())["error"]
    locked = await client.post("/admin/login", json={"token": ADMIN_TOKEN}, headers=XHR)
    assert locked.status == 429
    assert "尝试次数过多" in (await locked.json())["error"]


async def test_admin_api_needs_a_session(client: TestClient) -> None:
    for path in ("/admin/api/state", "/admin/api/briefings", "/admin/api/subscribers"):
        response = await client.get(path)
        assert response.status == 401
        assert "请先登录" in (await response.json())["error"]


async def test_sessions_expire(client: TestClient) -> None:
    clock = [1000.0]
    client.app[ADMIN_KEY].sessions = AdminSessions(60, now=lambda: clock[0])
    await login(client)
    assert (await client.get("/admin/api/state")).status == 200
    clock[0] += 61
    assert (await client.get("/admin/api/state")).status == 401


async def test_changes_without_the_csrf_token_are_refused(client: TestClient) -> None:
    await login(client)
    response = await client.post(
        "/admin/api/batch", data=_file(_sheet(), "firms.xlsx"), headers=XHR
    )
    assert response.status == 403
    assert "安全校验" in (await response.json())["error"]


async def test_upload_ranks_filters_and_offers_the_workbook(client: TestClient) -> None:
    headers = await login(client)
    response = await client.post("/admin/api/batch", data=_file(_sheet(15), "企业.xlsx"), headers=headers)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert len(body["rows"]) == 15
    keys = [c["key"] for c in body["columns"]]
    assert {"rank", "name", "stage", "total", "list"} <= set(keys)
    totals = [r["total"] for r in body["rows"] if r["total"] is not None]
    assert totals == sorted(totals, reverse=True)
    assert body["stages"] and set(body["stages"]) <= {"初创期", "成长期", "稳定期"}
    workbook = await client.get(body["download"])
    assert workbook.status == 200
    book = openpyxl.load_workbook(io.BytesIO(await workbook.read()))
    assert book["评分结果"].max_row == 16


async def test_spreadsheet_disguised_as_image_and_image_disguised_as_spreadsheet(
    client: TestClient,
) -> None:
    headers = await login(client)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    as_xlsx = await client.post("/admin/api/batch", data=_file(png, "firms.xlsx"), headers=headers)
    assert as_xlsx.status == 415
    assert "内容与扩展名不符" in (await as_xlsx.json())["error"]
    as_png = await client.post("/admin/api/batch", data=_file(_sheet(), "firms.png"), headers=headers)
    assert as_png.status == 415
    assert "只支持 CSV、XLSX 或 XLS" in (await as_png.json())["error"]


async def test_briefing_upload_stays_in_the_data_dir_and_reports_progress(
    client: TestClient, rig: WebRig
) -> None:
    headers = await login(client)
    form = FormData()
    form.add_field("file", "成都积分贷简报正文。".encode(), filename="../../etc/<script>x</script>.txt")
    response = await client.post("/admin/api/briefings", data=form, headers=headers)
    assert response.status == 200, await response.text()
    job = (await response.json())["job"]
    for _ in range(50):
        state = await (await client.get(f"/admin/api/jobs/{job}")).json()
        if state["state"] != "running":
            break
        import asyncio

        await asyncio.sleep(0.05)
    assert state["state"] == "done" and state["done"] == state["total"] == 3
    saved = rig.briefings.paths[0]
    assert saved.is_relative_to(rig.config.upload_dir)
    assert "<" not in saved.name and "/" not in saved.name
    listed = await (await client.get("/admin/api/briefings")).json()
    assert [b["id"] for b in listed] == ["doc1"]
    removed = await client.post("/admin/api/briefings/remove", json={"id": "doc1"}, headers=headers)
    assert removed.status == 200
    unknown = await client.post("/admin/api/briefings/remove", json={"id": "doc1"}, headers=headers)
    assert unknown.status == 404


async def test_subscribers_and_deliveries(client: TestClient) -> None:
    await login(client)
    body = await (await client.get("/admin/api/subscribers")).json()
    assert body["counts"] == {"wechat": 3, "telegram": 1}
    assert body["deliveries"][0]["status"] == "delivered"


async def test_logout_ends_the_session(client: TestClient) -> None:
    headers = await login(client)
    assert (await client.post("/admin/logout", json={}, headers=headers)).status == 200
    assert (await client.get("/admin/api/state")).status == 401


def test_upload_dir_is_inside_the_data_dir(rig: WebRig) -> None:
    assert rig.config.upload_dir.is_relative_to(Path(rig.config.data_dir).resolve())


async def test_a_zip_bomb_and_too_many_rows_are_refused(client: TestClient) -> None:
    import zipfile

    headers = await login(client)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 * 1024 * 1024))
    response = await client.post("/admin/api/batch", data=_file(bomb.getvalue(), "big.xlsx"), headers=headers)
    assert response.status == 413
    assert "解压后过大" in (await response.json())["error"]
    rows = "revenue,rd_expense\n" + "3000,100\n" * 5001
    many = await client.post("/admin/api/batch", data=_file(rows.encode(), "many.csv"), headers=headers)
    assert many.status == 422
    assert "拆分" in (await many.json())["error"]


async def test_an_excel_2003_sheet_with_a_company_column_is_ranked_with_names_and_notes(
    client: TestClient, tmp_path: Path
) -> None:
    """An .xls upload is ranked; the firm column is the one the library read (公司名称, not only
    企业名称); what to check and the unread sheet are said on the page."""
    headers = await login(client)
    sheets = Path(__file__).parents[1] / "scoring" / "sheets"
    response = await client.post("/admin/api/batch", data=_file((sheets / "excel2003.xls").read_bytes(), "名单.xls"),
                                 headers=headers)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert {r["name"] for r in body["rows"]} == {"甲科技", "乙制造"}
    assert any("未读取：“2024年”" in n for n in body["notes"])
    csv = "公司名称,营业收入（万元）,研发费用（万元）\n甲,3000,—\n乙,5000,200\n".encode()
    body = await (await client.post("/admin/api/batch", data=_file(csv, "名单.csv"), headers=headers)).json()
    assert {r["name"] for r in body["rows"]} == {"甲", "乙"}
    assert any("1 处需要核对" in n for n in body["notes"])
    locked = await client.post("/admin/api/batch", data=_file((sheets / "locked.xlsx").read_bytes(), "名单.xlsx"),
                               headers=headers)
    assert locked.status == 422 and "设有打开密码" in (await locked.json())["error"]
