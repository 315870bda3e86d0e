"""The safety patterns are built once per process, on first use or by `warm_up` at a worker's
start, never at import: a migration or a scale-out web server does not compile them."""

import subprocess
import sys
import textwrap

from tests.support.servers import ROOT

SETUP = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xlate_site.settings")
django.setup()
"""


def in_a_fresh_process(code: str) -> list[str]:
    """What `code` prints, run after django.setup() in a new Python process."""
    done = subprocess.run(
        [sys.executable, "-c", SETUP + textwrap.dedent(code)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_setting_up_django_builds_no_pattern_and_warm_up_builds_them_all():
    printed = in_a_fresh_process(
        """
        from moderation.emails import _mail_names
        from moderation.keywords import KEYWORDS
        from moderation.spelled_numbers import _book
        print(KEYWORDS._built, _book.cache_info().currsize, _mail_names.cache_info().currsize)
        from moderation.detectors import warm_up
        warm_up()
        print(KEYWORDS._built, _book.cache_info().currsize > 0, _mail_names.cache_info().currsize)
        """
    )

    assert printed[:2] == ["False 0 0", "True True 1"]


def test_the_first_scan_sees_every_detector_even_before_any_warm_up():
    """Built on first use, the shared keyword pass still holds every detector's keywords:
    a scan in a fresh process finds a payment request and a handle."""
    printed = in_a_fresh_process(
        """
        from moderation.detectors import scan
        found = scan("send me 200 usd for the ticket and add me on telegram @julie_88")
        print(sorted({f.kind for f in found}))
        """
    )

    assert printed == ["['messenger_handle', 'payment_request']"]
