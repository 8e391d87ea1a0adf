"""Passwords: at least 12 characters (OWASP ASVS 4.0 2.1.1), with Django's other validators kept."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


def refusal_codes(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {item.code for item in error.error_list}
    return set()


def test_an_eleven_character_password_is_too_short():
    assert "password_too_short" in refusal_codes("kx7#mQ2!vLp")


def test_a_twelve_character_password_is_long_enough():
    assert refusal_codes("kx7#mQ2!vLpw") == set()


@pytest.mark.parametrize(
    ("password", "code"),
    [("password1234", "password_too_common"), ("834092751634", "password_entirely_numeric")],
)
def test_common_and_numeric_passwords_are_still_refused(password, code):
    assert code in refusal_codes(password)


def test_a_password_like_the_username_is_still_refused(django_user_model):
    user = django_user_model(username="sunghee.park.editor")
    assert "password_too_similar" in refusal_codes("sunghee.park.editor1", user)
