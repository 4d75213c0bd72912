"""What pages that are not articles say and carry, in the outlets' languages (tr, ru, uk, az) and English.

Each pattern runs on case-folded text (``fold``): Turkish and Azerbaijani dotless and dotted i are
matched either way (``[ıi]``), and Cyrillic endings are left open. These are the page's *own*
signals; extractors.page_kind combines them with its structure (how much text, what scripts, what
controls) and with the host's answer for an address that cannot exist, never with a phrase alone.
"""
from __future__ import annotations

import re


def fold(text: str) -> str:
    """Case-folded, with the combining dot that folding 'İ' leaves removed."""
    return text.casefold().replace("\u0307", "")


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# a missing page saying so about itself: "page not found", "sayfa bulunamadı", "страница не найдена", ...
PAGE_NOT_FOUND = _any(
    # en
    r"\bpage (?:was )?not found\b", r"\b(?:page|article|content|story|url|address) (?:you (?:are|were) looking for|"
    r"you requested|requested)\b", r"\b(?:page|article) (?:does not|doesn't|no longer) exists?\b",
    r"\b(?:could ?n[o']t|can ?n[o']t) find (?:the|this|that) page\b", r"\berror 404\b", r"\b404 error\b",
    r"\b404 (?:-|–|—)? ?not found\b",
    # tr
    r"\b(?:sayfa|haber|içerik|yaz[ıi]) bulunamad[ıi]", r"\barad[ıi]ğ[ıi]n[ıi]z (?:sayfa|haber|içerik)",
    r"\b(?:sayfa|haber|içerik) mevcut değil", r"\bböyle bir sayfa", r"\bhata 404\b",
    # ru
    r"\bстраниц[аыу] не найден", r"\bстраниц[аы] не существует", r"\bтакой страницы нет", r"\bошибка 404\b",
    r"\bзапрашиваем(?:ая|ой|ый) (?:страниц|материал|адрес)", r"\b(?:материал|статья|новость) не найден",
    # uk
    r"\bсторінк[аиу] не знайден", r"\bсторінк[аи] не існує", r"\bпомилка 404\b", r"\bтакої сторінки немає",
    r"\b(?:матеріал|статтю|новину) не знайден",
    # az
    r"\b(?:səhifə|xəbər|məqalə) tap[ıi]lmad[ıi]", r"\baxtard[ıi]ğ[ıi]n[ıi]z (?:səhifə|xəbər)", r"\bsəhifə mövcud deyil",
    r"\bxəta 404\b",
)
# "not found" alone: also a headline ("Kayıp dağcı bulunamadı", "Пропавший турист не найден")
NOT_FOUND = _any(PAGE_NOT_FOUND.pattern, r"\bnot found\b", r"\bbulunamad[ıi]", r"\bне найден", r"\bне знайден",
                 r"\btap[ıi]lmad[ıi]")
# a title that is a status: "404", "404 - Site", "Site | 404" (not "Flight 404 lands")
STATUS_TITLE = re.compile(r"^\s*404\b|\b404\s*$|[|:\-–—]\s*404\b|\b404\s*[|:\-–—]")

# what bot protection tells a visitor while it checks them (no vendor's whole sentence)
CHALLENGE_TEXT = _any(
    # en
    r"\bchecking (?:your|if the site connection|the site connection)", r"\bverify(?:ing)? (?:that )?you are (?:a )?human",
    r"\bare you a (?:robot|human)\b", r"\bnot a robot\b", r"\benable javascript and cookies\b",
    r"\b(?:enable|allow|turn on) cookies\b", r"\bjust a moment\b", r"\bone moment, please\b",
    r"\bsecurity (?:check|verification)\b", r"\bddos(?:[- ]guard| protection)\b", r"\battention required\b",
    r"\bhuman verification\b", r"\bcaptcha\b", r"\bunusual traffic\b", r"\bpress (?:&|and) hold\b",
    # tr
    r"\btaray[ıi]c[ıi]n[ıi]z[ıi]? kontrol", r"\brobot olmad[ıi]ğ[ıi]n[ıi]z", r"\brobot değilim",
    r"\binsan olduğunuzu", r"\blütfen bekleyin", r"\bgüvenlik (?:kontrolü|doğrulamas[ıi])",
    r"\bçerezleri? (?:etkinleştir|açın|aç[ıi]k)", r"\bddos koruma",
    # ru
    r"\bпроверк[аи] (?:вашего )?браузера", r"\bпроверяем (?:ваш )?браузер", r"\bвы не робот", r"\bя не робот",
    r"\bчто вы (?:человек|не робот)", r"\bпожалуйста, подождите", r"\bпроверка безопасности",
    r"\bвключите (?:javascript|cookies?|куки)", r"\bзащит[аы] от ddos", r"\bкапч",
    # uk
    r"\bперевірк[аи] (?:вашого )?браузера", r"\bперевіряємо (?:ваш )?браузер", r"\bви не робот",
    r"\bщо ви (?:людина|не робот)", r"\bбудь ласка, зачекайте", r"\bперевірка безпеки",
    r"\bувімкніть (?:javascript|cookies?|кукі)", r"\bзахист від ddos",
    # az
    r"\bbrauzeriniz yoxlan[ıi]l[ıi]r", r"\bbrauzerin yoxlan[ıi]lmas[ıi]", r"\brobot olmad[ıi]ğ[ıi]n[ıi]z[ıi]?",
    r"\brobot deyiləm", r"\bzəhmət olmasa,? gözləyin", r"\btəhlükəsizlik yoxlamas[ıi]",
    r"\bjavascript(?:-i)? aktiv",
)

