"""Pages that are not articles, as outlets and their front-ends serve them, in Turkish, Russian and English
(some in Ukrainian and Azerbaijani too): bot challenges, consent walls, soft 404s inside a site's
chrome, and pages that redirect themselves. Written for mediamon's tests; no vendor's page copied.

Every page sits in a ``Site``'s chrome (menu, most-read box, footer), as a CMS renders it, so that a
check cannot pass by looking at a bare page. ``article`` gives the real thing in the same chrome:
what must stay an article.
"""
from __future__ import annotations

from dataclasses import dataclass

from testkit.misbehaving import ENGLISH, RUSSIAN, TURKISH, UKRAINIAN

AZERBAIJANI = ("Azərbaycan diasporu beynəlxalq ictimaiyyətə müraciət edərək Qarabağda keçirilən qondarma seçkiləri "
               "tanımamağa çağırıb. Müraciətdə bildirilir ki, bu addım beynəlxalq hüququn kobud şəkildə pozulmasıdır "
               "və regionda sülh prosesinə zərbə vurur. Bəyanatı Avropa, Türkiyə və Rusiyadakı icmalar imzalayıb.")
STORY = {"tr": TURKISH, "ru": RUSSIAN, "en": ENGLISH * 2, "uk": UKRAINIAN, "az": AZERBAIJANI}


@dataclass(frozen=True, slots=True)
class Site:
    lang: str
    name: str
    menu: tuple[str, ...]
    most_read: tuple[str, ...]
    footer: str


SITES = {
    "tr": Site("tr", "Kuzey Haber", ("Gündem", "Dünya", "Ekonomi", "Spor", "Kültür", "Yazarlar", "Video", "Foto Galeri"),
               ("Meclis yeni bütçeyi görüşmeye başladı", "Kar yağışı ulaşımı aksattı", "Liman ihracatı rekor kırdı",
                "Belediye otobüs seferlerini artırdı", "Üniversitede bilim şenliği yapıldı"),
               "Kuzey Haber, tüm hakları saklıdır. Künye, iletişim ve reklam bilgileri için bize yazın."),
    "ru": Site("ru", "Северные новости", ("Политика", "Мир", "Экономика", "Спорт", "Культура", "Мнения", "Видео",
                                          "Фото"),
               ("Парламент начал обсуждение бюджета", "Снегопад нарушил движение транспорта",
                "Порт установил рекорд по экспорту", "Мэрия добавила автобусные рейсы", "В университете прошёл фестиваль"),
               "Северные новости. Все права защищены. Редакция, контакты и реклама."),
    "en": Site("en", "Northern Herald", ("Politics", "World", "Business", "Sport", "Culture", "Opinion", "Video",
                                         "Photos"),
               ("Parliament opens the budget debate", "Snowfall disrupts the morning commute",
                "Port exports reach a record", "City adds more bus services", "University hosts a science fair"),
               "Northern Herald. All rights reserved. Masthead, contact and advertising."),
    "uk": Site("uk", "Північні новини", ("Політика", "Світ", "Економіка", "Спорт", "Культура"),
               ("Парламент розпочав обговорення бюджету", "Снігопад ускладнив рух транспорту"),
               "Північні новини. Усі права захищені."),
    "az": Site("az", "Şimal Xəbər", ("Siyasət", "Dünya", "İqtisadiyyat", "İdman", "Mədəniyyət"),
               ("Parlament büdcə müzakirəsinə başlayıb", "Qar yağışı nəqliyyatı çətinləşdirib"),
               "Şimal Xəbər. Bütün hüquqlar qorunur."),
}


def in_chrome(site: Site, title: str, main: str, head: str = "") -> bytes:
    """A page of ``site`` with ``main`` as its content, in the site's chrome."""
    menu = "".join(f"<li><a href='/{i}'>{item}</a></li>" for i, item in enumerate(site.menu))
    most_read = "".join(f"<li><a href='/haber/{i}'>{item}</a></li>" for i, item in enumerate(site.most_read))
    return (f'<!DOCTYPE html><html lang="{site.lang}"><head><meta charset="utf-8"><title>{title}</title>{head}'
            f"<script src='/static/site.js'></script></head><body><header><a href='/'>{site.name}</a><nav><ul>{menu}"
            f"</ul></nav></header><main>{main}</main><aside><h3>★</h3><ol>{most_read}</ol></aside>"
            f"<footer><p>{site.footer}</p></footer></body></html>").encode("utf-8")


