"""Exception family of the retrieval library; the edge turns each into a short Chinese message."""

from __future__ import annotations

__all__ = [
    "DocumentError",
    "IndexMissingError",
    "InvalidQueryError",
    "RetrievalError",
    "UnknownDocumentError",
]


class RetrievalError(Exception):
    """Base of every retrieval failure; `user_message` is safe to show to a user."""

    user_message = "检索服务暂时不可用，请稍后再试。"

    def __init__(self, message: str | None = None, *, user_message: str | None = None) -> None:
        super().__init__(message or user_message or self.user_message)
        if user_message:
            self.user_message = user_message


class InvalidQueryError(RetrievalError):
    """The question is empty or unusable."""

    user_message = "问题为空或无法识别，请输入一个中文问题。"


class DocumentError(RetrievalError):
    """One file could not be loaded (corrupt, empty, binary, unsupported)."""

    user_message = "文件无法读取。"


class UnknownDocumentError(RetrievalError):
    """No document or article has the given id."""

    user_message = "没有找到这个编号的文档。"


class IndexMissingError(RetrievalError):
    """The index has not been built yet."""

    user_message = "索引尚未建立，请先运行 innobot index build。"
