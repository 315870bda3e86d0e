"""A password hasher for the test process only: the suite creates thousands of users, and
Django's default PBKDF2 (a million rounds, ~0.3 s a password on these machines) made user
creation the largest single cost of the in-process tests.

Its hashes are ordinary ``pbkdf2_sha256`` ones with fewer rounds, so the servers and workers the
integration tests start (with Django's default hashers) verify them, and upgrade them on a
password login as they would any older hash.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