def article(lang: str, title: str = "", extra: str = "", head: str = "") -> bytes:
    """A real article of the language's site: what must stay an article."""
    site, story = SITES[lang], STORY[lang]
    title = title or story.split(".")[0][:60]
    return in_chrome(site, f"{title} - {site.name}", f"<article><h1>{title}</h1><p>{story}</p><p>{story}</p>"
                                                     f"{extra}</article>", head)


# -- soft 404s: status 200 inside the chrome --------------------------------------------------------------
SOFT_404_SAYS = {  # a missing page's own words, the requested address echoed
    "tr": ("Sayfa bulunamadı", "Aradığınız sayfa bulunamadı. Adres değişmiş ya da haber yayından kaldırılmış olabilir: "
                               "{path}. Ana sayfaya dönebilir veya arama yapabilirsiniz."),
    "ru": ("Страница не найдена", "Запрашиваемая страница не найдена: {path}. Возможно, она была удалена или "
                                  "перемещена. Перейдите на главную страницу или воспользуйтесь поиском."),
    "en": ("Page not found", "Sorry, the page you are looking for could not be found: {path}. It may have been "
                             "moved or deleted. Go back to the home page or use the search."),
    "uk": ("Сторінку не знайдено", "Сторінку не знайдено: {path}. Можливо, її видалено. Перейдіть на головну."),
    "az": ("Səhifə tapılmadı", "Axtardığınız səhifə tapılmadı: {path}. Ana səhifəyə qayıdın."),
}
# the same, in words no phrase list holds, under the site's name only: only the host's answer for an
# address that cannot exist tells it is a missing page
SOFT_404_UNUSUAL = {
    "tr": "Üzgünüz, ulaşmak istediğiniz içerik artık burada değil ({path}). Son dakika gelişmeleri için ana "
          "sayfamıza göz atın.",
    "ru": "Увы, по адресу {path} сейчас ничего нет. Свежие новости ждут вас на главной странице сайта.",
    "en": "Well, this is awkward: there is nothing at {path} any more. Fresh stories are waiting on our front page.",
}


def soft_404(lang: str, path: str, telling_title: bool = True) -> bytes:
    site = SITES[lang]
    if telling_title:
        heading, text = SOFT_404_SAYS[lang]
        return in_chrome(site, f"{heading} - {site.name}", f"<h1>{heading}</h1><p>{text.format(path=path)}</p>",
                         '<meta name="robots" content="noindex, follow">')
    return in_chrome(site, site.name, f"<div class='notice'><p>{SOFT_404_UNUSUAL[lang].format(path=path)}</p></div>")


# -- bot challenges ---------------------------------------------------------------------------------------
def challenge_with_platform_script() -> bytes:
    """A challenge interstitial (en): a title that waits, a noscript demand, a challenge platform's script."""
    return (b"<!DOCTYPE html><html lang='en-US'><head><title>Just a moment...</title>"
            b"<meta name='robots' content='noindex,nofollow'></head><body><div class='main-wrapper'>"
            b"<h1>news.example.org</h1><p id='status'>Verifying you are human. This may take a few seconds.</p>"
            b"<noscript>Enable JavaScript and cookies to continue</noscript></div>"
            b"<script>(function(){window._cf_chl_opt={cType:'managed',cRay:'8a1b2c3d'};var s=document.createElement"
            b"('script');s.src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8a1b2c3d';"
            b"document.head.appendChild(s);})();</script></body></html>")


CHALLENGE_SAYS = {  # generic checks, no vendor's markup: the words and the structure decide
    "tr": ("Lütfen bekleyin", "Tarayıcınız kontrol ediliyor. Bu işlem birkaç saniye sürebilir.",
           "Devam etmek için JavaScript'i etkinleştirin."),
    "ru": ("Пожалуйста, подождите", "Проверка браузера перед переходом на сайт. Это займёт несколько секунд.",
           "Включите JavaScript и cookies, чтобы продолжить."),
    "en": ("One moment, please", "Checking your browser before you reach the site. This takes a few seconds.",
           "Please turn on JavaScript and allow cookies to continue."),
    "uk": ("Зачекайте", "Перевірка браузера перед переходом на сайт.", "Увімкніть JavaScript, щоб продовжити."),
    "az": ("Gözləyin", "Brauzeriniz yoxlanılır. Bu bir neçə saniyə çəkə bilər.", "JavaScript-i aktiv edin."),
}


