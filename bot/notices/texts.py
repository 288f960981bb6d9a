"""What following and notices say: cities and topics, invites, composing and approving a notice, its
delivery reports. Placeholders as in bot/texts.py."""

# -- following and notices ---------------------------------------------------------

SUBSCRIBE_MENU = "选择你在哪个城市读书、想收到哪些通知（类别可多选，再选一次取消）："
MY_SUBSCRIPTIONS = "你关注的城市：{city}\n你关注的通知：{topics}"
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

# -- /help lines and command menu entries (its commands.py declares which command has which) ----
HELP_FOLLOWING = "· /subscribe 选择读书城市和想收到的通知，/mysubs 查看；"
HELP_ANNOUNCING = "/announce 发布通知，/announcements 查看发布记录，/invite 我的邀请方式"
MENU_SUBSCRIBE = "选择关注的城市和通知"
MENU_MYSUBS = "查看我的关注"
