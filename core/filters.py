"""What the pages' filters share."""

import django_filters


class FilterSet(django_filters.FilterSet):
    """A page's filters, read from the query string: their fields' ids start with "filter_"
    (never clashing with a form on the same page) and their labels end with no colon."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.auto_id = "filter_%s"
        self.form.label_suffix = ""
