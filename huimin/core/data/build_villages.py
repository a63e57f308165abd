"""Regenerate the village rows of regions_yunnan.csv.

The province, prefectures, counties and townships in the CSV are real (see README.md); the
villages are not: the public statistical village list is too large to ship, and a demo needs only
well-formed codes with plausible names. This script keeps every non-village row as it is, drops the
village rows and writes new ones under every township, deterministically, so re-running it on an
unchanged file changes nothing.

    .venv/bin/python huimin/core/data/build_villages.py [path/to/regions.csv]

Codes follow the statistical rule: village part 001-199 for residents' committees (社区), 200-399
for village committees (村). Subdistricts (街道) are mostly communities, towns have one or two
communities at the town seat, townships (乡) are nearly all villages.
"""

import csv
import re
import sys
from pathlib import Path

import numpy as np

SEED = 5329
CSV_PATH = Path(__file__).with_name("regions_yunnan.csv")
FIELDS = ("code", "level", "name_zh", "name_en", "parent_code")
FIRST_COMMUNITY_NO = 1
FIRST_VILLAGE_NO = 201
MIN_VILLAGES, MAX_VILLAGES = 4, 12

# Roots of rural place names common in western Yunnan (营 camps, 庄 hamlets, 箐 gullies, 甸 flats),
# with their toneless pinyin so the build needs no transliteration library.
VILLAGE_ROOTS = """
上营 Shangying|下营 Xiaying|中营 Zhongying|新庄 Xinzhuang|大庄 Dazhuang|小庄 Xiaozhuang|河头 Hetou
河尾 Hewei|河西 Hexi|河东 Hedong|龙泉 Longquan|龙井 Longjing|龙凤 Longfeng|凤鸣 Fengming
凤山 Fengshan|金河 Jinhe|金星 Jinxing|金龙 Jinlong|银河 Yinhe|石门 Shimen|石坪 Shiping|石岩 Shiyan
青山 Qingshan|青松 Qingsong|松坪 Songping|松林 Songlin|竹园 Zhuyuan|竹林 Zhulin|桃园 Taoyuan
梨园 Liyuan|李家 Lijia|杨家 Yangjia|张家 Zhangjia|赵家 Zhaojia|段家 Duanjia|何家 Hejia|杜家 Dujia
王家 Wangjia|沙坪 Shaping|沙河 Shahe|白塔 Baita|白鹤 Baihe|白马 Baima|红星 Hongxing|红旗 Hongqi
红光 Hongguang|和平 Heping|团山 Tuanshan|永安 Yong'an|永胜 Yongsheng|永乐 Yongle|长乐 Changle
长坡 Changpo|大坪 Daping|小坪 Xiaoping|坪子 Pingzi|大箐 Daqing|小箐 Xiaoqing|箐口 Qingkou
山脚 Shanjiao|山后 Shanhou|山前 Shanqian|马场 Machang|马街 Majie|牛井 Niujing|羊街 Yangjie
古城 Gucheng|三家 Sanjia|五里 Wuli|七里 Qili|十里 Shili|双河 Shuanghe|三岔 Sancha|四方 Sifang
东升 Dongsheng|东风 Dongfeng|西华 Xihua|南屯 Nantun|北营 Beiying|庄科 Zhuangke|甸头 Diantou
甸尾 Dianwei|甸中 Dianzhong|海尾 Haiwei|海口 Haikou|温泉 Wenquan|清水 Qingshui|黑泥 Heini
黄草 Huangcao|黄泥 Huangni|麦地 Maidi|荞地 Qiaodi|核桃 Hetao|茶花 Chahua|杏林 Xinglin|梅子 Meizi
果子 Guozi|大树 Dashu|古树 Gushu|乌龙 Wulong|光明 Guangming|向阳 Xiangyang|朝阳 Chaoyang
兴隆 Xinglong|富乐 Fule|丰乐 Fengle|安乐 Anle|康乐 Kangle|民主 Minzhu|联合 Lianhe|合作 Hezuo
前进 Qianjin|胜利 Shengli|上登 Shangdeng|下登 Xiadeng|邑头 Yitou|登龙 Denglong|云峰 Yunfeng
彩云 Caiyun|瑞和 Ruihe|福和 Fuhe|新华 Xinhua|新民 Xinmin|新兴 Xinxing|新合 Xinhe|复兴 Fuxing
官庄 Guanzhuang|官营 Guanying|哨上 Shaoshang|哨街 Shaojie|石头 Shitou|石龙 Shilong|岩头 Yantou
水井 Shuijing|水碓 Shuidui|磨房 Mofang|碾子 Nianzi|板桥 Banqiao|铁厂 Tiechang|瓦窑 Wayao
阿古 Agu|阿巴 Aba|罗坪 Luoping|普坪 Puping|者摩 Zhemo|腊坪 Laping|密古 Migu|品甸 Pindian
"""

