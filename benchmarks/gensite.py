"""Generate a realistic county government site of N pages with a real, signed review history.

    python benchmarks/gensite.py --pages 5000 --out DIR [--seed 1]

DIR becomes a git repository holding:

* ``mkdocs.yml`` (default theme, search, the govgate plugin in history-evidence mode with the
  trust root pinned) and ``mkdocs-nogate.yml`` (the same minus the plugin: the baseline);
* ``content/``: a home page, columns (栏目) as folders with an index page each and articles by
  year, 1.5–6 KB of Chinese text per page built from the seed regulations and varied sentences
  (passing every content rule), all three classifications, attachments (.pdf .docx .xlsx .txt)
  and photos linked from pages, reprints from sources on the site's list;
* ``signoffs/``: policy (five stages), roster (editors, reviewers, admins with Ed25519 keys),
  site rules (allowed domains, reprint sources, leaders);
* a history in time order: the admin-signed trust root, admin-signed roster changes (new
  reviewers, a reviewer transferred away), one commit per new or edited page, and one commit
  per sign-off, exactly as ``govgate approve`` makes it: the entry (with its inline signature)
  appended, trailers repeating page, stage, by, decision and digest, SSH-signed by the
  reviewer's roster key.  Some pages are sent back (revise), edited and approved again.

Commits are signed in-process and written as loose objects (``gitwriter.py``): about a
minute for 5,000 pages instead of an ssh-keygen process per commit.  Keys are derived from
``--seed``, so the same arguments give the same repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import heapq
import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import officefiles
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from gitwriter import ObjectWriter, WorkTree, fingerprint, finish, public_line, signed_commit, ssh_sign
from textgen import COUNTY, DEPARTMENTS, GOV_LINKS, LEADERS, TOWNS, Corpus

from mkdocs_govgate.approve import _scalar as yaml_scalar
from mkdocs_govgate.approve import entry_text
from mkdocs_govgate.digest import compute_digest
from mkdocs_govgate.evidence.inline import INLINE_NAMESPACE, payload_for
from mkdocs_govgate.evidence.trailers import ApprovalTrailer, approval_message
from mkdocs_govgate.page import Page

TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2022, 3, 1, 9, 0, tzinfo=TZ)
END = dt.datetime(2025, 6, 30, 18, 0, tzinfo=TZ)
INFO_FILE = "govgate-bench.json"      # in .git/: what was generated, for scale.py --reuse

POLICY = """\
# 青岚县人民政府门户网站 — 信息发布审核策略（三审三校）
roles:
  editor: 信息采编人员（拟稿人）
  section_chief: 科室负责人
  site_admin: 网站管理员（信息公开专职人员）
  secrecy_officer: 保密审核员
  deputy_leader: 分管领导
  principal_leader: 主要领导
  superior_leader: 上级领导
  admin: 信任库管理员
stages:
  first:     {title: 初审初校, roles: [section_chief]}
  second:    {title: 复审复校, roles: [site_admin, secrecy_officer]}
  final:     {title: 终审终校, roles: [deputy_leader, principal_leader]}
  principal: {title: 主要领导签批, roles: [principal_leader]}
  superior:  {title: 上级领导批示, roles: [superior_leader]}
classifications:
  general:   [first, second, final]
  important: [first, second, final, principal]
  special:   [first, second, final, principal, superior]
