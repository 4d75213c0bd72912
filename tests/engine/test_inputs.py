"""The runs' inputs: a seeds folder where a bad file is skipped and counted, URL files that must be lists of URLs."""
import logging
import re

import pytest

from core.errors import InputError
from engine.inputs import MAX_URL_LINE_BYTES, read_seed_folder, read_seeds, read_url_file
from extractors.seed import parse_seed

ARTICLE = "Diaspora groups respond to the election in Karabakh\n\nThe statement cites https://a.example/news/1.\n"


def seeds_folder(tmp_path, files: dict[str, bytes]):
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


@pytest.mark.parametrize("content, reason", [
    ("Karabağ seçimleri hakkında açıklama".encode("cp1254"), "not UTF-8 text (byte 0x"),
    ("Заявление диаспоры о выборах".encode("cp1251"), "not UTF-8 text (byte 0x"),
    (ARTICLE.encode("utf-16"), "UTF-16 text: save it as UTF-8"),
    (ARTICLE.encode("utf-16-le"), "not text (a NUL byte at offset 1)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text (a NUL byte"),
    (b"", "empty (no words)"),
    (b"\xef\xbb\xbf \n\t\r\n-- \xe2\x80\x8b\n", "empty (no words)"),
])
def test_a_seed_file_that_cannot_be_used_is_skipped_and_the_others_read(tmp_path, content, reason):
    folder = seeds_folder(tmp_path, {"a_good.txt": ARTICLE.encode(), "b_bad.txt": content,
                                     "c_good.txt": ARTICLE.replace("1.", "2.").encode()})
    found = read_seed_folder(folder)
    assert [s.source_path.rsplit("/", 1)[1] for s in found.seeds] == ["a_good.txt", "c_good.txt"]
    [skipped] = found.skipped
    assert skipped.path == folder / "b_bad.txt" and skipped.reason.startswith(reason)
    assert str(skipped).startswith(f"skipped seed {folder / 'b_bad.txt'}: {reason}")


def test_an_unreadable_seed_is_skipped(tmp_path):
    folder = seeds_folder(tmp_path, {"good.txt": ARTICLE.encode()})
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    found = read_seed_folder(folder)
    assert len(found.seeds) == 1
    assert [s.reason for s in found.skipped] == ["cannot read it: No such file or directory"]


def test_hidden_files_and_other_suffixes_are_not_seeds(tmp_path):
    folder = seeds_folder(tmp_path, {"good.txt": ARTICLE.encode(), "._good.txt": b"\x00\x05\x16\x07Mac OS X",
                                     ".#good.txt": b"", "notes.md": b"\xff"})
    found = read_seed_folder(folder)
    assert len(found.seeds) == 1 and found.skipped == ()


def test_a_byte_order_mark_is_not_part_of_the_seed(tmp_path):
    folder = seeds_folder(tmp_path, {"bom.txt": b"\xef\xbb\xbf" + ARTICLE.encode()})
    [seed] = read_seed_folder(folder).seeds
    assert seed.title == "Diaspora groups respond to the election in Karabakh"
    assert seed.text == ARTICLE and seed.seed_id == parse_seed(ARTICLE, "x").seed_id
    assert parse_seed("\ufeff" + ARTICLE, "x").title == seed.title   # whoever calls the parser


def test_a_folder_without_a_usable_seed_is_refused_naming_the_files(tmp_path):
    folder = seeds_folder(tmp_path, {"a.txt": b"", "b.txt": b"\xff\xfe\x00"})
    with pytest.raises(InputError, match=r"no usable seed file in .*seeds \(a.txt: empty \(no words\); b.txt: UTF-16 text"):
        read_seed_folder(folder)


def test_read_seeds_logs_each_skipped_file(tmp_path, caplog):
    folder = seeds_folder(tmp_path, {"good.txt": ARTICLE.encode(), "empty.txt": b""})
    with caplog.at_level(logging.WARNING, logger="mediamon"):
        assert len(read_seeds(folder)) == 1
    assert [r.getMessage() for r in caplog.records] == [f"skipped seed {folder / 'empty.txt'}: empty (no words)"]


@pytest.mark.parametrize("content, message", [
    (b"https://a.example/1\n\x00\x01\x02binary", "is not text (a NUL byte at offset 20)"),
    ("https://a.example/1\n".encode("utf-16"), "is UTF-16 text: save it as UTF-8"),
    ("https://a.example/1\nhttps://b.example/çay\n".encode("latin-1"), "is not UTF-8 text (byte 0xe7 on line 2)"),
])
def test_a_url_file_that_is_not_text_is_refused(tmp_path, content, message):
    path = tmp_path / "urls.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"URL file .*urls.txt {re.escape(message)}"):
        read_url_file(path)


def test_random_bytes_are_not_a_url_file(tmp_path):
    import random
    path = tmp_path / "urls.bin"
    path.write_bytes(random.Random(7).randbytes(1 << 20))
    with pytest.raises(InputError, match="is not text|is not UTF-8 text"):
        read_url_file(path)


def test_a_line_over_8_kb_is_refused_and_8_kb_is_not(tmp_path):
    path = tmp_path / "urls.txt"
    longest = "https://a.example/?q=" + "x" * (MAX_URL_LINE_BYTES - len("https://a.example/?q="))
    path.write_text(f"https://a.example/1\n{longest}\n")
    assert [line.line_number for line in read_url_file(path)] == [1, 2]
    path.write_text(f"https://a.example/1\n\n{longest}я\n")   # one more character, two more bytes
    with pytest.raises(InputError, match=r"line 3 is 8,194 bytes long, over the 8 KB a URL line may have"):
        read_url_file(path)


def test_url_file_bom_comments_and_repeated_junk(tmp_path):
    path = tmp_path / "urls.txt"
    path.write_bytes(b"\xef\xbb\xbfhttps://a.example/1\r\n# a comment\r\nnot a url\r\n\r\nnot a url\r\n"
                     b"https://a.example/1\r\nftp://b.example/\r\n")
    lines = read_url_file(path)
    assert [(line.line_number, line.url) for line in lines] == [
        (1, "https://a.example/1"), (3, None), (6, "https://a.example/1"), (7, None)]
