"""The sentences the features and channels share; each feature's own are in its folder's texts.py
(bot/faq/texts.py, bot/notices/texts.py, bot/fairs/texts.py, bot/people/texts.py), so review and
translation go feature by feature.

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
#: /help: a block for each role the user has, with the /help lines of its families (bot/routes.py).
HELP = (
    "怎么用{bot_name}：\n"
    "· 直接发文字提问，错别字、繁体、粤语都没关系，用英文问会用英文回答；\n"
    "{lines}\n\n"
    "答不上来的问题会记录下来供工作人员参考；着急的话请致电 {contact_phone}。"
)
NOT_TEXT = "我目前只看得懂文字消息哦 🙂 请直接打字描述你的问题。"
EMPTY = "没有看到文字内容哦 🙂 请用一两句话描述你的问题，或发送 /faq 按分类浏览。"
TOO_LONG = "消息有点长啦 😅 请用一两句话（{limit} 字以内）描述你的问题，我好帮你查。"
FLOOD = "你发得有点快，我先缓一缓 🙏 请稍等一分钟再继续提问。"
UNKNOWN_COMMAND = "没有这个指令哦。发送 /help 查看可用的指令，或直接打字提问。"
STALE_BUTTON = "这个选项已经过期了，请重新发送 /faq 浏览。"
ERROR = "抱歉，我这边出了点问题 🙏 请稍后再试；着急的话请致电 {contact_phone}。"

BUTTON_MENU = "📚 分类浏览"
BUTTON_BACK = "⬅️ 返回分类"

AMBASSADOR_HELP = "校园大使指令：{lines}。"

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
ADMIN_HELP = "管理员指令：\n{lines}"
HELP_BLOCKS = {0: HELP, 1: AMBASSADOR_HELP, 2: ADMIN_HELP}  # by role: student, ambassador, admin
HELP_HELP = "· /help 查看本说明。"  # /help's own line (bot/routes.py)
MENU_START = "开始使用"  # Telegram's command menu entries of /start and /help
MENU_HELP = "使用说明"

# -- shared by the guided flows (FAQ, fairs, notices) and the channels ------------------------

BUTTON_SKIP = "⏭ 跳过"
BUTTON_SKIP_REST = "⏩ 跳过其余，预览"
BUTTON_SAVE = "✅ 保存"
BUTTON_IMPORT = "✅ 确认导入"
CONFIRM_SAVE = "上面就是学生将看到的样子。确认保存吗？"
IMPORT_SUMMARY = "检查通过：{summary}\n确认导入吗？"
DISMISSED_PROMPT = "好的，没有做任何修改。"
FIELD_EMPTY = "{field}不能为空，请重新发送。"
FIELD_TOO_LONG = "{field}超过了 {limit} 字的上限，请精简后重新发送。"
#: What an admin or ambassador types to skip an optional step of a guided flow.
SKIP_WORDS = ("/skip", "跳过", "无")
BUTTON_CANCEL = "✖️ 取消"
USE_BUTTONS = "请从上面的选项中选择，或发送 /cancel 取消。"
CANCELLED = "已取消，没有做任何修改。"

CONSOLE_UPLOAD_USAGE = "用法：/upload 文件路径（.xlsx、.csv 或 .yaml）"
CONSOLE_UPLOAD_FAILED = "读不了文件 {path}：{reason}"
CONSOLE_SAVED = "（文件已保存到 {path}）"

ADMIN_STALE = "这个选项已经失效了（对应的操作已结束或被新的操作取代），请重新发送指令。"
ROLES_CONFIGURED = "配置文件（ADMIN_IDS）中的管理员：{ids}"
NOTHING = "暂无"
BUTTON_STOP_TOPIC = "🔕 不再接收「{topic}」通知"

CONSOLE_TO = "（发给 {who} 的消息）"
CONSOLE_LINK = "（这是一个链接按钮：{url}）"
CONSOLE_PHOTO = "[图片]"
BUTTON_FAIRS = "📅 查看近期招聘会"

# -- WeChat Official Account (bot/channels/wechat/) ---------------------------------------------------
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

# -- uploads ---------------------------------------------------------------------
YAML_NO_ALIASES = "YAML 文件里不能使用锚点和别名（& 和 *）{where}，请把内容直接写出来后再上传"
YAML_TOO_BIG = "YAML 文件的内容太多{where}（最多 {limit} 条问答），请分批导入"
YAML_DUPLICATE_KEY = "YAML 文件里同一处写了两次“{key}”{where}，后一个会悄悄覆盖前一个，请删掉多余的那个再上传"
SHEET_TOO_MANY_BLANK_ROWS = "表格里有太多空行（读到第 {row} 行仍没有读完），请删掉多余的空行后重新上传"
