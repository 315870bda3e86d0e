"""The language of the web client's interface: the user's setting first, then the browser's.

Django's LocaleMiddleware picks the browser's language (the language cookie, Accept-Language);
for a signed-in user the middleware below replaces it with Profile.interface_language, or with
the reading language when that is blank, as long as the interface has a catalog for it
(settings.LANGUAGES). A user who reads a language the interface does not speak keeps the
browser's choice.
"""

from asgiref.sync import iscoroutinefunction
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.decorators import sync_and_async_middleware

from chat.models import Profile


def interface_language_supported(code: str) -> str | None:
    """The interface language (a code of settings.LANGUAGES) that serves `code`, if any."""
    if not code:
        return None
    try:
        # Accepts regional variants: "pt-BR" is served by "pt".
        return translation.get_supported_language_variant(code.lower())
    except LookupError:
        return None


def interface_language_choose(*, interface: str, reading: str) -> str | None:
    """The interface language for these profile settings; None leaves it to the browser."""
    return interface_language_supported(interface) or interface_language_supported(reading)


def interface_language_for(*, user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The interface language the user chose (or reads in); None leaves it to the browser."""
    if not user.is_authenticated:
        return None
    row = _settings(user).first()
    return interface_language_choose(interface=row[0], reading=row[1]) if row else None


async def ainterface_language_for(*, user: AbstractBaseUser | AnonymousUser) -> str | None:
    """interface_language_for, for async code."""
    if not user.is_authenticated:
        return None
    row = await _settings(user).afirst()
    return interface_language_choose(interface=row[0], reading=row[1]) if row else None


def _settings(user: AbstractBaseUser):
    return Profile.objects.filter(user=user).values_list("interface_language", "language")


def _activate(request: HttpRequest, language: str | None) -> None:
    if language is not None:
        translation.activate(language)
        request.LANGUAGE_CODE = language


@sync_and_async_middleware
def interface_language_middleware(get_response):
    """Activate the signed-in user's interface language. It goes after AuthenticationMiddleware
    and inside LocaleMiddleware, which then sends it as Content-Language."""
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> HttpResponse:
            _activate(request, await ainterface_language_for(user=await request.auser()))
            return await get_response(request)

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            _activate(request, interface_language_for(user=request.user))
            return get_response(request)

    return middleware
