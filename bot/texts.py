"""Every sentence the bot says to a user, in one place to review and translate.

Simplified Chinese, friendly and short. Placeholders in braces are filled with
`str.format`; {bot_name} and {contact_phone} come from settings. Example dates
({when}, {when_short}, {next_day}, {day}) come from `examples()`, so they never age.
"""

from datetime import datetime, timedelta, tzinfo


def examples(now: datetime, tz: tzinfo) -> dict[str, str]:
    """Example times for prompts, made from the clock: always ahead of now (or, {day}, a week ago)."""
    local = now.astimezone(tz)
    first = (local.replace(day=1) + timedelta(days=32)).replace(day=1)  # the 1st of next month
    return {
        "when": f"{first:%Y-%m-%d} 09:30",
        "when_short": f"{first.month}月{first.day}日 9:30",
        "next_day": f"{first + timedelta(days=1):%Y-%m-%d} 11:30",
        "soon": f"{local + timedelta(days=1):%Y-%m-%d} 09:00",
        "day": f"{local - timedelta(days=7):%Y-%m-%d}",
    }


WELCOME = (
    "你好，我是{bot_name} 👋\n"
    "东莞市人社局为莞籍大学生准备的政策小助手。\n\n"
    "直接打字问我就行，比如：\n"
    "· 百校千人实习补贴有多少？\n"
    "· 三支一扶有什么待遇？\n"
    "· 校园大使在哪些城市？\n\n"
    "也可以在下面的选项里按分类浏览。"
)
HELP = (
    "怎么用{bot_name}：\n"
    "· 直接发文字提问，错别字、繁体、粤语都没关系，用英文问会用英文回答；\n"
    "· /faq 按分类浏览常见问题；\n"
    "· /subscribe 选择读书城市和想收到的通知，/mysubs 查看；\n"
    "· /fairs 近期招聘会（可设提醒、加入日历），/myfairs 我的提醒；\n"
    "· /mydata 查看机器人保存的关于你的信息，也可以一键删除；\n"
    "· /help 查看本说明。\n\n"
    "答不上来的问题会记录下来供工作人员参考；着急的话请致电 {contact_phone}。"
)
MENU_TITLE = "请选择想了解的分类："
CATEGORY_TITLE = "【{title}】请选择问题："
ANSWER_SOURCE = "来源：{source}"
NO_ENGLISH_ANSWER = "(There is no English answer for this yet, so here it is in Chinese.)"
SUGGEST = "我不太确定你想问哪一个，是下面这些吗？"
SUGGEST_ONE = "我不太确定，你是想问下面这个吗？"
SUGGEST_NONE_OF_THESE = "都不是"
NO_ANSWER = (
    "抱歉，这个问题我暂时答不上来 🙏 问题已记录，供工作人员参考。\n"
    "你可以换个说法再问，或按分类浏览；也可以致电 {contact_phone} 咨询。"
)
#: Before the answer to a follow-up that asks for a detail the bureau's letter does not give.
FOLLOWUP_NO_DETAIL = "公函里没有写{aspects}的细节，请致电 {contact_phone} 咨询工作人员。下面是这项政策的介绍："
DETAIL_ASPECTS = {"procedure": "报名或申请方式", "materials": "所需材料", "time": "具体时间"}
OUT_OF_SCOPE = (
    "抱歉，这个问题不在我能解答的范围内 🙏 我只解答东莞人社局面向大学生的政策和服务"
    "（实习见习、补贴、招聘会、人才政策等）。\n其他问题请致电 {contact_phone} 咨询。"
)
NONE_OF_THESE = "好的，问题已记录，供工作人员参考。\n也可以换个说法再问，或致电 {contact_phone} 咨询。"
SMALLTALK = {
    "greeting": "你好呀 👋 我是{bot_name}，有关实习补贴、见习、招聘会、人才政策的问题，直接打字问我就行。",
    "thanks": "不客气 😊 还有问题随时问我。",
    "bye": "再见，祝学业顺利、求职顺利！",
    "ok": "好的 👌 还有其他问题可以继续问我。",
}
NOT_TEXT = "我目前只看得懂文字消息哦 🙂 请直接打字描述你的问题。"
EMPTY = "没有看到文字内容哦 🙂 请用一两句话描述你的问题，或发送 /faq 按分类浏览。"
TOO_LONG = "消息有点长啦 😅 请用一两句话（{limit} 字以内）描述你的问题，我好帮你查。"
FLOOD = "你发得有点快，我先缓一缓 🙏 请稍等一分钟再继续提问。"
UNKNOWN_COMMAND = "没有这个指令哦。发送 /help 查看可用的指令，或直接打字提问。"
STALE_BUTTON = "这个选项已经过期了，请重新发送 /faq 浏览。"
ERROR = "抱歉，我这边出了点问题 🙏 请稍后再试；着急的话请致电 {contact_phone}。"

BUTTON_MENU = "📚 分类浏览"
BUTTON_BACK = "⬅️ 返回分类"

