"""The demo's reference rows: the fund, institutions, investors and the real startups of the
source article (21世纪经济报道, 2024-11-20, ../shared/seed/). Anything not from the article is
labelled illustrative where it is defined.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from portfolio.models.choices import (
    InstitutionKind,
    InvestorKind,
    TechArea,
)

FUND_NAME = "北京量子信息产业发展投资基金"
SOURCE = "来源: 21世纪经济报道 2024-11-20《北京海淀发力量子信息产业 争夺量子产业第一城》"
ILLUSTRATIVE = "示例数据 (illustrative, not from the source)"


M = Decimal("1000000")  # one million yuan

INSTITUTIONS = [
    # name, English, short, kind, city
    ("清华大学", "Tsinghua University", "清华", InstitutionKind.UNIVERSITY, "北京"),
    ("北京大学", "Peking University", "北大", InstitutionKind.UNIVERSITY, "北京"),
    (
        "中国科学院物理研究所",
        "CAS Institute of Physics",
        "物理所",
        InstitutionKind.CAS_INSTITUTE,
        "北京",
    ),
    (
        "中国科学院半导体研究所",
        "CAS Institute of Semiconductors",
        "半导体所",
        InstitutionKind.CAS_INSTITUTE,
        "北京",
    ),
    (
        "北京量子信息科学研究院",
        "Beijing Academy of Quantum Information Sciences (BAQIS)",
        "北京量子院",
        InstitutionKind.RESEARCH_INSTITUTE,
        "北京",
    ),
    (
        "中国科学技术大学",
        "University of Science and Technology of China (USTC)",
        "中科大",
        InstitutionKind.UNIVERSITY,
        "合肥",
    ),
]

INVESTORS = [
    ("北京市机器人产业发展投资基金", "Beijing Robotics Fund", InvestorKind.GOVERNMENT_FUND),
    ("IDG资本", "IDG Capital", InvestorKind.VC),
    (
        FUND_NAME,
        "Beijing Quantum Information Industry Development Investment Fund",
        InvestorKind.GOVERNMENT_FUND,
    ),
    (
        "海淀区国资平台（示例）",
        "Haidian state-owned platform (illustrative)",
        InvestorKind.STATE_PLATFORM,
    ),
    ("中关村天使汇（示例）", "Zhongguancun Angels (illustrative)", InvestorKind.ANGEL),
    ("量子前沿创投（示例）", "Quantum Frontier Ventures (illustrative)", InvestorKind.VC),
    (
        "科学城成长基金（示例）",
        "Science City Growth Fund (illustrative)",
        InvestorKind.GOVERNMENT_FUND,
    ),
    ("精测产业资本（示例）", "Precision Industrial Capital (illustrative)", InvestorKind.CORPORATE),
    ("合肥产投（示例）", "Hefei Industrial Investment (illustrative)", InvestorKind.STATE_PLATFORM),
    ("北辰资本（示例）", "Beichen Capital (illustrative)", InvestorKind.VC),
]


ARTICLE_DATE = dt.date(2024, 11, 20)  # what the article saw, it saw on this day
#: the source article as published (a copy of ../shared/seed/, kept with the facts so a clean
#: clone can check them): tests/test_demo_data.py finds every quote below in it
ARTICLE_PATH = "portfolio/demo/source-article.zh.txt"
PUBLIC_RECORD = "public record"


@dataclass(frozen=True)
class Fact:
    """One fact about a real company, with where it comes from.

    ``quote`` is a sentence of the article (``source`` "article": the test finds it in the
    seed file) or the public record it comes from (``source`` ``PUBLIC_RECORD``).
    ``field`` names what the demo holds: a startup field, or one of ``stage`` (the stage
    the article's description places it in on ``ARTICLE_DATE``), ``exited_year``,
    ``rounds`` (how many), ``raised_over`` (yuan), ``investors`` (named, undated),
    ``valuation`` (pre-money, yuan), ``milestone`` (a title)."""

    company: str
    field: str
    value: object
    quote: str
    source: str = "article"


WEICI = "北京未磁科技有限公司"

#: Every fact the demo holds about a real company. Nothing else is recorded about them:
#: no credit code, founding day, headcount, KPI or dated investor participation that a
#: source does not give (domain.md, "Facts from the source").
FACTS = [
    Fact(WEICI, "name", WEICI, "在北京未磁科技有限公司门口堆放着"),
    Fact(WEICI, "tech_area", TechArea.SENSING, "主要依托量子精密磁场测量底层技术"),
    Fact(
        WEICI,
        "registered_region",
        "北京市海淀区",
        "未磁科技是中关村科学城的一家量子信息领域的代表企业",
    ),
    Fact(WEICI, "location", "北京市海淀区金隅·智造工场园区", "在北京市海淀区的金隅·智造工场园区"),
    Fact(WEICI, "founders", "蔡宾", "未磁科技创始人、董事长蔡宾"),
    Fact(
        WEICI,
        "stage",
        "first-sales",
        "无液氦心磁图仪已在北京安贞医院、北京协和医院、长沙湘雅医院、武汉同济医院、广东省人民医院等十余家医院装机使用",
    ),
    Fact(WEICI, "rounds", 5, "成立四年来完成5轮超过3亿元融资"),
    Fact(WEICI, "raised_over", Decimal("300000000"), "成立四年来完成5轮超过3亿元融资"),
    Fact(
        WEICI,
        "investors",
        ("北京市机器人产业发展投资基金", "IDG资本"),
        "获得了北京市机器人基金、IDG资本等多家机构投资",
    ),
    Fact(
        WEICI,
        "milestone",
        "心磁图仪装箱出口",
        "一批刚装箱完毕的心磁图仪机器,在北京未磁科技有限公司门口堆放着,正准备出口到国外",
    ),
    Fact(
        WEICI,
        "milestone",
        "无液氦心磁图仪十余家医院装机",
        "无液氦心磁图仪已在北京安贞医院、北京协和医院、长沙湘雅医院、武汉同济医院、广东省人民医院等十余家医院装机使用",
    ),
    Fact(
        WEICI,
        "milestone",
        "脑磁图仪十余家医院应用",
        "脑磁图仪已在北京天坛医院、北京宣武医院、上海华山医院等十余家医院开展应用",
    ),
    Fact(
        "相干科技",
        "tech_area",
        TechArea.COMPUTING,
        "相干科技是一家专注于提供超导量子计算技术解决方案、量子计算服务的企业",
    ),
    Fact("相干科技", "institution", "北京量子信息科学研究院", "公司孵化于北京量子信息科学研究院"),
    Fact(
        "相干科技",
        "location",
        "北京市海淀区",
        "21世纪经济报道记者在海淀采访了未磁科技、科微量子、相干科技三家量子信息类企业",
    ),
    Fact(
        "相干科技",
        "stage",
        "prototype",
        "已经逐步构建了完整的超导量子计算测控解决方案,并具备了量子计算机整机研发能力",
    ),
    Fact("华翊量子", "founders", "段路明", "清华大学量子信息中心主任、华翊量子创始人段路明"),
    Fact("华翊量子", "institution", "清华大学", "清华大学量子信息中心主任、华翊量子创始人段路明"),
    Fact(
        "华翊量子",
        "tech_area",
        TechArea.COMPUTING,
        "华翊量子: trapped-ion quantum computers (company website, hyqubit.com)",
        PUBLIC_RECORD,
    ),
    Fact("国盾量子", "registered_region", "安徽省合肥市", "合肥的国盾量子已于2020年登陆科创板"),
    Fact("国盾量子", "exited_year", 2020, "合肥的国盾量子已于2020年登陆科创板"),
    Fact(
        "国盾量子",
        "exited_on",
        dt.date(2020, 7, 9),
        "科创板上市 2020-07-09 (688027, 上海证券交易所)",
        PUBLIC_RECORD,
    ),
    Fact(
        "国盾量子",
        "tech_area",
        TechArea.COMMUNICATION,
        "QuantumCTek (688027.SH): quantum key distribution products (annual report)",
        PUBLIC_RECORD,
    ),
    Fact(
        "本源量子",
        "tech_area",
        TechArea.COMPUTING,
        "此外量子计算机整机研发公司包括本源量子、国盾量子、国仪量子、幺正量子、启科量子等",
    ),
    Fact(
        "本源量子",
        "stage",
        "prototype",
        "此外量子计算机整机研发公司包括本源量子、国盾量子、国仪量子、幺正量子、启科量子等",
    ),
    Fact(
        "本源量子", "valuation", Decimal("6500000000"), "其中本源量子的估值在2021年就有六七十亿元"
    ),
    Fact(
        "本源量子",
        "registered_region",
        "安徽省合肥市",
        "本源量子计算科技(合肥)股份有限公司 (business registry)",
        PUBLIC_RECORD,
    ),
    Fact(
        "国仪量子",
        "tech_area",
        TechArea.COMPUTING,
        "此外量子计算机整机研发公司包括本源量子、国盾量子、国仪量子、幺正量子、启科量子等",
    ),
    Fact(
        "国仪量子",
        "stage",
        "prototype",
        "此外量子计算机整机研发公司包括本源量子、国盾量子、国仪量子、幺正量子、启科量子等",
    ),
    Fact(
        "国仪量子",
        "registered_region",
        "安徽省合肥市",
        "国仪量子技术(合肥)股份有限公司 (business registry)",
        PUBLIC_RECORD,
    ),
    Fact(
        "幺正量子",
        "tech_area",
        TechArea.COMPUTING,
        "此外量子计算机整机研发公司包括本源量子、国盾量子、国仪量子、幺正量子、启科量子等",
    ),
    Fact(
        "幺正量子",
        "stage",
        "prototype",
        "此外量子计算机整机研发公司包括本源量子、国盾量子、国仪量子、幺正量子、启科量子等",
    ),
    Fact(
        "启科量子",
        "tech_area",
        TechArea.COMPUTING,
        "此外量子计算机整机研发公司包括本源量子、国盾量子、国仪量子、幺正量子、启科量子等",
    ),
    Fact(
        "启科量子",
        "stage",
        "prototype",
        "此外量子计算机整机研发公司包括本源量子、国盾量子、国仪量子、幺正量子、启科量子等",
    ),
    Fact(
        "启科量子",
        "name_en",
        "QUDOOR",
        "国开启科量子技术(北京)有限公司, brand QUDOOR (business registry)",
        PUBLIC_RECORD,
    ),
    Fact(
        "启科量子",
        "registered_region",
        "北京市",
        "国开启科量子技术(北京)有限公司 (business registry)",
        PUBLIC_RECORD,
    ),
]


@dataclass
class Plan:
    """What a startup's history looks like: stages reached with dates, and where it ends."""

    name: str
    name_en: str
    tech_area: str
    institution: str | None
    region: str
    founded_on: dt.date | None
    admitted_on: dt.date | None
    path: list[tuple[str, dt.date, int]]  # (stage slug, date entered, TRL)
    description: str = ""
    founders: str = ""
    illustrative: bool = True
    location: str = ""
    note: str = ""  # on the stage moves


def fact(company: str, field: str, default=None):
    """The value ``FACTS`` gives for ``company``'s ``field`` (the first), or ``default``."""
    return next((f.value for f in FACTS if (f.company, f.field) == (company, field)), default)


def _real(name: str, name_en: str, description: str) -> Plan:
    """A real company as the sources describe it: tracked (never admitted: no source says
    it is a tenant of the incubator, which opened on 2024-10-26), in the stage the article
    places it in on its date, at the stage's lowest TRL (the first pipeline stage when it
    says nothing, as ``startup_create`` does without a stage), and nothing a source does
    not give. A listed company enters the last pipeline stage and exits on its listing day:
    the stages before are not known (a TRL of 0 is the stage's lowest)."""
    listed = fact(name, "exited_on")
    if listed is None:
        path = [(fact(name, "stage", "lab"), ARTICLE_DATE, 0)]
    else:
        path = [("scale-up", listed, 0), ("exited", listed, 0)]
    return Plan(
        name=name,
        name_en=fact(name, "name_en", name_en),
        tech_area=fact(name, "tech_area"),
        institution=fact(name, "institution"),
        region=fact(name, "registered_region", ""),
        location=fact(name, "location", ""),
        founded_on=None,
        admitted_on=None,
        path=path,
        description=f"{description} {SOURCE}。",
        founders=fact(name, "founders", ""),
        illustrative=False,
        note=(
            f"阶段为来源报道日({ARTICLE_DATE})的描述 (the stage the source describes on its "
            "date; earlier moves are not known)"
        ),
    )


#: The real companies of the article. 科微量子 is named (interviewed in Haidian) but the
#: article gives nothing else: a startup needs a technology field and a stage, which no
#: source gives, so it is left out rather than given invented ones.
REAL_STARTUPS = [
    _real(
        WEICI,
        "Beijing Weici Technology",
        "原子磁力计量子精密磁场测量; 心磁图仪、脑磁图仪; 无液氦心磁图仪已在北京安贞医院、"
        "北京协和医院、长沙湘雅医院、武汉同济医院、广东省人民医院等十余家医院装机使用; "
        "脑磁图仪已在北京天坛医院、北京宣武医院、上海华山医院等十余家医院开展应用; "
        "2024年11月8日装箱出口。成立四年来完成5轮超过3亿元融资, 投资方包括北京市机器人基金、"
        "IDG资本。",
    ),
    _real(
        "相干科技",
        "Xianggan (Coherent) Technology",
        "超导量子计算测控解决方案与整机研发, 孵化于北京量子信息科学研究院, 打造量子算力服务平台。",
    ),
    _real(
        "华翊量子", "HYQ (Huayi Quantum)", "由中国科学院院士、清华大学量子信息中心主任段路明创立。"
    ),
    _real("国盾量子", "QuantumCTek", "合肥量子通信企业, 2020年登陆科创板。"),
    _real("本源量子", "Origin Quantum", "合肥量子计算机整机研发公司, 2021年估值六七十亿元。"),
    _real("国仪量子", "CIQTEK", "量子计算机整机研发公司(来源所列)。"),
    _real("幺正量子", "Unitary Quantum", "量子计算机整机研发公司(来源所列); 所在地来源未给出。"),
    _real(
        "启科量子", "QUDOOR", "量子计算机整机研发公司(来源所列); 国开启科量子技术(北京)有限公司。"
    ),
]

# Illustrative spin-offs: invented names, clearly labelled.
