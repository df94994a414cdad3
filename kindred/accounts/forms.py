from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from kindred.accounts.models import Membership, Organisation, Role, User
from kindred.core.selectors import AuditSearch
from kindred.nhsuk_forms.dates import DateField


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


class PersonToInviteForm(forms.Form):
    """Who to invite: the name and email address the admin types (ADR-071)."""

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


class TeamMemberForm(PersonToInviteForm):
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


class AuditSearchForm(forms.Form):
    """The organisation admin's search of their organisation's audit log."""

    actor = forms.CharField(label="Who (email address contains)", required=False, max_length=254)
    action = forms.ChoiceField(label="What they did", required=False)
    record_id = forms.UUIDField(
        label="Record ID",
        required=False,
        error_messages={
            "invalid": "Record ID must be an ID like 0b5e6a1c-3f0e-4c8e-9a43-2c1d5b7e9f10"
        },
    )
    date_from = DateField(label="From", required=False)
    date_to = DateField(label="To", required=False)

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "Anything"), *((a, a) for a in actions)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "To must be the same as or after From")
        return data

    def search(self) -> AuditSearch:
        data = self.cleaned_data
        return AuditSearch(
            actor=data.get("actor", "").strip(),
            action=data.get("action", ""),
            record_id=str(data["record_id"]) if data.get("record_id") else "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
