import pytest

from components.crisis_cues import has_crisis_cue
from components.normalizer import normalize


@pytest.mark.parametrize("text", ["我真的不想活了", "这样下去不如死了算了", "准备好安眠药了", "现在一个人在楼顶上",
                                  "唔想活落去", "給家人寫好了遺書", "还不上就一了百了",
                                  "我就是个累赘 不想拖累家人了"])
def test_self_harm_cues_are_caught(text: str) -> None:
    assert has_crisis_cue(normalize(text))


@pytest.mark.parametrize("text", ["催收骂我还叫我去死", "他们让我去死", "吓死我了 又打电话来", "烦死了天天催",
                                  "上门催收合法吗", "我想分期"])
def test_other_messages_are_not_crisis(text: str) -> None:
    assert not has_crisis_cue(normalize(text))
