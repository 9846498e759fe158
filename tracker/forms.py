"""The base form every form uses: strips whitespace and lists errors for the NHS error summary."""

from __future__ import annotations

from flask_wtf import FlaskForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            if _strip not in filters:
                filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)

    def error_summary(self) -> list[dict]:
        """Errors as the NHS.UK error summary wants them: text and a link to the field."""
        items = []
        for field in self:
            for message in field.errors:
                items.append({"text": message, "href": f"#{self._anchor(field)}"})
        for message in self.form_errors:
            items.append({"text": message, "href": "#maincontent"})
        return items

    @staticmethod
    def _anchor(field) -> str:
        # Radios and checkboxes are labelled by their first item's id.
        if field.type in ("RadioField", "MultiCheckboxField"):
            return f"{field.id}"
        return field.id

    def add_error(self, field_name: str | None, message: str) -> None:
        if field_name and field_name in self._fields:
            self._fields[field_name].errors = [*self._fields[field_name].errors, message]
        else:
            self.form_errors.append(message)
