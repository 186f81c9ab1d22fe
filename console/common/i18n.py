"""Interface language: Chinese by default, English (the source strings) with `--lang en`."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from console.resources import TRANSLATIONS

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh-cn": "zh_CN", "zh_hans": "zh_CN", "cn": "zh_CN",
            "en": "en", "en_us": "en", "en-us": "en", "en_gb": "en", "c": "en"}
_INSTALLED = "_console_translators"
_LANGUAGE = "_console_language"


def normalise_language(lang: str | None) -> str:
    """'zh', 'zh-CN', 'zh_CN' → 'zh_CN'; 'en', 'en_US' → 'en'; anything else → the default."""
    return _ALIASES.get((lang or "").strip().lower(), DEFAULT_LANGUAGE)


def install_translators(app: QCoreApplication, lang: str | None) -> str:
    """Replace the application's translators with those of `lang`; returns the language used."""
    lang = normalise_language(lang)
    for old in getattr(app, _INSTALLED, []):
        app.removeTranslator(old)
    kept: list[QTranslator] = []
    if lang == "zh_CN":
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        # One catalogue per feature (catalogues.txt); Qt searches every installed translator.
        for qm in sorted(TRANSLATIONS.glob("*_zh_CN.qm")):
            ours = QTranslator(app)
            if ours.load(str(qm)):
                kept.append(ours)
        # Qt's own strings (standard buttons, context menus) where the Qt install ships them.
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qtbase = QTranslator(app)
        if qtbase.load("qtbase_zh_CN", qt_dir):
            kept.append(qtbase)
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    for translator in kept:
        app.installTranslator(translator)
    # The translators must outlive this call: QCoreApplication does not own them.
    setattr(app, _INSTALLED, kept)
    setattr(app, _LANGUAGE, lang)
    return lang


def current_language(app: QCoreApplication | None = None) -> str:
    """The language installed by install_translators (English, the source, when none was)."""
    app = app or QCoreApplication.instance()
    return getattr(app, _LANGUAGE, "en") if app is not None else "en"
