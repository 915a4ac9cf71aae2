"""Personal API tokens: create one (shown once), see them, revoke them."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .models import ApiToken
from .selectors import manageable_tokens, manages_others, may_issue_for_others


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="What is it for?",
        help_text="For example: payroll export, door system.",
        error_messages={"required": "Say what the token is for, so you can tell it apart later."},
    )
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        empty_label="Myself",
        label="For whom",
        help_text="Superusers may create a token for someone else.",
    )

    def __init__(self, *args, for_others: bool, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not for_others:
            del self.fields["user"]


@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request):
    """Every signed-in user manages their own tokens; see selectors for who manages more."""
    for_others = may_issue_for_others(request.user)
    form = TokenForm(request.POST or None, for_others=for_others)
    new_key = None
    if form.is_valid():
        owner = form.cleaned_data.get("user") or request.user
        token, new_key = ApiToken.issue(user=owner, name=form.cleaned_data["name"].strip())
        form = TokenForm(for_others=for_others)
    context = {
        "form": form,
        "tokens": manageable_tokens(request.user),
        "new_key": new_key,
        "may_manage": manages_others(request.user),
    }
    response = render(request, "api/tokens.html", context, status=400 if form.errors else 200)
    if new_key:
        response["Cache-Control"] = "no-store"  # the key is on this page only
    return response


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(manageable_tokens(request.user), pk=pk)
    token.revoke()
    messages.success(request, f"Revoked {token}. It no longer works.")
    return redirect("tokens:list")
