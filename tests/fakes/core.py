"""Readable fakes for the assistant core: scoring, answerer, searcher, subscriptions, stores."""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from typing import Any

from bot.core.estimate.batch import BatchOutcome
from bot.core.estimate.port import (
    FieldSpec,
    FigureError,
    ParsedFigure,
    ParseOutcome,
    Result,
    ScoreOutcome,
)
from bot.core.types import Incoming, Reply
from retrieval.types import Answer, Citation, Hit, SearchFilters
from scoring.assessment import Assessment
from scoring.gaps import Gap
from scoring.results import (
    CheckResult,
    ConditionResult,
    HighTechResult,
    IndicatorScore,
    ScoreResult,
    Suggestion,
    TechSmeResult,
)

__all__ = [
    "FAKE_PNG",
    "FakeAnswerer",
    "FakeScoring",
    "FakeSearcher",
    "FakeSubscriptions",
    "RecordingForgettable",
]

FAKE_PNG = b"\x89PNG\r\n\x1a\nfake-chart"

_FIELDS = {
    "revenue": FieldSpec("revenue", "上年度营业收入", "万元", "money"),
    "revenue_prev": FieldSpec("revenue_prev", "前一年营业收入", "万元", "money"),
    "rd_expense": FieldSpec("rd_expense", "上年度研发费用", "万元", "money"),
    "rd_expense_prev": FieldSpec("rd_expense_prev", "前一年研发费用", "万元", "money"),
    "total_cost": FieldSpec("total_cost", "成本费用支出总额", "万元", "money"),
    "total_assets": FieldSpec("total_assets", "资产总额", "万元", "money"),
    "high_tech_revenue": FieldSpec("high_tech_revenue", "高新技术产品（服务）收入", "万元", "money"),
    "tax_paid": FieldSpec("tax_paid", "纳税总额", "万元", "money"),
    "net_profit": FieldSpec("net_profit", "净利润", "万元", "money"),
    "net_assets": FieldSpec("net_assets", "净资产", "万元", "money"),
    "employees": FieldSpec("employees", "职工总数", "人", "persons"),
    "rd_staff": FieldSpec("rd_staff", "研发（科技）人员数", "人", "persons"),
    "invention_patents": FieldSpec("invention_patents", "有效发明专利数", "件", "count"),
    "class2_ip": FieldSpec("class2_ip", "Ⅱ类知识产权数", "件", "count"),
    "years_registered": FieldSpec("years_registered", "注册年限", "年", "years"),
    "overseas_rd_share": FieldSpec("overseas_rd_share", "境外研发费用占比", "%", "percent"),
    "revenue_growth": FieldSpec("revenue_growth", "营业收入增长率", "%", "percent"),
    "key_field": FieldSpec("key_field", "属于国家重点支持的高新技术领域", "", "bool"),
    "qualification": FieldSpec(
        "qualification", "资质", "", "enum",
        (("none", "无"), ("tech_sme", "科技型中小企业"), ("high_tech", "高新技术企业")),
    ),
    "rd_platform_level": FieldSpec(
        "rd_platform_level", "研发机构级别", "", "enum",
        (("none", "无"), ("municipal", "市级"), ("provincial", "省级"), ("national", "国家级")),
    ),
    "standards": FieldSpec(
        "standards", "标准制定", "", "enum",
        (("none", "无"), ("participated", "参与"), ("led", "主导")),
    ),
}

# word the fake parser recognises -> field (longest first, like a real alias table)
_ALIASES = {
    "前一年营业收入": "revenue_prev", "营业收入": "revenue", "营收": "revenue",
    "前一年研发费用": "rd_expense_prev", "研发投入": "rd_expense", "研发费用": "rd_expense",
    "研发人员": "rd_staff", "职工总数": "employees", "职工": "employees", "员工": "employees",
    "发明专利": "invention_patents", "实用新型": "class2_ip", "成本费用": "total_cost",
    "资产总额": "total_assets", "高新技术产品收入": "high_tech_revenue", "纳税": "tax_paid",
    "净利润": "net_profit", "净资产": "net_assets", "注册年限": "years_registered",
    "营收增长": "revenue_growth",
}
_UNITS = {"亿": 10000.0, "千万": 1000.0, "万": 1.0, "元": 0.0001}
_PATTERN = re.compile(
    "(" + "|".join(sorted(map(re.escape, _ALIASES), key=len, reverse=True)) + ")"
    r"\s*[:：]?\s*(\d+(?:\.\d+)?)\s*(亿|千万|万|元)?(元|人|件|个|%)?"
)


