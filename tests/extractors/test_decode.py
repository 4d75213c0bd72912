from extractors.decode import decode_html

RUSSIAN = "Азербайджанцы России выступили с обращением"
TURKISH = "Ermenistan işgalindeki Dağlık Karabağ'da yapılan seçimlere tepki: ğüşıöç"


def _page(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def test_header_charset_wins_for_a_single_byte_page():
    body = _page(RUSSIAN).encode("windows-1251")
    text, charset = decode_html(body, "text/html; charset=windows-1251")
    assert RUSSIAN in text and charset == "cp1251"


def test_meta_charset_is_used_without_a_header():
    body = _page(TURKISH, '<meta charset="windows-1254">').encode("windows-1254")
    text, charset = decode_html(body, "text/html")
    assert TURKISH in text and charset == "cp1254"


def test_valid_utf8_beats_a_wrong_declaration():
    body = _page(RUSSIAN, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">').encode("utf-8")
    text, _ = decode_html(body, "text/html; charset=windows-1251")
    assert RUSSIAN in text


def test_undeclared_bytes_fall_back_to_detection():
    body = _page(RUSSIAN * 5).encode("utf-8")
    assert RUSSIAN in decode_html(body, None)[0]


def test_undeclared_windows_1254_is_detected():
    body = _page(TURKISH * 4).encode("windows-1254")
    text, charset = decode_html(body, "text/html")
    assert TURKISH in text and charset == "cp1254"


def test_undeclared_windows_1251_is_detected():
    body = _page(RUSSIAN * 4).encode("windows-1251")
    assert RUSSIAN in decode_html(body, None)[0]


def test_a_server_default_latin1_header_yields_to_the_pages_meta():
    body = _page(TURKISH, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1254">').encode("cp1254")
    text, charset = decode_html(body, "text/html; charset=ISO-8859-1")
    assert TURKISH in text and charset == "cp1254"


def test_a_utf8_declaration_on_single_byte_bytes_falls_through_to_detection():
    body = _page(RUSSIAN * 4, '<meta charset="utf-8">').encode("windows-1251")
    assert RUSSIAN in decode_html(body, "text/html; charset=utf-8")[0]


def test_an_xml_declaration_counts_as_the_pages_own():
    body = ('<?xml version="1.0" encoding="windows-1251"?>' + _page(RUSSIAN)).encode("cp1251")
    text, charset = decode_html(body, "application/xhtml+xml")
    assert RUSSIAN in text and charset == "cp1251"