COMMANDS = {
    "start": "开始使用",
    "faq": "按分类浏览常见问题",
    "subscribe": "选择关注的城市和通知",
    "mysubs": "查看我的关注",
    "fairs": "近期招聘会",
    "myfairs": "我的招聘会提醒",
    "mydata": "查看/删除我的数据",
    "help": "使用说明",
}
AMBASSADOR_HELP = "校园大使指令：/announce 发布通知，/announcements 查看发布记录，/invite 我的邀请方式。"

CONSOLE_BANNER = (
    "{bot_name} 本地控制台（无 Telegram 令牌时的聊天模式）。\n"
    "直接输入问题；出现编号选项时输入编号即可选择；/start /faq /help 与 Telegram 相同；输入 /quit 退出。\n"
    "管理员（python -m bot chat --admin）导入表格时发送 /upload 文件路径。"
)
CONSOLE_NOT_DELIVERED = "（注意：控制台不发送通知和提醒。它们已保存，机器人在 Telegram 或微信上运行时才会发出。）"
CONSOLE_CHOICE_HINT = "（输入编号选择）"
CONSOLE_BAD_CHOICE = "没有这个编号，请输入 1-{count} 之间的数字，或直接打字提问。"
CONSOLE_BAD_CHOICE_ONE = "没有这个编号，请输入 1，或直接打字提问。"

# -- admins and ambassadors --------------------------------------------------------

NOT_ALLOWED = "抱歉，这个操作只有管理员可以使用 🙏 有问题可以直接打字问我。"
ADMIN_HELP = (
    "管理员指令：\n"
    "· /grant 用户ID admin｜ambassador 城市 [学校] 授予角色（也可回复对方转发来的消息）\n"
    "· /revoke 用户ID [admin｜ambassador] 撤销角色；/roles 查看名单\n"
    "· /add 新增条目；/edit 编号 修改；/delete 编号 删除；/history 编号 历史与回滚\n"
    "· /export [xlsx｜csv｜yaml] 导出知识库；直接发送文件即可导入（控制台里用 /upload 文件路径）\n"
    "· /synonyms 同义词表，/synonym add｜remove 词 同义词 修改\n"
    "· /cantonese 粤语词表，/cantonese add 粤语词 普通话 新增或修改，/cantonese remove 粤语词 删除\n"
    "· /addfair 新增招聘会；/editfair 编号 修改；/cancelfair 编号 取消（会通知设了提醒的同学）\n"
    "· /fairleads [1d 1h …] 默认提醒时间；/exportfairs [xlsx｜csv] 导出招聘会；/importfairs 导入\n"
    "· /unanswered [日期] 没答好的问题；/stats 使用统计；/cancel 取消当前操作\n"
    "· /console 网页管理后台的登录链接（一次性，10 分钟内有效）"
)
WEB_CONSOLE_LINK = (
    "网页管理后台登录链接（仅限本人使用，{minutes} 分钟内有效，只能用一次）：\n{url}\n"
    "请勿转发。链接失效后再发一次 /console 即可。"
)
WEB_CONSOLE_OFF = "网页管理后台没有开启（WEB_ENABLED=false）。"
GRANT_USAGE = "用法：/grant 用户ID admin，或 /grant 用户ID ambassador 城市 [学校]；也可以回复对方转发来的消息发送 /grant ambassador 城市。"
REVOKE_USAGE = "用法：/revoke 用户ID [admin｜ambassador]；也可以回复对方转发来的消息发送 /revoke。"
UNKNOWN_CITY = "城市请从这些里选：{cities}"
GRANTED = "已授予 {who} {role} 角色{where}。"
REVOKED = "已撤销 {who} 的 {role} 角色。"
NOT_REVOKED = "{who} 没有 {role} 角色，无需撤销。"
ROLE_NAMES = {"admin": "管理员", "ambassador": "校园大使"}
ROLES_EMPTY = "目前除了配置文件里的管理员，还没有授予任何角色。"
ROLES_LINE = "· {name}（{who}）{role}{where}，{when} 由 {by} 授予"
CANNOT_REVOKE_CONFIGURED = "{who} 是配置文件（ADMIN_IDS）里的管理员，需要改配置才能撤销。"

REVIEW_EMPTY = "{since} 以来没有待处理的问题 👍"
REVIEW_TITLE = "{since} 以来没答好的问题（共 {groups} 类，按次数排序）："
REVIEW_LINE = "「{text}」 ×{count}（{detail}）"
REVIEW_DETAIL = {"none": "未回答", "suggest": "给了候选", "answer": "已回答"}
REVIEW_DISLIKED = "{n} 次👎"
BUTTON_ATTACH = "➕ 加为问法"
BUTTON_NEW_ENTRY = "🆕 新建条目"
BUTTON_DISMISS = "🗑 忽略"
ATTACH_CHOOSE = "把「{text}」加为哪个条目的问法？"
ATTACHED = "已把「{text}」加为「{question}」的问法，同类 {count} 个问题已处理。下次有人这样问就能直接回答了。"
DISMISSED = "已忽略「{text}」（{count} 个问题）。"
REVIEW_GONE = "这组问题已经处理过了。"
BAD_DATE = "日期格式请写成 {day}。"

