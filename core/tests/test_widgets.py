"""QuickSelect writes the same <select> as Django's templates, only faster."""

import re

from django import forms

from core.forms import QuickSelect


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


class Picker(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "All departments"), ("1", "R&D <Labs>"), ("2", 'Sales "EU"')],
        required=False,
    )
    grouped = forms.ChoiceField(
        choices=[("Europe", [("1", "Paris"), ("2", "Berlin")]), ("3", "Remote")],
        widget=forms.Select(attrs={"aria-describedby": "hint", "data-x": True}),
    )


def test_the_same_html_as_djangos_select_with_a_choice_made_and_groups():
    for data in ({"plain": "2", "grouped": "2"}, {}):
        form = Picker(data)
        for name in ("plain", "grouped"):
            field = form.fields[name]
            django_html = field.widget.render(name, data.get(name), attrs={"id": f"id_{name}"})
            quick = QuickSelect(attrs=field.widget.attrs, choices=field.choices)
            quick_html = quick.render(name, data.get(name), attrs={"id": f"id_{name}"})
            assert squeeze(quick_html) == squeeze(django_html)
    html = QuickSelect(choices=Picker.base_fields["plain"].choices).render("plain", "1")
    assert '<option value="1" selected>R&amp;D &lt;Labs&gt;</option>' in html
    assert "Sales &quot;EU&quot;" in html
