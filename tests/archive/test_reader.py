"""Others' WARC and ARC files as they really are: every layout reads whole, every flaw is found, named and skipped.

Each file is made here (testkit.warcs): by warcio's writer in the versions and layouts crawlers use,
by hand for ARC, and then damaged the ways downloads and old tools damage them.
"""
import gzip
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from archive.dates import capture_date, http_date
from archive.reader import ArchiveReader, ResponseScan, WarcDamaged
from testkit import warcs

PAGES = warcs.pages(4)


def scan(path, max_body=None):
    reader = ResponseScan(path, max_body)
    return list(reader.responses()), reader


def write(tmp_path, name, built):
    path = tmp_path / name
    path.write_bytes(built.data if isinstance(built, warcs.Built) else built)
    return path


LAYOUTS = {
    "warc-1.0.warc.gz": lambda: warcs.warc(PAGES),
    "warc-1.1.warc.gz": lambda: warcs.warc(PAGES, version="1.1"),
    "warc-1.0.warc": lambda: warcs.warc(PAGES, compress=False),
    "warc-0.17.warc": lambda: warcs.warc(PAGES, compress=False, version="0.17"),
    "warc-0.18.warc.gz": lambda: warcs.warc(PAGES, version="0.18"),
    "arc.arc": lambda: warcs.arc(PAGES),
    "arc.arc.gz": lambda: warcs.arc(PAGES, compress=True),
    "whole-file-gzip.warc.gz": lambda: warcs.whole_gzip(warcs.warc(PAGES, compress=False)),
    "whole-file-gzip.arc.gz": lambda: warcs.whole_gzip(warcs.arc(PAGES)),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_layout_reads_whole_and_each_record_reads_back_at_its_offset(tmp_path, name):
    built = LAYOUTS[name]()
    path = write(tmp_path, name, built)
    responses, reader = scan(path)
    assert reader.damage == []
    assert [(r.url, r.status, r.body, r.captured_at, r.truncated) for r in responses] == [
        (p.url, 200, p.body, p.when, None) for p in PAGES]
    assert [r.offset for r in responses] == built.offsets
    with ArchiveReader(tmp_path) as archive:
        for response in reversed(responses):  # out of order too: a file in one gzip stream starts over
            assert archive.read(name, response.offset).body == response.body


def test_a_well_formed_uncompressed_warc_is_not_damaged_whatever_its_last_bytes(tmp_path):
    """warcio's record length leaves out the CRLF CRLF that ends an uncompressed record: not damage."""
    plain = warcs.warc(PAGES, compress=False).data
    for variant in (plain, plain + b"\r\n", plain[:-4], plain + b"\x00" * 10):
        responses, reader = scan(write(tmp_path, "x.warc", variant))
        assert len(responses) == 4 and reader.damage == [], variant[-8:]


def test_gzip_members_that_join_or_split_records_read_whole(tmp_path):
    plain = warcs.warc(PAGES, compress=False, requests=False)
    cuts = [plain.offsets[2], plain.offsets[3] + 500]  # two records a member, then a record split in two
    path = write(tmp_path, "members.warc.gz", warcs.regrouped(plain, cuts))
    responses, reader = scan(path)
    assert reader.damage == [] and [r.body for r in responses] == [p.body for p in PAGES]
    assert [r.offset for r in responses] == warcs.regrouped(plain, cuts).offsets  # in the file, or decompressed
    with ArchiveReader(tmp_path) as archive:
        assert [archive.read(path.name, r.offset).url for r in responses] == [p.url for p in PAGES]


def test_clueweb_style_warc_0_18_with_lf_line_ends_and_garbled_dates(tmp_path):
    garbled = ["2008-10-294T05:21:46-0700", "2009-03-65T08:43:19-0800"]
    items = [replace(p, date_text=garbled[n]) if n < 2 else p for n, p in enumerate(PAGES)]
    path = write(tmp_path, "clueweb.warc", warcs.lf_only(warcs.warc(items, compress=False, version="0.18").data))
    responses, reader = scan(path)
    assert reader.damage == []
    assert [(r.url, r.captured_at, r.date_text) for r in responses] == [
        (p.url, None if n < 2 else p.when, p.stamp()) for n, p in enumerate(items)]
    assert reader.file_date is not None  # the warcinfo record's date: what undated records can be dated by


def test_arc_records_go_through_warcios_conversion_with_their_own_dates(tmp_path):
    items = [replace(PAGES[0], date_text="200804302048")] + PAGES[1:]  # 12 digits: no seconds
    responses, reader = scan(write(tmp_path, "old.arc", warcs.arc(items)))
    assert reader.records_read == 5 and reader.damage == []  # the filedesc record and four responses
    assert responses[0].captured_at == datetime(2008, 4, 30, 20, 48, tzinfo=timezone.utc)
    assert responses[0].url == PAGES[0].url and responses[0].payload_digest is None


def test_a_heritrix_arc_with_metadata_and_a_url_with_spaces(tmp_path):
    metadata = b'<?xml version="1.0"?>\n<arcmetadata><arc:software>Heritrix 1.0.5</arc:software></arcmetadata>\n'
    spaced = replace(PAGES[1], url="http://outlet.example/index.cfm?Title=Martinez Targets Castor&x=1")
    responses, reader = scan(write(tmp_path, "heritrix.arc.gz", warcs.arc([PAGES[0], spaced], True, metadata)))
    assert reader.damage == [] and reader.records_read == 3
    assert [r.url for r in responses] == [PAGES[0].url, spaced.url.replace(" ", "%20")]  # as warcio encodes it
    assert responses[1].body == spaced.body
    assert reader.file_date == warcs.WHEN  # the filedesc record's date


@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "uncompressed"])
@pytest.mark.parametrize("into", [0.02, 0.3, 0.6, 0.97])
def test_a_file_cut_inside_a_record_keeps_the_records_before_and_marks_that_one_cut_short(tmp_path, compress, into):
    built = warcs.warc(PAGES, compress=compress, requests=False)
    cut = built.offsets[2] + int((built.offsets[3] - built.offsets[2]) * into)  # into the third record
    path = write(tmp_path, "cut.warc", built.data[:cut])
    responses, reader = scan(path)
    assert [r.body for r in responses[:2]] == [p.body for p in PAGES[:2]] and not any(r.truncated for r in responses[:2])
    [damage] = reader.damage
    assert damage.start.offset == built.offsets[2] and damage.start.in_file and damage.resumed is None
    assert "cut short" in damage.reason or "ends inside" in damage.reason
    for late in responses[2:]:  # the third page, when its header was read: never as if it were whole
        assert late.url == PAGES[2].url and late.truncated and late.body != PAGES[2].body