STATS = (
    "最近 {days} 天统计：\n{per_day}\n"
    "共 {total} 个问题：直接回答 {answered:.0%}，给了候选 {suggested:.0%}，未回答 {unanswered:.0%}\n"
    "热门话题：{topics}\n"
    "提问的用户 {active_users} 人；累计用户 {users} 人（最近 {days} 天新增 {new_users}）"
)
STATS_NO_TOPICS = "暂无"

RATE_UP = "👍 有帮助"
RATE_DOWN = "👎 没帮助"
RATED = "谢谢你的反馈！"
RATED_DOWN = "谢谢反馈，我们会转给工作人员改进这个回答 🙏"

# -- editing the FAQ in the chat -------------------------------------------------------

BUTTON_CANCEL = "✖️ 取消"
BUTTON_SKIP = "⏭ 跳过"
BUTTON_SKIP_REST = "⏩ 跳过其余，预览"
BUTTON_SAVE = "✅ 保存"
BUTTON_DELETE = "🗑 确认删除"
BUTTON_ROLLBACK = "↩️ 恢复到 #{rev} 之后"
BUTTON_ROLLBACK_ORIGINAL = "↩️ 恢复原始版本"
BUTTON_ROLLBACK_CONFIRM = "✅ 确认回滚"
BUTTON_IMPORT = "✅ 确认导入"
BUTTON_IMPORT_DELETE = "⚠️ 导入，并删除文件里没有的条目"
ASK_ID = (
    "新增条目（随时可发送 /cancel 取消）。\n第 1 步：请发送条目编号，只用小写字母、数字和“-”，例如 housing-subsidy。"
)
BAD_ID = "编号只能用小写字母、数字和“-”，不超过 40 个字符，请重新发送。"
ID_TAKEN = "编号 {id} 已经存在，请换一个，或用 /edit {id} 修改它。"
ASK_CATEGORY = "请选择分类："
PROMPTS = {
    "question": "请发送标准问题（学生看到的标题）。",
    "answer": "请发送答案。可以用 {{contact_phone}} 表示咨询电话、{{bot_name}} 表示机器人名字。",
    "alternates": "请发送其他问法，每行一个（学生可能怎么问就怎么写）；没有的话发送“跳过”。",
    "alt_add": "请发送要新增的问法，每行一个。",
    "answer_en": "请发送英文答案（用英文提问的同学会看到它，内容与中文答案一致）；发送“跳过”则删除英文答案。",
    "source": "请发送来源（文件号和条款），例如：东人社函〔2023〕56号 第三条；没有的话发送“跳过”。",
}
FIELD_NAMES = {
    "question": "✏️ 改问题",
    "answer": "✏️ 改答案",
    "answer_en": "🔤 改英文答案",
    "category": "📂 改分类",
    "source": "📄 改来源",
    "alt_add": "➕ 加问法",
    "alt_del": "➖ 删问法",
}
CHOOSE_FIELD = "要修改 {id} 的哪一部分？（上面是学生现在看到的样子）"
ENGLISH_PREVIEW = "英文答案（用英文提问时显示）：\n{answer}"
ASK_REMOVE = "选择要删除的问法："
USE_BUTTONS = "请从上面的选项中选择，或发送 /cancel 取消。"
WHICH_ENTRY = "请写上条目编号、标题或关键词，例如 {command} 三支一扶。"
ENTRY_NOT_FOUND = "没有找到和“{query}”相关的条目，请换个关键词，或写条目编号（{command} sanzhi-yifu）。"
ENTRY_CHOICES = "你说的“{query}”是哪一条？"
PHRASING_TAKEN = "注意：下面的问法已经属于其他条目，再加到这里，学生这样问时可能得到另一条的答案：\n{lines}\n仍然加到这一条吗？"
PHRASING_TAKEN_LINE = "“{phrasing}” → {owner}"
BUTTON_PHRASING_KEEP = "仍然添加"
BUTTON_PHRASING_DROP = "不添加这些"
INVALID = "还不能保存：{reason}"
CONFIRM_SAVE = "上面就是学生将看到的样子。确认保存吗？"
SAVED = "已保存 {id}，下一个提问马上生效 ✅"
CONFIRM_DELETE = "确认删除 {id} 吗？删除后可以用 /history {id} 找回。"
DELETED = "已删除 {id}。需要恢复时发送 /history {id}。"
CANCELLED = "已取消，没有做任何修改。"
NOTHING_TO_CANCEL = "当前没有进行中的操作。"
NO_HISTORY = "{id} 还没有修改记录。"
HISTORY_TITLE = "{id} 的修改记录（最新在前）："
HISTORY_LINE = "#{rev} {when} {action}（{actor}）"
ACTIONS = {"create": "新建", "update": "修改", "delete": "删除", "rollback": "回滚", "import": "导入"}
CONFIRM_ROLLBACK = "把 {id} 恢复成 #{rev} 之后的样子（上面是预览）？"
ROLLED_BACK = "已把 {id} 恢复到 #{rev} 之后的样子 ✅"
CONFIRM_ROLLBACK_ORIGINAL = "把 {id} 恢复成原始版本（#{rev} 之前的样子，上面是预览）？"
ROLLED_BACK_ORIGINAL = "已把 {id} 恢复成原始版本 ✅"
HISTORY_NOTHING_TO_RESTORE = "（没有可以恢复的其他版本）"
CHANGE_CREATED = "新建：「{question}」"
CHANGE_DELETED = "删除了这个条目"
CHANGE_FIELD = "{field}：「{old}」→「{new}」"
CHANGE_FIELDS = {"question": "问题", "answer": "答案", "category": "分类", "source": "来源"}
CHANGE_ALTERNATES = "问法 +{added} −{removed}"
CHANGE_NOTHING = "内容没有变化"
EXPORT_FORMATS = "可导出的格式：/export xlsx、/export csv、/export yaml。"
EXPORTED = "知识库共 {count} 条，文件在这里。改好后直接发回给我就能导入。"
IMPORT_REJECTED = "文件没有导入，发现 {count} 处问题（一条都没有改动）：\n{problems}"
IMPORT_NOTHING = "文件内容和现有知识库完全一致，不需要导入。"
IMPORT_SUMMARY = "检查通过：{summary}\n确认导入吗？"
IMPORT_CHANGED_MEANWHILE = "在你确认之前知识库又被修改过了，下面是按最新内容重新核对的结果，请再确认一次。"
IMPORTED = "导入完成：{summary} ✅ 下一个提问马上生效。"
FILE_TOO_BIG = "文件太大了（上限 {limit} MB），请精简后再发。"

