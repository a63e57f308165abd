"""China's ethnic groups as GB/T 3304 codes them: 01 汉族 … 56 基诺族, 97 and 98.

The registry stores the two-digit code. Pages show the name in the reader's language (the labels
of `EthnicGroup`, translated in the registry's catalogue); the import and export use the Chinese
names of `GROUPS`, and the import also takes the code, the name without 族, and the English name.
"""

from django.db import models
from django.utils.translation import pgettext_lazy

# (code, Chinese name, English name as GB/T 3304 romanises it)
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("01", "汉族", "Han"),
    ("02", "蒙古族", "Mongol"),
    ("03", "回族", "Hui"),
    ("04", "藏族", "Zang"),
    ("05", "维吾尔族", "Uygur"),
    ("06", "苗族", "Miao"),
    ("07", "彝族", "Yi"),
    ("08", "壮族", "Zhuang"),
    ("09", "布依族", "Buyei"),
    ("10", "朝鲜族", "Chosen"),
    ("11", "满族", "Man"),
    ("12", "侗族", "Dong"),
    ("13", "瑶族", "Yao"),
    ("14", "白族", "Bai"),
    ("15", "土家族", "Tujia"),
    ("16", "哈尼族", "Hani"),
    ("17", "哈萨克族", "Kazak"),
    ("18", "傣族", "Dai"),
    ("19", "黎族", "Li"),
    ("20", "傈僳族", "Lisu"),
    ("21", "佤族", "Va"),
    ("22", "畲族", "She"),
    ("23", "高山族", "Gaoshan"),
    ("24", "拉祜族", "Lahu"),
    ("25", "水族", "Sui"),
    ("26", "东乡族", "Dongxiang"),
    ("27", "纳西族", "Naxi"),
    ("28", "景颇族", "Jingpo"),
    ("29", "柯尔克孜族", "Kirgiz"),
    ("30", "土族", "Tu"),
    ("31", "达斡尔族", "Daur"),
    ("32", "仫佬族", "Mulao"),
    ("33", "羌族", "Qiang"),
    ("34", "布朗族", "Blang"),
    ("35", "撒拉族", "Salar"),
    ("36", "毛南族", "Maonan"),
    ("37", "仡佬族", "Gelao"),
    ("38", "锡伯族", "Xibe"),
    ("39", "阿昌族", "Achang"),
    ("40", "普米族", "Pumi"),
    ("41", "塔吉克族", "Tajik"),
    ("42", "怒族", "Nu"),
    ("43", "乌孜别克族", "Uzbek"),
    ("44", "俄罗斯族", "Russ"),
    ("45", "鄂温克族", "Ewenki"),
    ("46", "德昂族", "Deang"),
    ("47", "保安族", "Bonan"),
    ("48", "裕固族", "Yugur"),
    ("49", "京族", "Gin"),
    ("50", "塔塔尔族", "Tatar"),
    ("51", "独龙族", "Derung"),
    ("52", "鄂伦春族", "Oroqen"),
    ("53", "赫哲族", "Hezhen"),
    ("54", "门巴族", "Monba"),
    ("55", "珞巴族", "Lhoba"),
    ("56", "基诺族", "Jino"),
    ("97", "其他未识别民族", "Other unidentified ethnic group"),
    ("98", "外国血统中国籍人士", "Chinese citizen of foreign origin"),
)

CHINESE_NAMES: dict[str, str] = {code: zh for code, zh, _en in GROUPS}
ENGLISH_NAMES: dict[str, str] = {code: en for code, _zh, en in GROUPS}


