"""Self-harm cues that must reach crisis help even when the classifier misses them. Pure.

A safety net, not the classifier: DIET recognises most crisis messages; these explicit cues catch the rest
(a borrower on a rooftop writing four words). Words a collector said to the borrower (「叫我去死」) are
excluded: that is harassment to report, and the dialogue handles it as such.
"""

from __future__ import annotations

import re

_CUES = re.compile(
    r"(不想活|唔想活|活不下去|活着没意思|活着没意义|活着有什么意思|想死|寻死|自杀|轻生|了结自己|自我了断|结束自己|结束生命|结束这一切|"
    r"一了百了|一死了之|死了算了|(还)?不如去死|不如死掉|还不如死|就去死(了|吧|算了|好了)?$|死了就不用|不如死了|死掉算了|去死算了|跳楼|跳河|跳江|跳海|卧轨|割腕|上吊|烧炭|"
    r"安眠药|喝农药|遗书|遗言|永别了|下辈子再见|站在天台|天台上|楼顶上|zisha|自sha|"
    # perceived burdensomeness and the wish to disappear are warning signs too
    r"我消失了|消失算了|想消失|是家里的累赘|是个累赘|拖累全家|不想拖累家人|"
    # "they would be better off without me", "I don't deserve to live", a life offered to pay the debt
    r"没有?了?我(的话)?[，,]?(他们|家人|家里人?|大家|全家|孩子|老婆|老公|爸妈|父母)?(会|就|反而|才)?(过得|活得)?"
    r"(更好|更轻松|轻松|解脱)|不配(再)?活|不值得活|用(我的|我这条|这条)?命(来)?(还|抵|赔)|拿命(来)?(还|抵|赔)|这条(烂)?命.{0,3}(不要了|不要也罢|给你们|赔给|抵债|抵了)|命(都)?不要了|以死(谢罪|还债|相抵)|"
    r"不想再?生存|唔想再?生存|不活了|活够了|bu ?xiang ?huo|(不|唔)想再活|想(从|喺)?(这个|呢个)世界(上)?消失|"
    # the wish to sleep and never wake up (passive ideation)
    r"睡(一觉|过去|着了?)?.{0,4}(再也)?(不要|不想|别|不用|永远不)(再)?醒|睡过去.{0,3}再也不(会)?醒|一睡不醒|(不想|不要|别)再?醒(来|过来)|永远(都)?(醒不来|不醒)|"
    # self-harm without the word "death", and methods named
    r"自残|自伤|伤害自己|(捅|刺|砍|扎|撞晕|撞死)(我)?自己|把自己撞(晕|死)|划了自己|划自己|割自己|割了自己|烫自己|百草枯|敌敌畏|买了农药|农药放在|喝了农药|"
    r"死法|怎么死|怎样死|tiao楼|跳下去|往下跳|早就跳了|在桥上|在天台|喺天台|楼顶往下|"
    # death talked about as near, and saying goodbye or settling affairs
    r"我死了以后|我死了之后|我要是死了|我死咗|我要是没了|我不在以后|我不在了以后|我走了以后|不会有我了|"
    r"人死债消|死了债|没什么牵挂|离开这个世界|离开人世|离开人间|告别这个世界|我(很快|马上|快)就?要死了|反正.{0,4}(要|快)死了|"
    # at a window, balcony, roof or bridge edge; a death that would pay the debt through insurance
    r"站(到|在)了?(窗户|窗台|窗边|阳台|楼顶|天台|桥)的?(边上|边缘|外面|栏杆外)|(站|躺|坐|人)(到|在)了?(铁轨|轨道)|"
    # typed fast or disguised: 想s了, 想四了, 不相活了, 不想或了
    r"想(s|si|四)(了|真的)|不(相|向|像)活了?|不想或了|"
    # goodbyes and last things: a last night, a letter left, sorry and gone, a world said goodbye to
    r"这是我(的)?最后一(晚|夜)了?$|我活着的最后一(晚|夜|天)|给(家里人?|家人|爸妈|爸|妈|老婆|老公|孩子|儿子|女儿)留了?(一封|封)?信|"
    r"(跟|和|替我|帮我).{0,6}(说|讲)(声|一声)?对不起.{0,6}(先)?走了|"
    r"(再见|告别|拜拜)了?[，, ]?(这个)?世界|这个世界[，, ]?再见|"
    r"(如果|要是|万一)我不在了|人间不值得.{0,4}(走|死|离开)|去(一个|个)?没有(债|痛苦|烦恼)的地方|"
    r"受益人.{0,12}我(走了|死了|不在)|"
    r"(我|自己)(死了|的命|这条命|走了).{0,12}保险|保险(金|赔|理赔).{0,8}(我死|死了|命)|(用|拿).{0,4}命.{0,3}换.{0,4}(保险|赔偿)|没有牵挂了|别劝我|交代的都交代|(?:爸妈|爸|妈|老婆|老公|孩子|家人|家里人|儿子|女儿)说了?再见|最后一次跟人说话|最后跟你说)"
)
# A cue right after a negation: 「不想死」「没想自杀」「不会去跳楼」「从没想过轻生」.
_NEGATION = re.compile(r"(不|没|没有|并不|并没有|不会|不会去|绝不|绝对不|从没|从来没|从没有|从来没有)"
                       r"(有)?(想过|想|要|打算)?$")