CONSOLE_UPLOAD_USAGE = "用法：/upload 文件路径（.xlsx、.csv 或 .yaml）"
CONSOLE_UPLOAD_FAILED = "读不了文件 {path}：{reason}"
CONSOLE_SAVED = "（文件已保存到 {path}）"
MORE_ALTERNATES = "\n（还可以继续发送更多问法，每条都会加进去。）"

SYNONYMS_TITLE = "同义词表（左边是知识库用的词，右边是学生可能说的词）："
SYNONYM_USAGE = "新增：/synonym add 补贴 补助金；删除：/synonym remove 补贴 补助金。改完马上生效。"
SYNONYM_ADDED = "已添加：学生说“{variant}”时按“{canonical}”理解 ✅"
SYNONYM_REMOVED = "已删除同义词“{variant}”（原对应“{canonical}”）。"
CANTONESE_TITLE = "粤语词表（左边是学生可能写的粤语，右边是按普通话理解成的词）："
CANTONESE_USAGE = (
    "新增或修改：/cantonese add 揾 找；语气词只写粤语（/cantonese add 㗎）表示忽略它；"
    "删除：/cantonese remove 揾。改完马上生效。"
)
CANTONESE_DROPPED = "（忽略）"
CANTONESE_ADDED = "已保存：学生写“{word}”时按“{mandarin}”理解 ✅"
CANTONESE_REMOVED = "已删除粤语词“{word}”。"
CANTONESE_UNCHANGED = "粤语词表里“{word}”本来就是这样，没有改动。"
SYNONYM_UNCHANGED = "同义词表里{canonical} / {variant} 本来就是这样，没有改动。"
ADMIN_STALE = "这个选项已经失效了（对应的操作已结束或被新的操作取代），请重新发送指令。"
DISMISSED_PROMPT = "好的，没有做任何修改。"
ENTRY_GONE = "条目 {id} 已经被删除或改了编号，这次修改没有保存。"
FIELD_EMPTY = "{field}不能为空，请重新发送。"
FIELD_TOO_LONG = "{field}超过了 {limit} 字的上限，请精简后重新发送。"
REVIEW_ALSO = "\n也有人问：「{others}」"
BUTTON_BY_CATEGORY = "📂 在「{title}」里选"
ROLES_CONFIGURED = "配置文件（ADMIN_IDS）中的管理员：{ids}"

# -- following and notices ---------------------------------------------------------

SUBSCRIBE_MENU = "选择你在哪个城市读书、想收到哪些通知（类别可多选，再选一次取消）："
MY_SUBSCRIPTIONS = "你关注的城市：{city}\n你关注的通知：{topics}"
NOTHING = "暂无"
BUTTON_CHANGE_SUBS = "⚙️ 修改关注"
UNSUBSCRIBED_CITY = "好的，不再给你发城市通知了。随时可以发送 /subscribe 重新关注。"
UNSUBSCRIBED_TOPIC = "好的，不再给你发「{topic}」类通知了。"
FOLLOWED_INVITE = "欢迎！你已关注「{city}」的校园大使通知，发送 /subscribe 可以修改。"
INVITE = (
    "你的专属邀请链接：\n{link}\n同学通过它打开机器人，就会自动关注你所在城市的通知。\n已通过你的链接加入：{count} 人"
)
INVITE_QR = (
    "你的邀请码：{code}\n在公众号里，邀请靠你的专属二维码：请管理员用 python -m bot wechat qrcodes 生成，印在海报上。"
    "同学扫码关注，就会自动关注你所在城市的通知。\n已通过你的邀请加入：{count} 人"
)
NOT_AMBASSADOR = "这个功能只有校园大使和管理员可以使用。"
NOTICE_PREFIX = "📢 "
BUTTON_STOP_KIND = "🔕 不再接收此类通知"
BUTTON_STOP_TOPIC = "🔕 不再接收「{topic}」通知"
BUTTON_STOP_CITY = "🔕 不再接收{city}的通知"

