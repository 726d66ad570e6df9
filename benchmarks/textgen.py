"""Chinese text for generated government pages: seed sentences plus varied template sentences.

Sentences come from the regulations in ``tests/data/regulations/`` (cleaned, traditional → simplified)
and from templates filled with towns, departments, topics and numbers.  Every candidate is
run through the site's own rule engine and kept only when it yields no finding at all, so a
generated site passes the content rules because its text is clean, not because a rule was
switched off.  Sentences end in Chinese full stops, which no word match crosses.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "data" / "regulations"
COUNTY = "青岚县"
TOWNS = ["青岚镇", "石门乡", "龙潭镇", "白沙镇", "清水乡", "云台镇", "桃源乡", "马鞍镇", "金溪镇", "黄坪乡", "双河镇", "柳林乡"]
DEPARTMENTS = [
    "县发展和改革局", "县教育局", "县财政局", "县人力资源和社会保障局", "县自然资源局", "县生态环境局", "县住房和城乡建设局",
    "县交通运输局", "县水利局", "县农业农村局", "县商务局", "县文化广电旅游局", "县卫生健康局", "县应急管理局",
    "县市场监督管理局", "县医疗保障局", "县林业局", "县统计局", "县政务服务中心", "县民政局", "县司法局",
]
TOPICS = [
    "安全生产", "防汛抗旱", "森林防火", "乡村振兴", "优化营商环境", "耕地保护", "义务教育均衡发展", "城乡居民医疗保障",
    "城乡低保", "稳就业促创业", "食品安全", "农村人居环境整治", "消防安全", "道路交通安全", "秸秆综合利用",
    "文明城市创建", "政务公开", "数字政府建设", "粮食生产", "农村供水保障", "老旧小区改造", "养老服务", "河湖长制",
    "高标准农田建设", "中小企业纾困", "全民健身", "地质灾害防治", "燃气安全", "校园安全", "旅游市场秩序",
]
ACTIVITIES = ["专项整治行动", "督导检查", "宣传月活动", "业务培训", "现场推进会", "集中宣传", "调研座谈", "应急演练"]
MONTHS = [f"{m}月" for m in range(1, 13)]

TEMPLATES = [
    "{date}，{dept}召开{topic}工作推进会，总结前一阶段工作，安排部署下一步重点任务。",
    "会议强调，各乡镇、各部门要提高思想认识，压紧压实责任，确保{topic}各项措施落到实处。",
    "截至{month}底，全县累计完成{topic}项目{n}个，完成投资{m}亿元，同比增长{p}%。",
    "{town}结合实际，组织开展{topic}{activity}，共排查问题{n}处，已完成整改{k}处。",
    "群众如有疑问，可拨打政务服务便民热线12345咨询。",
    "下一步，{dept}将持续加大工作力度，不断提升群众的获得感、幸福感、安全感。",
    "本次活动共发放宣传资料{n}份，接受群众咨询{k}人次，现场解答问题{j}个。",
    "{dept}成立了由主要负责同志任组长的工作专班，建立周调度、月通报工作机制。",
    "各乡镇要于{month}{day}日前将工作开展情况报送{dept}，逾期未报的将予以通报。",
    "{town}坚持问题导向，聚焦群众急难愁盼问题，推动{topic}工作提质增效。",
    "今年以来，全县共投入资金{m}亿元，实施{topic}项目{n}个，惠及群众{k}余人。",
    "活动现场，工作人员通过展板展示、发放资料、现场讲解等方式，向群众普及{topic}知识。",
    "{dept}对{town}的{topic}工作进行了实地督导，查看了台账资料，听取了工作汇报。",
    "要坚持统筹兼顾，把{topic}与乡村振兴、基层治理等工作结合起来，形成工作合力。",
    "全县{n}个行政村全部完成{topic}摸底排查，建立了问题清单和整改台账。",
    "据统计，{month}份全县共受理{topic}相关事项{n}件，办结率达{p}%。",
    "培训邀请了相关领域的专家授课，全县{n}名业务骨干参加了培训。",
    "{dept}相关负责同志表示，将以此次{activity}为契机，推动{topic}工作常态化、长效化。",
    "请各单位高度重视，精心组织，认真抓好贯彻落实。",
    "申请人可通过县政务服务网或到县政务服务中心窗口办理相关手续。",
    "此次{activity}持续至{month}{day}日，覆盖全县{t}个乡镇。",
    "通过此次{activity}，进一步增强了干部群众的{topic}意识，营造了良好的社会氛围。",
    "{town}党委政府高度重视{topic}工作，将其列入年度重点工作，定期研究部署。",
    "各地各部门要加强信息报送，及时反映工作进展、经验做法和存在问题。",
    "经过各方共同努力，{topic}工作取得阶段性成效，群众满意度明显提升。",
    "{dept}联合{dept2}开展{topic}联合检查，检查经营主体{n}家，督促整改问题{k}个。",
    "项目建成后，预计可新增就业岗位{n}个，带动周边群众户均增收{k}元。",
    "全县完成{topic}培训{n}场次，培训人员{k}人次，发放补贴资金{m}万元。",
]
SALUTATIONS = ["各乡镇人民政府，县直各单位：", "各乡镇人民政府，县人民政府各工作部门：", "各有关单位："]
SECTION_HEADS = ["一、总体要求", "二、主要任务", "三、工作措施", "四、保障措施", "五、工作要求", "六、其他事项"]
JD_HEADS = ["一、出台背景", "二、主要内容", "三、适用范围", "四、创新举措", "五、实施时间", "六、解读机关及联系方式"]
LEADERS = [("郑强", "县长"), ("吴明", "副县长"), ("刘洋", "副县长"), ("陈华", "副市长")]
GOV_LINKS = [("国务院政策文件库", "https://www.gov.cn/zhengce/zhengceku/"), ("中国政府网", "https://www.gov.cn/"),
             ("国家政务服务平台", "https://gjzwfw.www.gov.cn/"), ("政府信息公开专栏", "https://www.gov.cn/zhengce/xxgk/")]


def _clean_seed(text: str) -> str:
    text = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", text)   # (jīng) pinyin left by a bad conversion
    for ascii_mark, wide in ((",", "，"), (":", "："), (";", "；"), ("(", "（"), (")", "）"), ("!", "！"), ("?", "？")):
        text = text.replace(ascii_mark, wide)
    text = re.sub(r"([，、。；：])[，、。；：]+", r"\1", text)
    return text


def seed_sentences() -> list[str]:
    """Sentences of the seed regulations, simplified, 12–150 characters, CJK prose only."""
    if not SEEDS.is_dir():
        return []
    import opencc  # noqa: PLC0415

    convert = opencc.OpenCC("t2s").convert
    found: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = _clean_seed(convert(path.read_text(encoding="utf-8", errors="replace")))
        for piece in re.split(r"(?<=[。！？；])|\n", text):
            sentence = re.sub(r"\s+", "", piece).strip("；")
            if not 12 <= len(sentence) <= 150 or re.search(r"[A-Za-z@/\\<>\[\]{}*#_|`~&$%^=+]", sentence):
                continue
            if sentence.startswith(("第", "（")) and "条" in sentence[:6]:
                sentence = sentence.split("条", 1)[1].lstrip()
            sentence = sentence.rstrip("，、：") + ("" if sentence.endswith(("。", "！", "？")) else "。")
            if len(sentence) >= 12:
                found.append(sentence)
    return sorted(set(found))


@dataclass
class Corpus:
    rnd: random.Random
    seeds: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, rnd: random.Random, engine: object) -> Corpus:
        """Seed sentences that pass every rule of ``engine`` (a RuleEngine)."""
        return cls(rnd, [s for s in seed_sentences() if not engine.scan_text("seed", s)])  # type: ignore[attr-defined]

    def fill(self, template: str, when: str = "") -> str:
        rnd = self.rnd
        dept, dept2 = rnd.sample(DEPARTMENTS, 2)
        return template.format(
            date=when or f"{rnd.choice(MONTHS)}{rnd.randint(1, 28)}日", dept=dept, dept2=dept2, town=rnd.choice(TOWNS),
            topic=rnd.choice(TOPICS), activity=rnd.choice(ACTIVITIES), month=rnd.choice(MONTHS),
            day=rnd.randint(1, 28), n=rnd.randint(3, 900), k=rnd.randint(2, 300), j=rnd.randint(5, 80),
            m=f"{rnd.randint(1, 60) / 10:.1f}", p=f"{rnd.randint(50, 999) / 10:.1f}", t=rnd.randint(8, 12))

    def sentence(self) -> str:
        if self.seeds and self.rnd.random() < 0.45:
            return self.rnd.choice(self.seeds)
        return self.fill(self.rnd.choice(TEMPLATES))

    def paragraph(self, sentences: tuple[int, int] = (2, 6)) -> str:
        return "".join(self.sentence() for _ in range(self.rnd.randint(*sentences)))

    def title(self, column: str) -> str:
        rnd = self.rnd
        topic, town, dept = rnd.choice(TOPICS), rnd.choice(TOWNS), rnd.choice(DEPARTMENTS)
        year = rnd.choice(["2023年", "2024年", "2025年"])
        return {
            "tzgg": f"关于{rnd.choice(['开展', '做好', '进一步加强'])}{year}{topic}工作的通知",
            "zcwj": f"{COUNTY}人民政府办公室关于印发《{COUNTY}{topic}实施方案》的通知",
            "zcjd": f"《{COUNTY}{topic}实施方案》政策解读",
            "rsxx": f"{dept}{year}公开招聘工作人员公告",
            "gkml": f"{dept}{year}政府信息公开工作年度报告",
            "xzdt": f"{town}扎实推进{topic}工作",
            "bmdt": f"{dept}开展{topic}{rnd.choice(ACTIVITIES)}",
        }.get(column, f"{COUNTY}{rnd.choice(['召开', '部署', '推进'])}{topic}工作{rnd.choice(['会议', '', '专题会'])}")

    def leader_sentence(self) -> str:
        name, title = self.rnd.choice(LEADERS[:3])
        return f"{title}{name}出席会议并讲话，要求各地各部门{self.rnd.choice(['抓好落实', '压实责任', '强化协同'])}。"

    def table(self) -> str:
        rows = ["| 序号 | 乡镇 | 完成数量 | 完成率 |", "| --- | --- | --- | --- |"]
        for i, town in enumerate(self.rnd.sample(TOWNS, self.rnd.randint(3, 8)), 1):
            rows.append(f"| {i} | {town} | {self.rnd.randint(10, 500)} | {self.rnd.randint(600, 1000) / 10:.1f}% |")
        return "\n".join(rows)

    def body(self, column: str, target_bytes: int, unit: str, day: str) -> list[str]:
        """Blocks of Markdown of about ``target_bytes`` UTF-8 bytes (links and attachments added by the caller)."""
        rnd = self.rnd
        blocks: list[str] = []
        heads = JD_HEADS if column == "zcjd" else SECTION_HEADS
        if column in ("tzgg", "zcwj"):
            blocks.append(rnd.choice(SALUTATIONS))
        size, section = 0, 0
        while size < target_bytes:
            roll = rnd.random()
            if column in ("tzgg", "zcwj", "zcjd", "gkml") and section < len(heads) and (roll < 0.3 or not blocks):
                block = f"## {heads[section]}"
                section += 1
            elif roll < 0.08:
                block = "\n".join(f"{i}. {self.sentence()}" for i in range(1, rnd.randint(3, 5)))
            elif roll < 0.12:
                block = self.table()
            elif roll < 0.16 and column in ("zwdt", "xzdt", "bmdt"):
                block = self.leader_sentence() + self.paragraph((1, 3))
            else:
                block = self.paragraph()
            blocks.append(block)
            size += len(block.encode("utf-8")) + 2
        if column in ("tzgg", "zcwj", "rsxx"):
            blocks.append(f"{unit}\n\n{day}")
        return blocks
