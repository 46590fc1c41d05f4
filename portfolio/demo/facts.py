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


@dataclass
class Plan:
    """What a startup's history looks like: stages reached with dates, and where it ends."""

    name: str
    name_en: str
    tech_area: str
    institution: str | None
    region: str
    founded_on: dt.date
    admitted_on: dt.date | None
    path: list[tuple[str, dt.date, int]]  # (stage slug, date entered, TRL)
    description: str = ""
    founders: str = ""
    illustrative: bool = True


REAL_STARTUPS = [
    Plan(
        name="北京未磁科技有限公司",
        name_en="Beijing Weici Technology",
        tech_area=TechArea.SENSING,
        institution=None,
        region="北京市海淀区",
        founded_on=dt.date(2020, 11, 1),
        admitted_on=dt.date(2024, 10, 26),
        path=[
            ("prototype", dt.date(2020, 11, 1), 5),
            ("pilot", dt.date(2021, 9, 1), 6),
            ("first-sales", dt.date(2022, 6, 1), 8),
            ("scale-up", dt.date(2024, 3, 1), 9),
        ],
        description=(
            "原子磁力计量子精密磁场测量; 无液氦心磁图仪已在北京安贞医院、北京协和医院、"
            "长沙湘雅医院、武汉同济医院、广东省人民医院等十余家医院装机; "
            "脑磁图仪在北京天坛医院、北京宣武医院、上海华山医院等十余家医院应用; "
            "2024年11月装箱出口。成立四年完成5轮超过3亿元融资。"
            f"{SOURCE}。阶段日期为示例。"
        ),
        founders="蔡宾",
        illustrative=False,
    ),
    Plan(
        name="相干科技",
        name_en="Xianggan (Coherent) Technology",
        tech_area=TechArea.COMPUTING,
        institution="北京量子信息科学研究院",
        region="北京市海淀区",
        founded_on=dt.date(2022, 3, 1),
        admitted_on=dt.date(2024, 10, 26),
        path=[
            ("concept", dt.date(2022, 3, 1), 4),
            ("prototype", dt.date(2023, 1, 10), 5),
            ("pilot", dt.date(2024, 6, 1), 6),
        ],
        description=(
            "超导量子计算测控解决方案与整机研发, 孵化于北京量子信息科学研究院, "
            "打造量子算力服务平台。"
            f"{SOURCE}。成立与阶段日期为示例。"
        ),
        illustrative=False,
    ),
    Plan(
        name="科微量子",
        name_en="Kewei Quantum",
        tech_area=TechArea.COMMUNICATION,
        institution=None,
        region="北京市海淀区",
        founded_on=dt.date(2021, 5, 1),
        admitted_on=dt.date(2024, 10, 26),
        path=[("prototype", dt.date(2023, 5, 1), 5)],
        description=f"海淀量子信息企业, 来源未给出细节; 技术领域与日期为示例。{SOURCE}。",
        illustrative=False,
    ),
    Plan(
        name="华翊量子",
        name_en="HYQ (Huayi Quantum)",
        tech_area=TechArea.COMPUTING,
        institution="清华大学",
        region="北京市海淀区",
        founded_on=dt.date(2022, 1, 1),
        admitted_on=dt.date(2024, 10, 26),
        path=[
            ("concept", dt.date(2022, 1, 1), 3),
            ("prototype", dt.date(2023, 4, 1), 5),
        ],
        description=(
            f"由中国科学院院士、清华大学量子信息中心主任段路明创立。{SOURCE}。成立与阶段日期为示例。"
        ),
        founders="段路明",
        illustrative=False,
    ),
    # Hefei peers: tracked for comparison, never admitted to the incubator.
    Plan(
        name="国盾量子",
        name_en="QuantumCTek",
        tech_area=TechArea.COMMUNICATION,
        institution="中国科学技术大学",
        region="安徽省合肥市",
        founded_on=dt.date(2009, 5, 1),
        admitted_on=None,
        path=[
            ("first-sales", dt.date(2012, 1, 1), 8),
            ("scale-up", dt.date(2016, 1, 1), 9),
            ("exited", dt.date(2020, 7, 9), 9),
        ],
        description=f"合肥量子通信企业, 2020年登陆科创板。{SOURCE}。阶段日期为示例。",
        illustrative=False,
    ),
    Plan(
        name="本源量子",
        name_en="Origin Quantum",
        tech_area=TechArea.COMPUTING,
        institution="中国科学技术大学",
        region="安徽省合肥市",
        founded_on=dt.date(2017, 9, 1),
        admitted_on=None,
        path=[
            ("prototype", dt.date(2017, 9, 1), 5),
            ("pilot", dt.date(2019, 1, 1), 6),
            ("first-sales", dt.date(2020, 9, 1), 7),
            ("scale-up", dt.date(2022, 6, 1), 8),
        ],
        description=f"合肥量子计算机整机研发公司, 2021年估值六七十亿元。{SOURCE}。阶段日期为示例。",
        illustrative=False,
    ),
    Plan(
        name="国仪量子",
        name_en="CIQTEK",
        tech_area=TechArea.SENSING,
        institution="中国科学技术大学",
        region="安徽省合肥市",
        founded_on=dt.date(2016, 12, 1),
        admitted_on=None,
        path=[
            ("pilot", dt.date(2017, 6, 1), 6),
            ("first-sales", dt.date(2018, 6, 1), 8),
            ("scale-up", dt.date(2021, 1, 1), 9),
        ],
        description=f"合肥量子企业(来源列为量子计算机整机研发公司之一)。{SOURCE}。领域与日期为示例。",
        illustrative=False,
    ),
    Plan(
        name="幺正量子",
        name_en="Unitary Quantum",
        tech_area=TechArea.COMPUTING,
        institution="中国科学技术大学",
        region="安徽省合肥市",
        founded_on=dt.date(2019, 6, 1),
        admitted_on=None,
        path=[
            ("prototype", dt.date(2019, 6, 1), 4),
            ("pilot", dt.date(2021, 6, 1), 6),
            ("first-sales", dt.date(2023, 3, 1), 7),
        ],
        description=f"合肥量子计算机整机研发公司。{SOURCE}。阶段日期为示例。",
        illustrative=False,
    ),
    Plan(
        name="启科量子",
        name_en="QBoson Qike Quantum",
        tech_area=TechArea.COMPUTING,
        institution="中国科学技术大学",
        region="安徽省合肥市",
        founded_on=dt.date(2019, 1, 1),
        admitted_on=None,
        path=[
            ("prototype", dt.date(2019, 1, 1), 4),
            ("pilot", dt.date(2021, 1, 1), 6),
            ("first-sales", dt.date(2022, 9, 1), 7),
        ],
        description=f"合肥量子计算机整机研发公司。{SOURCE}。阶段日期为示例。",
        illustrative=False,
    ),
]

# Illustrative spin-offs: invented names, clearly labelled.
