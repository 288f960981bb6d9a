"""What job fairs say: the list, reminders, calendar files, the admins' guided flows and fair files.
Placeholders as in bot/texts.py."""

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

# -- admins manage job fairs (bot/fairs/editor.py) -----------------------------------------

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

# -- /help lines and command menu entries (its commands.py declares which command has which) ----
HELP_LISTING = "· /fairs 近期招聘会（可设提醒、加入日历），/myfairs 我的提醒；"
HELP_EDITING = (
    "· /addfair 新增招聘会；/editfair 编号 修改；/cancelfair 编号 取消（会通知设了提醒的同学）\n"
    "· /fairleads [1d 1h …] 默认提醒时间；/exportfairs [xlsx｜csv] 导出招聘会；/importfairs 导入"
)
MENU_FAIRS = "近期招聘会"
MENU_MYFAIRS = "我的招聘会提醒"
