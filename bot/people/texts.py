"""What roles and privacy say: granting and revoking roles, the web console's link, a student's own data.
Placeholders as in bot/texts.py."""

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

# -- /help lines and command menu entries (its commands.py declares which command has which) ----
HELP_PRIVACY = "· /mydata 查看机器人保存的关于你的信息，也可以一键删除；"
HELP_ROLES = (
    "· /grant 用户ID admin｜ambassador 城市 [学校] 授予角色（也可回复对方转发来的消息）\n"
    "· /revoke 用户ID [admin｜ambassador] 撤销角色；/roles 查看名单"
)
HELP_CONSOLE = "· /console 网页管理后台的登录链接（一次性，10 分钟内有效）"
MENU_MYDATA = "查看/删除我的数据"