# scripts, frames and forms of challenge and captcha services (many vendors; none decides alone:
# page_kind asks for a page with almost no text of its own as well)
CHALLENGE_MARKUP = re.compile(
    r"/cdn-cgi/challenge-platform/|challenges\.cloudflare\.com|_cf_chl_opt|\bcf-chl-|"
    r"captcha-delivery\.com|/_incapsula_resource|ddos-guard\.net|/\.well-known/ddos-guard/|"
    r"sucuri_cloudproxy|awswaf\.com|awswafintegration|px-captcha|perimeterx|"
    r"smartcaptcha\.yandexcloud\.net|/showcaptcha|/checkcaptcha|servicepipe\.ru|qrator|stormwall|variti|"
    r"hcaptcha\.com|/recaptcha/(?:api|enterprise)|challenges?-form|id=[\"']?challenge|"
    r"geetest|arkoselabs|funcaptcha|friendlycaptcha", re.IGNORECASE)

# what a consent page is about
CONSENT_TERMS = _any(
    # en
    r"\bcookies?\b", r"\bconsent", r"\bprivacy\b", r"\bpersonal data\b", r"\bgdpr\b", r"\blegitimate interest",
    r"\b(?:our|third[- ]party) (?:partners|vendors)\b", r"\bpersonali[sz]ed (?:ads|advertising|content)",
    # tr
    r"\bçerez", r"\bkişisel veri", r"\bkvkk\b", r"\bgizlilik", r"\baç[ıi]k r[ıi]za", r"\biş ortaklar[ıi]",
    # ru
    r"\bкуки\b", r"\bсоглас(?:ие|ия|ию|ием|ен|на|иться|шаюсь)\b", r"\bконфиденциальн", r"\bперсональн(?:ых|ые) данн",
    r"\bпартн[её]р",
    # uk
    r"\bкукі\b", r"\bзгод(?:а|и|у|ою)\b", r"\bзгоден\b", r"\bконфіденційн", r"\bперсональн(?:их|і) дан",
    # az
    r"\bkuki", r"\bçərəz", r"\brazıl[ıi]q", r"\bməxfilik", r"\bşəxsi məlumat", r"\btərəfdaş",
)
# what the buttons of a consent dialog say
CONSENT_CONTROL = _any(
    r"\baccept", r"\bagree\b", r"\ballow all\b", r"\breject", r"\bdecline\b", r"\bmanage (?:options|preferences|settings)",
    r"\bkabul", r"\bonayl[ıa]", r"\breddet", r"\btercih",
    r"\bприня(?:ть|тие)", r"\bсогла(?:сен|ситься|шаюсь)", r"\bотклонить", r"\bнастро(?:йки|ить)",
    r"\bприйняти", r"\bпогоджу", r"\bвідхилити", r"\bналаштування",
    r"\bqəbul", r"\brazıyam", r"\brədd et", r"\btənzimləmə",
)
# consent-management platforms in markup (a banner on a real page has them too: never alone)
CONSENT_MARKUP = re.compile(
    r"__tcfapi|__cmp\b|didomi|onetrust|optanon|cookiebot|cookielaw|quantcast|sp_message|sourcepoint|"
    r"usercentrics|consentmanager|trustarc|iubenda|\bklaro\b|cookie-?consent|consent-?(?:banner|wall|form)|"
    r"\bgdpr\b|collectconsent", re.IGNORECASE)
# an address that serves consent (consent.example.com, /gdpr/, /cookie-consent)
CONSENT_ADDRESS = re.compile(r"//consent\.|[/.](?:gdpr|consent|cookie-?consent|cookies?-?policy)(?:[/?.]|$)",
                             re.IGNORECASE)
