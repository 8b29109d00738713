"""The lender registry, data/nlu/lenders.yml, read once for the case model. Pure: no Rasa imports.

The same file trains the NLU (the ``lender`` lookup table for DIET's features and the LenderExtractor, the
synonyms for the aliases); here it gives the canonical names, the family of each by the file's stated
convention (banks end in 银行, licensed consumer-finance companies in 消费金融, the rest are platforms) and
the names a bank goes by without 银行 (招行, 浦发, 掌上生活), so that free text can name a bank.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

LENDERS_PATH = Path(__file__).resolve().parents[1] / "data" / "nlu" / "lenders.yml"


def _examples(block: str) -> list[str]:
    return [line.strip()[2:].strip() for line in (block or "").splitlines() if line.strip().startswith("- ")]


def family(canonical: str) -> str:
    """"bank", "consumer_finance" or "platform", by the registry's naming convention."""
    if canonical.endswith("银行"):
        return "bank"
    if canonical.endswith("消费金融"):
        return "consumer_finance"
    return "platform"


def _load() -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    items = yaml.safe_load(LENDERS_PATH.read_text(encoding="utf-8"))["nlu"]
    canonical = tuple(n for item in items if item.get("lookup") == "lender" for n in _examples(item["examples"]))
    aliases = {item["synonym"]: tuple(_examples(item["examples"])) for item in items if "synonym" in item}
    return canonical, aliases


CANONICAL, ALIASES = _load()
PLATFORMS: tuple[str, ...] = tuple(n for n in CANONICAL if family(n) == "platform")
# A bank named without 银行 in free text (招行, 邮政储蓄, 买单吧); aliases with 银行 in them need no list.
BANK_SHORT_NAMES: tuple[str, ...] = tuple(
    a for name in CANONICAL if family(name) == "bank" for a in ALIASES.get(name, ()) if "银行" not in a)


def aliases_of(canonical: str) -> tuple[str, ...]:
    """The names a lender goes by (招商银行 → 招行, 招商, CMB …); empty for a name the registry does not know."""
    return ALIASES.get(canonical, ())


# Words that never stand in a lender's name, for names the registry does not know: a claim (「他们有内部渠道 银行只认
# 他们」), a question, or a request typed where a name was asked (「我想申请分期还款」). One list for the NLU's
# bank-name pattern and for the form's answer to 「哪家机构」.
NOT_IN_A_NAME = re.compile(
    r"渠道|内部|部门|只认|正规|官方|什么|哪个|哪家|这个|那个|合作|所谓|假的|冒充|说|叫|找|认识|"
    r"^我|我想|想要|申请|怎么|能不能|可不可以|可以吗|帮我|请问|不想|还不上|还不起|没钱")
