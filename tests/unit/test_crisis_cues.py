import pytest

from coach.zh.crisis_cues import has_crisis_cue, has_death_idiom, only_something_else_dies, reports_others_wishing_death
from coach.zh.normalizer import normalize


@pytest.mark.parametrize("text", ["我真的不想活了", "这样下去不如死了算了", "准备好安眠药了", "现在一个人在楼顶上",
                                  "唔想活落去", "給家人寫好了遺書", "还不上就一了百了",
                                  "我就是个累赘 不想拖累家人了",
                                  # self-harm and methods without the word "death"
                                  "昨晚又拿刀片划自己了", "忍不住又自残了", "偷偷买了瓶敌敌畏藏着",
                                  "想问问哪种死法最快", "明天tiao楼算了", "人已经在桥上了", "我在天台坐着呢",
                                  # death as near, goodbyes, affairs settled
                                  "我不在以后欠的钱会不会算到孩子头上", "过了今晚就不会有我了", "我死咗就唔使还啦",
                                  "该还的还不了 也没什么牵挂了", "你们别劝我了", "昨晚跟爸妈说了再见",
                                  "人死债消是不是真的",
                                  # a life offered for the debt; never waking up again
                                  "我这条命拿去抵债算了", "大不了命不要了", "用命来赔你们", "真希望明天不要再醒过来",
                                  # leaving the world, near death, at the edge, insurance for the debt
                                  "准备离开这个世界了", "反正我快要死了", "又站在阳台栏杆外面了",
                                  "又想四了", "人在铁轨上等火车",
                                  "还不起就去死", "拖累家人 还不如去死",
                                  "拿刀扎自己", "给爸妈留了一封信", "这是我的最后一夜",
                                  "替我跟老婆说声对不起 我先走了", "如果我不在了孩子怎么办", "我要去一个没有痛苦的地方",
                                  "睡过去再也不会醒就好了", "想把自己撞晕",
                                  "我死了以后保险能赔多少", "想拿命换一笔保险金"])
def test_self_harm_cues_are_caught(text: str) -> None:
    assert has_crisis_cue(normalize(text))


@pytest.mark.parametrize("text", ["催收骂我还叫我去死", "他们让我去死", "吓死我了 又打电话来", "烦死了天天催",
                                  "上门催收合法吗", "我想分期",
                                  "催收问我咋不去喝农药", "催收说我怎么不去跳楼", "急得想撞墙",
                                  "跟催收说了再见就挂了", "他们要我最后一次机会还清", "我走了三家银行都不给分期",
                                  "拼了命也要把这笔钱还上", "昨晚醒了好几次", "要命的是利息太高",
                                  "站在阳台上晒衣服", "保险要不要继续交", "这个月的保险金扣了没有",
                                  "对不起我先走了 明天再聊",
                                  "催收说还不上就去死", "他骂我怎么不去死",
                                  "这是我在公司的最后一晚了加班", "给房东留了一张纸条",
                                  "保险受益人怎么改",
                                  "送外卖就是拿命换钱"])
def test_other_messages_are_not_crisis(text: str) -> None:
    assert not has_crisis_cue(normalize(text))


@pytest.mark.parametrize("text", ["累死了，白天上班晚上还要想怎么还钱", "烦si了 天天被这事缠着", "煩到死，個心好亂",
                                  "急死我了", "压力大得要死", "这下死定了", "愁得要命", "jiaolv死了", "焦虑死了"])
def test_death_as_an_intensifier_is_distress(text: str) -> None:
    assert has_death_idiom(normalize(text))


@pytest.mark.parametrize("text", ["累死了 不想活了", "烦死了 真想一了百了", "我想死", "压力大得要死 遗书都写好了"])
def test_an_intensifier_never_hides_a_crisis_cue(text: str) -> None:
    assert not has_death_idiom(normalize(text))


@pytest.mark.parametrize("text", ["催收骂我 我真的不想活了", "我跟催收说我不想活了", "催收逼得我想死",
                                  "他们说我怎么不去死 我也觉得活着没意思", "真想睡一觉再也不要醒来",
                                  "wo bu xiang huo le"])
def test_the_borrowers_own_words_after_a_collectors_are_crisis(text: str) -> None:
    assert has_crisis_cue(normalize(text))


@pytest.mark.parametrize("text", ["今天那个催收说没钱还就去跳河吧，太过分了", "他说我再不还就只能跳楼了",
                                  "催收员骂我欠钱不还不如去死"])
def test_a_collectors_words_about_death_are_harassment(text: str) -> None:
    assert not has_crisis_cue(normalize(text)) and reports_others_wishing_death(normalize(text))


@pytest.mark.parametrize(("text", "other"), [
    ("游戏里的角色又死了，这关怎么过", True), ("多肉浇水太多会不会死", True), ("手机电池快挂了", True),
    ("家里的猫死了，我也不想活了", False), ("我死了猫谁来养", False), ("不想活了", False),
])
def test_death_of_something_else_is_not_the_borrowers(text: str, other: bool) -> None:
    assert only_something_else_dies(normalize(text)) is other