separation_of_duties: true
ordered: true
evidence: history
"""
STAGES = {"general": ["first", "second", "final"], "important": ["first", "second", "final", "principal"],
          "special": ["first", "second", "final", "principal", "superior"]}
STAGE_TITLES = {"first": "初审初校", "second": "复审复校", "final": "终审终校", "principal": "主要领导签批",
                "superior": "上级领导批示"}
# who may sign each stage in this site (final: deputies only, so the principal leader can sign principal)
STAGE_ROLES = {"first": "section_chief", "second": ("site_admin", "secrecy_officer"), "final": "deputy_leader",
               "principal": "principal_leader", "superior": "superior_leader"}
STAGE_DELAY_HOURS = {"first": (1, 8), "second": (1, 24), "final": (2, 48), "principal": (4, 72), "superior": (12, 120)}
# id, name, role; hired: the fraction of the timeline at which an admin adds them (0: from the start)
PEOPLE = [
    ("root1", "管理员甲", "admin", 0.0), ("root2", "管理员乙", "admin", 0.0),
    *[(f"editor{i:02d}", f"编辑{n}", "editor", 0.0) for i, n in enumerate("甲乙丙丁戊己庚辛", 1)],
    *[(f"chief{i:02d}", f"科长{n}", "section_chief", 0.0) for i, n in enumerate("甲乙丙丁戊", 1)],
    ("chief06", "科长己", "section_chief", 0.35),
    ("webadmin01", "网管甲", "site_admin", 0.0), ("webadmin02", "网管乙", "site_admin", 0.0),
    ("secrecy01", "保密员甲", "secrecy_officer", 0.0), ("secrecy02", "保密员乙", "secrecy_officer", 0.0),
    ("deputy01", "吴明", "deputy_leader", 0.0), ("deputy02", "刘洋", "deputy_leader", 0.0),
    ("deputy03", "副县长丙", "deputy_leader", 0.35),
    ("principal01", "郑强", "principal_leader", 0.0),
    ("superior01", "陈华", "superior_leader", 0.0), ("superior02", "上级领导乙", "superior_leader", 0.0),
]
TRANSFERRED = ("chief01", 0.7)    # 调任: an admin sets valid_until; no signature after it
COLUMNS = [  # folder, 栏目, weight
    ("tzgg", "通知公告", 16), ("zwdt", "政务动态", 22), ("zcwj", "政策文件", 8), ("zcjd", "政策解读", 6),
    ("bmdt", "部门动态", 14), ("xzdt", "乡镇动态", 14), ("rsxx", "人事信息", 5), ("gkml", "政府信息公开", 5),
    ("msfw", "民生服务", 6), ("zdxm", "重点项目", 4),
]
REPRINT_SOURCES = [
    ("新华社", "新华社记者", "https://www.news.cn/politics/{d:%Y%m%d}/{h}/c.html"),
    ("人民网", "人民日报记者", "http://politics.people.com.cn/n1/{d:%Y/%m%d}/c1001-{n}.html"),
    ("中国政府网", "中国政府网", "https://www.gov.cn/yaowen/liebiao/{d:%Y%m}/content_{n}.htm"),
    ("青岚日报", "青岚日报记者", "https://www.qlnews.cn/content/{d:%Y-%m/%d}/content_{n}.html"),
]
RULE_FILES = {
    # the default theme's footer credits mkdocs.org; reprint sources' sites are linked by attributions
    "allowed_domains.txt": "www.mkdocs.org\nnews.cn\npeople.com.cn\nqlnews.cn\n",
    "reprint_sources.yml": "sources:\n  - {name: 青岚日报, aliases: [青岚新闻网], domains: [qlnews.cn]}\n",
    "leaders.yml": "leaders:\n" + "".join(f"  - {{name: {n}, title: {t}}}\n" for n, t in LEADERS),
}


def mkdocs_config(gate: bool) -> str:
    """The site configuration; the pin is kept outside it (``git config govgate.trustRoot`` of the clone)."""
    text = (f"site_name: {COUNTY}人民政府门户网站\nsite_url: https://www.qinglan.gov.cn/\ndocs_dir: content\n"
            "site_dir: site\ntheme:\n  name: mkdocs\n  locale: zh_CN\n  highlightjs: false\nplugins:\n  - search\n")
    if gate:
        text += ("  - govgate:\n      policy: signoffs/policy.yml\n      reviewers: signoffs/reviewers.yml\n"
                 "      rules_dir: signoffs/rules\n      on_unapproved: fail\n")
    return text


def key_of(seed: int, person: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"govgate-bench:{seed}:{person}".encode()).digest())


@dataclass
class Person:
    id: str
    name: str
    role: str
    key: Ed25519PrivateKey
    hired: dt.datetime
    valid_until: dt.date | None = None


@dataclass
class Article:
    path: str                   # relative to content/
    meta: dict
    blocks: list[str]
    classification: str
    created: dt.datetime
    files: dict[str, bytes] = field(default_factory=dict)   # attachments, relative to content/
    entries: list[str] = field(default_factory=list)
    signers: set[str] = field(default_factory=set)
    revise: bool = False

    @property
    def body(self) -> str:
        return "\n\n".join(self.blocks) + "\n"

    def text(self) -> str:
        front = "".join(f"{k}: {_yaml_value(v)}\n" if not isinstance(v, dict) else
                        f"{k}:\n" + "".join(f"  {k2}: {_yaml_value(v2)}\n" for k2, v2 in v.items())
                        for k, v in self.meta.items())
        if self.entries:
            front += "signoffs:\n" + "".join(self.entries)
        return f"---\n{front}---\n\n{self.body}"


def _yaml_value(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(str(v)) for v in value) + "]"
    return yaml_scalar(str(value))


@dataclass
class Generated:
    root: Path
    pages: int
    trust_root: str
    commits: int
    signoffs: int
    attachments: int
    seconds: float

    def save(self) -> None:
        info = {k: (str(v) if isinstance(v, Path) else v) for k, v in self.__dict__.items()}
        (self.root / ".git" / INFO_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=1))

    @classmethod
    def load(cls, root: Path) -> Generated:
        info = json.loads((root / ".git" / INFO_FILE).read_text())
        info["root"] = Path(info["root"])
        return cls(**info)


class SiteGenerator:
    def __init__(self, root: Path, pages: int, seed: int = 1):
        if pages < 20:
            raise ValueError("at least 20 pages")
        self.root, self.pages, self.seed = root, pages, seed
        self.rnd = random.Random(seed)
        span = END - START
        self.people = {pid: Person(pid, name, role, key_of(seed, pid), START + span * hired)
                       for pid, name, role, hired in PEOPLE}
        person, at = TRANSFERRED
        self.transfer_time = START + span * at
        self.transferred = person
        self.docs = root / "content"
        self.commits = self.signoffs = 0

    # -- the trust store ------------------------------------------------------------------------
    def roster_text(self, when: dt.datetime) -> str:
        lines = ["# 审核人员名册（信任库）：修改须由管理员签名提交", "people:"]
        for p in self.people.values():
            if p.hired > when:
                continue
            until = self.transfer_time.date() if p.id == self.transferred and when >= self.transfer_time else None
            lines += [f"  - id: {p.id}", f"    name: {p.name}", f"    unit: {COUNTY}人民政府办公室",
                      f"    roles: [{p.role}]", f'    keys: ["{public_line(p.key)} {p.id}"]',
                      f"    valid_from: {min(p.hired.date(), dt.date(2022, 1, 1)) if p.hired == START else p.hired.date()}",
                      f"    valid_until: {until or 'null'}"]
        return "\n".join(lines) + "\n"

    def signer(self, stage: str, at: dt.datetime, article: Article) -> Person:
        roles = STAGE_ROLES[stage]
        roles = (roles,) if isinstance(roles, str) else roles
        fit = [p for p in self.people.values() if p.role in roles and (p.hired == START or p.hired + dt.timedelta(days=1) <= at)
               and not (p.id == self.transferred and at >= self.transfer_time - dt.timedelta(days=1))
               and p.id not in article.signers and p.id != article.meta["author"]]
        return self.rnd.choice(fit)

    # -- pages ----------------------------------------------------------------------------------
    def plan(self) -> list[Article]:
        """Home, column index pages and articles, in order of creation."""
        rnd, corpus = self.rnd, self.corpus
        columns = COLUMNS[: max(2, min(len(COLUMNS), (self.pages - 1) // 6))]
        editors = [p.id for p in self.people.values() if p.role == "editor"]
        articles = [self._index("index.md", f"{COUNTY}人民政府门户网站", "首页",
                                ["欢迎访问青岚县人民政府门户网站。", *(f"- [{name}]({folder}/index.md)"
                                                        for folder, name, _ in columns)], editors[0])]
        for folder, name, _ in columns:
            articles.append(self._index(f"{folder}/index.md", name, name, [corpus.paragraph((2, 3))], editors[0]))
        count = self.pages - len(articles)
        weights = [w for _, _, w in columns]
        span = (END - START).total_seconds() - 10 * 86400
        times = sorted(START + dt.timedelta(days=1, seconds=rnd.random() * span) for _ in range(count))
        by_folder: dict[str, list[Article]] = {}
        for number, created in enumerate(times):
            folder, column, _ = rnd.choices(columns, weights)[0]
            article = self._article(number, folder, column, created, rnd.choice(editors), by_folder)
            by_folder.setdefault(folder, []).append(article)
            articles.append(article)
        return articles

    def _index(self, path: str, title: str, column: str, blocks: list[str], author: str) -> Article:
        meta = {"title": title, "date": START.date(), "column": column, "unit": f"{COUNTY}人民政府办公室",
                "author": author, "classification": "general"}
        return Article(path, meta, blocks, "general", START + dt.timedelta(minutes=1))

    def _article(self, number: int, folder: str, column: str, created: dt.datetime, author: str,
                 by_folder: dict[str, list[Article]]) -> Article:
        rnd, corpus = self.rnd, self.corpus
        day = created.date()
        stem = f"t{day:%Y%m%d}_{number + 100000}"
        path = f"{folder}/{day.year}/{stem}.md"
        roll = rnd.random()
        if folder == "zcwj":
            classification = "special" if roll < 0.2 else "important" if roll < 0.8 else "general"
        else:
            classification = "special" if roll < 0.03 else "important" if roll < 0.15 else "general"
        unit = rnd.choice(DEPARTMENTS + [f"{COUNTY}人民政府办公室"] + [f"{COUNTY}{t}人民政府" for t in TOWNS[:4]])
        meta = {"title": corpus.title(folder), "date": day, "column": column, "unit": unit, "author": author,
                "classification": classification}
        if rnd.random() < 0.3:
            meta["description"] = corpus.sentence()
        if rnd.random() < 0.2:
            meta["keywords"] = rnd.sample(["政务公开", "通知", "民生", "安全", "乡村振兴", "营商环境", "就业"], 2)
        article = Article(path, meta, [], classification, created)
        article.blocks = corpus.body(folder, rnd.randint(1500, 6000), unit, f"{day.year}年{day.month}月{day.day}日")
        earlier = by_folder.get(folder, [])
        if folder == "zcwj" and by_folder.get("zcjd"):
            jd = rnd.choice(by_folder["zcjd"][-20:])
            meta["interpretation"] = _relative(path, jd.path)
            article.blocks.append(f"相关解读：[{jd.meta['title']}]({_relative(path, jd.path)})")
        if folder in ("zwdt", "zcjd", "bmdt") and rnd.random() < 0.12:
            source, author_name, url = rnd.choice(REPRINT_SOURCES)
            retrieved = day - dt.timedelta(days=rnd.randint(0, 2))
            meta["reprint"] = {"source": source, "url": url.format(d=retrieved, h=hashlib.md5(path.encode()).hexdigest()[:12],
                                                                    n=rnd.randint(1000000, 9999999)),
                               "author": author_name, "retrieved": retrieved}
        if earlier and rnd.random() < 0.3:
            other = rnd.choice(earlier[-30:])
            article.blocks.append(f"相关阅读：[{other.meta['title']}]({_relative(path, other.path)})")
        if rnd.random() < 0.25:
            text, url = rnd.choice(GOV_LINKS)
            article.blocks.append(f"更多政策信息请访问[{text}]({url})。")
        if folder in ("tzgg", "zcwj", "rsxx", "gkml", "zdxm") and rnd.random() < 0.18:
            self._attach(article, stem, rnd.randint(1, 2))
        if folder in ("zwdt", "xzdt") and rnd.random() < 0.05:
            image = f"{folder}/{day.year}/images/{stem}.png"
            article.files[image] = officefiles.png(rnd.randint(4, 24), rnd.randint(4, 16), tuple(
                rnd.randrange(256) for _ in range(3)))
            article.blocks.insert(1, f"![{meta['title']}现场图片]({_relative(path, image)})")
        article.revise = rnd.random() < 0.02
        return article

    def _attach(self, article: Article, stem: str, count: int) -> None:
        corpus, rnd = self.corpus, self.rnd
        folder = article.path.rsplit("/", 1)[0]
        links = []
        for i in range(1, count + 1):
            kind = rnd.choice(["pdf", "docx", "xlsx", "txt"])
            rel = f"{folder}/files/{stem}-{i}.{kind}"
            title = f"附件{i}：{article.meta['title'][:20]}"
            lines = [corpus.sentence() for _ in range(rnd.randint(4, 8))]
            if kind == "pdf":
                data = officefiles.pdf([title, *lines])
            elif kind == "docx":
                data = officefiles.docx(title, lines)
            elif kind == "xlsx":
                rows = [["序号", "乡镇", "数量", "备注"]] + [[str(n), town, str(rnd.randint(1, 99)), "已完成"]
                                                       for n, town in enumerate(rnd.sample(TOWNS, 6), 1)]
                data = officefiles.xlsx(rows)
            else:
                data = ("\n".join([title, *lines]) + "\n").encode("utf-8")
            article.files[rel] = data
            links.append(f"- [{title}.{kind}]({_relative(article.path, rel)})")
        article.blocks.append("附件：\n\n" + "\n".join(links))

    def digest(self, article: Article) -> str:
        text = article.text()
        body = text.split("\n---\n", 1)[1]
        page = Page(article.path, self.docs / article.path, text.encode(), text, article.meta, {}, body,
                    text[: len(text) - len(body)].count("\n") + 1, True)
        found = compute_digest(page, self.docs)
        if found.problems:
            raise RuntimeError(f"{article.path}: {found.problems[0].message.en}")
        return found.value

    # -- history --------------------------------------------------------------------------------
    def generate(self) -> Generated:
        from mkdocs_govgate.rules import RuleEngine  # noqa: PLC0415

        started = time.perf_counter()
        subprocess.run(["git", "init", "-q", "-b", "main", str(self.root)], check=True)
        writer = ObjectWriter(self.root / ".git")
        tree = WorkTree(writer)
        rules_dir = self.root / "signoffs" / "rules"
        rules_dir.mkdir(parents=True)
        for name, text in RULE_FILES.items():
            (rules_dir / name).write_text(text, encoding="utf-8")
            tree.put(f"signoffs/rules/{name}", text.encode())
        self.corpus = Corpus.build(self.rnd, RuleEngine.load(rules_dir))
        tree.put("signoffs/policy.yml", POLICY.encode())
        tree.put("signoffs/reviewers.yml", self.roster_text(START).encode())
        tree.put(".gitignore", b"site/\n.govgate-cache/\n.govgate-report/\n")
        root1 = self.people["root1"]
        tree.put("mkdocs.yml", mkdocs_config(gate=True).encode())          # sealed: in the admin's root commit
        tree.put("mkdocs-nogate.yml", mkdocs_config(gate=False).encode())
        head = signed_commit(writer, tree.tree(), None, "信任库与站点配置初始化（信任根）\n", int(START.timestamp()),
                             root1.key, root1.id)
        trust_root = f"{head}:{fingerprint(root1.key)}"
        subprocess.run(["git", "config", "govgate.trustRoot", trust_root], cwd=self.root, check=True)
        self.commits = 1
        articles = self.plan()
        attachments = 0
        events: list[tuple[dt.datetime, int, str, object]] = []
        for order, article in enumerate(articles):
            events.append((article.created, order, "create", article))
        for hired in sorted({p.hired for p in self.people.values() if p.hired > START}):
            events.append((hired, 0, "roster", "、".join(p.id for p in self.people.values() if p.hired == hired)))
        events.append((self.transfer_time, 0, "roster", self.transferred))
        heapq.heapify(events)
        sequence = len(articles)
        while events:
            when, _, kind, what = heapq.heappop(events)
            if kind == "roster":
                admin = self.people["root2" if what == self.transferred else "root1"]
                tree.put("signoffs/reviewers.yml", self.roster_text(when).encode())
                head = signed_commit(writer, tree.tree(), head, f"名册变更：{what}\n", int(when.timestamp()), admin.key,
                                     admin.id)
                self.commits += 1
            elif kind == "create":
                article = what
                assert isinstance(article, Article)
                for rel, data in article.files.items():
                    path = self.docs / rel
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                    tree.put(f"content/{rel}", data)
                    attachments += 1
                head = self._commit_page(writer, tree, head, article, f"新增稿件：{article.meta['title']}\n", when,
                                         None, article.meta["author"])
                stages = STAGES[article.classification]
                first = ("revise", "first") if article.revise else ("sign", stages[0])
                sequence += 1
                heapq.heappush(events, (when + self._delay(first[1]), sequence, first[0], (article, first[1])))
            elif kind == "edit":
                article, stage = what  # type: ignore[misc]
                article.blocks.insert(len(article.blocks) // 2, self.corpus.paragraph((1, 2)))
                head = self._commit_page(writer, tree, head, article, "按审核意见修改稿件\n", when, None,
                                         article.meta["author"])
                sequence += 1
                heapq.heappush(events, (when + self._delay(stage), sequence, "sign", (article, stage)))
            else:   # sign / revise
                article, stage = what  # type: ignore[misc]
                decision = "approve" if kind == "sign" else "revise"
                head = self._sign(writer, tree, head, article, stage, decision, when)
                stages = STAGES[article.classification]
                sequence += 1
                if decision == "revise":
                    heapq.heappush(events, (when + dt.timedelta(hours=self.rnd.randint(2, 30)), sequence, "edit",
                                            (article, stage)))
                elif stages.index(stage) + 1 < len(stages):
                    following = stages[stages.index(stage) + 1]
                    heapq.heappush(events, (when + self._delay(following), sequence, "sign", (article, following)))
        finish(self.root, head)
        generated = Generated(self.root, len(articles), trust_root, self.commits, self.signoffs, attachments,
                              round(time.perf_counter() - started, 1))
        generated.save()
        self._check_sample(articles)
        return generated

    def _delay(self, stage: str) -> dt.timedelta:
        low, high = STAGE_DELAY_HOURS[stage]
        return dt.timedelta(hours=self.rnd.randint(low, high), minutes=self.rnd.randint(0, 59))

    def _commit_page(self, writer: ObjectWriter, tree: WorkTree, head: str, article: Article, message: str,
                     when: dt.datetime, key: Ed25519PrivateKey | None, who: str) -> str:
        tree.put(f"content/{article.path}", article.text().encode("utf-8"))
        self.commits += 1
        return signed_commit(writer, tree.tree(), head, message, int(when.timestamp()), key, who)

    def _sign(self, writer: ObjectWriter, tree: WorkTree, head: str, article: Article, stage: str, decision: str,
              when: dt.datetime) -> str:
        """What `govgate approve|revise` does: the entry with its inline signature, one signed commit."""
        person = self.signer(stage, when, article)
        digest = self.digest(article)
        at = when.replace(second=0, microsecond=0)
        opinion = {"approve": "同意发布。" if stage == STAGES[article.classification][-1] else "同意，报下一环节审核。",
                   "revise": "请核实数据后修改，重新报审。"}[decision]
        fields = {"stage": stage, "by": person.id, "decision": decision, "opinion": opinion, "at": at.isoformat(),
                  "digest": digest}
        signature = ssh_sign(person.key, payload_for(digest, stage, person.id, decision, at, article.path), INLINE_NAMESPACE)
        article.entries.append(entry_text(fields, signature, 2))
        article.signers.add(person.id)
        trailer = ApprovalTrailer(f"content/{article.path}", stage, person.id, decision, digest)
        self.signoffs += 1
        return self._commit_page(writer, tree, head, article, approval_message(trailer, STAGE_TITLES[stage]), at,
                                 person.key, person.id)

    def _check_sample(self, articles: list[Article]) -> None:
        """The generator's shortcut (digest from its own front-matter dict) must agree with the strict parser."""
        for article in articles[:3] + self.rnd.sample(articles, min(20, len(articles))):
            page = Page.load(self.docs, article.path)
            if page.content_meta() != article.meta or compute_digest(page, self.docs).value != self.digest(article):
                raise RuntimeError(f"generated front-matter of {article.path} does not read back as written")


def _relative(source: str, target: str) -> str:
    import posixpath  # noqa: PLC0415

    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def generate(root: Path, pages: int, seed: int = 1) -> Generated:
    return SiteGenerator(root, pages, seed).generate()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--out", type=Path, required=True, help="folder to create (must not exist)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.out.exists():
        parser.error(f"{args.out} exists")
    result = generate(args.out.resolve(), args.pages, args.seed)
    print(f"generated {result.pages} pages, {result.signoffs} signed sign-offs, {result.commits} commits, "
          f"{result.attachments} attachments in {result.seconds} s: {result.root}")
    print(f"trust root: {result.trust_root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
