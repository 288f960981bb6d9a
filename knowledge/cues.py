"""The words a follow-up asks with (条件, 多少, 去哪里, how much?), by what they ask about: data for knowledge/followup.py.

A question made of these, of words its topic explains and of pointers (那, 咁, they) follows up on the conversation's
topic. Simplified, Cantonese as written (几耐, 边度) and English (stems and phrases). A cue is a substring of the
question; an English cue matches whole words.
"""

from __future__ import annotations

import re

import snowballstemmer

#: What a follow-up asks about, by the words that ask it (Simplified, Cantonese, English).
ASPECT_CUES: dict[str, tuple[str, ...]] = {
    "conditions": ("不是莞籍", "莞籍户口", "选得上", "选上", "选不上", "only for", "just for", "名校", "985", "211", "双一流", "嫌弃", "hukou", "要户口", "户口要求", "对口", "不算", "最好拿", "好拿", "东莞户籍", "本地户籍", "户籍要求", "户籍限制", "要户籍", "医学生", "师范生", "叠加", "一起拿", "同时拿", "兼得", "条件", "要求", "资格", "门槛", "符合", "满足", "待遇", "福利", "能不能", "require", "eligib", "qualif", "qualify",
                   "condition", "criteria", "限制", "年龄", "学历", "外省", "省外", "非莞籍", "age limit", "out of province",
                   # who else may take part, by their studies (研究生也可以吗, do postgraduates qualify?)
                   "研究生", "硕士", "博士", "本科", "大专", "专科", "中专", "往届", "postgraduate", "postgrad", "master",
                   "phd", "undergraduate",
                   # the student's own case (我大二可以吗, 毕业两年还算吗, 外地的能去吗, can I join if I'm a sophomore?)
                   "大一", "大二", "大三", "大四", "研一", "研二", "研三", "在读", "应届", "已经毕业", "毕业两年", "毕业一年", "外地",
                   "可以吗", "可以去", "可以参加", "能参加", "能报", "可以报", "算吗", "还算", "可唔可以", "得唔得", "有份", "有冇份", "freshman",
                   "sophomore", "can i join", "can i apply", "am i eligible", "if i'm", "if i am",
                   # how people are chosen (要面试吗, 要考试吗)
                   "面试", "考试", "笔试", "选拔", "审核", "怎么选", "难抢", "好抢", "抢到", "竞争", "争", "抢", "名额", "quota", "影响", "年级", "太早", "专业", "抵押", "担保人", "倾斜",
                   "优先", "照顾", "collateral", "guarantor", "priority", "interview", "exam", "select", "selected", "chosen", "适合", "够条件", "fit", "count", "算在", "包括在", "满了", "ppl", "只限", "机会", "没戏", "够格", "职称", "一本", "二本", "成绩", "绩点", "经历", "资历", "收不收", "只收", "招不招", "难不难", "专科生", "大专生", "低保", "专升本", "born", "native", "natives", "anyone", "只能", "只可以"),
    "amount": ("按比例", "比例", "几样", "排第几", "省里排", "多招", "扩招", "岗位数", "开出", "pick", "多少", "几多", "几个", "几家", "几名", "几位", "金额", "额度", "标准", "最高", "最多", "一共", "总共",
               "数据", "人数", "规模", "拿满", "领满", "全额", "几间", "几座", "几场", "几次", "几批", "几届", "第几", "how much", "how many", "amount",
               "people", "number", "max", "maximum", "at most", "up to", "minimum", "数字", "怎么算", "总数", "数量", "加起来", "人次", "create", "created", "对比", "够不够", "够分", "额外", "税前", "税后", "有数", "场次", "ballpark", "抢光", "抢不到"),
    "place": ("哪里找", "去哪找", "在哪找", "哪里", "哪儿", "哪些地方", "哪些城市", "在哪", "去哪", "边度", "地点", "地方", "城市", "派去", "派到", "会派", "分配",
              "where"),
    "procedure": ("办手续", "报名", "报", "申请", "怎么报", "怎样报", "如何", "流程", "手续", "办理", "点样", "入口", "渠道", "加入",
                  "参加", "预约", "登记", "对接", "联系", "平台", "网站", "链接", "怎么领", "点领", "领取", "申领", "邮箱", "邮件", "地址", "办公室", "email", "e-mail", "address", "office", "apply", "application", "applications", "attend", "participate", "take part", "host", "旁听", "sign up", "register", "join", "how do",
                  "how can", "how to", "contact", "platform", "website", "link", "claim", "小程序", "官网", "申报", "途径", "当面", "submit", "file", "在哪查", "哪里查", "查到", "查询", "ring", "reach", "办法", "方法", "参与", "上门", "进场", "陪同", "陪着", "投简历", "能投", "投吗", "报上", "窗口", "远程", "watch", "show up", "showed up", "录像", "回放", "点样先可以", "through"),
    "materials": ("交表", "材料", "资料", "证明", "证件", "提交", "交什么", "带什么", "带啥", "带简历", "交简历", "准备什么", "准备啥", "准备些什么",
                  "填表", "document", "paperwork", "form", "resume", "cv",
                  "fill in", "纸质", "打印", "盖章", "盖印", "签字", "cvs", "print", "printed", "bring"),
    "time": ("几点上班", "上班时间", "周末有人", "预告", "时间", "什么时候", "几时", "截止", "期限", "何时", "下一", "下次", "哪个月", "几月", "哪一天", "几号", "哪天", "日期", "几点",
             "为止", "截至", "提前", "赶上", "赶不上", "没赶上", "赶得上", "来不来得及", "来得及", "upcoming", "next one", "will there be more", "any more", "几点到几点", "办公时间", "开放时间", "再搞", "再办", "再举办",
             "when", "deadline", "office hours", "beforehand", "in advance", "ahead of time", "did it start", "does it start", "did it begin", "start date",
             "held again", "happen again", "run again", "日子", "月份", "几月份", "批下来", "批落嚟", "上次", "预先", "啥时候播", "什么时候播"),
    "period": ("超过", "往年", "多久", "几耐", "多长", "几年", "几个月", "今年", "去年", "前年", "明年", "之后", "以后", "哪年", "哪一年", "how long",
               "so far",
               "last", "任期", "per month", "monthly", "每个月", "按月", "见习期", "实习期", "服务期", "占时间", "干满", "做满", "多长时间", "之内", "以内"),
    "what": ("点解叫", "为什么叫", "名字由来", "why is it called", "区别", "不同", "差别", "difference", "聊了", "talk about", "talked about", "搞过", "办过", "搞了些", "什么活动", "干什么", "做什么", "做些什么", "干些啥", "干些什么", "做些啥", "做咩", "聊什么", "谈什么", "what happens", "干嘛", "干啥", "做啥", "做乜", "内容", "讲什么", "讲了", "说了", "讲咩", "what do",
             "what does", "任务", "日常", "平时做", "day to day", "讲些什么", "讲啲咩", "讲乜", "聊些什么", "聊些", "里面有", "入面", "mean", "means", "包括", "包含", "管吗", "real work", "shadow", "开会"),
    # where the letter says it (依据哪个文件, 出处): a question about the topic's source
    "source": ("依据", "根据", "出处", "来源", "哪个文件", "什么文件", "文件", "文号", "发文", "原文", "全文", "rules", "regulation", "full document", "full text", "source", "based on"),
    "kinds": ("小作坊", "小厂", "小公司", "哪几", "哪些", "哪种", "哪类", "名单", "清单", "汇总", "一览", "list of", "几类", "几种", "方面", "类型", "什么样的", "which", "kinds", "what kind", "what type", "国企", "民企", "外企", "私企", "央企", "方向", "私人", "大厂", "行业"),
    "other": ("其他", "其它", "别的", "还有", "另外", "仲有", "除了", "之外", "以外", "除此", "其余", "other", "else", "besides",
              "apart from"),
    # more of the same (就这些？, 具体点, 能详细说说吗, tell me more)
    "more": ("就这些", "只有这些", "然后", "具体点", "具体说说", "具体讲讲", "详细", "展开说说", "多讲讲", "多说点", "讲多啲",
             "tell me more", "more detail", "more details", "more info", "elaborate", "go on", "注意", "要注意"),
    # how the money arrives (到账, 打到对公账户)
    "payment": ("卡里", "打到卡", "银行卡", "到账", "账户", "打款", "发放", "打到", "拨付", "怎么发", "发到", "bank account", "paid into"),
    # whether taking part is paid (有补贴吗, 有冇人工, 还是纯义务的, is it paid?): whole phrases only — 补贴 alone is
    # a word other entries are about, and 钱 folds onto it (借我点钱 asks nothing of the topic)
    "pay": ("钱收", "有钱收", "有冇钱收", "有补贴吗", "有没有补贴", "有冇补贴", "有补贴不", "有工资吗", "有没有工资", "有冇人工", "有人工吗", "有钱拿吗",
            "有冇钱拿", "有报酬吗", "义务", "is it paid", "any pay", "paid or", "get paid"),
    # what comes after (服务期满以后有什么出路, 会推荐工作吗, 会留用吗)
    "after": ("失败了", "退回", "退钱", "要还", "留人", "留不留", "出路", "推荐", "留用", "转正", "期满", "编制", "结束后", "结束之后", "afterwards", "after it ends", "留下来", "留下", "到期", "走人", "干完", "留低", "做完"),
    # which of two (是公司领还是员工自己领, 线上还是线下)
    "choice": ("还是",),
    # what taking part brings (能拿证书吗, 学到啥, what do I get)
    "benefit": ("证书", "好处", "学到", "收获", "能得到", "有什么用", "what do i get", "benefit", "benefits", "certificate", "有用", "加分", "关系", "有用吗"),
    # checking what was understood (所以不用申请对吧, 意思是请了人就能拿到？, so it's automatic?)
    "confirm": ("确定吗", "确定", "传销", "割韭菜", "坑人", "骗钱", "对吧", "是吧", "对不对", "意思是", "敢信", "靠谱吗", "真的吗", "也就是说", "就是说", "即是说", "so it's", "so it is", "so only", "right?", "骗人", "靠谱", "骗子", "吹的", "真的假的"),
    # "and X?" (企业呢, what about the companies?): like "is there", only about something the topic explains
    "and": ("呢", "what about", "how about"),
    # a bare question word (都提供什么服务, 具体怎么帮): like "is there", only about something the topic explains
    "wh": ("什么", "啥", "哪些", "怎么", "咋", "如何", "what", "how", "which"),
    "yesno": ("还能", "能不能", "不能", "可不可以", "有没有", "没有", "有冇", "有吗", "会不会", "是不是", "算不算"),
    "who": ("谁", "哪些人", "哪些企业", "边个", "什么单位", "哪些单位", "哪个单位", "靠什么", "依托", "负责", "组织", "主办", "承办", "牵头", "who", "organis", "organiz",
            "run by", "in charge", "照应", "有人带"),
    # how the thing itself is doing (人才集团建好了没, 现在运作了没): a question about the topic's state
    "status": ("继续", "进展", "进度", "运作", "运营", "建好", "建成", "落地", "好了没", "了没", "开始了", "还在", "结束了",
               "取消", "停办", "还办", "progress", "status", "running", "ongoing", "still on", "扩大", "还搞", "满员", "效果", "成效", "筹备", "招新"),
    # what it costs to take part (免费入场吗, is it free?)
    "cost": ("服务费", "免费", "收费", "要钱", "收钱", "交钱", "交费", "缴费", "学费", "路费", "自己出", "政府出", "出钱", "自费", "报销", "垫钱", "垫付", "收不收费", "free to attend", "free to join", "要不要钱", "收不收钱", "使唔使钱", "entry free", "free entry", "admission", "门票", "费用", "入场", "入场费", "is it free", "are they free",
             "is that free", "for free", "free of charge", "fee",
             "fees", "cost", "charge", "ticket"),
    # how it is held (线上还是线下, online?)
    "format": ("亲身", "亲自", "当场", "线上", "线下", "网上", "现场", "形式", "举行", "举办", "召开", "到场", "face to face", "held", "hold", "online", "offline", "in person"),
}  # fmt: skip

