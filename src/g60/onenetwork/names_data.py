"""The data of the name rules (企业名称登记管理规定, 2021; standards §7): divisions of the corridor, the
industry lexicon with its synonym groups, organisational forms by legal form, and the forbidden words of Art. 11
and Art. 12 grouped by category. Kept as data so that the lists can grow without touching the checks."""

from g60.registry.constants import EnterpriseType

# Division names the enterprise may carry, by domicile city: the city (with or without 市/区 suffix), its
# province, and for a Shanghai district the city name followed by the district (a 市辖区 name must be preceded
# by its city, Art. 7).
DIVISIONS_BY_CITY: dict[str, tuple[str, ...]] = {
    "310117": ("上海市松江区", "上海松江", "上海市", "上海"),
    "330400": ("浙江省嘉兴市", "浙江嘉兴", "嘉兴市", "嘉兴", "浙江省", "浙江"),
    "330100": ("浙江省杭州市", "浙江杭州", "杭州市", "杭州", "浙江省", "浙江"),
    "330700": ("浙江省金华市", "浙江金华", "金华市", "金华", "浙江省", "浙江"),
    "330500": ("浙江省湖州市", "浙江湖州", "湖州市", "湖州", "浙江省", "浙江"),
    "320500": ("江苏省苏州市", "江苏苏州", "苏州市", "苏州", "江苏省", "江苏"),
    "341800": ("安徽省宣城市", "安徽宣城", "宣城市", "宣城", "安徽省", "安徽"),
    "340200": ("安徽省芜湖市", "安徽芜湖", "芜湖市", "芜湖", "安徽省", "安徽"),
    "340100": ("安徽省合肥市", "安徽合肥", "合肥市", "合肥", "安徽省", "安徽"),
}
# District names that may not stand alone (Art. 7): they must follow their city's name.
BARE_DISTRICTS: dict[str, str] = {"松江区": "310117", "松江": "310117"}
# Other county-level-or-higher division names, to recognise a division the enterprise is not located in and a
# division used as a trade name (Art. 8).
OTHER_DIVISIONS: tuple[str, ...] = (
    "北京市",
    "北京",
    "天津市",
    "天津",
    "重庆市",
    "重庆",
    "广东省",
    "广东",
    "深圳市",
    "深圳",
    "广州市",
    "广州",
    "南京市",
    "南京",
    "宁波市",
    "宁波",
    "无锡市",
    "无锡",
    "江苏省",
    "江苏",
    "浙江省",
    "浙江",
    "安徽省",
    "安徽",
    "上海市",
    "上海",
    "嘉兴市",
    "嘉兴",
    "杭州市",
    "杭州",
    "金华市",
    "金华",
    "湖州市",
    "湖州",
    "苏州市",
    "苏州",
    "宣城市",
    "宣城",
    "芜湖市",
    "芜湖",
    "合肥市",
    "合肥",
    "嘉善县",
    "嘉善",
    "青浦区",
    "青浦",
)

