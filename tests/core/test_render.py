"""Rendering answers for a phone: sources listed once, abstentions not dressed up as answers."""

from __future__ import annotations

from bot.core.render import render_answer
from bot.core.texts import Texts, load_texts
from retrieval.types import Answer, Citation

CITE = Citation(doc_id="d1", title="南京全力打通科创金融服务", source="科技情报参考 2023年第10期",
                date="2023-10", text="……")


def _texts() -> Texts:
    return load_texts()


def test_grounded_answer_lists_each_source_once() -> None:
    text = render_answer(Answer(answer="宁科贷余额超367亿元。", grounded=True,
                                citations=[CITE, CITE]), _texts())
    assert text.count("南京全力打通科创金融服务") == 1
    assert "出处" in text and "2023-10" in text


def test_abstention_names_its_nearest_sources_only_once() -> None:
    body = "未在已收录的简报中找到关于“广州”的相关内容。最接近的来源：《南京全力打通科创金融服务》。"
    text = render_answer(Answer(answer=body, grounded=False, citations=[CITE]), _texts())
    assert text.startswith("未在已收录的简报中找到")
    assert text.count("南京全力打通科创金融服务") == 1
    assert "出处" not in text
