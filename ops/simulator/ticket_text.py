"""Text that looks like real tickets: simplified and traditional Chinese,
English and mixed; abbreviations, typos, full-width characters; phone numbers,
ID numbers, e-mail addresses and names that faultgraph must mask."""

import catalogue as cat
from model import pick

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
ABBREV = [("compressor", "compr"), ("outdoor unit", "ODU"), ("indoor unit", "IDU"),
          ("temperature", "temp"), ("not ", "no "), ("won't", "wont"), ("please", "pls")]
LANGS = [("zh", 0.45), ("zht", 0.15), ("en", 0.25), ("mixed", 0.15)]


def mobile(rng):
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def resident_id(rng):
    area = rng.choice(["110101", "310104", "440305", "510107", "330106"])
    body = f"{area}{rng.randint(1960, 2002)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" \
           f"{rng.randint(0, 999):03d}"
    s = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS))
    return body + ID_CHECK[s % 11]


def person(rng):
    return rng.choice(cat.SURNAMES) + rng.choice(cat.GIVEN) + (rng.choice(cat.GIVEN) if rng.random() < 0.5 else "")


def pii_snippet(rng, lang):
    kind = rng.randrange(4)
    if kind == 0:
        return ("联系电话" if lang != "en" else "tel ") + mobile(rng)
    if kind == 1:
        return "联系人：" + person(rng) if lang != "en" else "contact: " + person(rng)
    if kind == 2:
        return ("身份证号" if lang != "en" else "ID ") + resident_id(rng)
    user = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 8)))
    return ("邮箱 " if lang != "en" else "email ") + f"{user}@{rng.choice(['163.com', 'qq.com', 'example.com'])}"


def full_width(s):
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in s)


def _typo(rng, s):
    if len(s) < 5:
        return s
    i = rng.randrange(1, len(s) - 2)
    if not (s[i].isalpha() and s[i + 1].isalpha()):
        return s
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


def _english_noise(rng, s):
    for full, short in ABBREV:
        if full in s and rng.random() < 0.25:
            s = s.replace(full, short)
    if rng.random() < 0.08:
        s = _typo(rng, s)
    return s


def _code_mention(rng, code, lang):
    shown = full_width(code) if rng.random() < 0.1 else code
    if lang in ("zh", "mixed"):
        return rng.choice(["显示", "报", "故障码", "屏幕显示"]) + shown
    if lang == "zht":
        return rng.choice(["顯示", "故障碼"]) + shown
    return rng.choice(["shows ", "error ", "code ", "err "]) + shown


def symptom_text(rng, p, case, codes):
    """The customer's words as the agent typed them."""
    lang = pick(rng, LANGS)
    if case.true_component:
        comp = cat.COMPONENTS[case.true_component]
        pools = {"zh": comp["zh"], "zht": comp["zht"], "en": comp["en"]}
    else:
        pools = cat.NO_FAULT_TEXT
    if lang == "mixed":
        parts = [rng.choice(pools["zh"]), _english_noise(rng, rng.choice(pools["en"]))]
        rng.shuffle(parts)
    else:
        parts = [rng.choice(pools[lang])]
        if rng.random() < 0.35:
            other = rng.choice(pools[lang])
            if other != parts[0]:
                parts.append(other)
        if lang == "en":
            parts = [_english_noise(rng, x) for x in parts]
    if codes and rng.random() < 0.7:
        parts.append(_code_mention(rng, codes[0], lang))
    if case.repeat_of and rng.random() < 0.6:
        parts.insert(0, {"zh": "维修后又坏了", "zht": "維修後又壞了", "en": "same problem again after repair",
                         "mixed": "修过了又坏 again"}[lang])
    if rng.random() < p.pii_rate:
        parts.append(pii_snippet(rng, lang))
    sep = ", " if lang == "en" else rng.choice(["，", "，", " ", ","])
    return sep.join(parts), lang


def agent_notes(rng, case, lang):
    """What the technician wrote after the visit."""
    if not case.diagnosed:
        return rng.choice(["已指导客户操作", "explained settings to customer", "无故障，已告知客户"])
    comp = cat.COMPONENTS[case.diagnosed]
    name_zh = comp["name"].split(" ")[-1]
    name_en = comp["name"].rsplit(" ", 1)[0].lower()
    fix_title = cat.FIXES[case.fix][0]
    cause_zh = case.cause_zh if case.diagnosed == case.true_component else "疑似故障"
    if lang == "en" or (lang == "mixed" and rng.random() < 0.5):
        cause_en = case.cause.replace("_", " ") if case.diagnosed == case.true_component else "suspected"
        text = f"checked {name_en}, {cause_en}; {fix_title.split(' ', 1)[0].lower()} done"
        return _english_noise(rng, text)
    text = f"上门检测{name_zh}，{cause_zh}，已{fix_title.rsplit(' ', 1)[-1]}"
    return text if lang != "zht" else text.replace("检测", "檢測").replace("门", "門")


def call_note(rng, kind):
    if kind == "report":
        return rng.choice(["客户报修", "客户来电报修，已派单", "报修，要求尽快上门", "customer reports fault"])
    if kind == "chase":
        return rng.choice(["催单，师傅还没来", "客户催促上门", "再次来电询问进度", "chasing the engineer"])
    return rng.choice(["咨询保修政策", "询问安装时间", "产品使用咨询", "asked about warranty"])
