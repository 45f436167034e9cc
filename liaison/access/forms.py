from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from liaison.lib.forms import CleanInputMixin


class LoginForm(CleanInputMixin, AuthenticationForm):
    """Django's login form, with its login ID length enforced.

    Django only sets ``max_length`` on the field after creating it, so no validator checks it: a 100,000-character
    ID reached ``authenticate()`` and the lock-out record (255 characters on PostgreSQL) failed with a 500. With the
    validator the field is refused and no authentication is attempted.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