class FakeScoring:
    """A tiny scoring engine with the real one's shapes; totals follow simple, visible formulas."""

    def __init__(self) -> None:
        self.evaluations: list[tuple[dict[str, Any], str]] = []
        self.prepared = False
        self.closed = False
        self.charts_drawn = 0
        self.chart_failure: Exception | None = None  # set to make the next charts fail
        self.chart_delay = 0.0  # seconds a chart takes (a slow or stuck renderer)
        self.table_delay = 0.0  # seconds an uploaded table takes (a large sheet, CPU-bound)
        self.tables: list[tuple[str, int, str]] = []  # (file name, bytes, rule set) of each scored upload

    def field(self, name: str) -> FieldSpec | None:
        return _FIELDS.get(name)

    def lookup(self, word: str) -> FieldSpec | None:
        """The field a word names: an alias of the fake parser, or a field's own label."""
        name = _ALIASES.get(word.strip()) or next((n for n, f in _FIELDS.items() if f.label == word.strip()), None)
        return _FIELDS.get(name) if name else None

    def prepare(self) -> None:
        self.prepared = True

    def close(self) -> None:
        self.closed = True

    def kind(self, rule_set: str) -> str:
        kinds = {"cn-ref-2024": "points", "tech-sme-2022": "tech_sme", "high-tech-2016": "high_tech"}
        if rule_set not in kinds:
            raise FigureError(f"未知的规则集：{rule_set}")
        return kinds[rule_set]

    def parse(self, text: str) -> ParseOutcome:
        found: list[ParsedFigure] = []
        for match in _PATTERN.finditer(text):
            alias, number, scale, _unit = match.groups()
            name = _ALIASES[alias]
            spec = _FIELDS[name]
            value = float(number)
            if scale and spec.kind == "money":
                value *= _UNITS[scale]
            elif scale in ("万", "亿"):
                value *= 10000.0 if scale == "万" else 1e8
            if spec.kind in ("persons", "count", "years") and value == int(value):
                value = int(value)
            found.append(ParsedFigure(name, spec.label, value, match.group(0)[len(alias) :]))
        problems = ["“专利若干”"] if "若干" in text else []
        return ParseOutcome(understood=found, problems=problems)

    def check(self, figures: dict[str, Any]) -> None:
        staff, employees = figures.get("rd_staff"), figures.get("employees")
        if staff is not None and employees is not None and staff > employees:
            raise FigureError("研发（科技）人员数不能大于职工总数。")
        for name, value in figures.items():
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise FigureError(f"{_FIELDS[name].label}不能为负数。")

    def evaluate(self, figures: dict[str, Any], rule_set: str, *, chart: bool) -> ScoreOutcome:
        self.check(figures)
        self.evaluations.append((dict(figures), rule_set))
        result = _fake_result(figures, rule_set)
        gaps = ()
        if isinstance(result, HighTechResult):  # one gap a check, as the real assessment has
            gaps = tuple(Gap(c.id, c.label, c.status, None, None, None, None, None, None, (), False, c.label)
                         for c in result.checks)
        return ScoreOutcome(Assessment(rule_set, result, gaps), chart_png=FAKE_PNG if chart else None)

    def chart(self, figures: dict[str, Any], rule_set: str) -> bytes:
        self.check(figures)
        if self.chart_delay:
            time.sleep(self.chart_delay)
        if self.chart_failure is not None:
            raise self.chart_failure
        self.charts_drawn += 1
        return FAKE_PNG

    def score_table(self, data: bytes, file_name: str, rule_set: str) -> BatchOutcome:
        """CSV only: a row with a negative number is an error; the document echoes the input."""
        if not file_name.endswith(".csv"):
            raise FigureError("假的评分只读 CSV。")
        self.tables.append((file_name, len(data), rule_set))
        if self.table_delay:
            time.sleep(self.table_delay)
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        errors = [(i + 2, "数值不能为负") for i, row in enumerate(rows)
                  if any(v.strip().startswith("-") for v in row.values())]
        return BatchOutcome(rule_set=rule_set, rows=len(rows), errors=errors, document=data,
                            document_name="评分结果.csv")