# 「叫我去死」「问我咋不去喝农药」: a collector's words, reported by the borrower.
_SAID_BY_OTHERS = re.compile(r"(叫我|让我|要我|骂我|说我|逼我|问我)(赶紧|快|咋不|怎么不|怎么还不|为什么不)?去?$")


# 「今天那个催收说没钱还就去跳河吧」: the cue stands in a collector's words, in the same clause.
_OTHERS_SPEECH = re.compile(
    r"(催收|催收员|cs|他们|他|她|对方|那个人|那边|收数佬|佢|讨债的?)[^，。,.!！?？\s我]{0,8}(说|骂|叫|让|逼|喊|威胁|咒)")
_CLAUSE = re.compile(r"[，。,.!！?？;；\s]")


def has_crisis_cue(text: str) -> bool:
    """True when the (normalised) text contains an explicit self-harm cue in the user's own voice."""
    for m in _CUES.finditer(text or ""):
        before = text[max(0, m.start() - 16):m.start()]
        if _NEGATION.search(before):
            continue  # 「我不想死，我想解决欠款」: death named only to say no to it (a gentle check, not the lines)
        if _in_others_words(before, m.group(0)):
            continue
        if _SAID_BY_OTHERS.search(before[-7:]) and not _SPOKEN_TO_THEM.search(before):
            continue
        return True
    return False


# The borrower speaking again after the collector's words (「催收骂我 我真的不想活了」), or speaking to them
# (「我跟催收说我不想活了」): the cue is the borrower's own.
_OWN_VOICE_AGAIN = re.compile(r"我(真|也|就是?|是|想|要|已经|都|觉得|会|不|实在|现在)")
_SPOKEN_TO = re.compile(r"(跟|对|和|给|向)$")
_SPOKEN_TO_THEM = re.compile(
    r"(跟|对|和|给|向)(催收|催收员|cs|他们|他|她|对方|家人|家里人?|爸妈|老婆|老公)[^，。,.!！?？]{0,4}说")


def _in_others_words(before: str, cue: str) -> bool:
    """Whether the text right before a cue puts it in someone else's mouth, in the same clause."""
    clause = _CLAUSE.split(before)[-1]
    speech = next(reversed(list(_OTHERS_SPEECH.finditer(clause))), None)
    if speech is None or _SPOKEN_TO.search(clause[:speech.start()]):
        return False
    return not _OWN_VOICE_AGAIN.search(clause[speech.end():] + cue)


# 「累死了」「烦死了」「压力大得要死」「死定了」: death as an intensifier, the commonest way stress is said. Such a
# message is distress, not crisis, unless it also carries one of the cues above.
_DEATH_IDIOM = re.compile(
    r"(累|烦|急|愁|吓|气|忙|困|饿|热|冷|笑|痛|疼|穷|难受|憋屈|郁闷|闷|丢人|丢脸|尴尬|后悔|怕|慌|倒霉|烦躁|焦虑|紧张|心烦|"
    r"无聊|jiaolv|fan|lei)(死|si|屎)|"
    r"(得|到)要死|要死要活|死定了|烦到死|攰到死|(烦|累|气|急|愁)得要命|死扛|死磕|死撑|死活|死也不|死都不|死贵|死要面子"
)


def has_death_idiom(text: str) -> bool:
    """True when the text uses death only as an intensifier (累死了) and has no self-harm cue."""
    return bool(_DEATH_IDIOM.search(text or "")) and not has_crisis_cue(text)


# 「催收叫我去死」「他骂我不如去跳河」: a collector's words about death, reported by the borrower.
_OTHERS_SAY_DEATH = re.compile(
    r"(催收|催收员|cs|他们|他|她|对方|那个人|那边|收数佬|催数佬|佢|讨债的?)[^，。,.!！?？]{0,8}"
    r"(说|话|骂|叫|让|逼|喊|威胁|咒)[^，。,.!！?？]{0,10}(死|跳河|跳楼|喝农药|上吊)")


def reports_others_wishing_death(text: str) -> bool:
    """True when death is only in what someone else said (harassment to report), with no cue in the borrower's voice."""
    return bool(_OTHERS_SAY_DEATH.search(text or "")) and not has_crisis_cue(text)


# 「游戏里我的角色又死了」「多肉浇水太多会不会死」: death of a game character, a plant, a pet, a device.
_SOMETHING_ELSE_DIES = re.compile(
    r"(角色|人物|英雄|boss|游戏|植物|多肉|花|草|树|鱼|猫|狗|仓鼠|宠物|手机|电脑|电池|系统|软件|程序|电影|剧|小说|书)"
    r"[^，。,.!！?？我]{0,8}(会不会|又|就|都|也|快|要)?(死|挂)")


def only_something_else_dies(text: str) -> bool:
    """True when the only death in the text is of something other than a person (no self-harm cue)."""
    return bool(_SOMETHING_ELSE_DIES.search(text or "")) and not has_crisis_cue(text) and "我死" not in (text or "")