def test_a_cut_short_body_is_counted_against_the_declared_length(tmp_path):
    built = warcs.warc(PAGES, compress=False, requests=False)
    cut = built.offsets[3] + 700
    responses, reader = scan(write(tmp_path, "cut.warc", built.data[:cut]))
    last = responses[-1]
    assert last.url == PAGES[3].url and last.truncated.startswith("cut short: the file ends")
    assert len(last.body) < len(PAGES[3].body)
    assert reader.damage[0].describe().startswith(f"damaged from byte {built.offsets[3]} (cut short")


def test_corrupt_gzip_data_is_skipped_to_the_next_member_and_named_exactly(tmp_path):
    built = warcs.warc(PAGES, requests=False)
    data = bytearray(built.data)
    flipped = built.offsets[1] + 120
    data[flipped : flipped + 40] = bytes(40)  # zeroes in the second record's compressed data
    responses, reader = scan(write(tmp_path, "corrupt.warc.gz", bytes(data)))
    assert [r.url for r in responses if not r.truncated] == [PAGES[0].url, PAGES[2].url, PAGES[3].url]
    [damage] = reader.damage
    assert damage.start.offset == built.offsets[1] and damage.resumed.offset == built.offsets[2]
    corrupt_at = int(damage.reason.split("gzip data corrupt at byte ")[1].split()[0])
    assert flipped <= corrupt_at < built.offsets[2]