# Industry terms (Art. 9), each with the GB/T 4754 sections it belongs to and its synonym group: terms of one
# group mean the same industry (万青地产 / 万青房地产 / 万青置业 are "similar", §7.3).
INDUSTRY_TERMS: dict[str, tuple[str, str]] = {
    # term: (sections, synonym group)
    "汽车销售": ("F", "auto_sales"),
    "汽车贸易": ("F", "auto_sales"),
    "商贸": ("F", "trade"),
    "贸易": ("F", "trade"),
    "进出口": ("F", "trade"),
    "房地产开发": ("K", "real_estate"),
    "房地产": ("K", "real_estate"),
    "地产": ("K", "real_estate"),
    "置业": ("K", "real_estate"),
    "信息技术": ("I", "it"),
    "信息科技": ("I", "it"),
    "网络科技": ("I", "it"),
    "软件": ("I", "software"),
    "软件开发": ("I", "software"),
    "科技": ("IM", "technology"),
    "技术": ("IM", "technology"),
    "智能科技": ("ICM", "smart_tech"),
    "生物科技": ("CM", "biotech"),
    "生物技术": ("CM", "biotech"),
    "医药": ("CF", "pharma"),
    "半导体": ("C", "semiconductor"),
    "集成电路": ("C", "semiconductor"),
    "电子": ("C", "electronics"),
    "新材料": ("C", "materials"),
    "材料科技": ("CM", "materials"),
    "机械": ("C", "machinery"),
    "机械制造": ("C", "machinery"),
    "智能制造": ("C", "smart_manufacturing"),
    "卫星通信": ("I", "satellite"),
    "航天科技": ("CM", "aerospace"),
    "酒业": ("CF", "liquor"),
    "食品": ("CF", "food"),
    "服装": ("CF", "garments"),
    "纺织": ("C", "textiles"),
    "餐饮": ("H", "catering"),
    "餐饮管理": ("H", "catering"),
    "物流": ("G", "logistics"),
    "供应链管理": ("GL", "logistics"),
    "建筑": ("E", "construction"),
    "建设工程": ("E", "construction"),
    "咨询": ("LM", "consulting"),
    "企业管理咨询": ("L", "consulting"),
    "文化传媒": ("LR", "media"),
    "传媒": ("LR", "media"),
    "教育科技": ("IMP", "education"),
    "环保科技": ("MN", "environment"),
    "新能源": ("CD", "new_energy"),
    "能源": ("BCD", "energy"),
    "农业": ("A", "agriculture"),
    "实业": ("ABCDEFGHIJKLMNOPQRST", "industry_general"),
    "发展": ("ABCDEFGHIJKLMNOPQRST", "development"),
}

# Organisational forms (Art. 10) by legal form. Longer forms first so that 股份有限公司 is not read as 有限公司.
FORMS_BY_TYPE: dict[str, tuple[str, ...]] = {
    EnterpriseType.COMPANY: ("有限责任公司", "有限公司"),
    EnterpriseType.JOINT_STOCK_COMPANY: ("股份有限公司", "股份公司"),
    EnterpriseType.PARTNERSHIP: ("（特殊普通合伙）", "（普通合伙）", "（有限合伙）"),
    EnterpriseType.BRANCH: ("分公司", "分厂", "分店"),
    EnterpriseType.INDIVIDUAL_BUSINESS: ("经营部", "工作室", "商行", "店", "馆", "厂"),
    EnterpriseType.COOPERATIVE: ("专业合作社", "合作社"),
}
ALL_FORMS: tuple[str, ...] = tuple(
    sorted({form for forms in FORMS_BY_TYPE.values() for form in forms}, key=lambda f: (-len(f), f))
)
GROUP_MARKERS: tuple[str, ...] = ("（集团）", "集团")

# Forbidden content, by category of Art. 11 (and Art. 12 for the national prefixes). A name containing any of
# these words is refused with the category's message.
FORBIDDEN_WORDS: dict[str, tuple[str, ...]] = {
    "party_state_military": (
        "共产党",
        "党中央",
        "国务院",
        "人民政府",
        "人大常委",
        "政协",
        "解放军",
        "武警",
        "军区",
        "部队",
        "公安",
        "检察院",
        "法院",
        "共青团",
        "妇联",
    ),
    "foreign_international": (
        "联合国",
        "世界卫生组织",
        "世贸组织",
        "欧盟",
        "北约",
        "美国",
        "日本国",
        "英国",
        "法国",
        "德国",
        "红十字",
        "奥林匹克",
    ),
    "obscene_gambling_superstition_violence": (
        "色情",
        "淫秽",
        "赌场",
        "博彩",
        "赌博",
        "算命",
        "迷信",
        "恐怖",
        "暴力",
        "毒品",
    ),
    "discrimination": ("歧视", "劣等民族", "女不如男"),
    "public_order_morals": ("黑社会", "流氓", "缺德", "诈骗"),
    "misleading": ("特供", "专供", "国家级", "驰名", "最佳", "顶级", "第一", "央企"),
}
# Art. 12: these words as a prefix need State Council approval, which the self-declaration system cannot give.
NATIONAL_PREFIXES: tuple[str, ...] = ("中国", "中华", "中央", "全国", "国家")