def _fake_result(figures: dict[str, Any], rule_set: str) -> Result:
    """The result of the rule set's kind, by simple visible formulas."""
    head = {"rule_set": rule_set, "version": "fake", "title": "假的测算", "disclaimer": ""}
    if rule_set == "tech-sme-2022":
        score = min(100, 10 * figures.get("invention_patents", 0) + figures.get("rd_staff", 0))
        ok = score >= 60
        failed = [] if ok else [ConditionResult("score", "评分未达 60 分", "fail")]
        return TechSmeResult(**head, score=score, qualifies=ok, route="score" if ok else None,
                             route_label="评分达标" if ok else None, routes_met=["score"] if ok else [],
                             parts=[], conditions=failed, failed_conditions=failed)
    if rule_set == "high-tech-2016":
        ok = figures.get("invention_patents", 0) > 0
        checks = [CheckResult("ip", "拥有知识产权", "pass" if ok else "fail", "", []),
                  CheckResult("eval", "创新能力评价", "needs_judgement", "", [])]
        return HighTechResult(**head, checks=checks, likely_meets=ok)
    indicators = []
    for name, weight, full in (("rd_expense", 8, 1000), ("invention_patents", 10, 5),
                               ("employees", 5, 100), ("revenue", 5, 10000)):
        value = figures.get(name)
        s = min(1.0, (value or 0) / full)
        indicators.append(IndicatorScore(name, _FIELDS[name].label, "tech", value, s, weight * s, weight,
                                         value is None))
    total = round(sum(i.points for i in indicators), 2)
    revenue = figures.get("revenue")
    stage = "startup" if revenue is not None and revenue < 500 else "growth"
    patents = figures.get("invention_patents", 0)
    suggestion = Suggestion("invention_patents", "有效发明专利数", patents, patents + 1, 2.0,
                            "invention_patents", patents, patents + 1, "")
    return ScoreResult(**head, stage=stage, stage_label="", total=total, base=total, bonus=0, deductions=0,
                       band="待提升", vetoed=False, veto_reasons=[], categories=[], indicators=indicators,
                       bonus_items=[], deduction_items=[], suggestions=[suggestion], warnings=[],
                       rectified_total=total, max_total=100)


def _hit(doc_id: str, title: str, regions: tuple[str, ...]) -> Hit:
    return Hit(doc_id=doc_id, chunk_id=f"{doc_id}#0", title=title, source="科技情报参考 2023年第10期",
               date="2023-10", text=f"{title}的正文。", score=1.0, regions=regions)


class FakeSearcher:
    """Returns fixed briefings; records the queries and filters it got."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, SearchFilters | None]] = []
        self.hits = [
            _hit("d1", "南京全力打通科创金融服务“最后一公里”", ("南京",)),
            _hit("d2", "成都正式出台企业创新积分制实施方案", ("成都",)),
            _hit("d3", "宁夏：强化项目支撑", ("宁夏",)),
            _hit("d2", "成都正式出台企业创新积分制实施方案", ("成都",)),
        ]

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[Hit]:
        self.queries.append((query, filters))
        hits = self.hits
        if filters is not None and filters.regions:
            hits = [h for h in hits if set(h.regions) & set(filters.regions)]
        return hits[:k]


class FakeAnswerer:
    """Answers from a dict of keyword -> answer; anything else is an honest abstention."""

    def __init__(self, delay: float = 0.0) -> None:
        self.questions: list[str] = []
        self.delay = delay
        self._lock = threading.Lock()

    def answer(self, question: str) -> Answer:
        if self.delay:
            threading.Event().wait(self.delay)
        with self._lock:
            self.questions.append(question)
        if "积分" in question:
            cite = Citation(doc_id="d2", title="成都正式出台企业创新积分制实施方案",
                            source="科技情报参考 2023年第10期", date="2023-10", text="……")
            return Answer(answer="企业创新积分制用积分为企业创新“画像”。", grounded=True,
                          citations=[cite, cite])
        return Answer(answer="未在已收录的简报中找到相关内容。", grounded=False)


class FakeSubscriptions:
    """Records what the core routed to subscriptions; forgets like a real store."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.stored: dict[str, list[str]] = {}

    async def handle(self, incoming: Incoming, command: str, args: str) -> list[Reply]:
        self.calls.append((incoming.user_key, command, args))
        if command == "subscribe":
            self.stored.setdefault(incoming.user_key, []).append(args)
        return [Reply(text=f"订阅处理：{command} {args}".strip())]

    async def answer_prompt(self, incoming: Incoming, text: str) -> list[Reply] | None:
        return None  # this fake never asks a question

    async def edit(self, incoming: Incoming, text: str) -> list[Reply] | None:
        return None

    def leave(self, user_key: str) -> None:
        """Nothing is ever open in this fake."""

    def count(self, user_key: str) -> int:
        return len(self.stored.get(user_key, []))

    def forget_user(self, user_key: str) -> int:
        return len(self.stored.pop(user_key, []))


class RecordingForgettable:
    """A channel store stand-in: remembers which users it was told to forget."""

    def __init__(self, records: int = 1) -> None:
        self.forgotten: list[str] = []
        self.records = records

    def forget_user(self, user_key: str) -> int:
        self.forgotten.append(user_key)
        return self.records