def challenge_page(lang: str) -> bytes:
    """A browser check in the page's language: a few words, a noscript demand, a script that sets a
    cookie and reloads; no challenge vendor's markup."""
    title, text, noscript = CHALLENGE_SAYS[lang]
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<div style='text-align:center'><h2>{text}</h2><noscript>{noscript}</noscript></div>"
            "<script>var t='a8f3c1';document.cookie='__check='+t+';path=/';setTimeout(function(){"
            "location.reload();},4000);</script></body></html>").encode("utf-8")


def captcha_page(lang: str) -> bytes:
    """A captcha wall: a few words and a captcha service's widget."""
    words = {"tr": "Robot olmadığınızı doğrulayın", "ru": "Подтвердите, что вы не робот", "en": "Confirm you are human",
             "uk": "Підтвердіть, що ви не робот", "az": "Robot olmadığınızı təsdiqləyin"}[lang]
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{words}</title>"
            "<script src='https://hcaptcha.com/1/api.js' async defer></script></head><body>"
            f"<form method='post' action='/verify'><p>{words}</p><div class='h-captcha' data-sitekey='x'></div>"
            "<button type='submit'>OK</button></form></body></html>").encode("utf-8")


# -- consent walls ----------------------------------------------------------------------------------------
CONSENT_SAYS = {
    "tr": ("Çerez tercihleriniz",
           ["Bu site, deneyiminizi iyileştirmek için çerezler kullanır.",
            "Çerezler ve benzeri teknolojilerle kişisel verileriniz KVKK kapsamında işlenir.",
            "İş ortaklarımız reklam ve ölçüm amacıyla çerez bilgilerinize erişebilir.",
            "Açık rızanızı dilediğiniz zaman gizlilik ayarlarından geri alabilirsiniz."],
           ("Tümünü kabul et", "Reddet", "Tercihleri yönet")),
    "ru": ("Мы используем файлы cookie",
           ["Этот сайт использует файлы cookie, чтобы сайт работал лучше.",
            "Продолжая, вы даёте согласие на обработку персональных данных.",
            "Наши партнёры используют куки для рекламы и аналитики.",
            "Подробнее — в политике конфиденциальности."],
           ("Принять все", "Отклонить", "Настройки")),
    "en": ("We value your privacy",
           ["We and our partners store and access information on your device, such as cookies.",
            "With your consent we process personal data for personalised ads and content.",
            "Some of our vendors rely on legitimate interest rather than consent.",
            "You can change your choices at any time in the privacy settings."],
           ("Accept all", "Reject all", "Manage options")),
}


def consent_wall(lang: str, with_buttons: bool = True) -> bytes:
    """A consent page served in place of the article, in the site's chrome."""
    title, sentences, buttons = CONSENT_SAYS[lang]
    controls = "".join(f"<button type='button'>{b}</button>" for b in buttons) if with_buttons else ""
    script = "" if with_buttons else "<script>window.__tcfapi=window.__tcfapi||function(){};</script>"
    main = f"<div class='consent'><h2>{title}</h2>{''.join(f'<p>{s}</p>' for s in sentences)}{controls}</div>{script}"
    return in_chrome(SITES[lang], SITES[lang].name, main)


def article_with_banner_and_captcha(lang: str) -> bytes:
    """A real article with a cookie banner (consent platform, accept button) and a reCAPTCHA comment form."""
    title, sentences, buttons = CONSENT_SAYS[lang]
    banner = (f"<div id='onetrust-banner-sdk'><p>{sentences[0]}</p><button>{buttons[0]}</button></div>"
              "<form class='comments'><textarea></textarea><script src='https://www.google.com/recaptcha/api.js'>"
              "</script></form>")
    return article(lang, extra=banner)


# -- pages that redirect themselves ---------------------------------------------------------------------
def meta_refresh_stub(target: str, wait: int = 0) -> bytes:
    """An old mobile page: a meta refresh and one word to click."""
    return (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=utf-8'>"
            f"<meta http-equiv=\"refresh\" content=\"{wait}; URL='{target}'\"></head>"
            f"<body><a href=\"{target}\">Devam</a></body></html>").encode("utf-8")


def script_redirect_stub(target: str, style: str = "href") -> bytes:
    """A page whose only job is a one-line script redirect (``href``, ``replace`` or ``window``)."""
    line = {"href": f'window.location.href = "{target}";', "replace": f"location.replace('{target}')",
            "window": f'window.location = "{target.replace("/", chr(92) + "/")}";'}[style]
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Перенаправление</title></head><body>"
            f"<p>Перенаправление…</p><script type='text/javascript'>{line}</script></body></html>").encode("utf-8")