def test_bytes_between_gzip_members_are_skipped_and_said(tmp_path):
    built = warcs.warc(PAGES, requests=False)
    at = built.offsets[2]
    path = write(tmp_path, "junk.warc.gz", built.data[:at] + b"<html>not a member</html>" * 40 + built.data[at:])
    responses, reader = scan(path)
    assert [r.url for r in responses] == [p.url for p in PAGES]
    [damage] = reader.damage
    assert damage.start.offset == at and damage.resumed.offset == at + 25 * 40
    assert damage.describe() == f"damaged from byte {at} (the bytes at {at} are not a gzip member); read on from byte {at + 1000}"


@pytest.mark.parametrize("compress", [False, True], ids=["uncompressed", "gzip-per-record"])
@pytest.mark.parametrize("wrong", [-30, +30], ids=["too-short", "too-long"])
def test_a_wrong_declared_length_damages_that_record_and_reading_goes_on(tmp_path, wrong, compress):
    built = warcs.warc(PAGES, compress=False, requests=False)
    start, end = built.offsets[1], built.offsets[2]
    header_end = built.data.index(b"\r\n\r\n", start) + 4
    declared = int(built.data[start:header_end].split(b"Content-Length: ")[1].split(b"\r\n")[0])
    record = built.data[start:end].replace(b"Content-Length: %d\r\n\r\n" % declared,
                                           b"Content-Length: %d\r\n\r\n" % (declared + wrong), 1)
    assert len(record) == end - start
    damaged = warcs.Built(built.data[:start] + record + built.data[end:], built.offsets)
    if compress:
        damaged = warcs.regrouped(damaged, built.offsets)  # a gzip member per record, as crawlers write them
    responses, reader = scan(write(tmp_path, "length.warc", damaged))
    # a length too long swallowed the next record's start: it is looked for again from the block on
    assert [r.url for r in responses if not r.truncated] == [PAGES[0].url, PAGES[2].url, PAGES[3].url]
    assert [r.url for r in responses if r.truncated] == [PAGES[1].url]
    [damage] = reader.damage
    assert damage.start.offset == damaged.offsets[1] and damage.resumed.offset == damaged.offsets[2]
    assert f"its declared length ({declared + wrong} bytes) does not end it" in damage.reason


@pytest.mark.parametrize("head, named", [(b"\x04\x22\x4d\x18", "LZ4"), (b"\x28\xb5\x2f\xfd", "Zstandard"),
                                         (b"BZh91AY&SY", "bzip2"), (b"\xfd7zXZ\x00", "xz")])
def test_a_compression_warcio_cannot_read_is_damage_from_byte_0_saying_which(tmp_path, head, named):
    responses, reader = scan(write(tmp_path, "x.warc.lz4", head + bytes(range(256)) * 4))
    assert responses == [] and reader.records_read == 0
    [damage] = reader.damage
    assert damage.start.offset == 0 and damage.reason.startswith(f"{named}-compressed") and damage.resumed is None


def test_a_file_that_is_no_archive_is_damage_from_byte_0(tmp_path):
    responses, reader = scan(write(tmp_path, "page.warc", b"<!DOCTYPE html>\n<html><body>hello</body></html>\n"))
    assert responses == []
    assert reader.damage[0].describe() == ("damaged from byte 0 (not the start of a WARC or ARC record: "
                                           "'<!DOCTYPE html>'); nothing after it could be read")