#: Every cue, whatever it asks about.
CUES = frozenset(cue for cues in ASPECT_CUES.values() for cue in cues)
#: A measure word after a cue (下一场, 多少次) keeps it a cue.
MEASURE = re.compile(r"[个家位名年月天次场份种件条所期届批类项间座站]")
_ENGLISH_CUE_WORDS = frozenset(word for cue in CUES if cue.isascii() for word in cue.split())
#: The same words as the analyzer stems them (qualify → qualifi, as in "qualifies").
_ENGLISH_CUE_STEMS = frozenset(snowballstemmer.stemmer("english").stemWords(sorted(_ENGLISH_CUE_WORDS)))


def is_cue(surface: str) -> bool:
    """A cue word, two cues in one word (报名条件, 哪些地方) or a cue and a measure word (下一场);
    for English, a stem of a cue's word (requir, sign)."""
    if surface.isascii():
        return len(surface) >= 3 and (
            surface in _ENGLISH_CUE_STEMS or any(w.startswith(surface) for w in _ENGLISH_CUE_WORDS)
        )
    return surface in CUES or any(
        surface.startswith(c) and (surface[len(c) :] in CUES or MEASURE.fullmatch(surface[len(c) :])) for c in CUES
    )


def says(phrase: str, normalized: str) -> bool:
    """Whether a normalised question says `phrase`: Chinese anywhere, English as whole words (not "btw" in "btwn")."""
    if not phrase.isascii():
        return phrase in normalized
    return re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", normalized) is not None


#: English cues of several words (is it paid, how much): their words, as the analyzer reads them, are cues too.
ENGLISH_PHRASES = tuple(sorted(cue for cue in CUES if cue.isascii() and " " in cue))

#: Words that say the student moves on to something else (另外, 对了, 顺便问下, by the way): what follows is a question of
#: its own, not a follow-up.
MOVING_ON = ("换个问题", "问个别的", "问点别的", "另外", "还有个事", "还有件事", "对了", "顺便", "再问", "更关心", "换个话题", "先不说", "by the way", "btw", "话说", "另问", "还想问")
