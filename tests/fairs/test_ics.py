"""The "加入日历" file (bot/fairs/ics.py): read back with the icalendar library, as a phone would."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.fairs.ics import fair_calendar, ics_filename
from bot.store.fairs import Fair

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAIR = Fair(
    id=12,
    title="2026 东莞市秋季大学生双选会（松山湖专场）",
    organiser="东莞市人力资源和社会保障局",
    kind="onsite",
    starts_at="2026-12-01T01:30:00+00:00",
    ends_at="2026-12-01T04:00:00+00:00",
    city="东莞",
    venue="松山湖国际会展中心 3 号馆",
    link="",
    audience="2026、2027 届高校毕业生",
    description="200 余家企业，提供岗位 3000 多个；请携带简历和身份证。",
    register_url="https://jobs.example.cn/fair/12?from=bot",
    status="active",
    created_at="2026-10-01T02:00:00+00:00",
    updated_at="2026-10-01T02:00:00+00:00",
)
ONLINE = replace(FAIR, id=13, kind="online", venue="", link="https://live.example.cn/room/88", register_url="")


def read(fair: Fair, tz: ZoneInfo = SHANGHAI, alarms=(60,)):
    data = fair_calendar(fair, tz, alarms)
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return data, calendar, event


def test_the_event_starts_and_ends_at_the_fairs_instants_in_local_time_with_its_zone():
    data, calendar, event = read(FAIR)
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 1, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert b"DTSTART;TZID=Asia/Shanghai:20261201T093000\r\n" in data  # local time, as the admin entered it
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert calendar.get_missing_tzids() == set()


def test_another_zone_setting_denotes_the_same_instant():
    berlin = ZoneInfo("Europe/Berlin")
    data, calendar, event = read(FAIR, berlin)
    assert b"DTSTART;TZID=Europe/Berlin:20261201T023000\r\n" in data
    assert event.decoded("DTSTART") == FAIR.start == datetime(2026, 12, 1, 1, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == FAIR.end
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    assert {sub.name for sub in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}  # Berlin has summer time


def test_calendar_header_and_stable_identity():
    data, calendar, event = read(FAIR)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert (str(calendar["VERSION"]), str(calendar["CALSCALE"]), str(calendar["METHOD"])) == (
        "2.0",
        "GREGORIAN",
        "PUBLISH",
    )
    assert "guancai-bot" in str(calendar["PRODID"])
    assert str(event["UID"]) == "fair-12@guancai-bot"
    assert event.decoded("DTSTAMP") == datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    assert fair_calendar(FAIR, SHANGHAI) == data  # the same fair gives the same file
    assert ics_filename(FAIR) == "fair-12.ics" and ics_filename(FAIR).isascii()


def test_lines_end_in_crlf_and_long_lines_are_folded():
    data, _, _ = read(replace(FAIR, description="很长的简介" * 60))
    lines = data.split(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75  # octets, as RFC 5545 asks
    assert any(line.startswith(b" ") for line in lines)


def test_chinese_text_survives():
    _, _, event = read(FAIR)
    assert str(event["SUMMARY"]) == FAIR.title
    assert str(event["LOCATION"]) == "东莞 松山湖国际会展中心 3 号馆"
    description = str(event["DESCRIPTION"])
    for part in (FAIR.organiser, FAIR.audience, FAIR.description, FAIR.register_url):
        assert part in description
    assert str(event["URL"]) == FAIR.register_url
    assert str(event["STATUS"]) == "CONFIRMED"


def test_an_online_fair_is_located_at_its_link():
    _, _, event = read(ONLINE)
    assert str(event["LOCATION"]) == ONLINE.link
    assert str(event["URL"]) == ONLINE.link  # no registration link: the way in
    assert f"线上会场：{ONLINE.link}" in str(event["DESCRIPTION"])


def test_one_display_alarm_per_lead_time():
    _, _, event = read(FAIR, alarms=(60, 1440, 60))
    alarms = event.walk("VALARM")
    assert [a.decoded("TRIGGER") for a in alarms] == [timedelta(days=-1), timedelta(minutes=-60)]
    assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
    assert all(FAIR.title in str(a["DESCRIPTION"]) for a in alarms)


def test_default_alarm_is_an_hour_before():
    _, _, event = read(FAIR, alarms=(60,))
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-60)


def test_a_negative_alarm_is_a_programming_error():
    with pytest.raises(ValueError):
        fair_calendar(FAIR, SHANGHAI, (-5,))


def test_a_cancelled_fair_replaces_the_imported_event_as_cancelled():
    cancelled = replace(FAIR, status="cancelled", updated_at="2026-10-02T02:00:00+00:00")
    _, _, before = read(FAIR)
    _, _, after = read(cancelled)
    assert str(after["STATUS"]) == "CANCELLED"
    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE") == 0
    assert str(after["SUMMARY"]).startswith("【已取消】") and after.walk("VALARM") == []


def test_every_edit_raises_the_sequence():
    sequences = [
        read(replace(FAIR, updated_at=f"2026-10-0{day}T03:00:00+00:00"))[2].decoded("SEQUENCE") for day in (1, 2, 9)
    ]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3


def test_commas_semicolons_newlines_and_backslashes_in_text_are_escaped_and_read_back():
    tricky = replace(
        FAIR, title="双选会; 第1场, 南城\\北区", venue="会展中心; 3号馆, A区", description="第一行\n第二行; 带, 逗号"
    )
    data, calendar, event = read(tricky)
    summary = next(line for line in data.split(b"\r\n") if line.startswith(b"SUMMARY:"))
    assert summary == "SUMMARY:双选会\\; 第1场\\, 南城\\\\北区".encode()  # RFC 5545 TEXT escapes on the wire
    assert str(event["SUMMARY"]) == tricky.title
    assert str(event["LOCATION"]) == "东莞 " + tricky.venue
    assert "第一行\n第二行; 带, 逗号" in str(event["DESCRIPTION"])
    assert len(calendar.walk("VEVENT")) == 1  # no line break or separator split the event
