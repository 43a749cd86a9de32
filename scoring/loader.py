"""Find and load rule-set files (规则集文件): one engine, any number of versioned YAML files.

The shape of a file is `rule_schema` (pydantic), its Chinese error messages `rule_messages`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from scoring.errors import RuleSetError
from scoring.model import RuleSet

__all__ = [
    "available_rule_sets",
    "builtin_rules_dir",
    "load_rule_file",
    "load_rule_set",
    "rule_set_from_data",
]

# vocabularies, not rule sets
_NOT_RULES = {"fields.yaml", "numerals.yaml", "columns.yaml", "rule_keys.yaml"}


def builtin_rules_dir() -> Path:
    """The rule files shipped inside the package."""
    return Path(str(resources.files("scoring").joinpath("rules")))


def _rule_files(extra_dirs: Sequence[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for directory in (builtin_rules_dir(), *map(Path, extra_dirs)):
        if not directory.is_dir():
            raise RuleSetError(f"规则目录不存在：{directory}")
        for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
            if path.name in _NOT_RULES:
                continue
            if path.stem in found and found[path.stem] != path:
                raise RuleSetError(f"规则集 {path.stem} 重复：{found[path.stem]} 与 {path}")
            found[path.stem] = path
    return found


def available_rule_sets(extra_dirs: Sequence[Path] = ()) -> list[str]:
    """Ids of every rule set (built-in plus zone files in extra_dirs)."""
    return sorted(_rule_files(tuple(extra_dirs)))


def load_rule_set(rule_set_id: str, extra_dirs: Sequence[Path] = ()) -> RuleSet:
    """The rule set with this id; unknown or malformed files raise RuleSetError."""
    files = _rule_files(tuple(extra_dirs))
    if rule_set_id not in files:
        known = "、".join(sorted(files))
        raise RuleSetError(f"没有名为 {rule_set_id} 的规则集（可用：{known}）")
    path = files[rule_set_id]
    stat = path.stat()
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _load_cached(path: str, _mtime: int, _size: int) -> RuleSet:
    return load_rule_file(Path(path))


def load_rule_file(path: Path) -> RuleSet:
    """Parse and check one rule file (any id, any directory)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleSetError(f"无法读取规则文件 {path.name}：{exc.__class__.__name__}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else "文件"
        raise RuleSetError(f"规则文件 {path.name} 不是有效的 YAML（{where}）") from None
    return rule_set_from_data(data, path, text)


def rule_set_from_data(data: object, source: Path, text: str = "") -> RuleSet:
    """Check a parsed rule file and compile it; errors name source's file (and the line, given text)."""
    # the pydantic models are built on the first load, not when a question merely imports scoring
    from pydantic import ValidationError

    from scoring.rule_compile import compile_rule_file
    from scoring.rule_messages import rule_file_error
    from scoring.rule_schema import RULE_FILE

    if not isinstance(data, Mapping):
        raise RuleSetError(f"规则文件 {source.name} 有误：顶层应为映射（key: value）")
    try:
        file = RULE_FILE.validate_python(data, context={"stem": source.stem})
    except ValidationError as exc:
        raise rule_file_error(source.name, text, data, exc) from None
    return compile_rule_file(file, source)