class EthnicGroup(models.TextChoices):
    # The context keeps short names ("Man", "Li", "Tu") apart from other messages.
    HAN = "01", pgettext_lazy("ethnic group", "Han")
    MONGOL = "02", pgettext_lazy("ethnic group", "Mongol")
    HUI = "03", pgettext_lazy("ethnic group", "Hui")
    ZANG = "04", pgettext_lazy("ethnic group", "Zang")
    UYGUR = "05", pgettext_lazy("ethnic group", "Uygur")
    MIAO = "06", pgettext_lazy("ethnic group", "Miao")
    YI = "07", pgettext_lazy("ethnic group", "Yi")
    ZHUANG = "08", pgettext_lazy("ethnic group", "Zhuang")
    BUYEI = "09", pgettext_lazy("ethnic group", "Buyei")
    CHOSEN = "10", pgettext_lazy("ethnic group", "Chosen")
    MAN = "11", pgettext_lazy("ethnic group", "Man")
    DONG = "12", pgettext_lazy("ethnic group", "Dong")
    YAO = "13", pgettext_lazy("ethnic group", "Yao")
    BAI = "14", pgettext_lazy("ethnic group", "Bai")
    TUJIA = "15", pgettext_lazy("ethnic group", "Tujia")
    HANI = "16", pgettext_lazy("ethnic group", "Hani")
    KAZAK = "17", pgettext_lazy("ethnic group", "Kazak")
    DAI = "18", pgettext_lazy("ethnic group", "Dai")
    LI = "19", pgettext_lazy("ethnic group", "Li")
    LISU = "20", pgettext_lazy("ethnic group", "Lisu")
    VA = "21", pgettext_lazy("ethnic group", "Va")
    SHE = "22", pgettext_lazy("ethnic group", "She")
    GAOSHAN = "23", pgettext_lazy("ethnic group", "Gaoshan")
    LAHU = "24", pgettext_lazy("ethnic group", "Lahu")
    SUI = "25", pgettext_lazy("ethnic group", "Sui")
    DONGXIANG = "26", pgettext_lazy("ethnic group", "Dongxiang")
    NAXI = "27", pgettext_lazy("ethnic group", "Naxi")
    JINGPO = "28", pgettext_lazy("ethnic group", "Jingpo")
    KIRGIZ = "29", pgettext_lazy("ethnic group", "Kirgiz")
    TU = "30", pgettext_lazy("ethnic group", "Tu")
    DAUR = "31", pgettext_lazy("ethnic group", "Daur")
    MULAO = "32", pgettext_lazy("ethnic group", "Mulao")
    QIANG = "33", pgettext_lazy("ethnic group", "Qiang")
    BLANG = "34", pgettext_lazy("ethnic group", "Blang")
    SALAR = "35", pgettext_lazy("ethnic group", "Salar")
    MAONAN = "36", pgettext_lazy("ethnic group", "Maonan")
    GELAO = "37", pgettext_lazy("ethnic group", "Gelao")
    XIBE = "38", pgettext_lazy("ethnic group", "Xibe")
    ACHANG = "39", pgettext_lazy("ethnic group", "Achang")
    PUMI = "40", pgettext_lazy("ethnic group", "Pumi")
    TAJIK = "41", pgettext_lazy("ethnic group", "Tajik")
    NU = "42", pgettext_lazy("ethnic group", "Nu")
    UZBEK = "43", pgettext_lazy("ethnic group", "Uzbek")
    RUSS = "44", pgettext_lazy("ethnic group", "Russ")
    EWENKI = "45", pgettext_lazy("ethnic group", "Ewenki")
    DEANG = "46", pgettext_lazy("ethnic group", "Deang")
    BONAN = "47", pgettext_lazy("ethnic group", "Bonan")
    YUGUR = "48", pgettext_lazy("ethnic group", "Yugur")
    GIN = "49", pgettext_lazy("ethnic group", "Gin")
    TATAR = "50", pgettext_lazy("ethnic group", "Tatar")
    DERUNG = "51", pgettext_lazy("ethnic group", "Derung")
    OROQEN = "52", pgettext_lazy("ethnic group", "Oroqen")
    HEZHEN = "53", pgettext_lazy("ethnic group", "Hezhen")
    MONBA = "54", pgettext_lazy("ethnic group", "Monba")
    LHOBA = "55", pgettext_lazy("ethnic group", "Lhoba")
    JINO = "56", pgettext_lazy("ethnic group", "Jino")
    OTHER = "97", pgettext_lazy("ethnic group", "Other unidentified ethnic group")
    FOREIGN_ORIGIN = "98", pgettext_lazy("ethnic group", "Chinese citizen of foreign origin")


def spellings() -> dict[str, str]:
    """Every accepted way of writing a group, lower-cased -> code: the code, the Chinese name with
    and without 族, the English name (and the one-digit code of 01–09, as a spreadsheet shows it)."""
    words: dict[str, str] = {}
    for code, zh, en in GROUPS:
        words[code] = code
        words[str(int(code))] = code
        words[zh] = code
        if zh.endswith("族") and code <= "56":
            words[zh.removesuffix("族")] = code
        words[en.lower()] = code
    return words


def ethnic_group_code(text: str) -> str | None:
    """The code for any accepted spelling ("" for an empty one), None if it names no group."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    return spellings().get(text.lower())
