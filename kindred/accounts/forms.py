from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from kindred.accounts.models import Membership, Organisation, Role, User


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: User | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("email") and data.get("password"):
            user = authenticate(
                self.request, email=data["email"].lower(), password=data["password"]
            )
            if user is None or not user.is_active:
                # One message for both cases, so the form does not reveal who has an account.
                raise forms.ValidationError("Enter a correct email address and password")
            self.user = user
        return data


class RoleField(forms.ChoiceField):
    """Offers only the roles the acting user may give, but lets any real role through to the
    service, which refuses one beyond their reach plainly and audits it (ADR-070): the form is
    a convenience, never the check."""

    def valid_value(self, value: Any) -> bool:
        return str(value) in Role.values


class TeamMemberForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter their full name"},
    )
    email = forms.EmailField(
        label="Email address",
        help_text=(
            "They sign in with this. We will email them an invitation to accept, and a link to "
            "set a password if they need one."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    role = RoleField(
        label="Role",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose their role",
            "invalid_choice": "Choose one of the roles",
        },
    )

    def __init__(
        self, *args: Any, organisation: Organisation, roles: Sequence[Role], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        role_field = self.fields["role"]
        assert isinstance(role_field, RoleField)
        role_field.choices = [(role.value, role.label) for role in roles]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, role = data.get("email"), data.get("role")
        if email and role:
            held = Membership.objects.filter(user__email=email.lower(), role=role, is_active=True)
            held = (
                held.filter(network=self.organisation.network, network__isnull=False)
                if Role(role).reaches_network
                else held.filter(organisation=self.organisation)
            )
            if held.exists():  # our own team, which the admin already sees
                self.add_error("role", f"They are already {Role(role).label.lower()} here")
        return data


class ForgottenPasswordForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label="New password",
        strip=False,
        help_text=(
            "At least 12 characters. Not a common password, and not containing Kindred, your "
            "name or your email address. A few unrelated words make a good password."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password"},
    )
    confirm = forms.CharField(
        label="Type the new password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the new password again"},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        try:
            validate_password(password, self.user)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("confirm") and data["password"] != data["confirm"]:
            self.add_error("confirm", "The passwords do not match")
        return data


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6 numbers your app shows for Kindred, for example 123456",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "nhsuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("The code must be 6 numbers, like 123456")
        return code
