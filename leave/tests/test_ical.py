import datetime

from leave import ical

STAMP = datetime.datetime(2026, 12, 3, 14, 5, 9, 123, tzinfo=datetime.UTC)


def unfold(text: str) -> list[str]:
    """The content lines of `text`, as a reader joins them (RFC 5545 3.1)."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF, and only there
    return text.replace("\r\n ", "").removesuffix("\r\n").split("\r\n")


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def test_text_is_escaped():
    assert ical.escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert unescape(ical.escape("Ann, Lee; 50\\50\nnext")) == "Ann, Lee; 50\\50\nnext"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "Zoë Ångström — Congé annuel, " * 10
    folded = ical.fold(line)
    pieces = folded.split("\r\n")
    assert len(pieces) > 3
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert folded.replace("\r\n ", "") == line  # each piece is whole characters
    assert ical.fold("SHORT:line") == "SHORT:line"
    exactly = "X" * 75
    assert ical.fold(exactly) == exactly
    assert ical.fold(exactly + "Y") == exactly + "\r\n Y"


def test_an_all_day_event_ends_the_day_after_its_last():
    text = ical.calendar(
        [
            ical.Event(
                uid="leave-7@hrms-lite",
                first=datetime.date(2026, 12, 31),
                last=datetime.date(2027, 1, 2),
                summary="Ann Lee — Annual leave",
                stamp=STAMP,
            )
        ],
        name="Leave",
    )
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines[-1] == "END:VCALENDAR"
    assert "DTSTART;VALUE=DATE:20261231" in lines
    assert "DTEND;VALUE=DATE:20270103" in lines
    assert "DTSTAMP:20261203T140509Z" in lines
    assert "UID:leave-7@hrms-lite" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1


def test_a_stamp_in_another_zone_is_written_in_utc():
    moment = datetime.datetime(
        2026, 12, 3, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5))
    )
    assert ical.moment_value(moment) == "20261203T040000Z"