ANNOUNCE_ASK_TEXT = (
    "发布通知（随时可发送 /cancel 取消）。\n第 1 步：请发送通知内容。想配一张图片的话，直接发图片，文字写在图片说明里。"
)
ANNOUNCE_TEXT_LIMIT = "通知内容不能为空，也不能超过 {limit} 字，请重新发送。"
ANNOUNCE_PHOTO_ASK_TEXT = "收到图片 👍 请再发送通知的文字（配图的通知最多 {limit} 字）。"
ANNOUNCE_CAPTION_LIMIT = (
    "配图的通知，文字最多 {limit} 字（Telegram 对图片说明的限制），这段有 {count} 字。请发一段短一些的文字。"
)
ANNOUNCE_CAPTION_LIMIT_AGAIN = "配图的通知，文字最多 {limit} 字（Telegram 对图片说明的限制），这张图的说明有 {count} 字。请把图片再发一次，说明写短一些。"
ANNOUNCE_PHOTO_NOT_NOW = "这一步不能加图片哦：图片要在第 1 步和通知内容一起发。请按提示继续，或发送 /cancel 重新开始。"
ANNOUNCE_ASK_LINK = "第 2 步：需要附一个链接吗？格式：链接文字 https://…（例如：报名入口 https://example.com），不需要就发送“跳过”。"
ANNOUNCE_BAD_LINK = "链接格式不对，请写成：链接文字 空格 https://…，或发送“跳过”。"
ANNOUNCE_ASK_CITY = "第 3 步：发给哪个城市的同学？"
ANNOUNCE_ASK_TOPIC = "发给关注哪类通知的同学？"
ANNOUNCE_ASK_TOPIC_CITY = "第 3 步：发给{city}的哪些同学？"
ANNOUNCE_EVERYONE = "全部城市"
ANNOUNCE_ALL_TOPICS = "不限类别"
ANNOUNCE_ASK_TIME = "第 4 步：什么时候发？选“立即发送”，或发送时间，例如 {soon}（北京时间）。免打扰时段（晚上）的通知会顺延到早上。"
ANNOUNCE_NOW = "▶️ 立即发送"
ANNOUNCE_URGENT = "⚡ 紧急：立即发送（不受免打扰限制）"
ANNOUNCE_BAD_TIME = "时间格式请写成 {soon}，且在未来 60 天内。"
ANNOUNCE_SUMMARY = "上面是同学们将看到的样子。\n发送对象：{audience}（目前 {count} 人）\n发送时间：{when}\n确认发布吗？"
ANNOUNCE_CONFIRM = "✅ 确认发布"
ANNOUNCE_SUBMITTED = "通知 #{id} 已提交，管理员审核通过后会按时发送，结果会通知你。"
ANNOUNCE_SCHEDULED = "通知 #{id} 已安排在 {when} 发送。发送 /announcements 查看进度。"
APPROVAL_REQUEST = "📝 待审核通知（来自 {author}，发送对象：{audience}）。发送 /announcements 可随时查看和审核："
ANNOUNCE_PENDING = "📝 #{id} 待审核（来自 {author}，发送对象：{audience}）："
ANNOUNCE_SENDING_NOW = "通知 #{id} 马上发送。发送 /announcements 查看进度。"
BUTTON_APPROVE = "✅ 通过"
BUTTON_REJECT = "❌ 驳回"
ANNOUNCE_ALREADY_HANDLED = "这条通知已经处理过了。"
ANNOUNCE_HANDLED_BY = "通知 #{id} 已由 {who} 处理（{status}），无需再操作。"
#: A person the bot knows no name for, by channel and the end of their id: "微信用户（…x9Ab）".
CHANNEL_NAMES = {"telegram": "Telegram 用户", "wechat": "微信用户", "console": "控制台用户"}
NAMELESS = "{channel}（…{tail}）"
ANNOUNCE_ASK_REASON = "请发送驳回通知 #{id} 的理由（会转告发布人）。"
ANNOUNCE_APPROVED_ADMIN = "已通过通知 #{id}，将在 {when} 发送。"
ANNOUNCE_APPROVED_AUTHOR = "你的通知 #{id} 已审核通过，将在 {when} 发送 ✅"
ANNOUNCE_REJECTED_ADMIN = "已驳回通知 #{id}，理由已转告发布人。"
ANNOUNCE_REJECTED_AUTHOR = "你的通知 #{id} 没有通过审核。理由：{reason}"
ANNOUNCE_CANCELLED = "通知 #{id} 已取消，不会再发送。"
ANNOUNCE_WITHDRAWN = "通知 #{id} 已撤回：没发出的不再发送，已发出的会尽量从同学那里删除。"
ANNOUNCE_NONE = "还没有发布过通知。发送 /announce 开始。"
ANNOUNCE_LINE = (
    "#{id} {status} · {audience} · {when}\n已送达 {sent}，无法送达 {unreachable}，失败 {failed}{reason}\n「{preview}」"
)
ANNOUNCE_STATUS = {
    "pending": "待审核",
    "scheduled": "待发送",
    "sending": "发送中",
    "sent": "已发送",
    "rejected": "已驳回",
    "cancelled": "已取消",
    "withdrawn": "已撤回",
}
BUTTON_STOP = "🛑 取消 / 撤回"
ANNOUNCE_PROGRESS = "通知 #{id} 发送中：已发送 {done}/{total}"
ANNOUNCE_WITHDRAW_REPORT = (
    "通知 #{id} 已撤回：从 {deleted} 位同学的聊天中删除，{kept} 条已超过平台可删除的时限未能删除，{unsent} 条未发出。"
)
ANNOUNCE_REPORT = "通知 #{id} 发送完成：送达 {sent}。"
#: The report's other lines, each shown only when its count is not 0.
ANNOUNCE_REPORT_LINES = {
    "unreachable": "无法送达 {n}（对方屏蔽了机器人或取消了关注，对方再发消息后恢复）",
    "failed": "失败 {n}",
    "skipped": "因每日通知上限未发 {n}",
}
CONSOLE_TO = "（发给 {who} 的消息）"
CONSOLE_LINK = "（这是一个链接按钮：{url}）"
CONSOLE_PHOTO = "[图片]"
APPROVAL_LINK = "\n（链接指向：{url}）"
FINISH_FLOW_FIRST = "你还有一个没完成的操作，请先完成或发送 /cancel 取消，再来处理这条通知。"
BUTTON_STOP_ALL = "🔕 不再接收城市通知"
ANNOUNCE_FAILURE_REASONS = "失败原因：{reasons}"
DELIVERY_ERRORS = {
    "unreachable": "对方已屏蔽机器人",
    "chat not found": "找不到该用户",
    "unfollowed": "对方已取消关注公众号",
    "window": "超过 48 小时未互动且未配置模板消息",
    "other": "网络或服务器错误",
}