COMMUNITY_ROOTS = """
文献 Wenxian|建设 Jianshe|兴盛 Xingsheng|文华 Wenhua|荷花 Hehua|洱河 Erhe|苍山 Cangshan
万花 Wanhua|泰安 Tai'an|龙山 Longshan|榆华 Yuhua|阳和 Yanghe|观音 Guanyin|三月 Sanyue|人民 Renmin
振兴 Zhenxing|北门 Beimen|南门 Nanmen|东门 Dongmen|西门 Ximen|城北 Chengbei|城南 Chengnan
城东 Chengdong|城西 Chengxi|玉洱 Yu'er|苍洱 Cang'er|海湾 Haiwan|花园 Huayuan|滨河 Binhe
新城 Xincheng|中心 Zhongxin|桥头 Qiaotou|银苍 Yincang|和谐 Hexie|平安 Ping'an|幸福 Xingfu
锦绣 Jinxiu|明珠 Mingzhu|学府 Xuefu|鹤阳 Heyang|文笔 Wenbi|龙华 Longhua|凤凰 Fenghuang
安居 Anju|秀水 Xiushui|双塔 Shuangta|宝林 Baolin|康宁 Kangning|永宁 Yongning
"""

TOWNSHIP_SUFFIX = re.compile(r"(?:(?:彝|傈僳|白|回|纳西|苗)族)*乡$|街道$|镇$")


def parse_roots(text: str) -> list[tuple[str, str]]:
    pairs = []
    for item in text.replace("\n", "|").split("|"):
        if item:
            name_zh, name_en = item.split(" ")
            pairs.append((name_zh, name_en))
    return pairs


def township_kind(code: str) -> str:
    part = int(code[6:9])
    if part < 100:
        return "subdistrict"
    return "town" if part < 200 else "township"


def seat_root(township: dict[str, str]) -> tuple[str, str]:
    """The community at a town seat usually carries the town's own name (喜洲镇 → 喜洲社区)."""
    stem_zh = TOWNSHIP_SUFFIX.sub("", township["name_zh"])
    stem_en = township["name_en"].split(" ")[0]
    return stem_zh, stem_en


def split_communities(kind: str, total: int, rng: np.random.Generator) -> int:
    if kind == "subdistrict":
        return total - int(rng.integers(0, 3))
    if kind == "town":
        return int(rng.integers(1, 3))
    return int(rng.integers(0, 2))


def villages_for(township: dict[str, str]) -> list[dict[str, str]]:
    # Seeding per township keeps each township's villages stable when others are added.
    rng = np.random.default_rng([SEED, int(township["code"])])
    kind = township_kind(township["code"])
    total = int(rng.integers(MIN_VILLAGES, MAX_VILLAGES + 1))
    n_communities = split_communities(kind, total, rng)

    community_roots = parse_roots(COMMUNITY_ROOTS)
    village_roots = parse_roots(VILLAGE_ROOTS)
    picked_communities = [community_roots[i] for i in rng.permutation(len(community_roots))]
    if kind != "subdistrict":
        picked_communities.insert(0, seat_root(township))
    picked_villages = [village_roots[i] for i in rng.permutation(len(village_roots))]

    rows = []
    for offset, (zh, en) in enumerate(picked_communities[:n_communities]):
        rows.append(
            village_row(township, FIRST_COMMUNITY_NO + offset, f"{zh}社区", f"{en} Community")
        )
    for offset, (zh, en) in enumerate(picked_villages[: total - n_communities]):
        rows.append(village_row(township, FIRST_VILLAGE_NO + offset, f"{zh}村", f"{en} Village"))
    return rows


def village_row(
    township: dict[str, str], number: int, name_zh: str, name_en: str
) -> dict[str, str]:
    return {
        "code": f"{township['code']}{number:03d}",
        "level": "village",
        "name_zh": name_zh,
        "name_en": name_en,
        "parent_code": township["code"],
    }


def rebuild(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        kept = [row for row in csv.DictReader(handle) if row["level"] != "village"]
    villages = [v for row in kept if row["level"] == "township" for v in villages_for(row)]
    rows = sorted(kept + villages, key=lambda row: row["code"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(villages)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else CSV_PATH
    print(f"{rebuild(target)} villages written to {target}")
