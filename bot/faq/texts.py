"""What the FAQ says: answers, "did you mean", the menu, ratings; the admins' editor, import/export, review
and statistics. Placeholders as in bot/texts.py."""

MENU_TITLE = "请选择想了解的分类："
CATEGORY_TITLE = "【{title}】请选择问题："
ANSWER_SOURCE = "来源：{source}"
NO_ENGLISH_ANSWER = "(There is no English answer for this yet, so here it is in Chinese.)"
SUGGEST = "我不太确定你想问哪一个，是下面这些吗？"
SUGGEST_ONE = "我不太确定，你是想问下面这个吗？"
SUGGEST_NONE_OF_THESE = "都不是"
#: The same, to a question asked in English (the suggested questions stay as the FAQ writes them).
SUGGEST_EN = "I'm not sure which of these you mean. Is it one of them?"
SUGGEST_ONE_EN = "I'm not sure. Did you mean this one?"
SUGGEST_NONE_OF_THESE_EN = "None of these"
NO_ANSWER = (
    "抱歉，这个问题我暂时答不上来 🙏 问题已记录，供工作人员参考。\n"
    "你可以换个说法再问，或按分类浏览；也可以致电 {contact_phone} 咨询。"
)
#: Before the answer to a follow-up that asks for a detail the bureau's letter does not give.
FOLLOWUP_NO_DETAIL = "公函里没有写{aspects}的细节，请致电 {contact_phone} 咨询工作人员。下面是这项政策的介绍："
DETAIL_ASPECTS = {"procedure": "报名或申请方式", "materials": "所需材料", "time": "具体时间", "pay": "补贴或报酬"}
OUT_OF_SCOPE = (
    "抱歉，这个问题不在我能解答的范围内 🙏 我只解答东莞人社局面向大学生的政策和服务"
    "（实习见习、补贴、招聘会、人才政策等）。\n其他问题请致电 {contact_phone} 咨询。"
)
NO_ANSWER_EN = (
    "Sorry, I can't answer that yet 🙏 Your question has been noted for the staff.\n"
    "Try asking another way or browse the topics, or call {contact_phone}."
)
OUT_OF_SCOPE_EN = (
    "Sorry, that's outside what I can help with 🙏 I answer questions about the Dongguan human resources bureau's "
    "programmes for students (internships, traineeships, subsidies, job fairs, talent policies).\n"
    "For anything else, please call {contact_phone}."
)
#: A question about another city's policy (深圳的实习补贴): the letter holds Dongguan's only. {places}: 深圳、广州
ELSEWHERE = (
    "我只了解东莞的政策哦 🙏 {places}的政策请咨询当地人社部门。\n"
    "东莞的实习见习、补贴、招聘会、人才政策等问题，可以直接问我，或致电 {contact_phone} 咨询。"
)
ELSEWHERE_EN = (
    "I only know Dongguan's policies, sorry 🙏 For {places}, please ask the local human resources bureau. "
    "Ask me anything about Dongguan's internships, subsidies, job fairs and talent policies, or call {contact_phone}."
)
NONE_OF_THESE = "好的，问题已记录，供工作人员参考。\n也可以换个说法再问，或致电 {contact_phone} 咨询。"
SMALLTALK = {
    "greeting": "你好呀 👋 我是{bot_name}，有关实习补贴、见习、招聘会、人才政策的问题，直接打字问我就行。",
    "name": "我叫{bot_name} 😊 东莞人社政策的问答小助手，实习补贴、见习、招聘会、人才政策都可以问我。",
    "thanks": "不客气 😊 还有问题随时问我。",
    "bye": "再见，祝学业顺利、求职顺利！",
    "ok": "好的 👌 还有其他问题可以继续问我。",
}
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
BUTTON_DELETE = "🗑 确认删除"
BUTTON_ROLLBACK = "↩️ 恢复到 #{rev} 之后"
BUTTON_ROLLBACK_ORIGINAL = "↩️ 恢复原始版本"
BUTTON_ROLLBACK_CONFIRM = "✅ 确认回滚"
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
WHICH_ENTRY = "请写上条目编号、标题或关键词，例如 {command} 三支一扶。"
ENTRY_NOT_FOUND = "没有找到和“{query}”相关的条目，请换个关键词，或写条目编号（{command} sanzhi-yifu）。"
ENTRY_CHOICES = "你说的“{query}”是哪一条？"
PHRASING_TAKEN = "注意：下面的问法已经属于其他条目，再加到这里，学生这样问时可能得到另一条的答案：\n{lines}\n仍然加到这一条吗？"
PHRASING_TAKEN_LINE = "“{phrasing}” → {owner}"
BUTTON_PHRASING_KEEP = "仍然添加"
BUTTON_PHRASING_DROP = "不添加这些"
INVALID = "还不能保存：{reason}"
SAVED = "已保存 {id}，下一个提问马上生效 ✅"
CONFIRM_DELETE = "确认删除 {id} 吗？删除后可以用 /history {id} 找回。"
DELETED = "已删除 {id}。需要恢复时发送 /history {id}。"
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
IMPORT_CHANGED_MEANWHILE = "在你确认之前知识库又被修改过了，下面是按最新内容重新核对的结果，请再确认一次。"
IMPORTED = "导入完成：{summary} ✅ 下一个提问马上生效。"
FILE_TOO_BIG = "文件太大了（上限 {limit} MB），请精简后再发。"
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
ENTRY_GONE = "条目 {id} 已经被删除或改了编号，这次修改没有保存。"
REVIEW_ALSO = "\n也有人问：「{others}」"
BUTTON_BY_CATEGORY = "📂 在「{title}」里选"

# -- /help lines and command menu entries (its commands.py declares which command has which) ----
HELP_BROWSING = "· /faq 按分类浏览常见问题；"
HELP_EDITING = (
    "· /add 新增条目；/edit 编号 修改；/delete 编号 删除；/history 编号 历史与回滚\n"
    "· /export [xlsx｜csv｜yaml] 导出知识库；直接发送文件即可导入（控制台里用 /upload 文件路径）\n"
    "· /synonyms 同义词表，/synonym add｜remove 词 同义词 修改\n"
    "· /cantonese 粤语词表，/cantonese add 粤语词 普通话 新增或修改，/cantonese remove 粤语词 删除"
)
HELP_REVIEW = "· /unanswered [日期] 没答好的问题；/stats 使用统计；/cancel 取消当前操作"
MENU_FAQ = "按分类浏览常见问题"