# -- job fairs ------------------------------------------------------------------------

FAIRS_TOPIC = "招聘会"
FAIRS_TITLE = "📅 近期招聘会（共 {total} 场，第 {page}/{pages} 页）"
FAIRS_NONE = "近期暂时没有招聘会安排 🙂 可以 /subscribe 关注「招聘会」，有新场次会每周一告诉你。"
FAIRS_NONE_FILTERED = "这个筛选条件下暂时没有招聘会，换个城市或形式看看？"
FILTER_ALL_CITIES = "全部城市"
FILTER_ALL_KINDS = "全部形式"
FAIR_ORGANISER = "🏢 主办：{organiser}"
FAIR_AUDIENCE = "👥 面向：{audience}"
FAIR_GONE = "这场招聘会已取消或不存在了，发送 /fairs 看看其他场次吧。"
FAIR_STARTED = "「{title}」已经开始了，来不及提醒啦 🙂 抓紧时间参加吧！"
FAIR_LEAD = "提前 {lead}"
FAIR_REMINDERS_SET = "⏰ 好的！「{title}」（{when}）会在开始前 {leads} 提醒你。\n可以在下面的选项里调整提醒时间。"
FAIR_REMINDERS_NONE = "「{title}」（{when}）目前没有设置提醒，请在下面的选项里选择提醒时间。"
FAIR_REMINDERS_SENT = "提醒已发送"
FAIR_REMINDERS_DROPPED = "提醒未发送（机器人暂停期间招聘会已开始）"
FAIR_ABOUT_TO_START = "「{title}」马上就要开始了，来不及设置提醒啦，抓紧时间参加吧！"
FAIR_REGISTER_LINE = "📝 报名：{url}"
FAIR_UNREMINDED = "好的，不再提醒你「{title}」。"
FAIR_CALENDAR = "📅 「{title}」的日历文件，打开即可加入手机日历（已含开始前提醒）。"
FAIR_REMINDER = "⏰ 招聘会提醒：还有 {lead} 开始"
FAIR_CHANGED = "🕒 你关注的招聘会有变动，最新安排如下："
FAIR_CANCELLED = "❌ 很抱歉，你关注的「{title}」（{when}）已取消，相关提醒也已取消。可以看看其他场次："
FAIR_DIGEST = "📅 本周招聘会（{count} 场），祝求职顺利！"
MYFAIRS_TITLE = "⏰ 你设置了提醒的招聘会："
MYFAIRS_NONE = "你还没有设置招聘会提醒。在 /fairs 里选「提醒我」就可以。"
BUTTON_FAIRS = "📅 查看近期招聘会"
BUTTON_FAIR_REMIND = "⏰ 提醒我 {n}"
BUTTON_FAIR_CALENDAR = "📅 加入日历 {n}"
BUTTON_FAIR_UNREMIND = "🔕 取消提醒"
BUTTON_FAIR_UNREMIND_N = "🔕 取消提醒 {n}"
BUTTON_FAIR_REGISTER = "📝 报名"
BUTTON_FAIR_REGISTER_N = "📝 报名 {n}"
BUTTON_FAIR_WATCH = "▶️ 进入直播/线上会场"
BUTTON_PREVIOUS = "◀ 上一页"
BUTTON_NEXT = "下一页 ▶"
FAIR_STALE_BUTTON = "这个选项已经过期了，请重新发送 /fairs 查看近期招聘会。"
FAIR_KINDS = {"onsite": "现场", "online": "线上", "livestream": "直播"}
FAIR_LEAD_UNITS = {1440: "{n} 天", 60: "{n} 小时", 1: "{n} 分钟"}  # the largest unit that divides evenly
FAIR_DAY = "{month}月{day}日（周{weekday}）"
FAIR_CARD_HEAD = "【{kind}】{title}"
FAIR_ONLINE_WHERE = "{kind}（{city}）"
FAIR_OTHER_DAY_END = "{month}月{day}日 {time}"
WEEKDAYS = "一二三四五六日"
ICS_ONLINE_LINK = "线上会场：{link}"
ICS_REGISTER = "报名：{url}"
ICS_CANCELLED = "【已取消】"
ICS_ALARM = "招聘会提醒：{title}"

