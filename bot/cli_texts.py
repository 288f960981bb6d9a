"""The command line's words (Simplified Chinese, one place) and its one way to ask for a confirmation.

The CLI is for staff at a terminal and for scripts: a question is asked only when a
person can answer it; without a terminal `--yes` is required, and its absence is said
politely instead of ending in EOFError.
"""

from __future__ import annotations

import sys
from typing import TextIO

CONFIRM_APPLY = "确认导入？[y/N] "
NOT_CHANGED = "没有做任何修改。"
APPLIED = "已导入。"
NO_TERMINAL = "没有终端可以确认：请检查上面的摘要，确认无误后加 --yes 重新运行。没有做任何修改。"
NOTHING_TO_IMPORT = "文件和现有内容一致，没有要导入的变化。"
CANNOT_READ = "无法读取 {path}：{reason}"
IMPORT_REJECTED = "{path} 没有导入：发现 {count} 处问题，没有做任何修改："
EXPORT_FORMATS = "只能导出为 {formats} 文件。"
EXPORTED = "已把 {count} 条写入 {path}。"
FAIRS_EXPORTED = "已把 {count} 场招聘会写入 {path}。"
FAIRS_APPLIED = "已导入。正在运行的机器人会在一分钟内按新时间调整提醒。"
NEED_CITY = "校园大使需要 --city，可选：{cities}"
GRANTED = "已授予 {channel}:{user} {role} 角色。"
REVOKED = "已收回 {channel}:{user} 的 {roles} 角色。"
NOTHING_TO_REVOKE = "{channel}:{user} 没有可收回的角色。"
CONFIGURED_ADMINS = "（ADMIN_IDS 里配置的管理员：{ids}）"
NONE = "无"
GRANT_LINE = "{who}\t{role}{where}\t{name}\t{at} 由 {by} 授予"
BAD_TELEGRAM_ID = "“{user}”不是 Telegram 用户 id：Telegram 的 id 是一串数字（学生可以在机器人里发 /mydata 查看）；微信用户请加 --channel wechat。"
BAD_WECHAT_ID = "“{user}”不是微信 openid：openid 通常以 o 开头，由字母、数字、-、_ 组成（学生可以在公众号里发 /mydata 查看）。"
UNKNOWN_USERNAME = "不认识 {user}：只有和机器人说过话、留下了用户名的人才能用 @用户名，请改用数字 id。"
AMBIGUOUS_USERNAME = "{user} 对应多个用户，请改用数字 id：{ids}"
ACCURACY = "\n准确率：{right}/{scored} = {share:.1%}"
EXPECTED = "✗ 应为 {expect}"
NO_ANSWER = "不回答"
SHEET_NEEDS_QUESTION = "表格需要一列“问题”（question）"
DATABASE_PATH_BAD = "配置错误：DATABASE_PATH={path} 无法作为数据库文件打开（{reason}）。请把 DATABASE_PATH 设为一个可写的文件路径。"
ASK_ONE = "请给出一个问题，或用 --file 指定问题文件（二选一；--conversations 需要 --file）。"
SETTINGS_ERROR = "配置错误：{error}"
KNOWLEDGE_ERROR = "知识库文件有误：{error}"
WECHAT_UNKNOWN_ACTION = "不认识的 wechat 子命令：{action}"
MENU_REJECTED = "{path} 没有发布：发现 {count} 处问题："
MENU_DRY_RUN = "试运行：没有发布任何内容。"
MENU_REFUSED = "微信没有接受这个菜单：{error}"
MENU_PUBLISHED = "已把 {path} 的菜单发布到公众号 {app_id}。"
PURPOSE_MENU = "发布菜单"
PURPOSE_QRCODES = "生成二维码"
NO_AMBASSADORS = "还没有校园大使：请先授予角色（python -m bot admin grant ID ambassador --city 武汉）。"
QRCODES_REFUSED = "微信没有生成二维码：{error}"
CREDENTIALS_MISSING = "需要先设置 WECHAT_APP_ID 和 WECHAT_APP_SECRET 才能{purpose}。"
DATABASE_IS_FOLDER = "这是一个文件夹"
ASK_RESULT = "结果：{outcome}  分数：{score:.3f}  条目：{faq_id}"


def confirm(question: str, yes: bool, stdin: TextIO | None = None) -> bool | None:
    """True to go on, False when the person said no; None when nobody can answer (no terminal, no --yes)."""
    if yes:
        return True
    stdin = stdin or sys.stdin
    if not stdin.isatty():
        return None
    try:
        return input(question).strip().lower() in ("y", "yes", "是")
    except EOFError:
        return None
