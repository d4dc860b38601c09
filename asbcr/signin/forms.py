"""Forms for the second factor. Codes are typed by people: spaces and dashes are fine."""

import re

from django import forms


def _clean_code(value: str) -> str:
    return re.sub(r"[\s-]+", "", value or "").lower()


class AppCodeForm(forms.Form):
    """The 6-digit code from an authenticator app, when setting one up."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for ASB Case Review, for example 123456.",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self):
        code = _clean_code(self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the 6 digits the app shows, for example 123456")
        return code


class SecondFactorForm(forms.Form):
    """A code from the authenticator app, or one of the backup codes."""

    code = forms.CharField(
        label="Code from your authenticator app, or a backup code",
        help_text="The 6-digit code the app shows, for example 123456, or one of your "
        "8-character backup codes.",
        max_length=40,
        error_messages={"required": "Enter the code from your authenticator app or a backup code"},
    )

    def clean_code(self):
        code = _clean_code(self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}|[a-z2-7]{8}", code):
            raise forms.ValidationError(
                "Enter the 6 digits from your authenticator app, or an 8-character backup code"
            )
        return code