# -- admins manage job fairs (bot/fair_editor.py) -----------------------------------------

FAIR_ADD_START = "新增招聘会（随时可发送 /cancel 取消）。"
FAIR_PROMPTS = {
    "title": "请发送招聘会名称，例如：东莞秋季人才招聘会。",
    "kind": "请选择招聘会形式：",
    "starts_at": "请发送开始时间（北京时间），例如 {when}，也可以写 {when_short}。",
    "ends_at": "请发送结束时间：同一天只写时间，例如 11:30；跨天请写完整的日期和时间。",
    "city": "请选择举办城市，或直接打字发送（线上招聘会可选主办方所在城市）：",
    "venue": "请发送举办地点，例如：东莞国际会展中心 3 号馆。",
    "link": "请发送线上会场或直播的链接（http:// 或 https:// 开头）。",
    "organiser": "请发送主办单位；没有的话发送“跳过”。",
    "audience": "请发送面向对象，例如：应届高校毕业生；没有的话发送“跳过”。",
    "description": "请发送一段简介；没有的话发送“跳过”。",
    "register_url": "请发送报名链接（http:// 或 https:// 开头）；没有的话发送“跳过”。",
}
FAIR_KEEP_DURATION = "\n发送“跳过”则保持原来的时长。"
FAIR_FIELD_LABELS = {
    "title": "名称",
    "kind": "形式",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "city": "城市",
    "venue": "地点",
    "link": "线上链接",
    "organiser": "主办单位",
    "audience": "面向对象",
    "description": "简介",
    "register_url": "报名链接",
}
FAIR_FIELD_BUTTONS = {
    "title": "✏️ 名称",
    "kind": "🏷 形式",
    "starts_at": "🕒 开始时间",
    "ends_at": "🕕 结束时间",
    "city": "🏙 城市",
    "place": "📍 地点 / 链接",
    "organiser": "🏢 主办",
    "audience": "👥 面向对象",
    "description": "📝 简介",
    "register_url": "🔗 报名链接",
}
FAIR_BAD_TIME = "看不懂这个时间 😅 请写成 {when} 或 {when_short}。"
FAIR_BAD_END = "看不懂这个时间 😅 同一天只写时间（例如 11:30），跨天请写成 {next_day}。"
FAIR_PAST_TIME = "这个时间已经过去了，请发送一个以后的时间。"
FAIR_END_BEFORE_START = "结束时间要晚于开始时间（{start}），请重新发送。"
FAIR_BAD_URL = "链接格式不对，请发送 http:// 或 https:// 开头的完整网址。"
FAIR_BAD_KIND = "请从选项中选择形式：现场、线上或直播。"
FAIR_CHOOSE_FIELD = "要修改招聘会 #{id} 的哪一项？（上面是同学们现在看到的样子）"
BUTTON_FAIR_MORE = "✏️ 再改一项"
FAIR_SAVED = "已保存招聘会 #{id}「{title}」✅ 同学们在 /fairs 里马上就能看到。"
FAIR_EDITED = "已更新招聘会 #{id}「{title}」✅"
FAIR_MOVED_TOLD = "\n时间有变：设了提醒的 {count} 位同学的提醒已跟着调整，并会收到一条变动通知。"
FAIR_WHICH = "请写上招聘会编号，例如 {command} 3（可用 /exportfairs 导出查看）；也可以在 /fairs 里选「⚙️ 管理」操作。"
FAIR_NOT_ACTIVE = "招聘会 #{id} 不存在或已经取消了。"
FAIR_CONFIRM_CANCEL = "确认取消招聘会 #{id} 吗？设了提醒的 {count} 位同学会收到取消通知，取消后不能恢复。"
BUTTON_FAIR_CANCEL_CONFIRM = "❌ 确认取消招聘会"
FAIR_CANCELLED_ADMIN = "已取消招聘会 #{id}「{title}」，已通知设了提醒的 {count} 位同学。"
FAIR_ALREADY_CANCELLED = "招聘会 #{id} 已经取消过了，不会重复通知。"
FAIR_LEADS = "同学选「提醒我」时默认提前 {leads}提醒。\n修改：/fairleads 后面写提醒时间，例如 /fairleads 1d 1h；可选：{choices}。"
FAIR_LEADS_BAD = "看不懂“{value}”。提醒时间只能从这些里选：{choices}，例如 /fairleads 1d 1h。"
FAIR_LEADS_SET = "好的，以后同学选「提醒我」默认提前 {leads}提醒 ✅（已设好的提醒不变）"
FAIR_EXPORT_FORMATS = "可导出的格式：/exportfairs xlsx、/exportfairs csv。"
FAIR_EXPORTED = "共 {count} 场招聘会（不含已取消的），文件在这里。改好后发送 /importfairs，再把文件发回给我即可导入。"
FAIR_IMPORT_ASK = (
    "请把招聘会表格（.xlsx 或 .csv）直接发给我；可以先用 /exportfairs 导出一份当模板。随时可发送 /cancel 取消。"
)
FAIR_IMPORT_NOTHING = "文件内容和现有招聘会完全一致，不需要导入。"
FAIR_IMPORT_CHANGED = "在你确认之前招聘会又被修改过了，下面是按最新内容重新核对的结果，请再确认一次。"
FAIR_IMPORT_GONE = (
    "文件里有招聘会在你确认之前被取消了，这次没有导入。请重新导出、修改后再把文件发给我，或发送 /cancel 取消。"
)
FAIR_IMPORTED = "导入完成：{summary} ✅"
BUTTON_FAIR_MANAGE = "⚙️ 管理 {n}"
BUTTON_FAIR_EDIT = "✏️ 修改"
BUTTON_FAIR_CANCEL = "❌ 取消招聘会"

