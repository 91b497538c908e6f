"""Listen: reads the screen aloud with QtTextToSpeech in the patient's language.

The engine comes from ``DOSSIER_TTS_ENGINE`` (tests use ``mock``); otherwise the platform's
first installed choice (``assistant.platform_choices.speech_engines``), else Qt's default.
When no voice can speak the language, :meth:`Speaker.say` returns a clear message instead.
The PIN is never given to this module.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, Signal

from assistant.i18n import _, current_language
from assistant.platform_choices import speech_engines
from assistant.text_language import primary_language

if TYPE_CHECKING:  # an optional Qt module: imported where speech starts
    from PySide6.QtTextToSpeech import QTextToSpeech

log = logging.getLogger(__name__)

#: The locale each program language is spoken in (Belgian variants first).
SPEECH_LOCALES: dict[str, tuple[str, ...]] = {
    "fr": ("fr_BE", "fr_FR", "fr"),
    "nl": ("nl_BE", "nl_NL", "nl"),
    "en": ("en_GB", "en_US", "en"),
    "de": ("de_BE", "de_DE", "de"),
}


def engine_name() -> str | None:
    """The engine asked for by the environment (None: this platform's choice)."""
    name = os.environ.get("DOSSIER_TTS_ENGINE", "").strip()
    return name or None


def preferred_engine(available: list[str]) -> str | None:
    """This platform's best engine among ``available`` (None: Qt's default)."""
    return next((name for name in speech_engines() if name in available), None)


class Speaker(QObject):
    """One text-to-speech voice that follows the program language."""

    #: Text that was sent to the voice.
    spoken = Signal(str)
    #: A patient-facing message when speech cannot work.
    unavailable = Signal(str)

    def __init__(self, parent: QObject | None = None, engine: str | None = None) -> None:
        super().__init__(parent)
        self._engine_name = engine if engine is not None else engine_name()
        self._tts: object | None = None
        self._error: str | None = None
        self._language: str | None = None
        self.last_text = ""
        #: The locale each queued text is spoken in (:meth:`say_parts`).
        self._utterance_locales: dict[int, QLocale] = {}
        self._switching = False

    def _ensure(self) -> object | None:
        if self._tts is not None or self._error is not None:
            return self._tts
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            self._error = "QtTextToSpeech module missing"
            return None
        engines = QTextToSpeech.availableEngines()
        name = self._engine_name or preferred_engine(engines)
        if name is not None and name not in engines:
            log.warning("speech engine %s not available (have %s)", name, engines)
            self._error = f"engine {name} missing"
            return None
        tts = QTextToSpeech(name, self) if name else QTextToSpeech(self)
        if tts.state() == QTextToSpeech.State.Error:
            log.warning("speech engine failed to start: %s", tts.errorString())
            self._error = "engine error"
            return None
        self._tts = tts
        return tts

    def _select_language(self, tts: object) -> bool:
        from PySide6.QtTextToSpeech import QTextToSpeech

        assert isinstance(tts, QTextToSpeech)
        lang = current_language()
        if self._language == lang:
            return True
        available = {loc.name(): loc for loc in tts.availableLocales()}
        for name in SPEECH_LOCALES.get(lang, (lang,)):
            loc = available.get(name)
            if loc is None:
                loc = next((v for k, v in available.items() if k.startswith(name)), None)
            if loc is not None:
                tts.setLocale(loc)
                voices = tts.availableVoices()
                if voices:
                    tts.setVoice(voices[0])
                self._language = lang
                return True
        # Some engines list no locales but speak the requested one anyway.
        if not available:
            tts.setLocale(QLocale(SPEECH_LOCALES.get(lang, (lang,))[0]))
            self._language = lang
            return True
        return False

    def is_available(self) -> bool:
        tts = self._ensure()
        return tts is not None and self._select_language(tts)

    def no_voice_message(self) -> str:
        return _(
            "The computer cannot read aloud in this language. "
            "No voice is installed. Ask someone to install a voice."
        )

    def _stopped_voice(self) -> QTextToSpeech | None:
        """The engine in the program's language, silent and ready to speak; None (and
        ``unavailable`` emitted) when no voice can speak it."""
        tts = self._ensure()
        if tts is None or not self._select_language(tts):
            self.unavailable.emit(self.no_voice_message())
            return None
        from PySide6.QtTextToSpeech import QTextToSpeech

        assert isinstance(tts, QTextToSpeech)
        tts.stop()
        return tts

    def say(self, text: str) -> str | None:
        """Speak ``text``. Returns None when speaking, else the message to show."""
        tts = self._stopped_voice()
        if tts is None:
            return self.no_voice_message()
        tts.say(text)
        self.last_text = text
        self.spoken.emit(text)
        return None

    def say_parts(self, parts: list[tuple[str, str]]) -> str | None:
        """Speak texts one after the other, each in its language ("" for the program's): a
        text from the record in English is read by an English voice when there is one, else
        by the program's voice. Returns None when speaking, else the message to show."""
        languages = {primary_language(lang) for _text, lang in parts} - {"", current_language()}
        if not languages:
            return self.say("\n".join(text for text, _lang in parts))
        tts = self._stopped_voice()
        if tts is None:
            return self.no_voice_message()
        if not self._switching:
            tts.aboutToSynthesize.connect(self._switch_voice)
            self._switching = True
        own = tts.locale()
        self._utterance_locales = {}
        for text, lang in parts:
            locale = self._locale_for(tts, primary_language(lang)) if lang else None
            self._utterance_locales[tts.enqueue(text)] = locale or own
        self._language = None  # the next say() chooses the program's voice again
        self.last_text = "\n".join(text for text, _lang in parts)
        self.spoken.emit(self.last_text)
        return None

    def _locale_for(self, tts: object, lang: str) -> QLocale | None:
        """A locale of ``lang`` the engine can speak (None: it has none)."""
        from PySide6.QtTextToSpeech import QTextToSpeech

        assert isinstance(tts, QTextToSpeech)
        names = SPEECH_LOCALES.get(lang, (lang,))
        for loc in tts.availableLocales():
            if any(loc.name() == n or loc.name().startswith(n) for n in names):
                return loc
        return None

    def _switch_voice(self, utterance: int) -> None:
        """Just before a queued text is spoken: the voice of its language."""
        tts = self._tts
        locale = self._utterance_locales.get(utterance)
        if tts is None or locale is None:
            return
        from PySide6.QtTextToSpeech import QTextToSpeech

        assert isinstance(tts, QTextToSpeech)
        if tts.locale() != locale:
            tts.setLocale(locale)
            voices = tts.availableVoices()
            if voices:
                tts.setVoice(voices[0])

    def stop(self) -> None:
        if self._tts is None:  # nothing ever spoken: do not load the speech module for nothing
            return
        from PySide6.QtTextToSpeech import QTextToSpeech

        if isinstance(self._tts, QTextToSpeech):
            self._tts.stop()

    def language_changed(self) -> None:
        """Forget the chosen voice; the next :meth:`say` picks one for the new language."""
        self._language = None
