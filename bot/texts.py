"""Every sentence the bot says to a user, in one place to review and translate.

Simplified Chinese, friendly and short. Placeholders in braces are filled with
`str.format`; {bot_name} and {contact_phone} come from settings.
"""

WELCOME = (
    "你好，我是{bot_name} 👋\n"
    "东莞市人社局为莞籍大学生准备的政策小助手。\n\n"
    "直接打字问我就行，比如：\n"
    "· 百校千人实习补贴有多少？\n"
    "· 三支一扶有什么待遇？\n"
    "· 校园大使在哪些城市？\n\n"
    "也可以点下面的按钮按分类浏览。"
)
HELP = (
    "怎么用{bot_name}：\n"
    "· 直接发文字提问，错别字、繁体、英文都没关系；\n"
    "· /faq 按分类浏览常见问题；\n"
    "· /help 查看本说明。\n\n"
    "答不上来的问题会转给工作人员；着急的话请致电 {contact_phone}。"
)
MENU_TITLE = "请选择想了解的分类："
CATEGORY_TITLE = "【{title}】请选择问题："
ANSWER_SOURCE = "来源：{source}"
SUGGEST = "我不太确定你想问哪一个，是下面这些吗？"
SUGGEST_NONE_OF_THESE = "都不是"
NO_ANSWER = (
    "抱歉，这个问题我暂时答不上来 🙏 已记录下来转给工作人员完善。\n"
    "你可以换个说法再问，或按分类浏览；也可以致电 {contact_phone} 咨询。"
)
NONE_OF_THESE = "好的，已把你的问题记录下来转给工作人员。\n也可以换个说法再问，或致电 {contact_phone} 咨询。"
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
STALE_BUTTON = "这个按钮已经过期了，请重新发送 /faq 浏览。"
ERROR = "抱歉，我这边出了点问题 🙏 请稍后再试；着急的话请致电 {contact_phone}。"

BUTTON_MENU = "📚 分类浏览"
BUTTON_BACK = "⬅️ 返回分类"

COMMANDS = {
    "start": "开始使用",
    "faq": "按分类浏览常见问题",
    "help": "使用说明",
}

CONSOLE_BANNER = (
    "{bot_name} 本地控制台（无 Telegram 令牌时的聊天模式）。\n"
    "直接输入问题；出现编号选项时输入编号即可选择；/start /faq /help 与 Telegram 相同；输入 /quit 退出。"
)
CONSOLE_CHOICE_HINT = "（输入编号选择）"
CONSOLE_BAD_CHOICE = "没有这个编号，请输入 1-{count} 之间的数字，或直接打字提问。"