# -- WeChat Official Account (bot/wechat/) ---------------------------------------------------
WECHAT_TITLE = "【{title}】"
WECHAT_CHOICE = "回复 {n}：{label}"  # a button, as a numbered line the student answers with the digit
WECHAT_CONFIRM_WORD = "确认"
WECHAT_CHOICE_CONFIRM = "回复 {word}{n}：{label}"  # a choice that cannot be undone: the word and the number
WECHAT_NEEDS_CONFIRM = "「{label}」无法撤销。确定的话请回复：{word}{n}"
WECHAT_CHOICE_GONE = "编号 {n} 已经失效了。请按最新消息里的编号回复，或直接打字提问。"
WECHAT_CALENDAR = (
    "📅 公众号里发不了日历文件，请在手机日历里新建一个日程，照下面填写：\n\n{card}\n\n也可以让我在开始前提醒你："
)
WECHAT_NO_FILE = "公众号里发不了文件（{name}）。需要这个文件的话，请在 Telegram 上操作，或请管理员在服务器上用 python -m bot 命令导出。"
WECHAT_TEMPLATE_REMARK_LINK = "点击查看详情"
WECHAT_TEMPLATE_REMARK = "在公众号里发送 /subscribe 可以调整接收哪些通知。"

# -- a person's own data -------------------------------------------------------------------

MYDATA = (
    "🔒 我保存的关于你的信息：\n"
    "· 你的 {channel} 编号：{user_id}（请管理员授予角色时告诉对方）\n"
    "· 昵称：{name}（首次使用 {first_seen}）\n"
    "· 关注的城市：{city}；关注的通知：{topics}\n"
    "· 提过的问题：{questions} 条（用于改进答案；最近在聊的话题只保留 {topic_minutes} 分钟，用于听懂追问）\n"
    "· 待发送的招聘会提醒：{reminders} 个\n"
    "· 角色：{roles}\n"
    "这些信息只用于回答问题和发送你订阅的通知。可以随时删除。"
)
BUTTON_FORGET_ME = "🗑 删除我的数据"
CHANNELS = {"telegram": "Telegram", "wechat": "微信", "console": "控制台"}
FORGET_CONFIRM = "确定删除吗？你的关注、提醒和提问记录都会删除，无法恢复；之后仍可随时再来提问。"
BUTTON_FORGET_YES = "确定删除"
BUTTON_FORGET_NO = "先不删"
FORGOTTEN = "已删除你的全部数据 🙂 之后如需帮助，随时发消息给我。"
FORGET_KEPT = "好的，数据保持不变。"

# -- uploads ---------------------------------------------------------------------
YAML_NO_ALIASES = "YAML 文件里不能使用锚点和别名（& 和 *）{where}，请把内容直接写出来后再上传"
YAML_TOO_BIG = "YAML 文件的内容太多{where}（最多 {limit} 条问答），请分批导入"
SHEET_TOO_MANY_BLANK_ROWS = "表格里有太多空行（读到第 {row} 行仍没有读完），请删掉多余的空行后重新上传"