def test_a_file_in_one_gzip_stream_cut_short_names_the_position_in_its_decompressed_data(tmp_path):
    plain = warcs.warc([replace(p, body=p.body * 40) for p in PAGES], compress=False, requests=False)
    whole = gzip.compress(plain.data)
    responses, reader = scan(write(tmp_path, "whole.warc.gz", whole[: len(whole) * 3 // 4]))
    whole_ones = [r for r in responses if not r.truncated]
    assert whole_ones and all(r.body == p.body * 40 for r, p in zip(whole_ones, PAGES))
    [damage] = reader.damage
    assert not damage.start.in_file and damage.start.offset in plain.offsets[len(whole_ones):]
    assert "of its decompressed data" in damage.describe()


def test_record_fields_are_read_leniently_one_record_at_a_time(tmp_path):
    items = [replace(PAGES[0], date_text="yesterday"), PAGES[1],
             replace(PAGES[2], headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")),
                     body=gzip.compress(PAGES[2].body)),
             replace(PAGES[3], headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")),
                     body=gzip.compress(PAGES[3].body)[:-40])]
    plain = warcs.warc(items, compress=False, requests=False).data
    plain = plain.replace(b"WARC-Target-URI: " + PAGES[1].url.encode() + b"\r\n", b"", 1)
    responses, reader = scan(write(tmp_path, "fields.warc", plain))
    assert reader.damage == []
    assert responses[0].captured_at is None and responses[0].date_text == "yesterday"
    assert responses[1].url == ""                      # no WARC-Target-URI: the engine records invalid_url
    assert responses[2].body == PAGES[2].body          # Content-Encoding undone
    assert responses[3].truncated.startswith("its gzip-encoded body ends before")


def test_http_bodies_are_decoded_as_browsers_read_them(tmp_path):
    body = PAGES[0].body
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[n : n + 300]), body[n : n + 300]) for n in range(0, len(body), 300))
    items = [replace(PAGES[0], headers=(("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")),
                     body=chunked + b"0\r\n\r\n"),
             replace(PAGES[1], headers=(("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"))),  # not chunked
             replace(PAGES[2], headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")))]   # not gzip
    plain = warcs.warc(items, compress=False, requests=False).data.replace(b"HTTP/1.1 200 X", b"HTTP/1.0 200OK", 1)
    responses, reader = scan(write(tmp_path, "bodies.warc", plain))
    assert reader.damage == [] and [r.status for r in responses] == [200, 200, 200]
    assert [r.body for r in responses] == [p.body for p in PAGES[:3]] and not any(r.undecodable for r in responses)


def test_a_response_the_crawler_truncated_says_so(tmp_path):
    plain = warcs.warc(PAGES[:1], compress=False, requests=False).data
    plain = plain.replace(b"WARC-Type: response\r\n", b"WARC-Type: response\r\nWARC-Truncated: length\r\n", 1)
    [response], _ = scan(write(tmp_path, "t.warc", plain))
    assert response.truncated == "the crawler kept only part of it (WARC-Truncated: length)"


def test_every_damage_reason_is_one_non_empty_line(tmp_path):
    built = warcs.warc(PAGES)
    variants = [built.data[:n] for n in (5, 30, 300, built.offsets[2] + 3)] + [b"WARC/1.0\r\n\r\n" * 3,
                                                                              b"\n\nWARC/1.0\r\nbroken"]
    for n, data in enumerate(variants):
        _, reader = scan(write(tmp_path, f"v{n}.warc.gz", data))
        for damage in reader.damage:
            assert damage.reason.strip() and "\n" not in damage.describe(), damage


def test_the_reader_by_offset_names_the_file_and_byte_it_cannot_read(tmp_path):
    built = warcs.warc(PAGES)
    write(tmp_path, "a.warc.gz", built)
    with ArchiveReader(tmp_path) as archive, pytest.raises(WarcDamaged, match=r"a\.warc\.gz: damaged from byte 7 on"):
        archive.read("a.warc.gz", 7)


@pytest.mark.parametrize("text, moment", [
    ("2020-05-01T12:00:00Z", datetime(2020, 5, 1, 12, tzinfo=timezone.utc)),
    ("2020-05-01T12:00:00.123456789Z", datetime(2020, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)),
    ("2008-10-29T05:21:46-0700", datetime(2008, 10, 29, 12, 21, 46, tzinfo=timezone.utc)),
    ("20200501120000", datetime(2020, 5, 1, 12, tzinfo=timezone.utc)), ("2020050112000", None),
    ("2008-10-294T05:21:46-0700", None), ("2009-03-65T08:43:19-0800", None), ("20201399000000", None),
    ("1970-01-01T00:00:00Z", None), ("2999-01-01T00:00:00Z", None), ("", None), (None, None), ("soon", None),
])
def test_capture_dates_are_read_leniently_and_never_raise(text, moment):
    assert capture_date(text) == moment


def test_http_dates():
    assert http_date("Fri, 01 May 2020 12:00:00 GMT") == datetime(2020, 5, 1, 12, tzinfo=timezone.utc)
    assert http_date("the day after") is None and http_date(None) is None
