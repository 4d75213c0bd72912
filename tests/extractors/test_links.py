from pathlib import Path

from extractors.links import canonical_url, cited_links
from extractors.seed import parse_seed, seed_id_for, seed_title

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# The 15 links seed 000 numbers at its end, exactly as cited.
SEED_000_LINKS = [
    "http://www.goldenbridgenews.com/qirgizistan-az%c9%99rbaycanlilari-uzd%c9%99niraq-qarabag-respublikasinda-erm%c9%99nil%c9%99rin-kecirdiyi-seckil%c9%99ri-q%c9%99tiyy%c9%99tl%c9%99-pisl%c9%99yir/",
    "https://azru.org/azerbajdzhantsy-rossii-vystupili-s-obrashheniem-s-tselyu-nedopushheniya-inauguratsii-prezidenta-nkr/",
    "http://www.turkelpress.com/?p=22068",
    "http://www.vatanpress.com/?p=19819",
    "http://www.ahiskapress.com/?p=17200",
    "https://lb.ua/news/2020/05/21/458041_rada_azerbaydzhantsev_ukraini.html",
    "https://www.turkiyegazetesi.com.tr/dunya/705650.aspx",
    "https://ankaraekspresi.com/haber-karabag-daki-gayrimesru-baskanlik-secimine-tepki-2988",
    "https://www.karar.com/ermenistandan-yeni-provokasyon-sozde-devletin-cumhurbaskanina-yemin-toreni-1564611",
    "http://www.trthaber.com/haber/dunya/ermenistan-isgalindeki-daglik-karabagda-yapilan-secimlere-tepki-486420.html",
    "http://www.kocaelibakis.com/m/gundem/volkan-aydemir-itiraz-ediyoruz-h5453.html",
    "http://mobil.karsmedyasi.com/haber/kars-azerbaycan-evi-dernegi-itiraz-ediyoruz/8247/",
    "http://www.haberkuzey.com/m-haber-17593.html",
    "http://www.kuzeyinsesi.com/m-haber-7101.html",
    "https://asasmedya.info/news/politics/16385-isgalci-ermenistanin-karabagdaki-sahte-oyunlarina-dur-diyoruz",
]


def test_seed_000_gives_exactly_its_15_links_in_order():
    seed = parse_seed((SEEDS / "000_c1a277e472247ac2.txt").read_text("utf-8"), "000")
    assert [c.url_as_cited for c in seed.citations] == SEED_000_LINKS
    assert [c.position for c in seed.citations] == list(range(1, 16))
    # these are already canonical: the canonical form equals the cited one, percent-encoding included
    assert [c.url for c in seed.citations] == SEED_000_LINKS


def test_other_seeds_cite_no_links():
    for path in sorted(SEEDS.glob("00[1-4]_*.txt")):
        assert parse_seed(path.read_text("utf-8"), str(path)).citations == ()


def test_trailing_punctuation_is_stripped_but_balanced_brackets_kept():
    text = ("See https://a.example/x. Or (https://b.example/y), and https://c.example/wiki/Foo_(bar); "
            "also «https://d.example/z».")
    assert [c.url_as_cited for c in cited_links(text)] == [
        "https://a.example/x", "https://b.example/y", "https://c.example/wiki/Foo_(bar)", "https://d.example/z"]


def test_percent_encoding_is_kept_as_cited():
    [citation] = cited_links("read http://x.example/az%c9%99rbaycan?q=%D0%B0 now")
    assert citation.url_as_cited == "http://x.example/az%c9%99rbaycan?q=%D0%B0"


def test_only_http_links_are_cited():
    assert cited_links("ftp://x.example/a mailto:a@b.example javascript:alert(1) www.example.com") == []


def test_canonical_form():
    assert canonical_url("HTTP://WWW.Example.COM:80/a?b=2&a=1#section") == "http://www.example.com/a?a=1&b=2"
    assert canonical_url("https://example.com:443/p?utm_source=x&id=3") == "https://example.com/p?id=3"
    assert canonical_url("https://example.com/p#frag") == canonical_url("https://example.com/p")


def test_canonical_form_rejects_what_cannot_be_fetched():
    for bad in ("ftp://example.com/a", "http://", "not a url", "http://exa mple.com/", "http://example.com:99999999/"):
        assert canonical_url(bad) is None, bad


def test_seed_identity_is_its_content():
    text = (SEEDS / "003_b082ab4a923e1df2.txt").read_text("utf-8")
    assert parse_seed(text, "a.txt").seed_id == parse_seed(text, "elsewhere/b.txt").seed_id == seed_id_for(text)
    assert seed_id_for(text + " ") != seed_id_for(text)


def test_seed_title_skips_junk_lines():
    text = (SEEDS / "002_ccba26b113806810.txt").read_text("utf-8")
    assert seed_title(text).startswith("Armenian President Calls For Government Resignation")
